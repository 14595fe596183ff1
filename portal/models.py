"""Imports every feature's models, so the metadata Alembic and the tests see is whole."""

from media.models import MediaFile, MediaItem
from portal.accounts.models import Council, LoginSession, User
from portal.audit import AuditEvent
from portal.families.models import Child, Membership
from portal.invitations.models import Invitation
from portal.mail import OutboxMail
from portal.rights.models import ErasureRequest
from wiki.models import Page, Revision

__all__ = [
    "AuditEvent",
    "Child",
    "Council",
    "ErasureRequest",
    "Invitation",
    "LoginSession",
    "MediaFile",
    "MediaItem",
    "Membership",
    "OutboxMail",
    "Page",
    "Revision",
    "User",
]
