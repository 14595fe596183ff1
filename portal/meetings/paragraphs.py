"""A plan section as a document of paragraphs, and back again.

Plain Python with no Flask and no database, so it is tested on its own. In a meeting each
section A-K is one text of paragraphs separated by blank lines:

- A: one paragraph per Section A block;
- B, C, D: one per need of that section;
- E: one per outcome (its text; timeframe and measure stay as they were);
- F, G, H: one per item of provision (its "what"; who, how often and how long stay);
- I, J, K: the section's text.

Going back, the old items' paragraphs and the new paragraphs are lined up with a sequence
match (difflib): a paragraph that is unchanged or edited keeps its item, so the item keeps
its id, its golden-thread links and its details; a new paragraph becomes a new item; an
item whose paragraph was deleted is removed (with the links to it, as a delete does).

A family block in Section A quotes a page revision word for word. If the meeting changed
its words, it no longer matches that revision, so it becomes a caseworker block that still
names the page and revision it came from ("summary of ...") and is reported in `reworded`
so the version can say it was changed in the meeting.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from portal.plans.content import (
    ID_PREFIXES,
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    SECTIONS,
    TEXT_SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
    SectionABlock,
    next_id,
)
from portal.plans.editing import remove_item
from wiki.merge import END_MARKER, MIDDLE_MARKER, START_MARKER, three_way_merge

LETTERS = tuple(SECTIONS)
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
# Two paragraphs this alike (difflib ratio) are one item edited, not one removed and one new.
SAME_ITEM = 0.4


def normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def split_paragraphs(text: str) -> list[str]:
    """The text's paragraphs: split at blank lines, trimmed, empty ones dropped."""
    parts = _BLANK_LINES.split(normalise(text))
    return [part.strip() for part in parts if part.strip()]


def as_paragraph(text: str) -> str:
    """An item's text as one paragraph: blank lines inside it become single line breaks."""
    return "\n".join(line.rstrip() for line in split_paragraphs(text))


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(paragraphs)


def _items(content: PlanContent, letter: str) -> tuple[str, list]:
    """The list name and the items of one section (empty name for I-K)."""
    if letter == "A":
        return "section_a", list(content.section_a)
    if letter in NEED_SECTIONS:
        return "needs", [n for n in content.needs if n.section == letter]
    if letter == "E":
        return "outcomes", list(content.outcomes)
    if letter in PROVISION_SECTIONS:
        return "provision", [p for p in content.provision if p.section == letter]
    if letter in TEXT_SECTIONS:
        return "", []
    raise ValueError(f"unknown section {letter!r}")


def _text_of(item) -> str:
    return item.what if isinstance(item, Provision) else item.text


def section_paragraphs(content: PlanContent, letter: str) -> list[str]:
    name, items = _items(content, letter)
    if not name:
        return split_paragraphs(content.text_sections.get(letter, ""))
    return [as_paragraph(_text_of(item)) for item in items]


def section_text(content: PlanContent, letter: str) -> str:
    """The section as a meeting edits it."""
    if letter in TEXT_SECTIONS:
        return normalise(content.text_sections.get(letter, "")).strip()
    return join_paragraphs(section_paragraphs(content, letter))


@dataclass(frozen=True)
class Applied:
    content: PlanContent
    kept: tuple[str, ...] = ()  # ids of items whose paragraph is unchanged
    edited: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reworded: tuple[str, ...] = ()  # family blocks whose quoted words were changed


def _new_item(letter: str, item_id: str, text: str):
    if letter == "A":
        return SectionABlock(id=item_id, text=text, source="caseworker")
    if letter in NEED_SECTIONS:
        return Need(id=item_id, section=letter, text=text)
    if letter == "E":
        return Outcome(id=item_id, text=text)
    return Provision(id=item_id, section=letter, what=text)


def _edited(item, text: str):
    if isinstance(item, SectionABlock):
        if item.source == "family":
            # No longer the page's words: still linked to the page, but not a quote.
            return dataclasses.replace(item, text=text, source="caseworker")
        return dataclasses.replace(item, text=text)
    if isinstance(item, Provision):
        return dataclasses.replace(item, what=text)
    return dataclasses.replace(item, text=text)


