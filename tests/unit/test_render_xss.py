"""The renderer against hostile input: a corpus and generated Markdown."""

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


@pytest.mark.parametrize(
    "bad_html",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href="\u200bjavascript:alert(1)">x</a>',
        '<img src="data:image/svg+xml,x">',
        '<p style="color:red">x</p>',
        "<iframe></iframe>",
    ],
)
def test_the_checker_itself_catches_executable_html(bad_html):
    with pytest.raises(AssertionError):
        assert_no_executable(bad_html)


FRAGMENTS = st.sampled_from(
    [
        "[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "#", "|", "-", "\n", "\n\n", " ",
        "[[", "]]", '"', "'", "&", ";", ":", "javascript", "java\u200bscript", "data", "vbscript",
        "script", "img", "onerror=", "alert(1)", "&#106;", "&colon;", "%3A", "src=", "href=",
        "<script>", "</script>", "<img src=x ", "[x](", "![y](", "[^1]", "- [ ] ", "| a | b |",
        "|---|---|", "```", "> ", "\t", "\u202e", "\ufeff", "http://", "/c/sam/", "//",
    ]
)  # fmt: skip
MARKDOWNISH = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_generated_markdown_never_renders_executable_html(body):
    assert_no_executable(render_markdown(body, link_base=LINK_BASE))
