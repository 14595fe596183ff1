"""A champion's view of each invited family's first steps: counts only, never content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

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


def onboarding_progress(invitations: Sequence[Invitation]) -> list[Progress]:
    """Each invitation's progress, in order: two queries for the whole list."""
    child_ids = [i.created_child_id for i in invitations if i.created_child_id is not None]
    started, shared, photos = set(), set(), set()
    if child_ids:
        for child_id, visibility in db.session.execute(
            select(Page.child_id, Page.visibility)
            .where(Page.child_id.in_(child_ids), Page.deleted.is_(False))
            .distinct()
        ):
            started.add(child_id)
            if visibility == "team":
                shared.add(child_id)
        for child_id, kind, visibility in db.session.execute(
            select(MediaItem.child_id, MediaItem.kind, MediaItem.visibility)
            .where(MediaItem.child_id.in_(child_ids), MediaItem.deleted.is_(False))
            .distinct()
        ):
            if kind == "image":
                photos.add(child_id)
            if visibility == "team":
                shared.add(child_id)
    return [
        Progress(
            accepted=i.created_child_id is not None,
            wiki_started=i.created_child_id in started,
            first_photo=i.created_child_id in photos,
            shared_with_team=i.created_child_id in shared,
        )
        for i in invitations
    ]
