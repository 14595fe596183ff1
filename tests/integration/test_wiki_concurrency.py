"""Concurrent edits never lose work: merged when they touch different lines,
a conflict screen (and no save) when they touch the same lines, and real
parallel saves always get distinct consecutive revision numbers."""

from __future__ import annotations

import threading

from sqlalchemy import select

from portal.extensions import db
from tests.conftest import log_in
from tests.integration.wiki_helpers import edit_form, save_page
from wiki.models import Page, Revision

PARAGRAPHS = "Sam likes trains.\n\nSam likes swimming.\n\nSam likes pizza.\n"


def two_editors(app):
    mum, dad = app.test_client(), app.test_client()
    log_in(mum, "parent@demo.test")
    log_in(dad, "parent@demo.test")
    save_page(mum, "sam", "about-me", PARAGRAPHS, title="About me")
    return mum, dad


def test_non_overlapping_concurrent_edits_are_both_kept(app, demo):
    mum, dad = two_editors(app)
    mum_edit = PARAGRAPHS.replace("trains", "steam trains")
    dad_edit = PARAGRAPHS.replace("pizza", "pizza and chips")
    assert save_page(mum, "sam", "about-me", mum_edit, title="About me", base=1).status_code == 302
    response = save_page(dad, "sam", "about-me", dad_edit, title="About me", base=1)
    assert response.status_code == 302
    page = dad.get("/c/sam/wiki/about-me").get_data(as_text=True)
    assert "both changes are kept" in page
    assert "steam trains" in page and "pizza and chips" in page
    assert "Version 3" in page


def test_overlapping_edits_show_a_conflict_and_save_nothing(app, demo):
    mum, dad = two_editors(app)
    save_page(mum, "sam", "about-me", PARAGRAPHS.replace("trains", "buses"), base=1)
    mine = PARAGRAPHS.replace("trains", "planes")
    response = save_page(dad, "sam", "about-me", mine, title="About me", summary="planes", base=1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Nothing has been saved yet" in page
    assert "planes" in page  # my words are on screen
    assert "<ins>buses</ins>" in page  # and so is the other person's change
    assert 'value="2"' in page  # the next save starts from their version
    assert "Version 2" in mum.get("/c/sam/wiki/about-me").get_data(as_text=True)
    assert "planes" not in mum.get("/c/sam/wiki/about-me").get_data(as_text=True)


def test_a_stale_title_does_not_undo_a_rename(app, demo):
    mum, dad = two_editors(app)
    save_page(mum, "sam", "about-me", PARAGRAPHS, title="All about Sam", base=1)
    save_page(dad, "sam", "about-me", PARAGRAPHS + "\nMore.\n", title="About me", base=1)
    assert "<h1>All about Sam</h1>" in dad.get("/c/sam/wiki/about-me").get_data(as_text=True)


def test_parallel_saves_get_distinct_consecutive_numbers_and_all_survive(app, demo):
    writers = 20
    lines = "".join(f"line {i}\n\n" for i in range(writers))
    first = app.test_client()
    log_in(first, "parent@demo.test")
    save_page(first, "sam", "about-me", lines, title="About me")

    clients = []
    for _ in range(writers):
        client = app.test_client()
        log_in(client, "parent@demo.test")
        _, fields = edit_form(client, "sam", "about-me")
        clients.append((client, fields))

    start = threading.Barrier(writers)
    statuses: list[int] = []

    def write(index: int) -> None:
        client, fields = clients[index]
        body = lines.replace(f"line {index}\n", f"line {index} edited\n")
        data = {**fields, "title": "About me", "body": body, "summary": f"w{index}", "save": "1"}
        start.wait()
        statuses.append(client.post("/c/sam/wiki/about-me/edit", data=data).status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302] * writers
    with app.app_context():
        page = db.session.scalars(select(Page).where(Page.slug == "about-me")).one()
        numbers = list(
            db.session.scalars(
                select(Revision.number).where(Revision.page_id == page.id).order_by(Revision.number)
            )
        )
        assert numbers == list(range(1, writers + 2))
        assert all(f"line {i} edited" in page.body for i in range(writers))
