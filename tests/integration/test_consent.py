"""From 16, the young person's own choice of what the plan team sees stands."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.families.models import Child
from tests.conftest import log_in, log_out
from tests.integration.wiki_helpers import post_button, save_page

PAGE = "/c/sam/wiki/my-hopes-and-dreams"


def set_birthday(app, years_ago: int) -> None:
    with app.app_context():
        sam = db.session.scalars(select(Child).where(Child.slug == "sam")).one()
        today = date.today()
        sam.date_of_birth = today.replace(year=today.year - years_ago)
        db.session.commit()


@pytest.fixture
def written(client, demo):
    log_in(client, "parent@demo.test")
    save_page(client, "sam", "my-hopes-and-dreams", "To work with animals.")
    return client


def test_under_16_a_parent_chooses_what_is_shared(written, app):
    set_birthday(app, 15)
    response = post_button(written, f"{PAGE}/visibility", PAGE, visibility="team")
    assert response.status_code == 302
    assert "Shared with the plan team" in written.get(PAGE).get_data(as_text=True)


def test_from_16_the_young_person_decides_and_the_parent_is_told(written, app):
    set_birthday(app, 16)
    page = written.get(PAGE).get_data(as_text=True)
    assert "decides who can see this page" in page
    assert "Save who can see it" not in page
    refused = post_button(written, f"{PAGE}/visibility", PAGE, visibility="team")
    assert refused.status_code == 404
    home = written.get("/c/sam/").get_data(as_text=True)
    assert "now decides what the plan team can see" in home
    log_out(written)
    log_in(written, "sam")
    assert post_button(written, f"{PAGE}/visibility", PAGE, visibility="team").status_code == 302
    log_out(written)
    log_in(written, "parent@demo.test")
    trail = written.get("/c/sam/activity").get_data(as_text=True)
    assert "(young person) shared the page “My hopes and dreams” with the plan team" in trail
