"""Quality checks on a plan draft: the golden thread, SMART outcomes, specific provision,
Preparing for Adulthood from 14, and the family's own words in Section A."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.plans.content import (
    SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
    SectionABlock,
)
from portal.plans.quality import CHECKS, VAGUE_PHRASES, Finding, check_plan, vague_phrases


def good_plan() -> PlanContent:
    """A well-formed plan for Sam, 15: every thread complete, SMART, specific, all four
    Preparing for Adulthood themes, and Section A in his own words."""
    return PlanContent(
        section_a=[
            SectionABlock(
                "a1",
                "I want to work with trains. I like my friends at Scouts.",
                "family",
                page_id=7,
                page_slug="what-i-want",
                page_title="What I want to do",
                revision=4,
            ),
            SectionABlock("a2", "Sam's mum wants him to be safe in town.", "caseworker"),
        ],
        needs=[
            Need("n1", "B", "Sam finds noisy rooms hard and leaves lessons.", ["a1"]),
            Need("n2", "B", "Sam needs help to plan a journey.", ["a1", "a2"]),
            Need("n3", "C", "Sam has asthma that stops him joining in sport.", []),
            Need("n4", "D", "Sam has few chances to see friends outside school.", ["a1"]),
        ],
        outcomes=[
            Outcome(
                "o1",
                "Sam will complete a work experience placement at the railway museum.",
                ["n1"],
                "employment",
                "by the end of Year 11 (July 2027)",
                "he attends 9 of 10 placement days and his supervisor's report says he coped",
            ),
            Outcome(
                "o2",
                "Sam will travel to college on his own by bus.",
                ["n2"],
                "independent_living",
                "by September 2027",
                "he makes the journey alone on 4 days out of 5 for a month",
            ),
            Outcome(
                "o3",
                "Sam will go to Scouts each week with a friend.",
                ["n4"],
                "community_inclusion",
                "by July 2026",
                "he attends 8 of 10 sessions in the summer term",
            ),
            Outcome(
                "o4",
                "Sam will use his inhaler before PE without reminders.",
                ["n3"],
                "health",
                "by December 2025",
                "PE staff record no reminders needed over half a term",
            ),
        ],
        provision=[
            Provision(
                "p1",
                "F",
                "Quiet work space with ear defenders in every lesson, and a break card",
                "Class teachers, set up by the SENCO",
                "every lesson, daily",
                "for the whole of Years 10 and 11",
                ["o1"],
            ),
            Provision(
                "p2",
                "F",
                "One-to-one travel training on the bus route to college",
                "Council travel trainer",
                "twice a week",
                "1 hour a session, for 12 weeks",
                ["o2"],
            ),
            Provision(
                "p3",
                "G",
                "Asthma plan review and inhaler technique check",
                "School nurse",
                "once a term",
                "30 minutes",
                ["o4"],
            ),
            Provision(
                "p4",
                "H",
                "Short-break support worker to go with Sam to Scouts",
                "Short breaks service",
                "once a week, term time",
                "2 hours a week, until the next annual review",
                ["o3", "o1"],
            ),
        ],
        text_sections={"I": "Riverside Academy", "K": "Educational psychologist report, 2025"},
    )


def codes(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.item_id) for f in findings]


def with_outcome(plan: PlanContent, index: int, **changes) -> PlanContent:
    outcomes = list(plan.outcomes)
    outcomes[index] = replace(outcomes[index], **changes)
    return replace(plan, outcomes=outcomes)


def with_provision(plan: PlanContent, index: int, **changes) -> PlanContent:
    provision = list(plan.provision)
    provision[index] = replace(provision[index], **changes)
    return replace(plan, provision=provision)


# A well-formed plan ------------------------------------------------------------------------


@pytest.mark.parametrize("age", [None, 5, 13, 14, 15, 25])
def test_a_well_formed_plan_has_no_findings(age):
    assert check_plan(good_plan(), age=age) == []


def test_every_code_is_on_the_checklist():
    assert len(CHECKS) == 13
    assert all(line for line in CHECKS.values())


# The four cases of "Done when" in issue 6 --------------------------------------------------


def test_done_when_all_four_in_one_plan():
    plan = good_plan()
    # An outcome with no provision: o5 meets n1, but nothing provides for it.
    plan = replace(
        plan,
        outcomes=[
            *plan.outcomes,
            Outcome("o5", "Sam will join a lunchtime club.", ["n1"], None, "by July 2026",
                    "he goes to the club once a week for a term"),
        ],
    )  # fmt: skip
    # A provision 'access to speech and language therapy as required'.
    plan = replace(
        plan,
        provision=[
            *plan.provision,
            Provision(
                "p5",
                "F",
                "Access to speech and language therapy as required",
                "Speech and language therapist",
                "as required",
                "30 minutes a session",
                ["o1"],
            ),
        ],
    )
    # An outcome without a timeframe.
    plan = with_outcome(plan, 1, timeframe="")
    # No PfA theme for a 15-year-old.
    plan = replace(plan, outcomes=[replace(o, pfa_theme=None) for o in plan.outcomes])

    findings = check_plan(plan, age=15)
    assert codes(findings) == [
        ("plan_no_pfa_theme", None),
        ("outcome_no_pfa_theme", "o1"),
        ("outcome_no_timeframe", "o2"),
        ("outcome_no_pfa_theme", "o2"),
        ("outcome_no_pfa_theme", "o3"),
        ("outcome_no_pfa_theme", "o4"),
        ("outcome_no_provision", "o5"),
        ("outcome_no_pfa_theme", "o5"),
        ("provision_vague", "p5"),
        ("provision_vague", "p5"),
    ]
    vague = [f for f in findings if f.code == "provision_vague"]
    assert '"access to" (in what)' in vague[0].message
    assert '"as required" (in what and how often)' in vague[1].message
    assert all(f.section == "F" for f in vague)


def test_an_outcome_with_no_provision():
    plan = with_provision(good_plan(), 2, outcome_ids=[])  # p3 was o4's only provision
    findings = check_plan(plan, age=15)
    assert codes(findings) == [("outcome_no_provision", "o4"), ("provision_no_outcome", "p3")]
    assert findings[0].section == "E"
    assert findings[0].severity == "problem"
    assert "Section F, G or H" in findings[0].message
    assert findings[0].message.startswith('Outcome o4 ("Sam will use his inhaler')


def test_provision_access_to_speech_and_language_therapy_as_required():
    plan = with_provision(
        good_plan(),
        0,
        what="access to speech and language therapy as required",
        who="",
        how_often="",
        how_long="",
    )
    findings = check_plan(plan, age=15)
    assert codes(findings) == [
        ("provision_no_frequency", "p1"),
        ("provision_no_quantity", "p1"),
        ("provision_vague", "p1"),
        ("provision_vague", "p1"),
    ]
    frequency, quantity, access, required = findings
    assert "Say how often, e.g. 'twice a week, 30 minutes'." in frequency.message
    assert "for how long" in quantity.message
    assert '"access to"' in access.message
    assert '"as required"' in required.message
    assert all(f.severity == "problem" and f.section == "F" for f in findings)


def test_an_outcome_without_a_timeframe():
    for blank in ("", "   \n"):
        findings = check_plan(with_outcome(good_plan(), 2, timeframe=blank), age=15)
        assert codes(findings) == [("outcome_no_timeframe", "o3")]
        assert "by when" in findings[0].message
        assert "e.g." in findings[0].message


def test_an_outcome_without_a_measure():
    findings = check_plan(with_outcome(good_plan(), 0, measure=""), age=15)
    assert codes(findings) == [("outcome_no_measure", "o1")]
    assert "how success will be seen" in findings[0].message


def test_no_pfa_theme_for_a_15_year_old():
    plan = replace(good_plan(), outcomes=[replace(o, pfa_theme=None) for o in good_plan().outcomes])
    findings = check_plan(plan, age=15)
    assert codes(findings) == [
        ("plan_no_pfa_theme", None),
        ("outcome_no_pfa_theme", "o1"),
        ("outcome_no_pfa_theme", "o2"),
        ("outcome_no_pfa_theme", "o3"),
        ("outcome_no_pfa_theme", "o4"),
    ]
    assert findings[0].severity == "problem"
    assert findings[0].section == "E"
    assert "aged 15" in findings[0].message
    assert all(f.severity == "advice" for f in findings[1:])
    assert "Employment" in findings[1].message and "Independent living" in findings[1].message


def test_one_outcome_without_a_theme_is_advice_only():
    findings = check_plan(with_outcome(good_plan(), 3, pfa_theme=None), age=14)
    assert codes(findings) == [("outcome_no_pfa_theme", "o4")]
    assert findings[0].severity == "advice"


@pytest.mark.parametrize("age", [None, 0, 13])
def test_no_pfa_findings_under_14_or_age_unknown(age):
    plan = replace(good_plan(), outcomes=[replace(o, pfa_theme=None) for o in good_plan().outcomes])
    assert check_plan(plan, age=age) == []


def test_a_plan_with_no_outcomes_at_14():
    plan = replace(good_plan(), outcomes=[])
    found = codes(check_plan(plan, age=14))
    assert ("plan_no_pfa_theme", None) in found
    assert [c for c, _ in found].count("need_no_outcome") == 4
    assert [c for c, _ in found].count("provision_no_outcome") == 4


# The golden thread -------------------------------------------------------------------------


def test_an_outcome_with_no_need():
    findings = check_plan(with_outcome(good_plan(), 0, need_ids=[]), age=15)
    assert codes(findings) == [("need_no_outcome", "n1"), ("outcome_no_need", "o1")]
    assert findings[0].section == "B"
    assert "Section E" in findings[0].message


def test_a_need_with_no_outcome():
    plan = replace(good_plan(), needs=[*good_plan().needs, Need("n5", "D", "Sam is lonely.")])
    findings = check_plan(plan, age=15)
    assert codes(findings) == [("need_no_outcome", "n5")]
    assert findings[0].section == "D"


def test_provision_with_no_outcome():
    findings = check_plan(with_provision(good_plan(), 1, outcome_ids=[]), age=15)
    assert codes(findings) == [("outcome_no_provision", "o2"), ("provision_no_outcome", "p2")]


def test_links_to_ids_that_do_not_exist():
    plan = good_plan()
    plan = replace(
        plan,
        needs=[replace(plan.needs[0], aspiration_ids=["a1", "a9", "a9"]), *plan.needs[1:]],
    )
    plan = with_outcome(plan, 0, need_ids=["n1", "n8"])
    plan = with_provision(plan, 3, outcome_ids=["o3", "o7", "n1"])
    findings = check_plan(plan, age=15)
    assert codes(findings) == [
        ("dangling_link", "n1"),
        ("dangling_link", "o1"),
        ("dangling_link", "p4"),
        ("dangling_link", "p4"),
    ]
    assert "a9" in findings[0].message and "Section A" in findings[0].message
    assert "need n8" in findings[1].message
    assert "outcome o7" in findings[2].message
    # a link to an id of the wrong kind (a need where an outcome belongs) does not count
    assert "outcome n1" in findings[3].message
    assert [f.section for f in findings] == ["B", "E", "H", "H"]


def test_links_only_to_missing_items_break_the_thread_too():
    plan = with_outcome(good_plan(), 1, need_ids=["n99"])
    assert codes(check_plan(plan, age=15)) == [
        ("need_no_outcome", "n2"),
        ("outcome_no_need", "o2"),
        ("dangling_link", "o2"),
    ]


# Section A ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blocks",
    [
        [],
        [SectionABlock("a2", "Sam's mum wants him to be safe in town.", "caseworker")],
        [SectionABlock("a1", "  ", "family", 7, "what-i-want", "What I want", 4)],
    ],
)
def test_section_a_without_the_family_s_own_words(blocks):
    plan = replace(
        good_plan(),
        section_a=blocks,
        needs=[replace(n, aspiration_ids=[]) for n in good_plan().needs],
    )
    findings = check_plan(plan, age=15)
    assert codes(findings) == [("section_a_no_family_words", None)]
    assert findings[0].section == "A"
    assert "own words" in findings[0].message


# Vague words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("Access to speech and language therapy as required", ["access to", "as required"]),
        ("ACCESS TO a quiet room", ["access to"]),
        ("access\nto a laptop", ["access to"]),
        ("Opportunities for group work", ["opportunities for"]),
        ("an opportunity to practise", ["opportunity to"]),
        ("help as-needed", ["as needed"]),
        ("as needed.", ["as needed"]),
        ("regular check-ins", ["regular"]),
        ("(regular)", ["regular"]),
        ("Reviewed regularly", ["regularly"]),
        ("small group work where appropriate", ["where appropriate"]),
        ("Support as necessary", ["support as necessary"]),
        ("as required, regularly, where appropriate", ["as required", "regularly",
                                                      "where appropriate"]),
        ("regular, then regular again", ["regular"]),
    ],
)  # fmt: skip
def test_vague_phrases_are_found(text, found):
    assert vague_phrases(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "an accessible toilet",
        "accessed the library",
        "access the curriculum",  # vague in spirit, but not the phrase "access to"
        "irregular attendance",
        "regularity of sessions",  # "regular" is a whole word; "regularity" is another word
        "non-regular",
        "opportunity",
        "a required reading list",
        "as is required by law",
        "appropriate seating",
        "necessary equipment",
        "support as necessarily agreed",
        "accessto",
        "",
    ],
)
def test_innocent_words_are_not_vague(text):
    assert vague_phrases(text) == []


def test_every_vague_phrase_is_found_and_named():
    for phrase in VAGUE_PHRASES:
        plan = with_provision(good_plan(), 2, who=f"School nurse, {phrase.upper()} ok")
        findings = check_plan(plan, age=15)
        assert codes(findings) == [("provision_vague", "p3")], phrase
        assert f'"{phrase}" (in who)' in findings[0].message
        assert findings[0].section == "G"


def test_vague_words_in_how_long():
    findings = check_plan(with_provision(good_plan(), 1, how_long="as needed"), age=15)
    assert codes(findings) == [("provision_vague", "p2")]
    assert "(in how long)" in findings[0].message


def test_innocent_words_give_no_findings_in_a_plan():
    plan = with_provision(
        good_plan(), 0, what="An accessible quiet room; regularity is checked at review"
    )
    assert check_plan(plan, age=15) == []


# Order -------------------------------------------------------------------------------------


def test_findings_are_ordered_by_section_then_item_order():
    base = good_plan()
    plan = replace(
        base,
        section_a=[base.section_a[1]],
        needs=[
            Need("n9", "D", "later section, first in the list"),
            *[replace(n, aspiration_ids=[]) for n in base.needs],
            Need("n8", "B", "orphan"),
        ],
        outcomes=[replace(o, measure="") for o in reversed(base.outcomes)],
        provision=[
            Provision("p9", "H", "Help", "", "", "", []),
            Provision("p8", "F", "Help", "", "", "", []),
        ],
    )
    findings = check_plan(plan, age=15)
    ranks = [list(SECTIONS).index(f.section) for f in findings]
    assert ranks == sorted(ranks)
    assert codes(findings)[:3] == [
        ("section_a_no_family_words", None),
        ("need_no_outcome", "n8"),
        ("need_no_outcome", "n9"),
    ]
    outcome_ids = [f.item_id for f in findings if f.code == "outcome_no_measure"]
    assert outcome_ids == ["o4", "o3", "o2", "o1"]
    provision_codes = [c for c in codes(findings) if c[1] in ("p8", "p9")]
    assert provision_codes == [
        ("provision_no_outcome", "p8"),
        ("provision_no_frequency", "p8"),
        ("provision_no_quantity", "p8"),
        ("provision_no_outcome", "p9"),
        ("provision_no_frequency", "p9"),
        ("provision_no_quantity", "p9"),
    ]
    assert check_plan(plan, age=15) == findings


def test_findings_are_frozen():
    finding = check_plan(PlanContent(), age=None)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "x"  # type: ignore[misc]


def test_an_empty_plan():
    assert codes(check_plan(PlanContent(), age=None)) == [("section_a_no_family_words", None)]
    assert codes(check_plan(PlanContent(), age=16)) == [
        ("section_a_no_family_words", None),
        ("plan_no_pfa_theme", None),
    ]


# Any plan at all ---------------------------------------------------------------------------

_ids = st.sampled_from(["a1", "a2", "n1", "n2", "o1", "o2", "p1", "p2", "x1"])
_words = st.sampled_from(["", " ", "twice a week", "as required", "Access to", "regularity"])


@st.composite
def _plans(draw) -> PlanContent:
    count = st.integers(0, 2)
    return PlanContent(
        section_a=[
            SectionABlock(f"a{i}", draw(_words), "caseworker") for i in range(1, draw(count) + 1)
        ],
        needs=[
            Need(f"n{i}", draw(st.sampled_from("BCD")), draw(_words), draw(st.lists(_ids)))
            for i in range(1, draw(count) + 1)
        ],
        outcomes=[
            Outcome(f"o{i}", draw(_words), draw(st.lists(_ids)), None, draw(_words), draw(_words))
            for i in range(1, draw(count) + 1)
        ],
        provision=[
            Provision(
                f"p{i}",
                draw(st.sampled_from("FGH")),
                draw(_words),
                draw(_words),
                draw(_words),
                draw(_words),
                draw(st.lists(_ids)),
            )
            for i in range(1, draw(count) + 1)
        ],
    )


@settings(max_examples=200, deadline=None)
@given(_plans(), st.none() | st.integers(0, 25))
def test_any_plan_gives_known_sorted_findings(plan, age):
    findings = check_plan(plan, age=age)
    all_ids = {item.id for name in ("section_a", "needs", "outcomes", "provision")
               for item in getattr(plan, name)}  # fmt: skip
    order = list(SECTIONS)
    assert [order.index(f.section) for f in findings] == sorted(
        order.index(f.section) for f in findings
    )
    for finding in findings:
        assert finding.code in CHECKS
        assert finding.severity in ("problem", "advice")
        assert finding.item_id is None or finding.item_id in all_ids
        assert finding.message.strip()
    assert check_plan(plan, age=age) == findings
