"""The family wiki through its routes: edit, history, diff, restore, delete, share."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from, log_in
from tests.integration.wiki_helpers import edit_form, post_button, save_page


@pytest.fixture
def parent(client, demo):
    log_in(client, "parent@demo.test")
    return client


def test_a_starter_page_offers_its_questions_before_anyone_writes(parent):
    response = parent.get("/c/sam/wiki/about-me")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nobody has written this page yet" in page
    assert "What do people like about me?" in page
    html, fields = edit_form(parent, "sam", "about-me")
    assert "## What am I good at?" in html
    assert fields["base_revision"] == "0"


def test_saving_creates_version_one_and_shows_rendered_text(parent):
    response = save_page(parent, "sam", "about-me", "Sam is **kind**.", title="About me")
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/sam/wiki/about-me?saved=1"
    page = parent.get("/c/sam/wiki/about-me").get_data(as_text=True)
    assert "Sam is <strong>kind</strong>." in page
    assert "Version 1" in page
    assert "Family only" in page


def test_each_save_adds_a_version_and_history_lists_them_newest_first(parent):
    for number, text in enumerate(["one", "two", "three"], start=1):
        save_page(parent, "sam", "things-i-enjoy", text, summary=f"edit {number}")
    history = parent.get("/c/sam/wiki/things-i-enjoy/history").get_data(as_text=True)
    assert history.index("Version 3") < history.index("Version 2") < history.index("Version 1")
    assert "“edit 2”" in history
    assert "Priya Shah" in history


def test_saving_unchanged_text_adds_no_version(parent):
    save_page(parent, "sam", "my-health", "Asthma.")
    response = save_page(parent, "sam", "my-health", "Asthma.", title="My health")
    assert response.status_code == 302
    assert "Nothing had changed" in parent.get("/c/sam/wiki/my-health").get_data(as_text=True)
    assert "Version 2" not in parent.get("/c/sam/wiki/my-health/history").get_data(as_text=True)


def test_any_old_version_can_be_read(parent):
    save_page(parent, "sam", "my-health", "Asthma.")
    save_page(parent, "sam", "my-health", "Asthma and eczema.")
    old = parent.get("/c/sam/wiki/my-health/revisions/1").get_data(as_text=True)
    assert "This is version 1 of 2" in old
    assert "Asthma." in old and "eczema" not in old
    assert parent.get("/c/sam/wiki/my-health/revisions/9").status_code == 404


def test_diff_shows_words_added_and_removed(parent):
    save_page(parent, "sam", "my-health", "Sam has asthma.\nInhaler in blue bag.")
    save_page(parent, "sam", "my-health", "Sam has mild asthma.\nInhaler in red bag.")
    diff = parent.get("/c/sam/wiki/my-health/diff?from=1&to=2").get_data(as_text=True)
    assert "<ins>mild </ins>" in diff or "<ins>mild</ins>" in diff
    assert "<del>blue</del>" in diff and "<ins>red</ins>" in diff


def test_restore_makes_an_old_version_current_as_a_new_version(parent):
    save_page(parent, "sam", "my-health", "First words.")
    save_page(parent, "sam", "my-health", "Second words.")
    response = post_button(
        parent, "/c/sam/wiki/my-health/revisions/1/restore", "/c/sam/wiki/my-health/revisions/1"
    )
    assert response.status_code == 302
    page = parent.get("/c/sam/wiki/my-health").get_data(as_text=True)
    assert "First words." in page and "Version 3" in page
    assert "Second words." in parent.get("/c/sam/wiki/my-health/revisions/2").get_data(as_text=True)


def test_delete_hides_the_page_and_undelete_brings_it_back_with_history(parent, app):
    save_page(parent, "sam", "my-health", "Private health notes.")
    post_button(parent, "/c/sam/wiki/my-health/delete", "/c/sam/wiki/my-health")
    page = parent.get("/c/sam/wiki/my-health").get_data(as_text=True)
    assert "This page was deleted" in page and "Private health notes." not in page
    assert (
        "My health" not in parent.get("/c/sam/").get_data(as_text=True).split("Pages to start")[0]
    )
    post_button(parent, "/c/sam/wiki/my-health/undelete", "/c/sam/wiki/my-health")
    page = parent.get("/c/sam/wiki/my-health").get_data(as_text=True)
    assert "Private health notes." in page and "Version 3" in page


def test_bad_input_gets_a_message_and_keeps_the_text(parent):
    long_body = "word " * 50_000  # 250,000 characters
    response = save_page(parent, "sam", "my-health", long_body)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This page is too long" in page
    assert page.count("word word word") > 100  # the text is still in the box
    response = save_page(parent, "sam", "my-health", "Kept text.", title="   ")
    assert response.status_code == 400
    assert "Give the page a title." in response.get_data(as_text=True)
    assert "Kept text." in response.get_data(as_text=True)


def test_a_stale_form_without_csrf_keeps_nothing_secret_and_saves_nothing(parent):
    response = parent.post(
        "/c/sam/wiki/my-health/edit", data={"title": "x", "body": "y", "base_revision": "0"}
    )
    assert response.status_code == 400
    assert parent.get("/c/sam/wiki/my-health").status_code == 200  # still the starter
    assert "Nobody has written this page yet" in parent.get("/c/sam/wiki/my-health").get_data(
        as_text=True
    )


def test_preview_renders_without_saving(parent):
    _, fields = edit_form(parent, "sam", "my-health")
    response = parent.post(
        "/c/sam/wiki/my-health/edit",
        data={**fields, "title": "My health", "body": "# Big news", "summary": "", "preview": "1"},
    )
    page = response.get_data(as_text=True)
    assert "Preview (not saved yet)" in page and "<h1>Big news</h1>" in page
    assert "Nobody has written" in parent.get("/c/sam/wiki/my-health").get_data(as_text=True)


def test_wiki_links_lead_to_pages_and_missing_ones_offer_creation(parent):
    save_page(parent, "sam", "about-me", "See [[Things I enjoy]] and [[Favourite foods]].")
    page = parent.get("/c/sam/wiki/about-me").get_data(as_text=True)
    assert 'href="/c/sam/wiki/favourite-foods"' in page
    missing = parent.get("/c/sam/wiki/favourite-foods")
    assert missing.status_code == 404
    assert "Create this page" in missing.get_data(as_text=True)


def test_new_page_from_the_childs_home(parent):
    response = parent.get("/c/sam/new?title=Trip to the Zoo!")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/c/sam/wiki/trip-to-the-zoo/edit")
    editor = parent.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Trip to the Zoo!"' in editor


def test_sharing_with_the_plan_team_is_a_revision_and_changes_who_sees_it(app, client, demo):
    log_in(client, "parent@demo.test")
    save_page(client, "sam", "my-health", "Health words.")
    caseworker = app.test_client()
    log_in(caseworker, "caseworker@demo.test")
    assert caseworker.get("/c/sam/wiki/my-health").status_code == 404
    assert "My health" not in caseworker.get("/c/sam/").get_data(as_text=True)

    post_button(
        client, "/c/sam/wiki/my-health/visibility", "/c/sam/wiki/my-health", visibility="team"
    )
    history = client.get("/c/sam/wiki/my-health/history").get_data(as_text=True)
    assert "Shared with the plan team" in history
    page = caseworker.get("/c/sam/wiki/my-health")
    assert page.status_code == 200 and "Health words." in page.get_data(as_text=True)
    # Versions written before sharing stay with the family.
    assert caseworker.get("/c/sam/wiki/my-health/revisions/1").status_code == 404
    assert caseworker.get("/c/sam/wiki/my-health/revisions/2").status_code == 200


def test_plan_team_cannot_edit_share_delete_or_see_starters(app, client, demo):
    log_in(client, "caseworker@demo.test")
    assert client.get("/c/sam/wiki/about-me").status_code == 404
    assert client.get("/c/sam/wiki/about-me/edit").status_code == 404
    assert "Pages to start" not in client.get("/c/sam/").get_data(as_text=True)


@pytest.fixture
def sams_page_and_a_stranger(app, client, demo):
    """Sam's parent writes a page; `client` is logged in as another family's parent."""
    writer = app.test_client()
    log_in(writer, "parent@demo.test")
    save_page(writer, "sam", "about-me", "Sam is kind.")
    log_in(client, "other.parent@demo.test")
    return writer


@pytest.mark.parametrize(
    "path",
    [
        "/c/sam/wiki/about-me",
        "/c/sam/wiki/about-me/edit",
        "/c/sam/wiki/about-me/history",
        "/c/sam/wiki/about-me/revisions/1",
        "/c/sam/wiki/about-me/diff?from=1&to=1",
        "/c/sam/wiki/about-me/simple",
        "/c/sam/search?q=kind",
        "/c/sam/new?title=x",
    ],
)
def test_another_family_gets_404_on_every_wiki_route(client, sams_page_and_a_stranger, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/c/sam/wiki/about-me/delete",
        "/c/sam/wiki/about-me/undelete",
        "/c/sam/wiki/about-me/visibility",
        "/c/sam/wiki/about-me/revisions/1/restore",
        "/c/sam/wiki/about-me/edit",
    ],
)
def test_another_family_gets_404_on_every_wiki_action(client, sams_page_and_a_stranger, path):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token}).status_code == 404
    writer = sams_page_and_a_stranger
    assert "Sam is kind." in writer.get("/c/sam/wiki/about-me").get_data(as_text=True)


def test_logged_out_visitors_are_sent_to_login_from_wiki_routes(client, demo):
    response = client.get("/c/sam/wiki/about-me/history")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_search_finds_words_and_respects_sharing(app, client, demo):
    log_in(client, "parent@demo.test")
    save_page(client, "sam", "things-i-enjoy", "Swimming on Saturdays with grandad.")
    page = client.get("/c/sam/search?q=swim").get_data(as_text=True)
    assert "Things i enjoy" in page or "Things I enjoy" in page
    assert "<mark>" in page
    caseworker = app.test_client()
    log_in(caseworker, "caseworker@demo.test")
    assert "No pages found" in caseworker.get("/c/sam/search?q=swim").get_data(as_text=True)


def test_an_expired_form_shows_back_what_was_typed(parent):
    response = parent.post(
        "/c/sam/wiki/my-health/edit",
        data={"title": "My health", "body": "Words I must not lose", "base_revision": "0"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert ">Words I must not lose</textarea>" in page


def test_after_logging_out_an_edit_is_refused_but_the_text_is_shown_back(app, parent):
    _, fields = edit_form(parent, "sam", "my-health")
    other_tab = app.test_client()
    other_tab.set_cookie("gt_session", parent.get_cookie("gt_session").value)
    from tests.conftest import log_out

    log_out(parent)
    response = other_tab.post(
        "/c/sam/wiki/my-health/edit", data={**fields, "title": "My health", "body": "Late words"}
    )
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert ">Late words</textarea>" in page
    assert "Log in again" in page


def test_a_pasted_nul_character_is_dropped_not_a_crash(parent):
    response = save_page(parent, "sam", "my-health", "Before\x00after", title="My\x00 health")
    assert response.status_code == 302
    page = parent.get("/c/sam/wiki/my-health").get_data(as_text=True)
    assert "Beforeafter" in page
