"""Media inside wiki pages. A page's cached HTML carries plain <img> tags for
`![caption](media:ID)`; at view time each becomes the right picture or player,
for this viewer: an item they may not see shows as "not available"."""

from __future__ import annotations

import html
import re
from collections.abc import Collection

from flask import get_template_attribute
from markupsafe import Markup

from media import service

# Exactly what wiki/render.py writes (after nh3), so user text can never match it.
EMBED_TAG = re.compile(r'<img src="/c/([a-z0-9-]+)/media/([0-9]{1,12})/embed" alt="([^"]*)">')


def embedded_ids(page_html: str, child_slug: str) -> set[int]:
    return {int(m.group(2)) for m in EMBED_TAG.finditer(page_html) if m.group(1) == child_slug}


def expand_embeds(
    page_html: str, *, child_id: int, child_slug: str, visibilities: Collection[str]
) -> Markup:
    """The page's HTML with every embed of this child's media drawn for this viewer."""
    ids = embedded_ids(page_html, child_slug)
    if not ids:
        return Markup(page_html)  # noqa: S704  (cleaned by nh3 when it was rendered)
    items = service.items_by_id(child_id, ids)
    draw = get_template_attribute("macros/media.html", "embedded")

    def replace(match: re.Match) -> str:
        if match.group(1) != child_slug:
            return match.group(0)
        item = items.get(int(match.group(2)))
        if item is not None and (item.deleted or item.visibility not in visibilities):
            item = None
        return str(draw(item, html.unescape(match.group(3))))

    return Markup(EMBED_TAG.sub(replace, page_html))  # noqa: S704
