"""What "no executable script" means for rendered page HTML, checked by parsing it.

The allowlists are written out here rather than imported from wiki.render, so that
widening the renderer's allowlist has to be done knowingly in two places.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("strong", "em", "s", "del", "code", "pre", "blockquote", "span"),
        *("ul", "ol", "li", "a", "img", "input", "sup", "section"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class", "id", "rel"}),
    "img": frozenset({"src", "alt", "title"}),
    "input": frozenset({"type", "checked", "disabled", "class"}),
    "li": frozenset({"class", "id"}),
    "ol": frozenset({"class", "start"}),
    "ul": frozenset({"class"}),
    "section": frozenset({"class"}),
    "sup": frozenset({"class"}),
    "hr": frozenset({"class"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
)
NEVER_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base"}
    | {"form", "frame", "frameset", "applet", "template", "noscript", "button"}
)
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def squash_url(value: str) -> str:
    """A decoded attribute value as a lenient browser might read it: invisibles gone."""
    # Cc (controls), Cf (zero-width, bidi, BOM, soft hyphen), Z* (all spaces and separators).
    kept = (
        ch for ch in value if unicodedata.category(ch)[0] not in {"C", "Z"} and not ch.isspace()
    )
    return "".join(kept).lower()


def _url_problem(value: str) -> str | None:
    url = squash_url(value)
    if url.startswith(DANGEROUS_SCHEMES):
        return "dangerous scheme"
    scheme = SCHEME.match(url)
    if scheme and scheme.group(1) not in SAFE_SCHEMES:
        return f"scheme {scheme.group(1)}:"
    return None


class _Checker(HTMLParser):
    # HTMLParser decodes entities in attribute values exactly once, as a browser does;
    # decoding again would flag "&amp;#106…", which a browser reads as a relative URL.
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in NEVER_TAGS or tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event attribute {name} on <{tag}>")
            elif name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            elif name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and (problem := _url_problem(value or "")):
                self.problems.append(f"{problem} in {name}={value!r}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in NEVER_TAGS:
            self.problems.append(f"end tag </{tag}>")

    # The renderer never writes these; old browsers ran script in conditional comments.
    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")


def assert_no_executable(rendered: str) -> None:
    """Fail if the HTML has a tag, attribute or URL that could run script."""
    checker = _Checker()
    checker.feed(rendered)
    checker.close()
    assert checker.problems == [], f"{checker.problems} in {rendered!r}"
