"""The Markdown renderer: what a family writes, as safe HTML."""

from __future__ import annotations

import time

import pytest

from wiki.render import (
    MAX_BODY_CHARS,
    _keep_attribute,
    extract_wiki_links,
    page_slug,
    plain_text,
    render_markdown,
)

REL = 'rel="nofollow noopener noreferrer"'


def render(body: str) -> str:
    return render_markdown(body, link_base="/c/sam/wiki/")


def test_headings_emphasis_and_lists():
    html = render("# Sam\n\n## Likes\n\n**Trains** and *buses* ~~cars~~\n\n- one\n- two\n")
    assert "<h1>Sam</h1>" in html and "<h2>Likes</h2>" in html
    assert "<strong>Trains</strong>" in html and "<em>buses</em>" in html
    assert "<s>cars</s>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html


def test_an_ordered_list_keeps_its_starting_number():
    assert '<ol start="3">\n<li>three</li>' in render("3. three\n4. four")


def test_tables_keep_alignment_without_style():
    html = render("| Day | Minutes |\n|:--|--:|\n| Mon | 20 |")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">Day</th>' in html and '<td align="right">20</td>' in html
    assert "style" not in html


def test_task_lists_are_pictures_of_ticks_not_controls():
    html = render("- [x] brush teeth\n- [ ] shoes on")
    assert '<ul class="contains-task-list">' in html
    assert html.count('type="checkbox"') == 2 and html.count('disabled="disabled"') == 2
    assert html.count('checked="checked"') == 1


def test_footnotes():
    html = render("Loud noises[^1] upset Sam.\n\n[^1]: Hand dryers especially.")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<section class="footnotes">' in html
    assert '<li id="fn1" class="footnote-item"><p>Hand dryers especially.' in html
    assert 'href="#fnref1" class="footnote-backref"' in html


@pytest.mark.parametrize(
    ("body", "href", "text"),
    [
        ("[[Things I enjoy]]", "/c/sam/wiki/things-i-enjoy", "Things I enjoy"),
        ("[[My health|health notes]]", "/c/sam/wiki/my-health", "health notes"),
        ("[[  Café  | the café ]]", "/c/sam/wiki/cafe", "the café"),
        ("[[School|]]", "/c/sam/wiki/school", "School"),
        ("[[javascript:alert(1)]]", "/c/sam/wiki/javascript-alert-1", "javascript:alert(1)"),
        ("[[../../logout]]", "/c/sam/wiki/logout", "../../logout"),
    ],
)
def test_wiki_links(body, href, text):
    assert f'<a href="{href}" class="wikilink" {REL}>{text}</a>' in render(body)


def test_wiki_link_text_is_escaped_not_parsed():
    html = render("[[Page|<b>bold</b> & *more*]]")
    assert ">&lt;b&gt;bold&lt;/b&gt; &amp; *more*</a>" in html


@pytest.mark.parametrize("body", ["[[]]", "[[ ]]", "[[|label]]", "[[a\nb]]", "[[open", "[[a[b]]"])
def test_things_that_are_not_wiki_links(body):
    assert "wikilink" not in render(body)


def test_a_wiki_link_name_has_a_length_limit():
    assert "wikilink" in render(f"[[{'a' * 300}]]")
    assert "wikilink" not in render(f"[[{'a' * 301}]]")


def test_wiki_links_in_code_stay_code():
    html = render("`[[Not a link]]`\n\n```\n[[Nor this]]\n```\n\n    [[Nor indented]]")
    assert "wikilink" not in html
    assert "<code>[[Not a link]]</code>" in html
    assert "[[Nor this]]" in html and "[[Nor indented]]" in html


def test_raw_html_is_shown_as_text_not_run():
    html = render('<b onclick="x">hi</b>\n\n<script>alert(1)</script>')
    assert "<b" not in html and "<script" not in html
    assert '&lt;b onclick="x"&gt;hi&lt;/b&gt;' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "url",
    ["https://example.org/", "http://example.org/a?b=1", "mailto:a@example.org", "tel:+441234"],
)
def test_safe_link_schemes_are_kept_with_rel(url):
    html = render(f"[link]({url})")
    assert f'href="{url.replace("&", "&amp;")}"' in html
    assert REL in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#x6A;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html,x",
        "vbscript:msgbox(1)",
        "ftp://example.org/x",
        "file:///etc/passwd",
    ],
)
@pytest.mark.parametrize("form", ["[link]({})", "<{}>", "[link][r]\n\n[r]: {}"])
def test_other_link_schemes_are_dropped(url, form):
    assert "href" not in render(form.format(url))


def test_relative_and_fragment_links_survive():
    html = render("[home](/c/sam/) [up](../x) [top](#fn1)")
    assert 'href="/c/sam/"' in html and 'href="../x"' in html and 'href="#fn1"' in html


