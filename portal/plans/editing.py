"""Changes to a plan's content as plain functions: each takes a PlanContent and returns
a new one, so a change made on a form opened at one version can be replayed on a newer
version when the item it touches did not change in between.

A "target" names what a change or an amendment is about: an item id ("o3") or
"section:I" for the free-text sections I, J and K.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from portal.plans.content import (
    TEXT_SECTIONS,
    Need,
    Outcome,
    PlanContent,
    Provision,
    SectionABlock,
)

ITEM_LISTS = ("section_a", "needs", "outcomes", "provision")
# Where each kind of item keeps the wording a family may suggest changing.
MAIN_TEXT = {SectionABlock: "text", Need: "text", Outcome: "text", Provision: "what"}
# Which other items' link lists may point at an item of each kind.
LINKS_TO = {"section_a": ("needs", "aspiration_ids"), "needs": ("outcomes", "need_ids")}
LINKS_TO["outcomes"] = ("provision", "outcome_ids")

Item = SectionABlock | Need | Outcome | Provision


def text_target(letter: str) -> str:
    return f"section:{letter}"


def find_item(content: PlanContent, item_id: str) -> Item | None:
    for name in ITEM_LISTS:
        for item in getattr(content, name):
            if item.id == item_id:
                return item
    return None


def list_name_of(item: Item) -> str:
    return {SectionABlock: "section_a", Need: "needs", Outcome: "outcomes", Provision: "provision"}[
        type(item)
    ]


def section_of(content: PlanContent, target: str) -> str | None:
    """The plan section letter a target is in, or None if it is not in this content."""
    if target.startswith("section:"):
        letter = target.removeprefix("section:")
        return letter if letter in TEXT_SECTIONS else None
    item = find_item(content, target)
    if item is None:
        return None
    if isinstance(item, SectionABlock):
        return "A"
    if isinstance(item, Outcome):
        return "E"
    return item.section


def put_item(content: PlanContent, item: Item) -> PlanContent:
    """The content with this item replacing the one with its id, or added at the end."""
    name = list_name_of(item)
    items = list(getattr(content, name))
    for i, existing in enumerate(items):
        if existing.id == item.id:
            items[i] = item
            break
    else:
        items.append(item)
    return dataclasses.replace(content, **{name: items})


def remove_item(content: PlanContent, item_id: str) -> PlanContent:
    """The content without this item, and without any link to it, so that deleting a
    need does not leave outcomes pointing at nothing."""
    item = find_item(content, item_id)
    if item is None:
        return content
    name = list_name_of(item)
    changes: dict[str, Any] = {name: [i for i in getattr(content, name) if i.id != item_id]}
    if name in LINKS_TO:
        linking, field = LINKS_TO[name]
        changes[linking] = [
            dataclasses.replace(i, **{field: [x for x in getattr(i, field) if x != item_id]})
            for i in getattr(content, linking)
        ]
    return dataclasses.replace(content, **changes)


def set_text_section(content: PlanContent, letter: str, text: str) -> PlanContent:
    texts = dict(content.text_sections)
    if text.strip():
        texts[letter] = text
    else:
        texts.pop(letter, None)
    return dataclasses.replace(content, text_sections=texts)


def main_text(content: PlanContent, target: str) -> str | None:
    """The wording an amendment to `target` would replace; None if there is no such thing."""
    if target.startswith("section:"):
        letter = target.removeprefix("section:")
        return content.text_sections.get(letter, "") if letter in TEXT_SECTIONS else None
    item = find_item(content, target)
    return None if item is None else getattr(item, MAIN_TEXT[type(item)])


def with_main_text(content: PlanContent, target: str, text: str) -> PlanContent:
    """The content with the target's main wording replaced (an accepted amendment)."""
    if target.startswith("section:"):
        return set_text_section(content, target.removeprefix("section:"), text)
    item = find_item(content, target)
    if item is None:
        raise KeyError(target)
    return put_item(content, dataclasses.replace(item, **{MAIN_TEXT[type(item)]: text}))


def target_changed(before: PlanContent, after: PlanContent, target: str) -> bool:
    """Whether what a change touches differs between two versions."""
    if target.startswith("section:"):
        letter = target.removeprefix("section:")
        return before.text_sections.get(letter, "") != after.text_sections.get(letter, "")
    return find_item(before, target) != find_item(after, target)


def all_ids(content: PlanContent) -> list[str]:
    return [item.id for name in ITEM_LISTS for item in getattr(content, name)]
