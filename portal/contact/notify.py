"""Emails about messages and key workers: a link and the child's first name, never
what anyone wrote (mail is not private enough), and never the message in the log."""

from __future__ import annotations

import logging

from flask import render_template, url_for

from portal.contact.models import MessageThread
from portal.contact.service import family_to_tell, first_name, staff_to_tell
from portal.families.models import Child
from portal.mail import link_base, send_mail

log = logging.getLogger(__name__)


def _base() -> str | None:
    base = link_base()
    if base is None:
        log.error("Message emails cannot be sent: set PUBLIC_URL")
    return base


def tell_staff(child: Child, thread: MessageThread) -> int:
    """Email the key worker (or the council's administrators) a link to the thread."""
    base = _base()
    if base is None:
        return 0
    link = base + url_for("contact.staff_thread", thread_id=thread.id)
    people = staff_to_tell(child)
    for person in people:
        send_mail(
            person.email,
            f"A new message from {first_name(child)}'s family",
            render_template("contact/email_staff.txt", name=first_name(child), link=link),
        )
    return len(people)


def tell_family(child: Child, thread: MessageThread) -> int:
    base = _base()
    if base is None:
        return 0
    link = base + url_for("contact.thread", child=child.slug, thread_id=thread.id)
    people = family_to_tell(child.id)
    for person in people:
        send_mail(
            person.email,
            f"A reply about {first_name(child)}",
            render_template("contact/email_family.txt", name=first_name(child), link=link),
        )
    return len(people)


def tell_family_of_new_key_worker(child: Child) -> int:
    base = _base()
    if base is None:
        return 0
    link = base + url_for("families.child_home", child=child.slug)
    people = family_to_tell(child.id)
    for person in people:
        send_mail(
            person.email,
            f"{first_name(child)} has a new key worker",
            render_template("contact/email_key_worker.txt", name=first_name(child), link=link),
        )
    return len(people)