def test_images_only_from_this_site():
    shown = render("![Sam](/c/sam/media/12/file/display?v=2)")
    assert '<img src="/c/sam/media/12/file/display?v=2" alt="Sam">' in shown
    for remote in [
        "/logout",
        "/c/sam/media/12/file/download",
        "/c/sam/media/12/file/display/../../../logout",
        "https://evil.example/t.png",
        "http://evil.example/t.png",
        "//evil.example/t.png",
        "relative.png",
        "data:image/png;base64,AAAA",
    ]:
        html = render(f"![x]({remote})")
        assert "src" not in html, remote
        assert '<img alt="x">' in html
    # A backslash or tab would make "//host"; such addresses are never kept.
    assert "src" not in render("![x](/\\evil.example/t.png)")
    assert "src" not in render("![x](</\t/evil.example/t.png>)")


def test_media_references_become_the_childs_own_picture_address():
    html = render_markdown("![Tom](media:12) ![x](media:1e3)", link_base="/c/sam/wiki/")
    assert '<img src="/c/sam/media/12/embed" alt="Tom">' in html
    assert '<img alt="x">' in html


def test_image_titles_cannot_break_out_of_the_attribute():
    html = render('![a"b](/m/1 "t\\" onerror=\\"x")')
    assert 'alt="a&quot;b"' in html and 'title="t&quot; onerror=&quot;x"' in html


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Things I enjoy", "things-i-enjoy"),
        ("Café & crème brûlée!", "cafe-creme-brulee"),
        ("Zoë's Ångström Æther", "zoe-s-angstrom-ther"),
        ("  --Hello--  ", "hello"),
        ("a__b  c", "a-b-c"),
        ("Year 6 / SATs", "year-6-sats"),
        ("!!!", "page"),
        ("", "page"),
        ("日本語", "page"),
        ("a" * 300, "a" * 120),
        ("a" * 119 + " b", "a" * 119),
    ],
)
def test_page_slug(title, slug):
    assert page_slug(title) == slug


def test_extract_wiki_links_in_order_once_each_skipping_code():
    body = (
        "[[B]] [[A|a]] `[[C]]` [[b|again]]\n\n```\n[[D]]\n```\n\n"
        "| [[E]] |\n|---|\n\nx[^1]\n\n[^1]: [[F]]"
    )
    assert extract_wiki_links(body) == ["b", "a", "e", "f"]


def test_extract_wiki_links_of_a_body_without_any():
    assert extract_wiki_links("Just [a link](https://example.org).") == []


def test_plain_text_excerpt():
    assert plain_text("# Title\n\nSome **bold** words & more") == "Title Some bold words & more"
    assert plain_text("[[Likes|What Sam likes]] <b>x</b>") == "What Sam likes <b>x</b>"
    assert plain_text("") == ""


def test_plain_text_unescapes_exactly_once():
    assert plain_text("Write &amp;lt; to get &lt;") == "Write &lt; to get <"


def test_plain_text_cuts_on_a_word_boundary():
    text = plain_text("word " * 100, limit=22)
    assert text == "word word word word…"
    assert plain_text("one two three", limit=7) == "one two…"
    assert plain_text("one two three", limit=13) == "one two three"
    assert plain_text("x" * 50, limit=10) == "x" * 10 + "…"


def test_an_over_long_body_is_cut():
    html = render("a" * MAX_BODY_CHARS + "TAIL")
    assert html.count("a") == MAX_BODY_CHARS and "TAIL" not in html
    assert extract_wiki_links("a" * MAX_BODY_CHARS + "[[Late]]") == []


@pytest.mark.parametrize("unit", ["[", "[[a ", "[^", "![", "[" + "!" * 99])
def test_bracket_floods_render_in_reasonable_time(unit):
    # These took 25-80 s before the bracket-step budget; a worker would time out.
    body = (unit * (MAX_BODY_CHARS // len(unit) + 1))[:MAX_BODY_CHARS]
    started = time.perf_counter()
    html = render(body)
    assert time.perf_counter() - started < 15
    assert html.count("[") == body.count("[")


def test_a_flood_of_brackets_leaves_later_text_intact():
    html = render("[" * 150_000 + "\n\nAfter the flood.")
    assert "<p>After the flood.</p>" in html


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("/c/sam/media/1/file/display", True),
        ("/c/sam/media/1/embed", True),
        ("/media/1/display", False),
        ("/logout", False),
        ("//evil.example/t.png", False),
        ("/\\evil.example/t.png", False),
        ("/\t/evil.example/t.png", False),
        ("\n//evil.example/t.png", False),
        ("https://evil.example/t.png", False),
        ("t.png", False),
    ],
)
def test_the_image_address_filter_itself(src, kept):
    # Markdown never hands it a raw backslash or tab; this guards the guard.
    assert (_keep_attribute("img", "src", src) == src) is kept
