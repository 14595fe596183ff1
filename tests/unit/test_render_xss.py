"""The renderer against hostile input: a corpus, generated Markdown, and the checker."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.xss_checks import assert_no_executable
from tests.unit.xss_corpus import PAYLOADS
from wiki.render import render_markdown

LINK_BASE = "/c/sam/wiki/"


def test_the_corpus_is_large_and_distinct():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_renders_anything_executable(payload):
    assert_no_executable(render_markdown(payload, link_base=LINK_BASE))


def test_all_payloads_together_render_nothing_executable():
    # Together, reference definitions and footnotes from one payload meet the others.
    assert_no_executable(render_markdown("\n\n".join(PAYLOADS), link_base=LINK_BASE))


@pytest.mark.parametrize(
    "bad_html",
    [
        "<script>alert(1)</script>",
        "<img onerror=x>",
        '<img src="/a.png" onerror="alert(1)">',
        '<a href="java&#x09;script:x">x</a>',
        '<a href="&#x6A;avascript:x">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href=" \u200bjava\u00adscript:alert(1)">x</a>',
        '<a href="\ufeffvbscript:x">x</a>',
        '<a href="livescript:x">x</a>',
        '<a href="ftp://example.org/">x</a>',
        '<img src="data:image/svg+xml,x">',
        '<p style="color:red">x</p>',
        '<a href="/" target="_blank">x</a>',
        "<iframe></iframe>",
        "<svg></svg>",
        "<math></math>",
        "<details open>x</details>",
        '<form action="/x"></form>',
        '<link rel="stylesheet" href="/x.css">',
        '<meta http-equiv="refresh" content="0">',
        '<base href="/">',
        "<!--[if IE]><script>alert(1)</script><![endif]-->",
    ],
)
def test_the_checker_itself_catches_executable_html(bad_html):
    with pytest.raises(AssertionError):
        assert_no_executable(bad_html)


def test_the_checker_passes_ordinary_rendered_html():
    body = (
        "# Hi\n\n[[Likes]] [site](https://example.org) ![me](/media/1/display)\n\n"
        "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n\nNote[^1]\n\n[^1]: Yes\n\n3. three"
    )
    assert_no_executable(render_markdown(body, link_base=LINK_BASE))


DANGEROUS_TOKENS = [
    "javascript:", "JaVaScRiPt:", "java\tscript:", "java\u200bscript:", "\u202e", "\ufeff",
    "\u00ad", "\u200d", "&#106;", "&#x6A;", "&colon;", "&#58;", "%3A", "data:", "vbscript:",
    "alert(1)", "<script>", "</script>", "<img src=x ", "onerror=", "onload=", "<svg ",
    "<iframe ", "<noscript>", '"', "'", "`", "&", ";", "//", "/c/sam/", "\\",
]  # fmt: skip
MARKDOWN_FRAGMENTS = [
    "[", "]", "(", ")", "<", ">", "!", "*", "_", "#", "|", "-", "~~", "\n", "\n\n", " ",
    "\t", "[[", "]]", "[x](", "![y](", "[^1]", "[^1]: ", "^[", "- [ ] ", "- [x] ",
    "| a | b |\n", "|---|:-:|\n", "```\n", "    ", "> ", "1. ", "[ref]: ", " \"t\")",
]  # fmt: skip
CORPUS_PIECES = st.sampled_from(PAYLOADS)
MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from(DANGEROUS_TOKENS),
        st.sampled_from(MARKDOWN_FRAGMENTS),
        CORPUS_PIECES,
        st.text(max_size=8),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_generated_markdown_never_renders_executable_html(body):
    assert_no_executable(render_markdown(body, link_base=LINK_BASE))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_at_all_renders_without_error(body):
    assert_no_executable(render_markdown(body, link_base=LINK_BASE))
