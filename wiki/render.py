"""Markdown to safe HTML, knowing nothing of requests: markdown-it-py with raw HTML
off, then nh3 (Ammonia) with an allowlist, so a page can never carry script."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

MAX_BODY_CHARS = 200_000
MAX_SLUG_CHARS = 120
MAX_WIKILINK_CHARS = 300
# markdown-it walks forward from every "[" looking for its "]"; a body of nothing but
# brackets made that ~80 s of work. Past this many steps per body, brackets stay text.
MAX_BRACKET_STEPS = 100_000

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "input", "sup", "section", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "input": {"checked"},
    "li": {"id"},
    "ol": {"start"},
}
# Attributes allowed only with these exact values (nh3 wants them kept out of the above).
ALIGNMENTS = {"left", "center", "right"}
ALLOWED_ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}},
    "th": {"align": ALIGNMENTS},
    "td": {"align": ALIGNMENTS},
}
ALLOWED_CLASSES = {
    "a": {"wikilink", "footnote-backref"},
    "ul": {"contains-task-list"},
    "li": {"task-list-item", "footnote-item"},
    "input": {"task-list-item-checkbox"},
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "hr": {"footnotes-sep"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "nofollow noopener noreferrer"
FOOTNOTE_ID = re.compile(r"^fn(ref)?\d+(:\d+)?$")
URL_IGNORED = re.compile(r"[\t\n\r]")  # browsers drop these from URLs before parsing
MEDIA_REFERENCE = re.compile(r"^media:([0-9]{1,12})$")
# The only pictures a page may show: a child's own media, by the addresses media/views.py
# serves. Any other same-site address (say /logout) would be fetched by every reader.
MEDIA_IMAGE_SRC = re.compile(
    r"^/c/[a-z0-9-]{1,60}/media/[0-9]{1,12}/(embed|file/(thumb|display|poster))(\?v=[0-9]{1,9})?$"
)


def page_slug(title: str) -> str:
    """A page's web address from its title: "Things I enjoy!" → "things-i-enjoy"."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:MAX_SLUG_CHARS].strip("-")
    return slug or "page"


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """[[Page name]] or [[Page name|shown text]] on one line."""
    start = state.pos
    # Not inside another link's text: nested anchors are invalid HTML.
    if state.linkLevel > 0 or not state.src.startswith("[[", start):
        return False
    # A bounded search, so a body full of unclosed "[[" stays linear.
    limit = min(state.posMax, start + 2 + MAX_WIKILINK_CHARS + 2)
    end = state.src.find("]]", start + 2, limit)
    if end == -1:
        return False
    name, _, label = state.src[start + 2 : end].partition("|")
    if not name.strip() or "\n" in name + label or "[" in name + label:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"slug": page_slug(name), "label": (label.strip() or name.strip())}
    state.pos = end + 2
    return True


def _render_wikilink(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    href = html.escape(f"{env.get('link_base', '')}{meta['slug']}")
    return f'<a href="{href}" class="wikilink">{html.escape(meta["label"])}</a>'


def _align_cells(state: StateCore) -> None:
    # markdown-it aligns table cells with style="text-align:…"; style is never let
    # through, so carry the alignment as the align attribute instead.
    for token in state.tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if isinstance(style, str):
            del token.attrs["style"]
            token.attrs["align"] = style.removeprefix("text-align:")


def _media_images(state: StateCore) -> None:
    # ![caption](media:12) points at item 12 of this child's library. The address made
    # here shows the picture anywhere; a page view swaps it for the right player.
    link_base = state.env.get("link_base", "") if isinstance(state.env, dict) else ""
    media_base = link_base.removesuffix("wiki/") + "media/"
    for block in state.tokens:
        for token in block.children or ():
            if token.type != "image":
                continue
            found = MEDIA_REFERENCE.match(str(token.attrs.get("src", "")))
            if found:
                token.attrs["src"] = f"{media_base}{int(found.group(1))}/embed"


def _bounded_skip(skip_token):
    """Wrap ParserInline.skipToken so one body can spend only so many bracket steps."""

    def skip(state: StateInline) -> None:
        spent = state.env.get("_bracket_steps", 0) + 1
        state.env["_bracket_steps"] = spent
        if spent > MAX_BRACKET_STEPS:
            # markdown-it's own answer to too-deep nesting: "]" is never found.
            state.pos = state.posMax
            return
        skip_token(state)

    return skip


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images only from the child's library: a remote image would tell a stranger who
    # reads the page, and any other address here would be requested by every reader.
    if tag == "img" and attribute == "src":
        return value if MEDIA_IMAGE_SRC.match(value) else None
    if attribute == "id":
        return value if FOOTNOTE_ID.match(value) else None
    return value


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin).use(footnote_plugin)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.core.ruler.push("align_cells", _align_cells)
    md.core.ruler.push("media_images", _media_images)
    # An instance attribute: only this parser is bounded, not markdown-it everywhere.
    md.inline.skipToken = _bounded_skip(md.inline.skipToken)  # type: ignore[method-assign]
    return md


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        # A task list box is a picture of a tick, never a control.
        set_tag_attribute_values={"input": {"disabled": "disabled"}},
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(body: str, *, link_base: str) -> str:
    """Safe HTML for a page body; wiki links point under `link_base` ("/c/sam/wiki/")."""
    html_out = _markdown().render(body[:MAX_BODY_CHARS], {"link_base": link_base})
    return _cleaner().clean(html_out)


def extract_wiki_links(body: str) -> list[str]:
    """The slugs a body links to with [[...]], in order, once each (code is skipped)."""
    slugs: list[str] = []
    for token in _markdown().parse(body[:MAX_BODY_CHARS], {}):
        for child in token.children or ():
            if child.type == "wikilink" and child.meta["slug"] not in slugs:
                slugs.append(child.meta["slug"])
    return slugs


def plain_text(body: str, limit: int = 200) -> str:
    """A short plain-text excerpt of a body, for lists."""
    stripped = nh3.clean(_markdown().render(body[:MAX_BODY_CHARS], {}), tags=set())
    # nh3 leaves the text HTML-escaped; templates escape again, so undo it exactly once.
    text = " ".join(html.unescape(stripped).split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]  # one more, to see whether the cut falls between words
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut[:limit].rstrip() + "…"
