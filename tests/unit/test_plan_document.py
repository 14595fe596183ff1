"""The printable EHC plan: the print view's HTML and the PDF made by WeasyPrint."""

from __future__ import annotations

import logging
import re
import socket
import threading
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest
from flask import Flask

from portal.plans import document
from portal.plans.content import (
    SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
    SectionABlock,
)
from portal.plans.document import (
    FetchRefused,
    PlanDocument,
    plan_pdf,
    refusing_url_fetcher,
    render_document_html,
)
from tests.conftest import make_app

HOSTILE = '<script>alert("x")</script> <img src="http://127.0.0.1:9/x"> Tom & Jerry'
FOOTER = "Sam Taylor · Draft 2 (version 3) · 14 March 2025"


def sample_content(**changes) -> PlanContent:
    content = PlanContent(
        section_a=[
            SectionABlock(
                "a1",
                "I love trains.\nI want to drive one when I grow up.",
                "family",
                page_id=12,
                page_slug="my-dreams",
                page_title="My dreams",
                revision=3,
            ),
            SectionABlock("a2", "Sam is happiest with a routine.", "caseworker"),
        ],
        needs=[
            Need("n1", "B", "Sam finds noisy classrooms overwhelming.", ["a1"]),
            Need("n2", "C", "Sam has asthma that flares up with exercise.", ["a2"]),
        ],
        outcomes=[
            Outcome(
                "o1",
                "Sam will travel to college on the bus alone.",
                ["n1", "n7"],
                "independent_living",
                "July 2027",
                "Sam makes the journey alone five days running.",
            ),
            Outcome("o2", "Sam will join a swimming club.", ["n2"]),
        ],
        provision=[
            Provision(
                "p1",
                "F",
                "Travel training with a trained adult",
                "The council's travel trainer",
                "Twice a week, 45 minutes each",
                "One school year",
                ["o1"],
            ),
            Provision("p2", "G", "An asthma plan agreed with the school nurse"),
        ],
        text_sections={"I": "Riverside Academy", "K": "Advice from the school nurse\nand the EP"},
    )
    return replace(content, **changes)


def sample_document(content: PlanContent | None = None, **changes) -> PlanDocument:
    doc = PlanDocument(
        child_name="Sam Taylor",
        preferred_name="Sam",
        date_of_birth=date(2010, 5, 3),
        council_name="Riverside Council",
        version_label="Draft 2",
        version_number=3,
        dated=date(2025, 3, 14),
        content=content or sample_content(),
    )
    return replace(doc, **changes)


def big_content() -> PlanContent:
    base = sample_content()
    outcomes = [
        Outcome(f"o{i}", f"Outcome number {i} for Sam.", ["n1"], None, "July 2027", "Checked")
        for i in range(1, 31)
    ]
    provision = [
        Provision(f"p{i}", "F", f"Provision {i}", "A teacher", "Daily", "A year", [f"o{i}"])
        for i in range(1, 31)
    ]
    return replace(base, outcomes=outcomes, provision=provision)


