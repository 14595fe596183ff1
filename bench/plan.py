"""EHC plan PDF speed, measured. Prints the median time to make a big plan's PDF.

    python -m bench.plan

Target: a plan with 40 outcomes (and 20 needs, 60 items of provision, 6 Section A blocks
of a few paragraphs each, and Sections I, J and K) becomes a PDF in under 3 s, since
the caseworker waits for it in the browser. Times `plan_pdf` alone (render the template,
lay out and write the PDF with WeasyPrint) inside an app context: one warm-up run, then
the median, fastest and slowest of 7. No database is used.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pypdfium2

from portal import create_app
from portal.plans.content import (
    NEED_SECTIONS,
    PFA_THEMES,
    PROVISION_SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
    SectionABlock,
)
from portal.plans.document import PlanDocument, plan_pdf

TARGET_S = 3.0
RUNS = 7

PARAGRAPH = (
    "Sam loves trains and knows every station on the line to Grandma's house. "
    "Loud, crowded rooms are hard: Sam needs somewhere quiet to go and a grown-up who "
    "knows the signs that things are getting too much."
)


def big_plan() -> PlanContent:
    section_a = [
        SectionABlock(
            f"a{i}",
            "\n\n".join([PARAGRAPH] * 4),
            "family" if i % 3 else "caseworker",
            page_id=i,
            page_slug=f"page-{i}",
            page_title=f"About me, part {i}",
            revision=i + 2,
        )
        for i in range(1, 7)
    ]
    needs = [
        Need(
            f"n{i}",
            NEED_SECTIONS[i % 3],
            f"Need {i}: Sam finds it hard to follow spoken instructions in a busy class "
            "and needs them broken into small steps, with pictures.",
            [f"a{1 + i % 6}"],
        )
        for i in range(1, 21)
    ]
    themes = list(PFA_THEMES)
    outcomes = [
        Outcome(
            f"o{i}",
            f"Outcome {i}: by the end of Year 11 Sam will travel to college on the bus "
            "on their own, using a visual timetable and a phone to check times.",
            [f"n{1 + i % 20}"],
            themes[i % 4],
            f"July {2026 + i % 3}",
            "Sam makes the journey alone five days running, checked by the travel trainer.",
        )
        for i in range(1, 41)
    ]
    provision = [
        Provision(
            f"p{i}",
            PROVISION_SECTIONS[i % 3],
            f"Provision {i}: one-to-one travel training with a trained adult.",
            "Travel trainer from the council's independence team",
            "Twice a week, 45 minutes each",
            "One school year, reviewed each term",
            [f"o{1 + i % 40}"],
        )
        for i in range(1, 61)
    ]
    return PlanContent(
        section_a=section_a,
        needs=needs,
        outcomes=outcomes,
        provision=provision,
        text_sections={
            "I": "Riverside Academy (mainstream secondary school), Year 10.",
            "J": "A personal budget of £2,400 a year for travel training and after-school "
            "clubs, paid as a direct payment to the family.",
            "K": "\n".join(
                f"Advice from professional {i}, received {i} March 2025." for i in range(1, 9)
            ),
        },
    )


def big_document() -> PlanDocument:
    return PlanDocument(
        child_name="Sam Taylor",
        preferred_name="Sam",
        date_of_birth=date(2010, 5, 3),
        council_name="Riverside Council",
        version_label="Draft 2",
        version_number=3,
        dated=date(2025, 3, 14),
        content=big_plan(),
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}"},
            env="testing",
        )
        doc = big_document()
        with app.app_context():
            pdf = plan_pdf(doc)  # warm-up: imports WeasyPrint, loads fonts
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                pdf = plan_pdf(doc)
                times.append(time.perf_counter() - start)
    pages = len(pypdfium2.PdfDocument(pdf))
    median = statistics.median(times)
    verdict = "ok" if median < TARGET_S else "OVER TARGET"
    print(
        f"plan PDF, 40 outcomes, 60 provision, {pages} pages, {len(pdf) / 1024:.0f} KB: "
        f"median {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}; "
        f"{RUNS} runs) — target under {TARGET_S:.0f} s: {verdict}"
    )
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
