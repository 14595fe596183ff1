"""Differences between two revisions of a page: changed lines, with changed words picked out.

Lines are compared first; where an old line was edited into a new one, the words are
compared too. Every diff is bounded in time, because a page history must never hang.
"""

from __future__ import annotations

import bisect
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

# Past this many differing lines on either side, show the whole text as replaced.
MAX_LINES = 20_000
# SequenceMatcher slows down quadratically on often-repeated lines (blank lines) and words
# (spaces); past these estimated costs a block is shown whole rather than risk a slow page.
MAX_LINE_COST = 2_000_000
MAX_WORD_COST = 250_000
# Old and new lines in a rewritten block are paired for word highlights only if at least
# this share of their words match; otherwise highlights would be noise.
PAIR_SIMILARITY = 0.5
# Pairing lines by best match looks at every old/new combination, so only in small blocks.
MAX_PAIRING_CELLS = 2_500

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")

# An opcode as difflib gives them: (tag, old start, old end, new start, new end).
Op = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same in both versions, or only in one of them."""

    kind: str  # "equal" | "insert" | "delete"
    text: str


@dataclass(frozen=True)
class DiffLine:
    """One row of a diff: a line kept, removed, added, or edited (with word highlights)."""

    kind: str  # "equal" | "insert" | "delete" | "change"
    old_number: int | None
    new_number: int | None
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


@dataclass(frozen=True)
class Diff:
    """Every line of both versions in order; a "change" line counts as one removed, one added."""

    lines: tuple[DiffLine, ...]
    added: int
    removed: int
    truncated: bool  # True when a time/size bound kicked in

    def hunks(self, context: int = 3) -> list[list[DiffLine]]:
        """The changed lines in groups, each with up to `context` unchanged lines around it."""
        context = max(0, context)
        changed = [n for n, line in enumerate(self.lines) if line.kind != "equal"]
        if not changed:
            return []
        spans = []
        start = previous = changed[0]
        for n in changed[1:]:
            if n - previous - 1 > 2 * context:
                spans.append((start, previous))
                start = n
            previous = n
        spans.append((start, previous))
        return [list(self.lines[max(0, s - context) : e + context + 1]) for s, e in spans]


def diff_texts(old: str, new: str, *, deadline_seconds: float = 1.0) -> Diff:
    """Compare two texts line by line, then word by word inside edited lines."""
    deadline = time.monotonic() + deadline_seconds
    a, b = old.splitlines(), new.splitlines()
    ops, truncated = _line_opcodes(a, b, deadline)
    builder = _Builder(a, b, deadline)
    builder.truncated = truncated
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            builder.equal(i1, i2, j1)
        else:
            builder.block(i1, i2, j1, j2)
    lines = tuple(builder.lines)
    removed = sum(1 for line in lines if line.kind in ("delete", "change"))
    added = sum(1 for line in lines if line.kind in ("insert", "change"))
    return Diff(lines=lines, added=added, removed=removed, truncated=builder.truncated)


def inline_segments(line: DiffLine) -> tuple[Segment, ...]:
    """One line's segments in reading order, removed words just before their replacements."""
    if line.kind != "change":
        return line.old if line.kind in ("equal", "delete") else line.new
    out: list[Segment] = []
    old, new = list(line.old), list(line.new)
    i = j = 0
    # Both sides hold the same equal segments in the same order, so walk them in step.
    while i < len(old) or j < len(new):
        while i < len(old) and old[i].kind != "equal":
            out.append(old[i])
            i += 1
        while j < len(new) and new[j].kind != "equal":
            out.append(new[j])
            j += 1
        if i < len(old):
            out.append(old[i])
            i += 1
            j += 1
        elif j < len(new):
            out.append(new[j])
            j += 1
    return tuple(out)


