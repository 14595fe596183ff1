"""Telling the family a paper form is ready to check: an email with a link (never the
form's content: mail is not private enough), and a notice on the child's home page."""

from __future__ import annotations

from flask import url_for

from portal.access import CHECK_PAPER_FORMS, can
from portal.families.service import editors_with_email
from portal.mail import email_link
from portal.scans.models import ScannedForm
from portal.scans.publishing import forms_to_check


def tell_family(scan: ScannedForm) -> int:
    """Email each family member who can check the form a link to it; how many."""
    return email_link(
        editors_with_email(scan.child_id),
        "A paper form is ready for you to check",
        "scans/email.txt",
        url_for("paper_forms.check", child=scan.child.slug, scan_id=scan.id),
    )


def forms_for_home_page(user, child) -> list[ScannedForm]:
    """The forms waiting for this person to check, for the child's home page."""
    return forms_to_check(child.id) if can(user, CHECK_PAPER_FORMS, child) else []
