"""The EHC plan as a document: a print view (HTML) and a PDF made by WeasyPrint.

Both come from one template and one stylesheet, so the page a family prints from the
browser and the PDF the council sends say the same things in the same order. Every piece
of plan text is autoescaped plain text, never Markdown or HTML, and WeasyPrint gets a
URL fetcher that refuses everything: nothing written in a plan can make the server fetch
a URL (SSRF) or read a local file.

WeasyPrint is imported only when a PDF is made: it loads Pango and takes about half a
second, which every app start and every test would otherwise pay.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template

from portal.plans.content import (
    NEED_SECTIONS,
    PFA_THEMES,
    PROVISION_SECTIONS,
    SECTIONS,
    TEXT_SECTIONS,
    PlanContent,
    SectionABlock,
)
from portal.plans.timeline import long_date

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

TEMPLATE = "plans/document.html"
STYLESHEET = "plan-document.css"  # in the app's static folder


@dataclass(frozen=True)
class PlanDocument:
    """One plan version with the details printed around it."""

    child_name: str
    preferred_name: str | None
    date_of_birth: date | None
    council_name: str
    version_label: str  # "Draft 2", "Final plan"
    version_number: int
    dated: date
    content: PlanContent
    # The address of the wiki page revision a Section A block quotes (print view only).
    page_link: Callable[[SectionABlock], str | None] | None = None

    @property
    def title(self) -> str:
        return f"EHC plan for {self.child_name} — {self.version_label}"


class FetchRefused(ValueError):
    """WeasyPrint asked for a URL; plan documents never load anything."""


@functools.cache
def _load_weasyprint() -> None:
    """Import WeasyPrint once, undoing the process-wide Pillow flag it sets.

    weasyprint.images sets ImageFile.LOAD_TRUNCATED_IMAGES = True at import, which would
    make the media library accept photos cut in half; plans load no images anyway.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint  # noqa: F401

    ImageFile.LOAD_TRUNCATED_IMAGES = before


@functools.cache
def _refusing_fetcher_class() -> type[URLFetcher]:
    _load_weasyprint()
    from weasyprint.urls import URLFetcher

    class RefusingURLFetcher(URLFetcher):
        # WeasyPrint 70 wants a URLFetcher (it reads private attributes off it), not a
        # plain function. No protocol is allowed either, in case fetch is ever bypassed.
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FetchRefused(f"plan documents load nothing, refused {url[:200]!r}")

    return RefusingURLFetcher


def refusing_url_fetcher() -> URLFetcher:
    """A WeasyPrint URL fetcher that raises FetchRefused for every URL."""
    return _refusing_fetcher_class()()


def _thread(content: PlanContent) -> tuple[Callable[[list[str]], str], dict[str, list[str]]]:
    """How to print golden-thread links, and which provision serves each outcome."""
    labels = {block.id: f"A {block.id}" for block in content.section_a}
    labels |= {need.id: f"{need.section} {need.id}" for need in content.needs}
    labels |= {outcome.id: f"E {outcome.id}" for outcome in content.outcomes}
    labels |= {item.id: f"{item.section} {item.id}" for item in content.provision}

    def refs(ids: list[str]) -> str:
        # A link to an id that is not in the plan is a gap the reader should see.
        return ", ".join(labels.get(i, f"{i} (not in this plan)") for i in dict.fromkeys(ids))

    served_by: dict[str, list[str]] = {}
    for item in content.provision:
        for outcome_id in dict.fromkeys(item.outcome_ids):
            served_by.setdefault(outcome_id, []).append(item.id)
    return refs, served_by


def render_document_html(doc: PlanDocument, *, for_pdf: bool, back_url: str | None = None) -> str:
    """The plan as standalone HTML: the print view, or the page WeasyPrint lays out.

    The print view links the stylesheet; the PDF is given it from disk (plan_pdf), so
    the PDF's HTML holds no URL at all. Section A links to page revisions are left out
    of the PDF.
    """
    content = doc.content
    refs, served_by = _thread(content)
    page_link = None if for_pdf else doc.page_link
    return render_template(
        TEMPLATE,
        doc=doc,
        for_pdf=for_pdf,
        back_url=None if for_pdf else back_url,
        title=doc.title,
        date_of_birth=long_date(doc.date_of_birth) if doc.date_of_birth else "",
        dated=long_date(doc.dated),
        sections=SECTIONS,
        need_sections=[
            (letter, [n for n in content.needs if n.section == letter]) for letter in NEED_SECTIONS
        ],
        provision_sections=[
            (letter, [p for p in content.provision if p.section == letter])
            for letter in PROVISION_SECTIONS
        ],
        text_sections=[(letter, content.text_sections.get(letter, "")) for letter in TEXT_SECTIONS],
        pfa_themes=PFA_THEMES,
        refs=refs,
        served_by=served_by,
        page_link=page_link,
    )


def stylesheet_path() -> Path:
    return Path(current_app.static_folder or "") / STYLESHEET


def plan_pdf(doc: PlanDocument) -> bytes:
    """The plan as a PDF (A4, a footer on every page). Needs an app context."""
    _load_weasyprint()
    from weasyprint import CSS, HTML

    fetcher = refusing_url_fetcher()
    html = HTML(string=render_document_html(doc, for_pdf=True), url_fetcher=fetcher)
    css = CSS(filename=str(stylesheet_path()), url_fetcher=fetcher)
    document = html.render(stylesheets=[css])
    document.metadata.title = doc.title
    document.metadata.authors = [doc.council_name]
    return document.write_pdf()
