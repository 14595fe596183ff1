"""Media items (photos, audio, video, documents, links) and the files behind them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from portal.accounts.models import User

from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

KINDS = ("image", "audio", "video", "document", "link")
KIND_LABELS = {
    "image": "Photos",
    "audio": "Audio",
    "video": "Video",
    "document": "Documents",
    "link": "Links",
}
PROCESSING, READY, FAILED = "processing", "ready", "failed"

# The stored upload as it arrived. Never served inline; once a clean copy without
# metadata exists, the raw upload is removed so no photo keeps its GPS position.
ORIGINAL = "original"


class MediaItem(db.Model):
    """One thing a family added to a child's library. Its files live in storage,
    recorded as MediaFile rows; replacing the file keeps the item (and its embeds)."""

    __tablename__ = "media_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=PROCESSING)
    failure_reason: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(200))
    alt_text: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="family", server_default="family")
    # Links only: where they go, and a privacy-enhanced player for known video sites.
    url: Mapped[str | None] = mapped_column(String(2000))
    embed_url: Mapped[str | None] = mapped_column(String(300))
    # What the current file is, as found from its bytes (never the browser's word).
    original_name: Mapped[str] = mapped_column(String(255), default="")
    original_mime: Mapped[str] = mapped_column(String(100), default="")
    original_label: Mapped[str] = mapped_column(String(60), default="")
    original_size: Mapped[int] = mapped_column(BigInteger, default=0)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    page_count: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    added_by: Mapped[User | None] = relationship("User")
    files: Mapped[list[MediaFile]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )

    def current_files(self) -> dict[str, MediaFile]:
        """This generation's files by name (original, thumb, display, ...)."""
        return {f.name: f for f in self.files if f.generation == self.generation}


class MediaFile(db.Model):
    """One stored object: an original or a rendition, in one generation of an item.
    Records which backend holds it, so moving stores later loses nothing."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("media_item.id", ondelete="CASCADE"), index=True
    )
    generation: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(20))
    backend: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[MediaItem] = relationship(back_populates="files")
