"""Scanned paper forms and their pages: uploaded by a SEND administrator, read by OCR,
checked by staff and published to the child's wiki, then confirmed by the family."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.families.models import Child

from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

FORM_TYPES = {
    "all_about_me": "All About Me",
    "my_family": "My Family",
    "parent_carer_views": "Parent/carer views",
    "young_persons_views": "Young person's views",
    "other": "Other",
}

# A scan's way through: read by OCR, checked and published by staff, confirmed by the
# family (as typed, or after they edited the page). FAILED: the file could not be read.
UPLOADED, READ, CHECKED, CONFIRMED, FAILED = "uploaded", "read", "checked", "confirmed", "failed"
STATUS_LABELS = {
    UPLOADED: "Uploaded, being read",
    READ: "Read, needs checking",
    CHECKED: "Checked by staff, waiting for the family",
    CONFIRMED: "Confirmed by the family",
    FAILED: "Could not be read",
}
# Each page: WAITING to be rendered and read, then DONE or FAILED (with a reason).
WAITING, DONE = "waiting", "done"
CONFIRMED_AS_TYPED, CONFIRMED_BY_EDITING = "as_typed", "edited"


class ScannedForm(db.Model):
    """One uploaded scan of a paper form (one file, one or many pages). The original
    file is kept as uploaded, recorded with its storage backend and key."""

    __tablename__ = "scanned_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    form_type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default=UPLOADED)
    failure_reason: Mapped[str] = mapped_column(String(300), default="")
    # Bumped by every save, so an administrator saving over a colleague is told.
    version: Mapped[int] = mapped_column(Integer, default=1)
    page_count: Mapped[int] = mapped_column(Integer)
    # False when Tesseract was not installed: staff type each page's text themselves.
    ocr_used: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    original_name: Mapped[str] = mapped_column(String(255), default="")
    original_mime: Mapped[str] = mapped_column(String(100))
    original_label: Mapped[str] = mapped_column(String(60))
    original_size: Mapped[int] = mapped_column(BigInteger)
    original_backend: Mapped[str] = mapped_column(String(10))
    original_key: Mapped[str] = mapped_column(String(200), unique=True)

    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Where it was published, with the scan attached to that page as a document.
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("wiki_page.id", ondelete="SET NULL"), index=True
    )
    media_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_item.id", ondelete="SET NULL")
    )
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The family's word that the page says what they meant.
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_how: Mapped[str | None] = mapped_column(String(10))

    child: Mapped[Child] = relationship("Child")
    uploaded_by: Mapped[User | None] = relationship("User", foreign_keys=[uploaded_by_id])
    published_by: Mapped[User | None] = relationship("User", foreign_keys=[published_by_id])
    confirmed_by: Mapped[User | None] = relationship("User", foreign_keys=[confirmed_by_id])
    pages: Mapped[list[ScanPage]] = relationship(
        back_populates="scan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ScanPage.number",
    )

    @property
    def form_label(self) -> str:
        return FORM_TYPES.get(self.form_type, "Other")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class ScanPage(db.Model):
    """One page of a scan: the picture we made of it (backend, key and mime, as media
    files record theirs), the text OCR found, and the text as staff corrected it."""

    __tablename__ = "scan_page"
    __table_args__ = (UniqueConstraint("scan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(
        ForeignKey("scanned_form.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    failure_reason: Mapped[str] = mapped_column(String(300), default="")
    backend: Mapped[str | None] = mapped_column(String(10))
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    mime: Mapped[str] = mapped_column(String(100), default="image/jpeg")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    skew_degrees: Mapped[float | None] = mapped_column(Float)
    ocr_text: Mapped[str] = mapped_column(Text, default="")
    corrected_text: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    scan: Mapped[ScannedForm] = relationship(back_populates="pages")

    @property
    def text(self) -> str:
        """What the page says as far as we know: staff's correction, else OCR's."""
        return self.ocr_text if self.corrected_text is None else self.corrected_text
