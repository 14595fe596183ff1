"""Markdown to safe HTML, knowing nothing of requests: markdown-it-py with raw HTML
off, then nh3 (Ammonia) with an allowlist, so a page can never carry script."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markupsafe import escape
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

MAX_BODY_CHARS = 200_000
MAX_SLUG_CHARS = 120

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "input", "sup", "section", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "input": {"type", "checked", "disabled"},
    "li": {"id"},
    "ol": {"start"},
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
FOOTNOTE_ID = re.compile(r"^fn(ref)?\d+(:\d+)?$")


def page_slug(title: str) -> str:
    """A page's web address from its title: "Things I enjoy!" → "things-i-enjoy"."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:MAX_SLUG_CHARS].strip("-")
    return slug or "page"


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """[[Page name]] or [[Page name|shown text]] on one line."""
    start = state.pos
    if not state.src.startswith("[[", start):
        return False
    end = state.src.find("]]", start + 2)
    inner = state.src[start + 2 : end] if end != -1 else ""
    if not inner.strip() or "\n" in inner or "[" in inner or len(inner) > 300:
        return False
    if not silent:
        name, _, label = inner.partition("|")
        token = state.push("wikilink", "", 0)
        token.meta = {"slug": page_slug(name), "label": (label or name).strip()}
    state.pos = end + 2
    return True


def _render_wikilink(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    href = escape(f"{env.get('link_base', '')}{meta['slug']}")
    return f'<a href="{href}" class="wikilink">{escape(meta["label"])}</a>'


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images only from this site: a remote image would tell a stranger who reads the page.
    if tag == "img" and attribute == "src":
        safe = value.startswith("/") and not value.startswith("//") and "\\" not in value
        return value if safe else None
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
    return md


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(body: str, *, link_base: str) -> str:
    """Safe HTML for a page body; wiki links point under `link_base` ("/c/sam/wiki/")."""
    html = _markdown().render(body[:MAX_BODY_CHARS], {"link_base": link_base})
    return _cleaner().clean(html)


def extract_wiki_links(body: str) -> list[str]:
    """The slugs a body links to with [[...]], in order, once each (code is skipped)."""
    slugs: list[str] = []
    for token in _markdown().parse(body[:MAX_BODY_CHARS]):
        for child in token.children or ():
            if child.type == "wikilink" and child.meta["slug"] not in slugs:
                slugs.append(child.meta["slug"])
    return slugs


def plain_text(body: str, limit: int = 200) -> str:
    """A short plain-text excerpt of a body, for lists."""
    text = nh3.clean(_markdown().render(body[:MAX_BODY_CHARS], {}), tags=set())
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
