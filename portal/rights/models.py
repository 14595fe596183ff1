"""An owner's request to erase a child's whole record, waiting out its grace period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db


class ErasureRequest(db.Model):
    """One per child at most. Cancelling removes the row; erasing removes it with the
    child (ondelete CASCADE), so nothing about the child outlives the erasure."""

    __tablename__ = "erasure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The erase-due command erases the child once this time has passed.
    erase_after: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    requested_by: Mapped[User | None] = relationship()
