"""Emails about messages and key workers: a link and the child's first name, never
what anyone wrote (mail is not private enough), and never the message in the log."""

from __future__ import annotations

from flask import url_for

from portal.contact.models import MessageThread
from portal.contact.service import first_name, staff_to_tell
from portal.families.models import Child
from portal.families.service import editors_with_email
from portal.mail import email_link


def tell_staff(child: Child, thread: MessageThread) -> int:
    """Email the key worker (or the council's administrators) a link to the thread."""
    name = first_name(child)
    return email_link(
        staff_to_tell(child),
        f"A new message from {name}'s family",
        "contact/email_staff.txt",
        url_for("contact.staff_thread", thread_id=thread.id),
        name=name,
    )


def tell_family(child: Child, thread: MessageThread) -> int:
    name = first_name(child)
    return email_link(
        editors_with_email(child.id),
        f"A reply about {name}",
        "contact/email_family.txt",
        url_for("contact.thread", child=child.slug, thread_id=thread.id),
        name=name,
    )


def tell_family_of_new_key_worker(child: Child) -> int:
    name = first_name(child)
    return email_link(
        editors_with_email(child.id),
        f"{name} has a new key worker",
        "contact/email_key_worker.txt",
        url_for("families.child_home", child=child.slug),
        name=name,
    )
