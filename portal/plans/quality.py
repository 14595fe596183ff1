"""Quality checks on an EHC plan draft, in plain English for the caseworker.

check_plan walks the golden thread (aspiration -> need -> outcome -> provision) and
flags the gaps that councils' quality audits and tribunals look for: broken links,
outcomes that are not SMART, provision that is not specific and quantified, missing
Preparing for Adulthood themes from age 14, and a Section A without the family's own
words. The same findings serve the live hints in the editor and the checklist on a draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from portal.plans.content import (
    PFA_THEMES,
    SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
)

# From year 9 (age 14) outcomes cover the Preparing for Adulthood themes.
PFA_AGE = 14

# Every finding code, with the line it gives on the draft's checklist.
CHECKS: dict[str, str] = {
    "section_a_no_family_words": "Section A includes the child's or family's own words",
    "dangling_link": "Every link points to an item that is in the plan",
    "need_no_outcome": "Every need has an outcome",
    "plan_no_pfa_theme": "From age 14, outcomes cover Preparing for Adulthood",
    "outcome_no_need": "Every outcome meets a need",
    "outcome_no_provision": "Every outcome has provision",
    "outcome_no_timeframe": "Every outcome says by when",
    "outcome_no_measure": "Every outcome says how success will be seen",
    "outcome_no_pfa_theme": "From age 14, each outcome has a Preparing for Adulthood theme",
    "provision_no_outcome": "Every item of provision works towards an outcome",
    "provision_no_frequency": "Every item of provision says how often",
    "provision_no_quantity": "Every item of provision says for how long or how much",
    "provision_vague": "Provision avoids vague words",
}

# Words that let provision be skipped or cut without breaking the plan, with how to fix
# each. Matched whole (not inside longer words), ignoring case; a hyphen or line break
# between the words matches as well as a space.
VAGUE_PHRASES: dict[str, str] = {
    "access to": "Say what the child will actually get, not what they can have access to.",
    "opportunities for": "Say what will be provided and how often, not that there will "
    "be opportunities.",
    "opportunity to": "Say what will be provided and how often, not that there will "
    "be an opportunity.",
    "as required": "Say how often, e.g. 'twice a week, 30 minutes'; 'as required' leaves "
    "it to someone else to decide.",
    "as needed": "Say how often, e.g. 'twice a week, 30 minutes'; 'as needed' leaves "
    "it to someone else to decide.",
    "regular": "Give the actual frequency, e.g. 'every school day' or 'once a fortnight'.",
    "regularly": "Give the actual frequency, e.g. 'every school day' or 'once a fortnight'.",
    "where appropriate": "Say when it applies, or take the words out.",
    "support as necessary": "Say what support, who gives it, how often and for how long.",
}

_VAGUE = {
    phrase: re.compile(
        r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, phrase.split())) + r"(?![\w-])",
        re.IGNORECASE,
    )
    for phrase in VAGUE_PHRASES
}

_PROVISION_FIELDS = (
    ("what", "what"),
    ("who", "who"),
    ("how_often", "how often"),
    ("how_long", "how long"),
)

# add(rank of the item in its list, code, message, section, item id)
_Add = Callable[[int, str, str, str, str | None], None]

_ORDER = {section: rank for rank, section in enumerate(SECTIONS)}


@dataclass(frozen=True)
class Finding:
    """One thing to fix ("problem") or to consider ("advice") in a plan draft."""

    code: str
    severity: Literal["problem", "advice"]
    message: str
    item_id: str | None
    section: str


def vague_phrases(text: str) -> list[str]:
    """The vague phrases in a piece of text, each once, in the order they first appear."""
    found: list[tuple[int, str]] = []
    for phrase, pattern in _VAGUE.items():
        match = pattern.search(text)
        if match:
            found.append((match.start(), phrase))
    return [phrase for _start, phrase in sorted(found)]


def _blank(text: str) -> bool:
    return not text.strip()


def _snippet(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _name(kind: str, item_id: str, text: str) -> str:
    snippet = _snippet(text)
    return f'{kind} {item_id} ("{snippet}")' if snippet else f"{kind} {item_id}"


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def check_plan(content: PlanContent, *, age: int | None) -> list[Finding]:
    """Every quality finding for a plan, ordered by section (A to K) and then by the
    order of the items in the plan. An empty list means no check found anything.

    `age` is the child's age in whole years; None (not known) skips the Preparing for
    Adulthood checks, which apply from age 14.
    """
    found: list[tuple[int, int, Finding]] = []

    def add(rank: int, code: str, message: str, section: str, item_id: str | None = None) -> None:
        severity: Literal["problem", "advice"] = (
            "advice" if code == "outcome_no_pfa_theme" else "problem"
        )
        found.append((_ORDER[section], rank, Finding(code, severity, message, item_id, section)))

    aspiration_ids = {block.id for block in content.section_a}
    need_ids = {need.id for need in content.needs}
    outcome_ids = {outcome.id for outcome in content.outcomes}
    needs_met = {n for outcome in content.outcomes for n in outcome.need_ids}
    outcomes_served = {o for item in content.provision for o in item.outcome_ids}
    pfa_due = age is not None and age >= PFA_AGE
    themes = ", ".join(PFA_THEMES.values())

    # Section A
    if not any(b.source == "family" and not _blank(b.text) for b in content.section_a):
        add(
            -1,
            "section_a_no_family_words",
            "Section A has nothing in the child's or family's own words. Add a passage "
            "from one of their About Me pages shared with the team, quoted as they wrote it.",
            "A",
        )

    # Sections B-D
    for rank, need in enumerate(content.needs):
        _check_need(add, rank, need, aspiration_ids, needs_met)

    # Section E
    if pfa_due and not any(outcome.pfa_theme for outcome in content.outcomes):
        add(
            -1,
            "plan_no_pfa_theme",
            f"This plan is for someone aged {age}: from age {PFA_AGE} the outcomes should "
            f"prepare them for adulthood, but no outcome has a Preparing for Adulthood theme. "
            f"Give each outcome one of: {themes}.",
            "E",
        )
    for rank, outcome in enumerate(content.outcomes):
        _check_outcome(add, rank, outcome, need_ids, outcomes_served, pfa_due, themes)

    # Sections F-H
    for rank, item in enumerate(content.provision):
        _check_provision(add, rank, item, outcome_ids)

    # Stable sort: findings about one item keep the order they were added in.
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [finding for _section, _rank, finding in found]


def _check_need(
    add: _Add, rank: int, need: Need, aspiration_ids: set[str], needs_met: set[str]
) -> None:
    name = _name("Need", need.id, need.text)
    for missing in _unique(need.aspiration_ids):
        if missing not in aspiration_ids:
            add(
                rank,
                "dangling_link",
                f"{name} links to Section A passage {missing}, which is not in this plan "
                "(it may have been deleted). Remove the link or choose a passage from "
                "Section A.",
                need.section,
                need.id,
            )
    if need.id not in needs_met:
        add(
            rank,
            "need_no_outcome",
            f"{name} has no outcome. Add an outcome in Section E that meets this need, "
            "or link an existing outcome to it.",
            need.section,
            need.id,
        )


def _check_outcome(
    add: _Add,
    rank: int,
    outcome: Outcome,
    need_ids: set[str],
    outcomes_served: set[str],
    pfa_due: bool,
    themes: str,
) -> None:
    name = _name("Outcome", outcome.id, outcome.text)
    if not any(n in need_ids for n in outcome.need_ids):
        add(
            rank,
            "outcome_no_need",
            f"{name} is not linked to a need. Link it to the need in Section B, C or D "
            "that it meets.",
            "E",
            outcome.id,
        )
    for missing in _unique(outcome.need_ids):
        if missing not in need_ids:
            add(
                rank,
                "dangling_link",
                f"{name} links to need {missing}, which is not in this plan (it may have "
                "been deleted). Remove the link or choose a need from Sections B to D.",
                "E",
                outcome.id,
            )
    if outcome.id not in outcomes_served:
        add(
            rank,
            "outcome_no_provision",
            f"{name} has no provision. Add provision in Section F, G or H that will "
            "help achieve it, or link existing provision to it.",
            "E",
            outcome.id,
        )
    if _blank(outcome.timeframe):
        add(
            rank,
            "outcome_no_timeframe",
            f"{name} does not say by when. Add a timeframe, e.g. 'by the end of Year 11 "
            "(July 2027)'.",
            "E",
            outcome.id,
        )
    if _blank(outcome.measure):
        add(
            rank,
            "outcome_no_measure",
            f"{name} does not say how success will be seen. Add a measure, e.g. "
            "'travels to college on his own on 4 days out of 5'.",
            "E",
            outcome.id,
        )
    if pfa_due and not outcome.pfa_theme:
        add(
            rank,
            "outcome_no_pfa_theme",
            f"{name} has no Preparing for Adulthood theme. From age {PFA_AGE}, say which "
            f"theme it works towards: {themes}.",
            "E",
            outcome.id,
        )


def _check_provision(add: _Add, rank: int, item: Provision, outcome_ids: set[str]) -> None:
    name = _name("Provision", item.id, item.what)
    if not any(o in outcome_ids for o in item.outcome_ids):
        add(
            rank,
            "provision_no_outcome",
            f"{name} does not work towards an outcome. Link it to the outcome in "
            "Section E that it helps achieve.",
            item.section,
            item.id,
        )
    for missing in _unique(item.outcome_ids):
        if missing not in outcome_ids:
            add(
                rank,
                "dangling_link",
                f"{name} links to outcome {missing}, which is not in this plan (it may "
                "have been deleted). Remove the link or choose an outcome from Section E.",
                item.section,
                item.id,
            )
    if _blank(item.how_often):
        add(
            rank,
            "provision_no_frequency",
            f"{name} does not say how often. Say how often, e.g. 'twice a week, 30 minutes'.",
            item.section,
            item.id,
        )
    if _blank(item.how_long):
        add(
            rank,
            "provision_no_quantity",
            f"{name} does not say for how long or how much. Say for how long, e.g. "
            "'30 minutes a session, until the next annual review', or how much, e.g. "
            "'10 hours a week'.",
            item.section,
            item.id,
        )
    # Each vague phrase once per item, naming the fields it is in, in order of appearance.
    places: dict[str, list[str]] = {}
    for attr, label in _PROVISION_FIELDS:
        for phrase in vague_phrases(getattr(item, attr)):
            places.setdefault(phrase, []).append(label)
    for phrase, labels in places.items():
        add(
            rank,
            "provision_vague",
            f'{name} uses the vague words "{phrase}" (in {" and ".join(labels)}). '
            f"{VAGUE_PHRASES[phrase]}",
            item.section,
            item.id,
        )
