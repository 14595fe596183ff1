"""Wiki pages and their immutable revisions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

if TYPE_CHECKING:
    from portal.accounts.models import User

from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

VISIBILITIES = ("family", "team")

# What a revision did. Delete, restore and visibility changes are revisions too,
# so the history tells the whole story and nothing is ever rewritten.
REVISION_KINDS = ("create", "edit", "merge", "restore", "delete", "undelete", "visibility")


class Page(db.Model):
    """One page of a child's wiki. Its text lives in revisions; the latest is copied
    here (title, body) so lists and search need no join."""

    __tablename__ = "wiki_page"
    __table_args__ = (UniqueConstraint("child_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="family", server_default="family")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    current_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revisions: WriteOnlyMapped[Revision] = relationship(back_populates="page", passive_deletes=True)


class Revision(db.Model):
    """An immutable version of a page: never updated after it is written
    (the rendered HTML cache aside, which is derived from the body)."""

    __tablename__ = "wiki_revision"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_page.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(String(300), default="")
    base_number: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rendered_html: Mapped[str | None] = mapped_column(Text)

    page: Mapped[Page] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship("User")
