"""Simple mode: a young person answers one question at a time, no Markdown needed."""

from __future__ import annotations

import re

from tests.conftest import csrf_token_from, log_in


def answer(client, url: str, text: str):
    html = client.get(url).get_data(as_text=True)
    base = re.search(r'name="base_revision" type="hidden" value="(\d+)"', html).group(1)
    return client.post(
        url, data={"csrf_token": csrf_token_from(html), "answer": text, "base_revision": base}
    )


def test_young_person_answers_each_question_and_the_page_is_saved(client, demo):
    log_in(client, "sam", "demo-young-pass")
    first = client.get("/c/sam/wiki/things-i-enjoy/simple")
    assert "Question 1 of 2" in first.get_data(as_text=True)
    assert "What do I enjoy doing?" in first.get_data(as_text=True)

    response = answer(client, "/c/sam/wiki/things-i-enjoy/simple", "Lego and swimming")
    assert response.headers["Location"] == "/c/sam/wiki/things-i-enjoy/simple?step=2"
    response = answer(client, "/c/sam/wiki/things-i-enjoy/simple?step=2", "The beach")
    assert response.headers["Location"] == "/c/sam/wiki/things-i-enjoy?saved=1"

    page = client.get("/c/sam/wiki/things-i-enjoy").get_data(as_text=True)
    assert "Lego and swimming" in page and "The beach" in page
    assert "Version 2" in page
    again = client.get("/c/sam/wiki/things-i-enjoy/simple").get_data(as_text=True)
    assert "Lego and swimming</textarea>" in again


def test_simple_mode_adds_a_paragraph_to_a_page_that_is_not_a_starter(client, demo):
    log_in(client, "sam", "demo-young-pass")
    from tests.integration.wiki_helpers import save_page

    save_page(client, "sam", "my-trip", "We went to the zoo.", title="My trip")
    answer(client, "/c/sam/wiki/my-trip/simple", "I saw a giraffe.")
    page = client.get("/c/sam/wiki/my-trip").get_data(as_text=True)
    assert "We went to the zoo." in page and "I saw a giraffe." in page


def test_simple_mode_is_not_for_the_plan_team(client, demo):
    log_in(client, "caseworker@demo.test")
    assert client.get("/c/sam/wiki/things-i-enjoy/simple").status_code == 404
