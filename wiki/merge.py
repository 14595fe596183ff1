"""Three-way merge of two edits made from the same revision, line by line, using merge3."""

from __future__ import annotations

from dataclasses import dataclass

import merge3

# Conflict markers keep the familiar shape (so editors and people who know them still
# recognise them) but say in plain words whose text is whose.
START_MARKER = "<<<<<<< Your version starts here"
MIDDLE_MARKER = "======= Your version ends here; their version starts here"
END_MARKER = ">>>>>>> Their version ends here"

_LINE_BREAKS = ("\r\n", "\n", "\r")


@dataclass(frozen=True)
class Conflict:
    """One region both people changed differently: the original and each person's version."""

    base: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    """The merged text, or the conflicts and a marked-up text for the person to sort out."""

    text: str | None  # None when there are conflicts
    conflicts: tuple[Conflict, ...]
    with_markers: str

    @property
    def clean(self) -> bool:
        """True when both edits merged without any conflicting region."""
        return not self.conflicts


def three_way_merge(base: str, mine: str, theirs: str) -> MergeResult:
    """Combine my edit and their edit of the same base text, keeping both where they differ."""
    # merge3 compares whole lines, so "last line" and "last line\n" would clash; give every
    # text a final line break for the merge and settle whether to keep one separately.
    merge = merge3.Merge3(_lines(base), _lines(mine), _lines(theirs))
    ends_with_break = _merge_flag(_ends(base), _ends(mine), _ends(theirs))
    merged: list[str] = []
    marked: list[str] = []
    conflicts: list[Conflict] = []
    for group in merge.merge_groups():
        if group[0] != "conflict":
            merged += group[1]
            marked += group[1]
            continue
        _, base_lines, my_lines, their_lines = group
        conflicts.append(Conflict("".join(base_lines), "".join(my_lines), "".join(their_lines)))
        marked += [START_MARKER + "\n", *my_lines, MIDDLE_MARKER + "\n", *their_lines]
        marked.append(END_MARKER + "\n")
    if conflicts and marked[-1] == END_MARKER + "\n":
        # A conflict at the very end: give back each version's last line as it was written.
        last = conflicts[-1]
        conflicts[-1] = Conflict(
            _settle_end(last.base, _ends(base)),
            _settle_end(last.mine, _ends(mine)),
            _settle_end(last.theirs, _ends(theirs)),
        )
        # The marker line is ours to end as we like; only the page text follows the flag.
        with_markers = "".join(marked)
    else:
        with_markers = _settle_end("".join(marked), ends_with_break)
    text = None if conflicts else _settle_end("".join(merged), ends_with_break)
    return MergeResult(text=text, conflicts=tuple(conflicts), with_markers=with_markers)


def _lines(text: str) -> list[str]:
    """The text's lines with their line breaks, the last one given a break if it lacks one."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(_LINE_BREAKS):
        lines[-1] += "\n"
    return lines


def _ends(text: str) -> bool:
    # An empty text has no last line to lack a break, so it counts as ending with one.
    return not text or text.endswith(_LINE_BREAKS)


def _merge_flag(base: bool, mine: bool, theirs: bool) -> bool:
    """A yes/no setting merged three ways: whoever changed it wins (both changes agree)."""
    return theirs if mine == base else mine


def _settle_end(text: str, ends_with_break: bool) -> str:
    if ends_with_break:
        return text
    for line_break in _LINE_BREAKS:
        if text.endswith(line_break):
            return text[: -len(line_break)]
    return text
