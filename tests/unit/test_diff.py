"""Diffs between page revisions: lines first, then words inside edited lines, always bounded."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from wiki import diff as diff_module
from wiki.diff import DiffLine, Segment, diff_texts, inline_segments


def kinds(diff) -> list[str]:
    return [line.kind for line in diff.lines]


def changed(diff) -> list[DiffLine]:
    return [line for line in diff.lines if line.kind != "equal"]


def numbered_page(count: int) -> list[str]:
    return [f"Line {n} of the About Me page." for n in range(1, count + 1)]


def test_identical_texts_have_no_changes():
    text = "# About me\n\nI like trains.\n"
    diff = diff_texts(text, text)
    assert kinds(diff) == ["equal", "equal", "equal"]
    assert (diff.added, diff.removed, diff.truncated) == (0, 0, False)
    assert diff.hunks() == []
    assert diff.lines[2] == DiffLine(
        "equal", 3, 3, (Segment("equal", "I like trains."),), (Segment("equal", "I like trains."),)
    )


def test_two_empty_texts_have_no_lines():
    diff = diff_texts("", "")
    assert diff.lines == ()
    assert diff.hunks() == []


def test_line_ending_style_alone_is_not_a_change():
    assert changed(diff_texts("One\r\nTwo\r\n", "One\nTwo\n")) == []


def test_a_single_word_change_is_a_change_line_with_word_segments():
    diff = diff_texts("Intro\nI like red cars\nEnd\n", "Intro\nI like blue cars\nEnd\n")
    assert kinds(diff) == ["equal", "change", "equal"]
    line = diff.lines[1]
    assert (line.old_number, line.new_number) == (2, 2)
    assert line.old == (
        Segment("equal", "I like "),
        Segment("delete", "red"),
        Segment("equal", " cars"),
    )
    assert line.new == (
        Segment("equal", "I like "),
        Segment("insert", "blue"),
        Segment("equal", " cars"),
    )
    assert (diff.added, diff.removed) == (1, 1)


def test_inline_segments_put_the_removed_word_before_its_replacement():
    line = diff_texts("I like red cars", "I like blue cars").lines[0]
    assert inline_segments(line) == (
        Segment("equal", "I like "),
        Segment("delete", "red"),
        Segment("insert", "blue"),
        Segment("equal", " cars"),
    )


def test_inline_segments_of_an_added_word_keep_reading_order():
    line = diff_texts("I like cars.", "I like fast cars.").lines[0]
    assert line.kind == "change"
    assert inline_segments(line) == (
        Segment("equal", "I like "),
        Segment("insert", "fast "),
        Segment("equal", "cars."),
    )


def test_inline_segments_of_whole_lines_are_the_line_itself():
    diff = diff_texts("kept\ngone\n", "kept\nnew arrival\n")
    assert [inline_segments(line) for line in diff.lines] == [
        (Segment("equal", "kept"),),
        (Segment("delete", "gone"),),
        (Segment("insert", "new arrival"),),
    ]


def test_neighbouring_changed_words_show_as_one_change():
    line = diff_texts("I ride a red car today", "I ride a blue bike today").lines[0]
    assert [s for s in line.old if s.kind == "delete"] == [Segment("delete", "red car")]
    assert [s for s in line.new if s.kind == "insert"] == [Segment("insert", "blue bike")]


def test_an_inserted_line_has_only_a_new_number_and_shifts_the_rest():
    diff = diff_texts("one\ntwo\nthree\n", "one\ntwo\nnew line\nthree\n")
    assert kinds(diff) == ["equal", "equal", "insert", "equal"]
    inserted = diff.lines[2]
    assert (inserted.old_number, inserted.new_number) == (None, 3)
    assert inserted.old == ()
    assert inserted.new == (Segment("insert", "new line"),)
    assert (diff.lines[3].old_number, diff.lines[3].new_number) == (3, 4)
    assert (diff.added, diff.removed) == (1, 0)


def test_a_deleted_line_has_only_an_old_number():
    diff = diff_texts("one\ntwo\nthree\n", "one\nthree\n")
    assert kinds(diff) == ["equal", "delete", "equal"]
    deleted = diff.lines[1]
    assert (deleted.old_number, deleted.new_number) == (2, None)
    assert deleted.old == (Segment("delete", "two"),)
    assert deleted.new == ()
    assert (diff.lines[2].old_number, diff.lines[2].new_number) == (3, 2)
    assert (diff.added, diff.removed) == (0, 1)


def test_an_unrelated_replacement_line_is_a_delete_and_an_insert():
    diff = diff_texts("Sam loves swimming.\n", "Bedtime is at eight o'clock.\n")
    assert kinds(diff) == ["delete", "insert"]
    assert (diff.added, diff.removed) == (1, 1)


def test_an_edit_next_to_a_new_line_pairs_the_edited_lines():
    old = "My favourite food is pasta with cheese.\n"
    new = "A brand new sentence here.\nMy favourite food is pasta with tomato.\n"
    diff = diff_texts(old, new)
    assert kinds(diff) == ["insert", "change"]
    assert diff.lines[1].old_number == 1
    assert diff.lines[1].new_number == 2


def test_line_numbers_follow_both_versions():
    old = "a\nb\nc\nd\ne\n"
    new = "a\nc\nd changed here\nx\ne\n"
    numbers = [(line.old_number, line.new_number) for line in diff_texts(old, new).lines]
    assert [n for n, _ in numbers if n is not None] == [1, 2, 3, 4, 5]
    assert [n for _, n in numbers if n is not None] == [1, 2, 3, 4, 5]


def test_counts_added_and_removed_lines():
    diff = diff_texts("a\nb\nc\nsame line here\n", "a\nnew\nnewer\nnewest\nsame line there\n")
    assert diff.removed == 3  # b, c and the edited line
    assert diff.added == 4  # new, newer, newest and the edited line


def test_hunks_show_a_long_page_with_one_change_as_a_few_lines():
    old = numbered_page(2000)
    new = list(old)
    new[999] = "Line 1000 of the About Me page, edited."
    hunks = diff_texts("\n".join(old), "\n".join(new)).hunks()
    assert len(hunks) == 1
    assert [line.kind for line in hunks[0]] == ["equal"] * 3 + ["change"] + ["equal"] * 3
    assert hunks[0][0].old_number == 997


def test_hunks_split_where_unchanged_runs_are_longer_than_twice_the_context():
    old = numbered_page(30)
    far, near = list(old), list(old)
    far[2], far[20] = "first", "second"  # 17 unchanged lines apart
    near[2], near[8] = "first", "second"  # 5 unchanged lines apart
    assert len(diff_texts("\n".join(old), "\n".join(far)).hunks(context=3)) == 2
    assert len(diff_texts("\n".join(old), "\n".join(near)).hunks(context=3)) == 1


def test_hunks_context_is_clipped_at_the_edges_and_can_be_zero():
    diff = diff_texts("a\nb\nc\nd\n", "A\nb\nc\nD\n")
    assert [len(hunk) for hunk in diff.hunks(context=3)] == [6]
    assert [len(hunk) for hunk in diff.hunks(context=0)] == [2, 2]


def test_running_out_of_time_shows_whole_lines_and_says_so():
    diff = diff_texts("I like red cars\n", "I like blue cars\n", deadline_seconds=0)
    assert diff.truncated
    assert kinds(diff) == ["delete", "insert"]
    assert (diff.added, diff.removed) == (1, 1)


def test_a_large_diff_with_a_tiny_deadline_is_cut_short_quickly():
    old = numbered_page(5000)
    new = [line + " (edited)" if n % 3 == 0 else line for n, line in enumerate(old)]
    started = time.monotonic()
    diff = diff_texts("\n".join(old), "\n".join(new), deadline_seconds=0.001)
    assert time.monotonic() - started < 1.5
    assert diff.truncated
    assert diff.added == diff.removed == len(range(0, 5000, 3))


def test_too_many_lines_fall_back_to_replacing_the_whole_text(monkeypatch):
    monkeypatch.setattr(diff_module, "MAX_LINES", 3)
    diff = diff_texts("same\na\nb\nc\nd\n", "same\nA\nB\nC\nD\n")
    assert diff.truncated
    assert kinds(diff) == ["equal"] + ["delete"] * 4 + ["insert"] * 4


def test_a_line_too_long_to_compare_word_by_word_is_shown_whole(monkeypatch):
    monkeypatch.setattr(diff_module, "MAX_WORD_COST", 0)
    diff = diff_texts("I like red cars and red buses\n", "I like blue cars and blue buses\n")
    assert diff.truncated
    assert kinds(diff) == ["delete", "insert"]


LINES = st.lists(st.sampled_from(["", "a b", "a c", "b c d", "x", "I like red cars"]), max_size=12)


def text_of(segments) -> str:
    return "".join(segment.text for segment in segments)


@settings(max_examples=200, database=None, deadline=None)
@given(LINES, LINES)
def test_every_line_of_both_versions_appears_once_in_order(old_lines, new_lines):
    diff = diff_texts("".join(f"{x}\n" for x in old_lines), "".join(f"{x}\n" for x in new_lines))
    old_side = [line for line in diff.lines if line.old_number is not None]
    new_side = [line for line in diff.lines if line.new_number is not None]
    assert [line.old_number for line in old_side] == list(range(1, len(old_lines) + 1))
    assert [line.new_number for line in new_side] == list(range(1, len(new_lines) + 1))
    assert [text_of(line.old) for line in old_side] == old_lines
    assert [text_of(line.new) for line in new_side] == new_lines
    for line in diff.lines:
        reading = inline_segments(line)
        if line.kind != "insert":
            assert text_of(s for s in reading if s.kind != "insert") == text_of(line.old)
        if line.kind != "delete":
            assert text_of(s for s in reading if s.kind != "delete") == text_of(line.new)
    assert diff.removed == sum(line.kind in ("delete", "change") for line in diff.lines)
    assert diff.added == sum(line.kind in ("insert", "change") for line in diff.lines)
    assert not diff.truncated
