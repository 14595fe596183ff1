"""Imports every feature's models, so the metadata Alembic and the tests see is whole."""

from media.models import MediaFile, MediaItem
from portal.accounts.models import Council, LoginSession, User
from portal.families.models import Child, Membership
from wiki.models import Page, Revision

__all__ = [
    "Child",
    "Council",
    "LoginSession",
    "MediaFile",
    "MediaItem",
    "Membership",
    "Page",
    "Revision",
    "User",
]
