"""What "no executable script" means for rendered page HTML, checked by parsing it."""

from __future__ import annotations

import html
import unicodedata
from html.parser import HTMLParser

from wiki.render import ALLOWED_TAGS

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:")
NEVER = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
}


def _squash(value: str) -> str:
    """How a browser might read a URL: entities decoded, invisible characters gone."""
    value = html.unescape(value)
    kept = (
        ch for ch in value if unicodedata.category(ch)[0] not in {"C", "Z"} and not ch.isspace()
    )
    return "".join(kept).lower()


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in NEVER or tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event attribute {name}")
            if name == "style":
                self.problems.append("style attribute")
            if name in URL_ATTRIBUTES and _squash(value or "").startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"{name}={value!r}")

    handle_startendtag = handle_starttag


def assert_no_executable(rendered: str) -> None:
    """Fail if the HTML has a tag, attribute or URL that could run script."""
    checker = _Checker()
    checker.feed(rendered)
    checker.close()
    assert checker.problems == [], f"{checker.problems} in {rendered!r}"
