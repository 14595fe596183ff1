"""Merging two people's edits of the same page revision."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.merge import END_MARKER, MIDDLE_MARKER, START_MARKER, Conflict, three_way_merge

BASE = "I like swimming.\n\nI go to Oak School.\n\nMy dog is called Biscuit.\n"


def test_edits_to_different_paragraphs_are_both_kept():
    mine = BASE.replace("swimming", "swimming and drawing")
    theirs = BASE.replace("Biscuit", "Biscuit and she is three")
    result = three_way_merge(BASE, mine, theirs)
    assert result.clean
    assert result.conflicts == ()
    assert result.text == (
        "I like swimming and drawing.\n\nI go to Oak School.\n\n"
        "My dog is called Biscuit and she is three.\n"
    )
    assert result.with_markers == result.text


def test_different_edits_to_the_same_paragraph_conflict():
    mine = BASE.replace("Oak School", "Elm School")
    theirs = BASE.replace("Oak School", "Ash Academy")
    result = three_way_merge(BASE, mine, theirs)
    assert not result.clean
    assert result.text is None
    assert result.conflicts == (
        Conflict("I go to Oak School.\n", "I go to Elm School.\n", "I go to Ash Academy.\n"),
    )
    assert result.with_markers == (
        "I like swimming.\n\n"
        f"{START_MARKER}\nI go to Elm School.\n{MIDDLE_MARKER}\nI go to Ash Academy.\n"
        f"{END_MARKER}\n"
        "\nMy dog is called Biscuit.\n"
    )


def test_conflict_markers_are_labelled_in_plain_english():
    assert START_MARKER.startswith("<<<<<<< Your version")
    assert MIDDLE_MARKER.startswith("=======") and "their version" in MIDDLE_MARKER
    assert END_MARKER.startswith(">>>>>>> Their version")


def test_the_same_edit_on_both_sides_is_not_a_conflict():
    edited = BASE.replace("Oak School", "Elm School")
    result = three_way_merge(BASE, edited, edited)
    assert result.clean
    assert result.text == edited


def test_when_only_they_changed_the_page_their_version_wins():
    theirs = BASE.replace("swimming", "running") + "\nA new paragraph.\n"
    assert three_way_merge(BASE, BASE, theirs).text == theirs


def test_when_only_i_changed_the_page_my_version_wins():
    mine = "A first line.\n" + BASE.replace("Biscuit", "Max")
    assert three_way_merge(BASE, mine, BASE).text == mine


def test_a_page_without_a_final_line_break_merges_and_stays_without_one():
    base = BASE.rstrip("\n")
    mine = base.replace("swimming", "painting")
    theirs = base.replace("Biscuit", "Pepper")
    result = three_way_merge(base, mine, theirs)
    assert result.text == ("I like painting.\n\nI go to Oak School.\n\nMy dog is called Pepper.")


def test_one_side_adding_the_final_line_break_merges_with_an_edit_elsewhere():
    base = BASE.rstrip("\n")
    mine = base.replace("swimming", "painting")
    theirs = BASE  # only added the final line break
    assert three_way_merge(base, mine, theirs).text == mine + "\n"


def test_a_conflict_on_the_last_line_keeps_each_version_as_written():
    result = three_way_merge("Last line", "My last line", "Their last line")
    assert result.conflicts == (Conflict("Last line", "My last line", "Their last line"),)
    assert result.with_markers.endswith(f"Their last line\n{END_MARKER}\n")


def test_line_endings_are_kept():
    base = "one\r\ntwo\r\nthree\r\n"
    result = three_way_merge(base, base.replace("one", "ONE"), base.replace("three", "3"))
    assert result.text == "ONE\r\ntwo\r\n3\r\n"


def test_two_new_pages_with_different_text_conflict():
    result = three_way_merge("", "My words.\n", "Their words.\n")
    assert result.text is None
    assert result.conflicts == (Conflict("", "My words.\n", "Their words.\n"),)
    assert "My words." in result.with_markers and "Their words." in result.with_markers


def test_two_new_pages_with_the_same_text_merge():
    assert three_way_merge("", "Same words.", "Same words.").text == "Same words."


def test_a_new_page_left_empty_on_one_side_takes_the_other():
    assert three_way_merge("", "", "Their words.").text == "Their words."
    assert three_way_merge("", "My words.", "").text == "My words."


PARAGRAPHS = st.sampled_from(["", "one", "two", "three", "One!", "two\r", "x y"])
TEXTS = st.builds(
    lambda lines, end: "\n".join(lines) + end,
    st.lists(PARAGRAPHS, max_size=8),
    st.sampled_from(["", "\n", "\r\n"]),
)


@settings(max_examples=300, database=None, deadline=None)
@given(TEXTS, TEXTS)
def test_an_unchanged_side_always_gives_way_to_the_other(base, edited):
    assert three_way_merge(base, base, edited).text == edited
    assert three_way_merge(base, edited, base).text == edited


@settings(max_examples=300, database=None, deadline=None)
@given(TEXTS, TEXTS)
def test_identical_edits_always_merge_to_that_edit(base, edited):
    result = three_way_merge(base, edited, edited)
    assert result.clean
    assert result.text == edited
