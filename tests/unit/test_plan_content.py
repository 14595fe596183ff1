"""Plan content: the items, their checks on construction, the JSON round trip, plain lines."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.plans.content import (
    PFA_THEMES,
    SECTIONS,
    Need,
    Outcome,
    PlanContent,
    PlanContentError,
    Provision,
    SectionABlock,
    from_json,
    next_id,
    plain_lines,
    to_json,
)


def sample_plan() -> PlanContent:
    return PlanContent(
        section_a=[
            SectionABlock(
                "a1",
                "I want to work with trains when I grow up.",
                "family",
                page_id=12,
                page_slug="my-dreams",
                page_title="My dreams",
                revision=3,
            ),
            SectionABlock("a2", "Sam's parents want him to make friends at college.", "caseworker"),
        ],
        needs=[
            Need("n2", "C", "Sam has asthma.", []),
            Need("n1", "B", "Sam finds noisy rooms hard\nand leaves them.", ["a1"]),
        ],
        outcomes=[
            Outcome(
                "o1",
                "Sam will travel to college on his own.",
                ["n1"],
                "independent_living",
                "July 2027",
                "he travels alone on 4 days out of 5",
            ),
            Outcome("o2", "Sam will manage his inhaler.", ["n2"], None, "", ""),
        ],
        provision=[
            Provision("p1", "G", "Asthma review", "School nurse", "once a term", "", ["o2"]),
            Provision(
                "p2",
                "F",
                "Travel training",
                "Travel trainer",
                "twice a week",
                "1 hour, for 2 terms",
                ["o1"],
            ),
        ],
        text_sections={"K": "Advice from the educational psychologist.", "I": "Riverside"},
    )


# Constants ---------------------------------------------------------------------------------


def test_sections_are_the_statutory_a_to_k():
    assert list(SECTIONS) == list("ABCDEFGHIJK")
    assert "aspirations" in SECTIONS["A"]
    assert "H1" in SECTIONS["H"] and "H2" in SECTIONS["H"]
    assert SECTIONS["J"] == "Personal budget"


def test_pfa_themes_are_the_four_with_labels():
    assert list(PFA_THEMES) == ["employment", "independent_living", "community_inclusion", "health"]
    assert all(label and label[0].isupper() for label in PFA_THEMES.values())


# Construction ------------------------------------------------------------------------------


def test_items_are_frozen_and_copy_their_lists():
    links = ["n1"]
    outcome = Outcome("o1", "text", links)
    links.append("n9")
    assert outcome.need_ids == ["n1"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.text = "other"  # type: ignore[misc]


def test_tuples_of_links_are_accepted_as_lists():
    assert Need("n1", "B", "text", ("a1", "a2")).aspiration_ids == ["a1", "a2"]


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: Need("n1", "E", "text"), "section: unknown 'E'"),
        (lambda: Provision("p1", "B", "what"), "section: unknown 'B'"),
        (lambda: Outcome("o1", "text", pfa_theme="sport"), "pfa_theme: unknown 'sport'"),
        (lambda: Outcome("o1", "text", "n1"), "need_ids must be a list"),
        (lambda: Outcome("o1", 5), "text must be text"),
        (lambda: Need("", "B", "text"), "id must be"),
        (lambda: Need("n 1", "B", "text"), "id must be"),
        (lambda: SectionABlock("a1", "text", "teacher"), "source: unknown 'teacher'"),
        (lambda: SectionABlock("a1", "words", "family"), "a family block quotes a page"),
        (
            lambda: SectionABlock("a1", "words", "family", 3, "p", "P", None),
            "page_id and revision go together",
        ),
        (
            lambda: SectionABlock("a1", "words", "family", True, "p", "P", 1),
            "page_id must be a whole number",
        ),
        (
            lambda: SectionABlock("a1", "words", "family", 3, "p", "P", 0),
            "revision must be a whole number",
        ),
        (lambda: PlanContent(needs=[Need("x1", "B", "a"), Need("x1", "C", "b")]), "used twice"),
        (
            lambda: PlanContent(needs=[Need("x1", "B", "a")], outcomes=[Outcome("x1", "b")]),
            "used twice",
        ),
        (lambda: PlanContent(needs=[Outcome("o1", "b")]), "needs[0] must be a Need"),
        (lambda: PlanContent(text_sections={"L": "x"}), "unknown 'L'"),
        (lambda: PlanContent(text_sections={"I": None}), "must be text"),
    ],
)
def test_malformed_items_are_refused_on_construction(make, words):
    with pytest.raises(PlanContentError, match=re.escape(words)):
        make()


def test_a_caseworker_block_may_name_the_page_it_summarises():
    block = SectionABlock("a1", "Summary", "caseworker", 4, "school", "School", 2)
    assert block.revision == 2


# next_id -----------------------------------------------------------------------------------


def test_next_id_is_one_past_the_highest_never_filling_gaps():
    plan = sample_plan()
    assert next_id(plan, "a") == "a3"
    assert next_id(plan, "n") == "n3"
    assert next_id(plan, "o") == "o3"
    assert next_id(plan, "p") == "p3"
    gappy = PlanContent(outcomes=[Outcome("o1", "x"), Outcome("o7", "y")])
    assert next_id(gappy, "o") == "o8"
    assert next_id(PlanContent(), "n") == "n1"


def test_next_id_skips_ids_taken_by_earlier_versions():
    assert next_id(sample_plan(), "o", taken=["o9", "n40", "other"]) == "o10"


def test_next_id_ignores_ids_of_other_shapes():
    plan = PlanContent(needs=[Need("n2b", "B", "x"), Need("nn5", "B", "y")])
    assert next_id(plan, "n") == "n1"
    with pytest.raises(ValueError):
        next_id(plan, "n1")


# JSON --------------------------------------------------------------------------------------


def test_json_round_trip_is_exact():
    plan = sample_plan()
    text = to_json(plan)
    again = from_json(text)
    assert again == plan
    assert to_json(again) == text


def test_json_is_stable_whatever_the_dict_order():
    plan = sample_plan()
    reordered = dataclasses.replace(
        plan, text_sections=dict(reversed(list(plan.text_sections.items())))
    )
    assert to_json(reordered) == to_json(plan)
    assert to_json(sample_plan()) == to_json(plan)


def test_json_layout():
    text = to_json(PlanContent(needs=[Need("n1", "B", "Café", ["a1"])]))
    assert text == (
        '{"format":1,"needs":[{"aspiration_ids":["a1"],"id":"n1","section":"B",'
        '"text":"Caf\\u00e9"}],"outcomes":[],"provision":[],"section_a":[],'
        '"text_sections":{}}'
    )
    assert text.isascii()


def test_json_accepts_dangling_links():
    plan = PlanContent(outcomes=[Outcome("o1", "x", ["n99"])])
    assert from_json(to_json(plan)).outcomes[0].need_ids == ["n99"]


def test_json_items_keep_their_order():
    plan = sample_plan()
    again = from_json(to_json(plan))
    assert [n.id for n in again.needs] == ["n2", "n1"]
    assert [p.id for p in again.provision] == ["p1", "p2"]


def _good() -> dict:
    return json.loads(to_json(sample_plan()))


def _broken(change) -> str:
    data = _good()
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    "text, words",
    [
        ("not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[]", "plan must be an object"),
        ('{"format": 1}', "plan: missing"),
        (_broken(lambda d: d.update(format=2)), "format: expected 1"),
        (_broken(lambda d: d.update(format=True)), "format: expected 1"),
        (_broken(lambda d: d.update(extra=1)), "plan: unknown field 'extra'"),
        (_broken(lambda d: d["needs"][0].update(section="Z")), "needs[0]: section: unknown 'Z'"),
        (_broken(lambda d: d["provision"][1].update(section="B")), "provision[1]: section"),
        (_broken(lambda d: d["text_sections"].update(L="x")), "unknown 'L'"),
        (_broken(lambda d: d["text_sections"].update(I=3)), "text_sections['I'] must be text"),
        (_broken(lambda d: d.update(text_sections=[])), "text_sections must be an object"),
        (_broken(lambda d: d.update(needs={})), "needs must be a list"),
        (_broken(lambda d: d["needs"].append("n3")), "needs[2] must be an object"),
        (_broken(lambda d: d["needs"][1].pop("text")), "needs[1]: missing 'text'"),
        (_broken(lambda d: d["needs"][1].update(colour="red")), "unknown field 'colour'"),
        (_broken(lambda d: d["outcomes"][0].update(need_ids="n1")), "need_ids must be a list"),
        (_broken(lambda d: d["outcomes"][0].update(need_ids=[1])), "need_ids[0]: id must be"),
        (_broken(lambda d: d["outcomes"][0].update(timeframe=None)), "timeframe must be text"),
        (_broken(lambda d: d["outcomes"][0].update(pfa_theme="fun")), "pfa_theme: unknown"),
        (_broken(lambda d: d["section_a"][0].update(page_id="12")), "page_id must be a whole"),
        (_broken(lambda d: d["section_a"][0].update(revision=2.0)), "revision must be a whole"),
        (_broken(lambda d: d["section_a"][0].update(revision=None)), "go together"),
        (_broken(lambda d: d["section_a"][1].update(source="school")), "source: unknown"),
        (_broken(lambda d: d["provision"][0].update(id="o1")), "id 'o1' is used twice"),
        ('{"format": NaN}', "NaN is not a valid number"),
        ('{"format": 1, "format": 1}', "'format' appears twice"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_json_is_a_clear_value_error(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        from_json(text)


def test_from_json_refuses_what_is_not_text():
    with pytest.raises(ValueError, match="must be JSON text"):
        from_json(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not valid JSON"):
        from_json(b"\xff\xfe\x00")


def test_from_json_reads_bytes():
    assert from_json(to_json(sample_plan()).encode()) == sample_plan()


# Hypothesis: any well-formed plan survives the round trip exactly -----------------------------

ids = st.from_regex(r"[a-z][a-z0-9]{0,4}", fullmatch=True)
texts = st.text(max_size=30)
link_lists = st.lists(ids, max_size=3)


@st.composite
def plans(draw) -> PlanContent:
    blocks = [
        draw(
            st.one_of(
                st.builds(
                    lambda i, t, pid, slug, title, rev: SectionABlock(
                        f"a{i}", t, "family", pid, slug, title, rev
                    ),
                    st.just(i),
                    texts,
                    st.integers(1, 10**12),
                    st.text(min_size=1, max_size=10),
                    texts,
                    st.integers(1, 10**6),
                ),
                st.builds(lambda i, t: SectionABlock(f"a{i}", t, "caseworker"), st.just(i), texts),
            )
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    needs = [
        Need(f"n{i}", draw(st.sampled_from("BCD")), draw(texts), draw(link_lists))
        for i in range(draw(st.integers(0, 3)))
    ]
    outcomes = [
        Outcome(
            f"o{i}",
            draw(texts),
            draw(link_lists),
            draw(st.none() | st.sampled_from(list(PFA_THEMES))),
            draw(texts),
            draw(texts),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    provision = [
        Provision(
            f"p{i}",
            draw(st.sampled_from("FGH")),
            draw(texts),
            draw(texts),
            draw(texts),
            draw(texts),
            draw(link_lists),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    text_sections = draw(st.dictionaries(st.sampled_from("IJK"), texts))
    return PlanContent(blocks, needs, outcomes, provision, text_sections)


@settings(max_examples=200, deadline=None)
@given(plans())
def test_round_trip_property(plan):
    text = to_json(plan)
    assert from_json(text) == plan
    assert to_json(from_json(text)) == text
    assert text.isascii()


@settings(max_examples=100, deadline=None)
@given(plans())
def test_plain_lines_are_single_lines(plan):
    lines = plain_lines(plan)
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert plain_lines(from_json(to_json(plan))) == lines


# Plain lines -------------------------------------------------------------------------------


def test_plain_lines_exact_rendering():
    assert plain_lines(sample_plan()) == [
        'A a1 (family\'s words, from "My dreams", revision 3): '
        "I want to work with trains when I grow up.",
        "A a2 (caseworker's summary): Sam's parents want him to make friends at college.",
        "B n1: Sam finds noisy rooms hard and leaves them. (from a1)",
        "C n2: Sam has asthma.",
        "E o1 [independent_living] Sam will travel to college on his own. — by July 2027 — "
        "measured by he travels alone on 4 days out of 5 (meets n1)",
        "E o2 Sam will manage his inhaler. — no timeframe — no measure (meets n2)",
        "F p2: Travel training — who: Travel trainer — how often: twice a week — "
        "how long: 1 hour, for 2 terms (for o1)",
        "G p1: Asthma review — who: School nurse — how often: once a term — "
        "how long: (not set) (for o2)",
        "I: Riverside",
        "K: Advice from the educational psychologist.",
    ]


def test_plain_lines_details():
    plan = PlanContent(
        section_a=[
            SectionABlock("a1", "Summary", "caseworker", 4, "school", "", 2),
        ],
        outcomes=[Outcome("o1", "Walk to the shop", [], "health", "By Easter 2026", "")],
        text_sections={"J": "   ", "I": "Line one\n\nLine two"},
    )
    assert plain_lines(plan) == [
        'A a1 (caseworker\'s summary of "school", revision 2): Summary',
        "E o1 [health] Walk to the shop — By Easter 2026 — no measure",
        "I: Line one Line two",
    ]


def test_plain_lines_of_an_empty_plan():
    assert plain_lines(PlanContent()) == []


def test_plain_lines_show_a_changed_link():
    before = sample_plan()
    after = dataclasses.replace(
        before, needs=[before.needs[0], dataclasses.replace(before.needs[1], aspiration_ids=[])]
    )
    changed = set(plain_lines(before)) ^ set(plain_lines(after))
    assert changed == {
        "B n1: Sam finds noisy rooms hard and leaves them. (from a1)",
        "B n1: Sam finds noisy rooms hard and leaves them.",
    }
