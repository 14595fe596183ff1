"""The pieces of the data export that need no database: addresses made to work offline,
and JSON written a piece at a time."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from portal.rights.export import ExportContext, ExportWriter, MediaEntry, offline_html
from wiki.render import render_markdown

LINK_BASE = "/c/sam/wiki/"


def context(**media) -> ExportContext:
    found = ExportContext(
        child=SimpleNamespace(slug="sam"),
        storage=None,
        exported_at=datetime(2026, 1, 1, tzinfo=UTC),
        link_base=LINK_BASE,
    )
    found.page_folders = {"school": "pages/school"}
    found.media = {
        int(item_id): MediaEntry(SimpleNamespace(kind=kind, title=f"<{kind}>"), None, path)
        for item_id, (kind, path) in media.items()
    }
    return found


def test_wiki_links_and_embedded_pictures_point_into_the_copy():
    html = render_markdown(
        "[[School]] [[Nowhere]] ![Our cat](media:3) ![Talk](media:4) ![Gone](media:5)",
        link_base=LINK_BASE,
    )
    made = offline_html(
        html, context(**{"3": ("image", "media/3-Cat.jpg"), "4": ("video", "media/4-Talk.mp4")})
    )
    assert 'href="../../pages/school/index.html"' in made
    assert 'href="../../index.html"' in made  # a page never written: back to the start
    assert '<img src="../../media/3-Cat.jpg" alt="Our cat">' in made
    assert '<a href="../../media/4-Talk.mp4">Talk (video)</a>' in made
    assert "[Gone: not in this copy]" in made
    assert "/c/sam/" not in made


def test_page_text_cannot_forge_an_address_the_copy_rewrites():
    body = 'Text: <img src="/c/sam/media/3/embed" alt="x"> and `href="/c/sam/wiki/school"`'
    html = render_markdown(body, link_base=LINK_BASE)
    assert offline_html(html, context(**{"3": ("image", "media/3-Cat.jpg")})) == html


def test_another_childs_addresses_are_left_alone():
    html = render_markdown("![Not ours](media:3)", link_base="/c/alex/wiki/")
    assert offline_html(html, context(**{"3": ("image", "media/3-Cat.jpg")})) == html


@pytest.mark.parametrize("count", [0, 1, 3])
@pytest.mark.parametrize("head", [None, {}, {"page": {"title": "Ünïcode “quotes”"}}])
def test_json_written_piece_by_piece_parses(count, head):
    items = ({"number": n, "body": f"line\n{n} \u2028 </script>"} for n in range(count))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        ExportWriter(archive).json_list("x.json", items, head=head, key="revisions")
    with zipfile.ZipFile(buffer) as archive:
        parsed = json.loads(archive.read("x.json"))
    expected = [{"number": n, "body": f"line\n{n} \u2028 </script>"} for n in range(count)]
    assert parsed == (expected if head is None else {**head, "revisions": expected})


def test_stored_media_is_copied_in_chunks_and_the_source_closed():
    closed = []

    def chunks():
        try:
            yield from (b"a" * 10, b"b" * 5)
        finally:
            closed.append(True)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        ExportWriter(archive).stream("media/1-x.bin", chunks(), size=15)
    with zipfile.ZipFile(buffer) as archive:
        assert archive.read("media/1-x.bin") == b"a" * 10 + b"b" * 5
        assert archive.getinfo("media/1-x.bin").compress_type == zipfile.ZIP_STORED
    assert closed == [True]