@pytest.fixture
def app(tmp_path) -> Flask:
    # No tables: the document needs only templates and the static folder.
    return make_app(tmp_path)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pdfium extracts it."""
    pdf_doc = pypdfium2.PdfDocument(pdf)
    texts = []
    try:
        for page in pdf_doc:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        pdf_doc.close()
    return texts


def flat(text: str) -> str:
    return " ".join(text.split())


def make_pdf(app: Flask, doc: PlanDocument) -> bytes:
    with app.app_context():
        return plan_pdf(doc)


def print_view(app: Flask, doc: PlanDocument, **kwargs) -> str:
    with app.test_request_context():
        return render_document_html(doc, for_pdf=False, **kwargs)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def named(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


# The PDF -------------------------------------------------------------------------------


def test_pdf_holds_the_whole_plan_in_order(app):
    pdf = make_pdf(app, sample_document())
    assert pdf.startswith(b"%PDF-")
    text = flat("\n".join(pdf_pages(pdf)))

    for needle in [
        "Sam Taylor",
        "Preferred name Sam",
        "Date of birth 3 May 2010",
        "Council Riverside Council",
        "Draft 2 (version 3)",
        "14 March 2025",
        "Sam will travel to college on the bus alone.",
        "By when July 2027",
        "How we will know Sam makes the journey alone five days running.",
        "Preparing for Adulthood: Independent living",
        "How often Twice a week, 45 minutes each",
        "How long One school year",
        "Page 1 of",
    ]:
        assert needle in text, needle
    positions = []
    for letter, title in SECTIONS.items():
        heading = f"{letter} {title}"
        assert heading in text, heading
        positions.append(text.index(heading))
    assert positions == sorted(positions), "sections A to K are in order"


def test_pdf_metadata_title_names_the_child_and_version(app):
    pdf_doc = pypdfium2.PdfDocument(make_pdf(app, sample_document()))
    try:
        metadata = pdf_doc.get_metadata_dict()
    finally:
        pdf_doc.close()
    assert metadata["Title"] == "EHC plan for Sam Taylor — Draft 2"
    assert metadata["Author"] == "Riverside Council"


def test_every_page_of_a_long_plan_has_the_footer(app):
    pages = pdf_pages(make_pdf(app, sample_document(big_content())))
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert FOOTER in flat(page), number
        assert f"Page {number} of {len(pages)}" in flat(page), number


def test_pdf_shows_gaps_and_keeps_line_breaks(app):
    content = sample_content(needs=[], text_sections={"K": "First line\nSecond line"})
    doc = sample_document(content, preferred_name=None, date_of_birth=None)
    pages = pdf_pages(make_pdf(app, doc))
    text = flat("\n".join(pages))
    assert "Preferred name Not stated" in text
    assert "Date of birth Not stated" in text
    # B, C, D (no needs), H, I and J are empty.
    assert text.count("Nothing recorded in this section.") == 6
    # p2 says only what: who, how often and how long are gaps; o2 has no timeframe.
    assert "G p2 What An asthma plan agreed with the school nurse Who Not stated" in text
    assert "How often Not stated How long Not stated" in text
    assert "By when Not stated How we will know Not stated" in text
    lines = [line.strip() for line in "\n".join(pages).splitlines()]
    assert lines.index("Second line") == lines.index("First line") + 1


def test_hostile_text_is_printed_as_written_in_the_pdf(app):
    content = sample_content(
        needs=[Need("n1", "B", HOSTILE, ["a1"])],
        text_sections={"J": "<b>not bold</b> & <a href='http://127.0.0.1:9/'>x</a>"},
    )
    text = flat("\n".join(pdf_pages(make_pdf(app, sample_document(content)))))
    assert HOSTILE in text
    assert "<b>not bold</b> & <a href='http://127.0.0.1:9/'>x</a>" in text


# Nothing in a plan makes the server fetch anything ---------------------------------------


class Listener:
    """A TCP server on a free local port that counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def fetch_log(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the plan fetcher for (each is still refused)."""
    asked: list[str] = []
    fetcher_class = type(refusing_url_fetcher())
    refuse = fetcher_class.fetch

    def recording_fetch(self, url, headers=None):
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(fetcher_class, "fetch", recording_fetch)
    return asked


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.org/a.png",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        "ftp://127.0.0.1/x",
    ],
)
def test_the_url_fetcher_refuses_every_url(url):
    with pytest.raises(FetchRefused):
        refusing_url_fetcher()(url)


def test_a_plan_full_of_urls_fetches_nothing(app, listener, fetch_log):
    here = f"http://127.0.0.1:{listener.port}"
    tricks = (
        f'<img src="{here}/img"> <link rel="stylesheet" href="{here}/css">'
        f'<style>@import "{here}/import";</style> <div style="background:url({here}/bg)">'
        f'<iframe src="{here}/frame"></iframe> <object data="file:///etc/passwd"></object>'
    )
    block = SectionABlock(
        "a1", tricks, "family", page_id=1, page_slug=tricks, page_title=tricks, revision=1
    )
    content = sample_content(
        section_a=[block],
        needs=[Need("n1", "B", tricks)],
        outcomes=[Outcome("o1", tricks, timeframe=tricks, measure=tricks)],
        provision=[Provision("p1", "F", tricks, tricks, tricks, tricks)],
        text_sections={"I": tricks, "J": tricks, "K": tricks},
    )
    doc = sample_document(content, child_name=tricks, council_name=tricks, version_label=tricks)
    text = flat("\n".join(pdf_pages(make_pdf(app, doc))))
    assert f'<img src="{here}/img">' in text
    assert fetch_log == []
    assert listener.connections == 0


def test_plan_pdf_refuses_fetches_even_if_the_html_asked_for_one(
    app, listener, fetch_log, monkeypatch
):
    # If the template ever let markup through, plan_pdf still would not fetch it.
    here = f"http://127.0.0.1:{listener.port}"
    raw = (
        f'<html><head><link rel="stylesheet" href="{here}/css"></head>'
        f'<body><p>Hello</p><img src="{here}/img"></body></html>'
    )
    monkeypatch.setattr(document, "render_document_html", lambda doc, *, for_pdf: raw)
    text = flat("\n".join(pdf_pages(make_pdf(app, sample_document()))))
    assert "Hello" in text
    assert sorted(fetch_log) == [f"{here}/css", f"{here}/img"]
    assert listener.connections == 0


def test_the_listener_would_notice_a_fetch(listener, monkeypatch):
    # The control for the two tests above: WeasyPrint's own fetcher does connect
    # (straight to the listener, not through any proxy the environment names).
    document._load_weasyprint()
    from weasyprint import HTML

    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)

    HTML(string=f'<img src="http://127.0.0.1:{listener.port}/x">').write_pdf()
    assert listener.connections == 1


def test_making_a_pdf_leaves_pillow_refusing_truncated_images(app):
    # WeasyPrint's import turns this on for the whole process; the media library relies
    # on it being off to turn away photos cut in half.
    from PIL import ImageFile

    make_pdf(app, sample_document())
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# The print view -----------------------------------------------------------------------


def test_print_view_is_standalone_and_csp_clean(app):
    html = print_view(app, sample_document(), back_url="/c/sam/plan")
    tags = Tags(html)
    assert tags.named("html") == [{"lang": "en-GB"}]
    assert "<title>EHC plan for Sam Taylor — Draft 2</title>" in html
    # The CSP allows no inline style or script.
    assert tags.named("style") == []
    assert tags.named("script") == []
    assert [attrs for _tag, attrs in tags.tags if "style" in attrs] == []
    assert [attrs for _tag, attrs in tags.tags if any(a.startswith("on") for a in attrs)] == []
    assert tags.named("link") == [{"rel": "stylesheet", "href": "/static/plan-document.css"}]
    assert {"class": "back-link", "href": "/c/sam/plan"} in tags.named("a")
    assert "Back to the plan" in html
    assert re.search(r'class="[^"]*\bscreen-only\b[^"]*"', html)
    assert "Use your browser's Print to print or save as PDF." in html


def test_print_view_without_a_back_url_has_no_back_link(app):
    html = print_view(app, sample_document())
    assert "Back to the plan" not in html
    assert "Use your browser's Print" in html


def test_print_view_says_where_section_a_came_from_and_links_it(app):
    doc = sample_document(page_link=lambda block: f"/c/sam/wiki/{block.page_slug}/r/3")
    html = print_view(app, doc)
    assert (
        "In the family's words, from "
        '<a href="/c/sam/wiki/my-dreams/r/3">“My dreams”, revision 3</a>'
    ) in html
    assert "The caseworker's summary" in html
    # The quote keeps its line break for the stylesheet's pre-line to show.
    assert "I love trains.\nI want to drive one when I grow up." in html


def test_print_view_shows_the_golden_thread_and_the_footer_details(app):
    text = flat(" ".join(Tags(print_view(app, sample_document())).text))
    for needle in [
        "A a1",
        "B n1",
        "C n2",
        "E o1",
        "F p1",
        "G p2",
        "From: A a1",
        "Meets: B n1, n7 (not in this plan)",
        "Provision: F p1",
        "Serves: E o1",
        "Serves: none recorded",
        "Provision: none recorded",
        "Preparing for Adulthood: Independent living",
        "Name Sam Taylor",
        "Version Draft 2 (version 3)",
        "Dated 14 March 2025",
    ]:
        assert needle in text, needle
    for letter, title in SECTIONS.items():
        assert f"{letter} {title}" in text


def test_hostile_text_is_escaped_in_the_print_view(app):
    content = sample_content(needs=[Need("n1", "B", HOSTILE)])
    html = print_view(app, sample_document(content, child_name="Sam <b>&</b>"))
    tags = Tags(html)
    assert tags.named("script") == []
    assert tags.named("img") == []
    assert tags.named("b") == []
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry" in html
    assert HOSTILE in "".join(tags.text)
    assert "Sam <b>&</b>" in "".join(tags.text)


def test_pdf_html_links_nothing(app):
    doc = sample_document(page_link=lambda block: "/c/sam/wiki/my-dreams/r/3")
    with app.app_context():
        html = render_document_html(doc, for_pdf=True, back_url="/c/sam/plan")
    assert not re.search(r"\b(href|src)=|url\(", html)
    assert "Back to the plan" not in html
    assert "“My dreams”, revision 3" in html


def test_stylesheet_has_the_page_footer_and_no_urls():
    css = (Path(document.__file__).parent.parent / "static" / "plan-document.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert "size: A4" in css
    assert "@bottom-left" in css
    assert '"Page " counter(page) " of " counter(pages)' in css
    assert "string(plan-child)" in css
    assert re.search(r"@media print\s*\{[^@]*\.screen-only \{ display: none; \}", css)
    assert "url(" not in css
    assert "@import" not in css


def test_weasyprint_has_nothing_to_complain_about(app, caplog):
    # WeasyPrint logs CSS it ignores and resources it cannot load; a PDF should need
    # neither, or every export would fill the server's log.
    with caplog.at_level(logging.INFO, logger="weasyprint"):
        make_pdf(app, sample_document())
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint"] == []
