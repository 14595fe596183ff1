"""The Markdown renderer: what a family writes, as safe HTML."""

from __future__ import annotations

import pytest

from wiki.render import (
    MAX_BODY_CHARS,
    extract_wiki_links,
    page_slug,
    plain_text,
    render_markdown,
)


def render(body: str) -> str:
    return render_markdown(body, link_base="/c/sam/wiki/")


def test_headings_emphasis_and_lists():
    html = render("## Likes\n\n**Trains** and *buses*\n\n- one\n- two\n\n1. first\n")
    assert "<h2>Likes</h2>" in html
    assert "<strong>Trains</strong>" in html and "<em>buses</em>" in html
    assert "<li>one</li>" in html and "<ol>" in html


def test_tables_task_lists_and_footnotes():
    html = render(
        "| a | b |\n|--:|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] to do\n\nSee[^1]\n\n[^1]: Note"
    )
    assert "<table>" in html and "<td>1</td>" in html and "style" not in html
    assert 'type="checkbox"' in html and 'checked="checked"' in html
    assert 'class="footnote-ref"' in html and 'id="fn1"' in html


@pytest.mark.parametrize(
    ("body", "href", "text"),
    [
        ("[[Things I enjoy]]", "/c/sam/wiki/things-i-enjoy", "Things I enjoy"),
        ("[[My health|health notes]]", "/c/sam/wiki/my-health", "health notes"),
    ],
)
def test_wiki_links(body, href, text):
    assert f'<a href="{href}" class="wikilink" rel="nofollow noopener noreferrer">{text}</a>' in (
        render(body)
    )


def test_wiki_links_in_code_stay_code():
    html = render("`[[Not a link]]`\n\n```\n[[Nor this]]\n```")
    assert "wikilink" not in html
    assert "<code>[[Not a link]]</code>" in html


def test_raw_html_is_shown_as_text_not_run():
    html = render("<b onclick=x>hi</b>")
    assert "<b" not in html and "&lt;b onclick=x&gt;hi&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "url", ["https://example.org/", "http://example.org/", "mailto:a@example.org", "tel:+441234"]
)
def test_safe_link_schemes_are_kept_with_rel(url):
    html = render(f"[link]({url})")
    assert f'href="{url}"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "javascript:alert(1)", "file:///etc/passwd"]
)
def test_other_link_schemes_are_dropped(url):
    assert "href" not in render(f"[link]({url})")


def test_images_only_from_this_site():
    assert '<img src="/media/12/display" alt="Sam">' in render("![Sam](/media/12/display)")
    assert "evil" not in render("![x](https://evil.example/t.png)")
    assert "evil" not in render("![x](//evil.example/t.png)")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Things I enjoy", "things-i-enjoy"),
        ("Café & crème brûlée!", "cafe-creme-brulee"),
        ("  --Hello--  ", "hello"),
        ("!!!", "page"),
        ("", "page"),
        ("日本語", "page"),
        ("a" * 300, "a" * 120),
    ],
)
def test_page_slug(title, slug):
    assert page_slug(title) == slug


def test_extract_wiki_links_in_order_once_each_skipping_code():
    body = "[[B]] [[A|a]] `[[C]]` [[B]]"
    assert extract_wiki_links(body) == ["b", "a"]


def test_plain_text_excerpt():
    assert plain_text("# Title\n\nSome **bold** words & more") == "Title Some bold words & more"
    assert plain_text("word " * 100, limit=20).endswith("…")
    assert len(plain_text("word " * 100, limit=20)) <= 21


def test_an_over_long_body_is_cut():
    html = render("a" * (MAX_BODY_CHARS + 500))
    assert html.count("a") <= MAX_BODY_CHARS + 10