def _pairs(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs in order: both for an item kept or edited, old only for
    a removed item, new only for a new paragraph."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
            continue
        # A replaced run: pair each old paragraph with the most alike new one, in order,
        # when they are alike enough to be one item edited.
        j = j1
        for i in range(i1, i2):
            best, best_ratio = None, SAME_ITEM
            for candidate in range(j, j2):
                ratio = difflib.SequenceMatcher(
                    None, old[i], new[candidate], autojunk=False
                ).ratio()
                if ratio >= best_ratio:
                    best, best_ratio = candidate, ratio
            if best is None:
                pairs.append((i, None))
                continue
            pairs += [(None, k) for k in range(j, best)]
            pairs.append((i, best))
            j = best + 1
        pairs += [(None, k) for k in range(j, j2)]
    return pairs


def apply_section(
    content: PlanContent, letter: str, text: str, *, taken: Iterable[str] = ()
) -> Applied:
    """The plan content with section `letter` rewritten from the meeting's text.

    `taken` is every id used by earlier versions of the plan, so that a new item never
    gets an id that once meant something else."""
    if letter in TEXT_SECTIONS:
        texts = dict(content.text_sections)
        new_text = join_paragraphs(split_paragraphs(text))
        if new_text == section_text(content, letter):
            return Applied(content)
        if new_text:
            texts[letter] = new_text
        else:
            texts.pop(letter, None)
        return Applied(dataclasses.replace(content, text_sections=texts))

    name, items = _items(content, letter)
    old = [as_paragraph(_text_of(item)) for item in items]
    new = split_paragraphs(text)
    if old == new:
        return Applied(content, kept=tuple(item.id for item in items))
    taken = set(taken)
    kept, edited, added, removed, reworded = [], [], [], [], []
    section_items = []
    for i, j in _pairs(old, new):
        if j is None:
            removed.append(items[i].id)
            continue
        if i is None:
            item_id = next_id(content, ID_PREFIXES[name], taken=taken)
            taken.add(item_id)
            section_items.append(_new_item(letter, item_id, new[j]))
            added.append(item_id)
            continue
        item = items[i]
        if old[i] == new[j]:
            section_items.append(item)  # unchanged, whatever blank lines it had inside
            kept.append(item.id)
            continue
        changed = _edited(item, new[j])
        if isinstance(item, SectionABlock) and item.source == "family":
            reworded.append(item.id)
        section_items.append(changed)
        edited.append(item.id)
    # Removed items go first, with every link to them (as deleting an item does); then
    # the section's items take the place of its old ones. Items never link to items of
    # their own kind, so the section's kept items hold no link to a removed one.
    for item_id in removed:
        content = remove_item(content, item_id)
    # The section's items fill its old items' places in order (other sections' items stay
    # where they were); any more go after the last of them.
    mine = {item.id for item in items}
    slots = [i for i, item in enumerate(getattr(content, name)) if item.id in mine]
    result = list(getattr(content, name))
    for slot, item in zip(slots, section_items, strict=False):
        result[slot] = item
    extra = section_items[len(slots) :]
    end = slots[-1] + 1 if slots else len(result)
    result[end:end] = extra
    unused = set(slots[len(section_items) :])  # only when the section has fewer items now
    result = [item for i, item in enumerate(result) if i not in unused]
    return Applied(
        dataclasses.replace(content, **{name: result}),
        kept=tuple(kept),
        edited=tuple(edited),
        added=tuple(added),
        removed=tuple(removed),
        reworded=tuple(reworded),
    )


def apply_all(
    content: PlanContent, texts: dict[str, str], *, taken: Iterable[str] = ()
) -> tuple[PlanContent, list[str]]:
    """Every section the meeting wrote, applied in order A-K; the reworded family blocks."""
    taken = set(taken)
    reworded: list[str] = []
    for letter in LETTERS:
        if letter not in texts:
            continue
        applied = apply_section(content, letter, texts[letter], taken=taken)
        content = applied.content
        taken.update(applied.added)
        reworded += applied.reworded
    return content, reworded


# Merging what two people wrote at once ----------------------------------------------------


@dataclass(frozen=True)
class Merged:
    text: str
    conflict: bool  # both people changed the same paragraph: both versions are kept


def merge_texts(base: str, mine: str, theirs: str) -> Merged:
    """My edit and theirs, both made from `base`. Changes to different paragraphs both
    stay. Where both changed the same paragraph, nothing is lost: their paragraph and
    then mine are both kept, one after the other, for the meeting to choose."""
    # Each paragraph framed by blank lines, the first and last too: a paragraph added
    # next to one the other person changed is then a separate change, not a clash.
    base, mine, theirs = (
        "\n" + join_paragraphs(split_paragraphs(text)) + "\n\n" for text in (base, mine, theirs)
    )
    result = three_way_merge(base, mine, theirs)
    if result.clean:
        return Merged(join_paragraphs(split_paragraphs(result.text or "")), False)
    out: list[str] = []
    my_part: list[str] = []
    their_part: list[str] = []
    state = "text"
    for line in result.with_markers.split("\n"):
        if state == "text" and line == START_MARKER:
            state, my_part, their_part = "mine", [], []
        elif state == "mine" and line == MIDDLE_MARKER:
            state = "theirs"
        elif state == "theirs" and line == END_MARKER:
            state = "text"
            block = [*their_part, "", *my_part]
            if out and out[-1].strip():
                out.append("")
            out += block
            out.append("")
        elif state == "mine":
            my_part.append(line)
        elif state == "theirs":
            their_part.append(line)
        else:
            out.append(line)
    return Merged(join_paragraphs(split_paragraphs("\n".join(out))), True)
