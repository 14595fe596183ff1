"""A plan section as paragraphs and back (portal.meetings.paragraphs), and merging two
people's edits of the same section."""

from __future__ import annotations

from portal.meetings.paragraphs import (
    apply_all,
    apply_section,
    merge_texts,
    section_text,
    split_paragraphs,
)
from portal.plans.content import Need, Outcome, PlanContent, Provision, SectionABlock

FAMILY = SectionABlock(
    id="a1",
    text="I love trains.\n\nI want to drive one.",
    source="family",
    page_id=3,
    page_slug="about-me",
    page_title="About me",
    revision=4,
)
SUMMARY = SectionABlock(id="a2", text="Sam is funny.", source="caseworker")
NEED_B = Need(id="n1", section="B", text="Noise is hard.", aspiration_ids=["a1"])
NEED_C = Need(id="n2", section="C", text="Asthma.")
NEED_B2 = Need(id="n3", section="B", text="Reading is slow.", aspiration_ids=["a2"])
OUTCOME = Outcome(id="o1", text="Sam travels alone.", need_ids=["n1"], timeframe="July 2027")
PROVISION = Provision(id="p1", section="F", what="Travel training.", who="TA", outcome_ids=["o1"])
PLAN = PlanContent(
    section_a=[FAMILY, SUMMARY],
    needs=[NEED_B, NEED_C, NEED_B2],
    outcomes=[OUTCOME],
    provision=[PROVISION],
    text_sections={"I": "Riverside Academy"},
)


def test_each_section_is_a_text_of_paragraphs():
    assert section_text(PLAN, "A") == "I love trains.\nI want to drive one.\n\nSam is funny."
    assert section_text(PLAN, "B") == "Noise is hard.\n\nReading is slow."
    assert section_text(PLAN, "C") == "Asthma."
    assert section_text(PLAN, "D") == ""
    assert section_text(PLAN, "E") == "Sam travels alone."
    assert section_text(PLAN, "F") == "Travel training."
    assert section_text(PLAN, "I") == "Riverside Academy"
    assert split_paragraphs("one\r\n\r\n\n two \n\n") == ["one", "two"]


def test_unchanged_text_changes_nothing():
    for letter in "ABCDEFGHIJK":
        applied = apply_section(PLAN, letter, section_text(PLAN, letter))
        assert applied.content == PLAN, letter


def test_an_edited_paragraph_keeps_its_item_id_and_links():
    applied = apply_section(PLAN, "B", "Loud noise is hard.\n\nReading is slow.")
    need = next(n for n in applied.content.needs if n.id == "n1")
    assert need.text == "Loud noise is hard." and need.aspiration_ids == ["a1"]
    assert applied.edited == ("n1",) and applied.kept == ("n3",)
    assert [n.id for n in applied.content.needs] == ["n1", "n2", "n3"]  # C untouched


def test_new_paragraphs_become_new_items_and_removed_ones_go_with_their_links():
    applied = apply_section(
        PLAN, "B", "Reading is slow.\n\nSam tires by lunchtime.", taken={"n4", "n7"}
    )
    assert applied.removed == ("n1",)
    assert applied.added == ("n8",)  # never an id an earlier version used
    by_id = {n.id: n for n in applied.content.needs}
    assert by_id["n8"].section == "B" and by_id["n8"].text == "Sam tires by lunchtime."
    assert "n1" not in by_id
    # The outcome that met n1 no longer points at nothing.
    assert applied.content.outcomes[0].need_ids == []


def test_outcomes_and_provision_keep_their_details():
    e = apply_section(PLAN, "E", "Sam travels alone to college.").content.outcomes[0]
    assert (e.id, e.timeframe, e.need_ids) == ("o1", "July 2027", ["n1"])
    f = apply_section(PLAN, "F", "Travel training twice a week.").content.provision[0]
    assert (f.id, f.who, f.outcome_ids, f.what) == ("p1", "TA", ["o1"], f.what)
    assert f.what == "Travel training twice a week."


def test_a_quoted_family_block_that_is_reworded_keeps_its_page_but_is_no_longer_a_quote():
    applied = apply_section(
        PLAN, "A", "I love steam trains.\nI want to drive one.\n\nSam is funny."
    )
    block = applied.content.section_a[0]
    assert block.id == "a1" and block.text == "I love steam trains.\nI want to drive one."
    assert block.source == "caseworker"
    assert (block.page_id, block.page_slug, block.revision) == (3, "about-me", 4)
    assert applied.reworded == ("a1",)
    # Unchanged, its blank lines inside stay exactly as quoted.
    assert apply_section(PLAN, "A", section_text(PLAN, "A")).content.section_a[0] == FAMILY


def test_a_paragraph_inserted_between_others_is_new_and_the_others_keep_their_ids():
    text = "Noise is hard.\n\nSam needs quiet breaks.\n\nReading is slow."
    applied = apply_section(PLAN, "B", text, taken={"n1", "n2", "n3"})
    b_needs = [n for n in applied.content.needs if n.section == "B"]
    assert [n.id for n in b_needs] == ["n1", "n4", "n3"]


def test_text_sections_and_apply_all():
    content, reworded = apply_all(PLAN, {"I": "Hilltop School", "J": "", "B": "Noise is hard."})
    assert content.text_sections == {"I": "Hilltop School"}
    assert [n.id for n in content.needs] == ["n1", "n2"]
    assert reworded == []


def test_edits_to_different_paragraphs_both_survive():
    base = "One.\n\nTwo.\n\nThree."
    merged = merge_texts(base, "One, mine.\n\nTwo.\n\nThree.", "One.\n\nTwo.\n\nThree, theirs.")
    assert not merged.conflict
    assert merged.text == "One, mine.\n\nTwo.\n\nThree, theirs."
    # Neighbouring paragraphs too: the blank line between them keeps them apart.
    merged = merge_texts(base, "One!\n\nTwo.\n\nThree.", "One.\n\nTwo!\n\nThree.")
    assert (merged.text, merged.conflict) == ("One!\n\nTwo!\n\nThree.", False)


def test_a_real_conflict_keeps_both_versions():
    base = "One.\n\nTwo.\n\nThree."
    merged = merge_texts(base, "One.\n\nTwo, mine.\n\nThree.", "One.\n\nTwo, theirs.\n\nThree.")
    assert merged.conflict
    assert split_paragraphs(merged.text) == ["One.", "Two, theirs.", "Two, mine.", "Three."]


def test_a_paragraph_added_next_to_one_the_other_changed_is_not_a_clash():
    merged = merge_texts("One.", "One.\n\nTwo, mine.", "One, theirs.")
    assert (merged.text, merged.conflict) == ("One, theirs.\n\nTwo, mine.", False)
    merged = merge_texts("One.\n\nTwo.", "New first.\n\nOne.\n\nTwo.", "One!\n\nTwo.")
    assert (merged.text, merged.conflict) == ("New first.\n\nOne!\n\nTwo.", False)
