"""A champion's view of each invited family's first steps: counts only, never content."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from media.models import MediaItem
from portal.extensions import db
from portal.invitations.models import Invitation
from wiki.models import Page


@dataclass(frozen=True)
class Progress:
    accepted: bool
    wiki_started: bool
    first_photo: bool
    shared_with_team: bool

    @property
    def steps_done(self) -> int:
        return sum((self.accepted, self.wiki_started, self.first_photo, self.shared_with_team))


def onboarding_progress(invitation: Invitation) -> Progress:
    child_id = invitation.created_child_id
    if child_id is None:
        return Progress(False, False, False, False)

    def any_row(query) -> bool:
        return bool(db.session.scalar(select(exists(query))))

    live_pages = select(Page.id).where(Page.child_id == child_id, Page.deleted.is_(False))
    photos = select(MediaItem.id).where(
        MediaItem.child_id == child_id, MediaItem.kind == "image", MediaItem.deleted.is_(False)
    )
    shared_page = live_pages.where(Page.visibility == "team")
    shared_media = select(MediaItem.id).where(
        MediaItem.child_id == child_id, MediaItem.visibility == "team"
    )
    return Progress(
        accepted=True,
        wiki_started=any_row(live_pages),
        first_photo=any_row(photos),
        shared_with_team=any_row(shared_page) or any_row(shared_media),
    )
