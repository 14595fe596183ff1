"""Telling the family a paper form is ready to check: an email with a link (never the
form's content: mail is not private enough), and a notice on the child's home page."""

from __future__ import annotations

import logging

from flask import render_template, url_for

from portal.access import CHECK_PAPER_FORMS, can
from portal.mail import link_base, send_mail
from portal.scans.models import ScannedForm
from portal.scans.publishing import family_to_tell, forms_to_check

log = logging.getLogger(__name__)


def tell_family(scan: ScannedForm) -> int:
    """Email each family member who can check the form a link to it; how many."""
    base = link_base()
    if base is None:
        log.error("Paper form emails cannot be sent: set PUBLIC_URL")
        return 0
    link = base + url_for("paper_forms.check", child=scan.child.slug, scan_id=scan.id)
    people = family_to_tell(scan.child_id)
    for person in people:
        send_mail(
            person.email,
            "A paper form is ready for you to check",
            render_template("scans/email.txt", person=person, link=link),
        )
    return len(people)


def forms_for_home_page(user, child) -> list[ScannedForm]:
    """The forms waiting for this person to check, for the child's home page."""
    return forms_to_check(child.id) if can(user, CHECK_PAPER_FORMS, child) else []