class _Builder:
    """Turns line opcodes into DiffLines, doing the word-level step while time allows."""

    def __init__(self, a: list[str], b: list[str], deadline: float) -> None:
        self.a, self.b, self.deadline = a, b, deadline
        self.lines: list[DiffLine] = []
        self.truncated = False

    def equal(self, i1: int, i2: int, j1: int) -> None:
        for i in range(i1, i2):
            segment = (Segment("equal", self.a[i]),)
            self.lines.append(DiffLine("equal", i + 1, i - i1 + j1 + 1, segment, segment))

    def deleted(self, i: int) -> None:
        old = (Segment("delete", self.a[i]),)
        self.lines.append(DiffLine("delete", i + 1, None, old, ()))

    def inserted(self, j: int) -> None:
        new = (Segment("insert", self.b[j]),)
        self.lines.append(DiffLine("insert", None, j + 1, (), new))

    def block(self, i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 == i2 or j1 == j2 or self._out_of_time():
            self._whole_lines(i1, i2, j1, j2)
            return
        i, j = i1, j1
        pairs, cut = _pair_lines(self.a[i1:i2], self.b[j1:j2], self.deadline)
        self.truncated |= cut
        for pi, pj in pairs:
            pi, pj = pi + i1, pj + j1
            self._whole_lines(i, pi, j, pj)
            if self.a[pi] == self.b[pj]:
                # Only a cut-short line diff leaves equal lines inside a block.
                self.equal(pi, pi + 1, pj)
                i, j = pi + 1, pj + 1
                continue
            words = None if self._out_of_time() else _word_segments(self.a[pi], self.b[pj])
            if words is None:
                self.truncated = True
                self._whole_lines(pi, pi + 1, pj, pj + 1)
            else:
                self.lines.append(DiffLine("change", pi + 1, pj + 1, words[0], words[1]))
            i, j = pi + 1, pj + 1
        self._whole_lines(i, i2, j, j2)

    def _whole_lines(self, i1: int, i2: int, j1: int, j2: int) -> None:
        for i in range(i1, i2):
            self.deleted(i)
        for j in range(j1, j2):
            self.inserted(j)

    def _out_of_time(self) -> bool:
        if time.monotonic() > self.deadline:
            self.truncated = True
            return True
        return False


def _line_opcodes(a: list[str], b: list[str], deadline: float) -> tuple[list[Op], bool]:
    """Line opcodes, anchored on lines that occur once on each side, and whether any gap was cut.

    Anchoring first keeps each SequenceMatcher run small: on a whole long page its cost
    grows with the square of the number of blank lines.
    """
    prefix = _common_prefix(a, b)
    suffix = _common_suffix(a[prefix:], b[prefix:])
    a_end, b_end = len(a) - suffix, len(b) - suffix
    ops: list[Op] = [("equal", 0, prefix, 0, prefix)]
    if a_end - prefix > MAX_LINES or b_end - prefix > MAX_LINES:
        ops.append(("replace", prefix, a_end, prefix, b_end))
        truncated = True
    else:
        truncated = False
        i, j = prefix, prefix
        for ai, bj in _unique_anchors(a, b, prefix, a_end, prefix, b_end):
            gap, cut = _gap_opcodes(a, b, (i, ai, j, bj), deadline)
            ops += gap
            ops.append(("equal", ai, ai + 1, bj, bj + 1))
            truncated |= cut
            i, j = ai + 1, bj + 1
        gap, cut = _gap_opcodes(a, b, (i, a_end, j, b_end), deadline)
        ops += gap
        truncated |= cut
    ops.append(("equal", a_end, len(a), b_end, len(b)))
    return _coalesce(ops), truncated


def _unique_anchors(
    a: list[str], b: list[str], a1: int, a2: int, b1: int, b2: int
) -> list[tuple[int, int]]:
    """Positions of lines found exactly once on each side, the longest run in the same order."""
    a_counts, b_counts = Counter(a[a1:a2]), Counter(b[b1:b2])
    b_where = {b[j]: j for j in range(b1, b2) if b_counts[b[j]] == 1}
    pairs = [(i, b_where[a[i]]) for i in range(a1, a2) if a_counts[a[i]] == 1 and a[i] in b_where]
    # Longest increasing run of new positions, by patience sorting: O(n log n).
    tails: list[int] = []  # smallest ending new-position of a run of each length
    tail_index: list[int] = []
    previous: list[int] = []
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[length] = j
            tail_index[length] = index
        previous.append(tail_index[length - 1] if length else -1)
    chain = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _gap_opcodes(
    a: list[str], b: list[str], gap: tuple[int, int, int, int], deadline: float
) -> tuple[list[Op], bool]:
    """Opcodes for the lines between two anchors, whole if too costly or out of time."""
    i1, i2, j1, j2 = gap
    # Most gaps on a real page are a blank line between two anchors: skip the machinery.
    if i2 - i1 == j2 - j1 and a[i1:i2] == b[j1:j2]:
        return [("equal", i1, i2, j1, j2)], False
    ops = _opcodes(a[i1:i2], b[j1:j2], MAX_LINE_COST, deadline)
    if ops is None:
        return [("replace", i1, i2, j1, j2)], True
    return [(t, x1 + i1, x2 + i1, y1 + j1, y2 + j1) for t, x1, x2, y1, y2 in ops], False


def _opcodes(a: list[str], b: list[str], max_cost: int, deadline: float) -> list[Op] | None:
    """Opcodes turning a into b, or None if SequenceMatcher would cost too much or run late."""
    prefix = _common_prefix(a, b)
    suffix = _common_suffix(a[prefix:], b[prefix:])
    a_end, b_end = len(a) - suffix, len(b) - suffix
    ops: list[Op] = [("equal", 0, prefix, 0, prefix)]
    if prefix < a_end and prefix < b_end:
        # Trimming first means most gaps and edited lines never reach SequenceMatcher.
        a_mid, b_mid = a[prefix:a_end], b[prefix:b_end]
        if time.monotonic() > deadline or _match_cost(a_mid, b_mid) > max_cost:
            return None
        matcher = SequenceMatcher(None, a_mid, b_mid, autojunk=False)
        ops += [
            (t, x1 + prefix, x2 + prefix, y1 + prefix, y2 + prefix)
            for t, x1, x2, y1, y2 in matcher.get_opcodes()
        ]
    else:
        # At most one side has anything left, so this is a plain deletion or insertion.
        ops.append(("delete" if b_end == prefix else "insert", prefix, a_end, prefix, b_end))
    ops.append(("equal", a_end, len(a), b_end, len(b)))
    return _coalesce(ops)


def _match_cost(a: list[str], b: list[str]) -> int:
    """Roughly how many steps one SequenceMatcher pass would take: repeats times repeats."""
    b_counts = Counter(b)
    return sum(count * b_counts[item] for item, count in Counter(a).items())


def _pair_lines(
    old: list[str], new: list[str], deadline: float
) -> tuple[list[tuple[int, int]], bool]:
    """Which old line became which new line in a block, similar ones only; and if time ran out."""
    if len(old) * len(new) > MAX_PAIRING_CELLS:
        # Too big to weigh every combination: pair by position, as far as time allows.
        pairs = []
        for i in range(min(len(old), len(new))):
            if time.monotonic() > deadline:
                return pairs, True
            if _similarity(_word_counts(old[i]), _word_counts(new[i])):
                pairs.append((i, i))
        return pairs, False
    old_words = [_word_counts(line) for line in old]
    new_words = [_word_counts(line) for line in new]
    score = [[_similarity(x, y) for y in new_words] for x in old_words]
    # Best-scoring order-keeping pairing, like a weighted longest common subsequence.
    rows, cols = len(old), len(new)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            paired = best[i + 1][j + 1] + score[i][j] if score[i][j] else 0.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    pairs = []
    i = j = 0
    while i < rows and j < cols:
        if score[i][j] and best[i][j] == best[i + 1][j + 1] + score[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs, False


def _word_counts(line: str) -> Counter[str]:
    # Spaces are left out: every line has them, so they would make strangers look alike.
    return Counter(token for token in _TOKEN.findall(line) if not token.isspace())


def _similarity(old: Counter[str], new: Counter[str]) -> float:
    """Share of words in common, or 0.0 if below the pairing threshold."""
    total = old.total() + new.total()
    # The best possible share is bounded by the shorter line; skip the work if it cannot pass.
    if not total or 2 * min(old.total(), new.total()) < PAIR_SIMILARITY * total:
        return 0.0
    score = 2 * (old & new).total() / total
    return score if score >= PAIR_SIMILARITY else 0.0


def _word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]] | None:
    """Old and new segments for an edited line, or None if the words are too costly to compare."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    ops = _opcodes(a, b, MAX_WORD_COST, math.inf)
    if ops is None:
        return None
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in _absorb_spaces(ops, a):
        if tag == "equal":
            text = "".join(a[i1:i2])
            old_segments.append(Segment("equal", text))
            new_segments.append(Segment("equal", text))
            continue
        if i2 > i1:
            old_segments.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            new_segments.append(Segment("insert", "".join(b[j1:j2])))
    return tuple(old_segments), tuple(new_segments)


def _absorb_spaces(ops: list[Op], a: list[str]) -> list[Op]:
    """Fold a lone space between two changed words into the change: "red car" -> "blue bike"."""
    out: list[Op] = []
    for index, op in enumerate(ops):
        tag, i1, i2, _, _ = op
        # Coalesced opcodes alternate, so an equal one inside the list sits between changes.
        between_changes = 0 < index < len(ops) - 1
        if tag == "equal" and between_changes and "".join(a[i1:i2]).isspace():
            op = ("replace", *op[1:])
        out.append(op)
    return _coalesce(out)


def _coalesce(ops: list[Op]) -> list[Op]:
    """Drop empty opcodes and join neighbours: equal with equal, any change with any change."""
    out: list[Op] = []
    for op in ops:
        tag, i1, i2, j1, j2 = op
        if i1 == i2 and j1 == j2:
            continue
        if out and (out[-1][0] == "equal") == (tag == "equal"):
            _, pi1, _, pj1, _ = out[-1]
            if tag != "equal":
                tag = "replace" if i2 > pi1 and j2 > pj1 else ("delete" if i2 > pi1 else "insert")
            out[-1] = (tag, pi1, i2, pj1, j2)
        else:
            out.append(op)
    return out


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n
