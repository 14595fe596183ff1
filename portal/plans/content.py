"""What an EHC plan says: Section A blocks, needs, outcomes and provision, linked by id.

Plain Python with no Flask and no database, so views, PDF export and tests share it.
The golden thread runs aspiration (a Section A block) -> need (B-D) -> outcome (E) ->
provision (F-H); each item names the ids it links back to. A link to an id that is not
in the plan is allowed here (a draft may be half written) and reported by
`portal.plans.quality.check_plan`.

Items are frozen dataclasses: their fields cannot be reassigned, and their lists are
copies made on construction. Build a changed plan with `dataclasses.replace`.
Every item checks its own fields when it is made, so a `PlanContent` that exists is
well-formed; `from_json` reports what is wrong with stored text as a `PlanContentError`
(a `ValueError`) that names the place, e.g. "needs[2].section: ...".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

# The statutory sections of an EHC plan (SEND Code of Practice 0-25, 9.62). H1 and H2
# (social care provision under the Chronically Sick and Disabled Persons Act 1970 and
# other social care provision) share the letter H here.
SECTIONS: dict[str, str] = {
    "A": "The views, interests and aspirations of the child and their parents, "
    "or of the young person",
    "B": "Special educational needs",
    "C": "Health needs related to special educational needs or disability",
    "D": "Social care needs related to special educational needs or disability",
    "E": "Outcomes",
    "F": "Special educational provision",
    "G": "Health provision",
    "H": "Social care provision (H1 and H2)",
    "I": "Placement: the school or other institution",
    "J": "Personal budget",
    "K": "Advice and information",
}
NEED_SECTIONS = ("B", "C", "D")
PROVISION_SECTIONS = ("F", "G", "H")
TEXT_SECTIONS = ("I", "J", "K")

# The four Preparing for Adulthood themes that outcomes cover from age 14 (year 9).
PFA_THEMES: dict[str, str] = {
    "employment": "Employment",
    "independent_living": "Independent living",
    "community_inclusion": "Friends, relationships and community",
    "health": "Good health",
}

SOURCES = ("family", "caseworker")

# Id prefixes by kind of item: next_id(content, "o") gives the next outcome id.
ID_PREFIXES = {"section_a": "a", "needs": "n", "outcomes": "o", "provision": "p"}

FORMAT = 1  # the version of the JSON layout written by to_json

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
_PREFIX = re.compile(r"[A-Za-z]+")


class PlanContentError(ValueError):
    """Plan content that is not well-formed: a wrong type, an unknown section or theme."""


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise PlanContentError(
            f"id must be a letter then up to 39 letters, digits, '-' or '_', not {value!r}"
        )
    return value


def _check_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise PlanContentError(f"{name} must be text, not {type(value).__name__}")
    return value


def _check_ids(name: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise PlanContentError(f"{name} must be a list of ids, not {type(value).__name__}")
    checked = []
    for i, item in enumerate(value):
        try:
            checked.append(_check_id(item))
        except PlanContentError as exc:
            raise PlanContentError(f"{name}[{i}]: {exc}") from None
    return checked


def _check_number(name: str, value: Any) -> int | None:
    # bool is an int in Python; a page number of True is a mistake, not 1.
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise PlanContentError(f"{name} must be a whole number from 1, or null, not {value!r}")
    return value


def _check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise PlanContentError(f"{name}: unknown {value!r}; expected one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class SectionABlock:
    """A passage of Section A.

    A "family" block quotes a team-visible About Me page in the family's own words and is
    pinned to the page revision it came from. A "caseworker" block is the caseworker's own
    summary; it may say which page revision it summarises, or none.
    """

    id: str
    text: str
    source: Literal["family", "caseworker"]
    page_id: int | None = None
    page_slug: str = ""
    page_title: str = ""
    revision: int | None = None
    # A newer page revision the caseworker looked at and chose not to pull: the plan
    # stops saying "updated since the draft" until the page changes again.
    kept_revision: int | None = None

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_str("text", self.text)
        _check_choice("source", self.source, SOURCES)
        _check_number("page_id", self.page_id)
        _check_str("page_slug", self.page_slug)
        _check_str("page_title", self.page_title)
        _check_number("revision", self.revision)
        _check_number("kept_revision", self.kept_revision)
        if (self.page_id is None) != (self.revision is None):
            raise PlanContentError("page_id and revision go together: give both or neither")
        if self.source == "family" and (self.page_id is None or not self.page_slug):
            raise PlanContentError(
                "a family block quotes a page: it needs page_id, page_slug and revision"
            )


@dataclass(frozen=True)
class Need:
    """A need in Section B (special educational), C (health) or D (social care)."""

    id: str
    section: Literal["B", "C", "D"]
    text: str
    aspiration_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_choice("section", self.section, NEED_SECTIONS)
        _check_str("text", self.text)
        object.__setattr__(
            self, "aspiration_ids", _check_ids("aspiration_ids", self.aspiration_ids)
        )


@dataclass(frozen=True)
class Outcome:
    """An outcome in Section E: what should be achieved, by when, and how it will be seen."""

    id: str
    text: str
    need_ids: list[str] = field(default_factory=list)
    pfa_theme: str | None = None
    timeframe: str = ""
    measure: str = ""

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_str("text", self.text)
        object.__setattr__(self, "need_ids", _check_ids("need_ids", self.need_ids))
        if self.pfa_theme is not None:
            _check_choice("pfa_theme", self.pfa_theme, PFA_THEMES)
        _check_str("timeframe", self.timeframe)
        _check_str("measure", self.measure)


@dataclass(frozen=True)
class Provision:
    """An item of provision in Section F (education), G (health) or H (social care)."""

    id: str
    section: Literal["F", "G", "H"]
    what: str
    who: str = ""
    how_often: str = ""
    how_long: str = ""
    outcome_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_choice("section", self.section, PROVISION_SECTIONS)
        for name in ("what", "who", "how_often", "how_long"):
            _check_str(name, getattr(self, name))
        object.__setattr__(self, "outcome_ids", _check_ids("outcome_ids", self.outcome_ids))


@dataclass(frozen=True)
class PlanContent:
    """Everything a plan version says. Ids are unique across the whole plan."""

    section_a: list[SectionABlock] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    provision: list[Provision] = field(default_factory=list)
    text_sections: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kinds = (
            ("section_a", SectionABlock),
            ("needs", Need),
            ("outcomes", Outcome),
            ("provision", Provision),
        )
        seen: set[str] = set()
        for name, kind in kinds:
            items = getattr(self, name)
            if isinstance(items, str) or not isinstance(items, list | tuple):
                raise PlanContentError(f"{name} must be a list, not {type(items).__name__}")
            for i, item in enumerate(items):
                if not isinstance(item, kind):
                    raise PlanContentError(
                        f"{name}[{i}] must be a {kind.__name__}, not {type(item).__name__}"
                    )
                if item.id in seen:
                    raise PlanContentError(f"{name}[{i}]: id {item.id!r} is used twice")
                seen.add(item.id)
            object.__setattr__(self, name, list(items))
        texts = self.text_sections
        if not isinstance(texts, dict):
            raise PlanContentError(f"text_sections must be a mapping, not {type(texts).__name__}")
        for key, value in texts.items():
            _check_choice("text_sections: section", key, TEXT_SECTIONS)
            _check_str(f"text_sections[{key!r}]", value)
        object.__setattr__(self, "text_sections", dict(texts))


def next_id(content: PlanContent, prefix: str, *, taken: Iterable[str] = ()) -> str:
    """The next free id with this prefix ("a", "n", "o" or "p"): one past the highest in use.

    Ids are never filled in from gaps, so a deleted item's id is not given to a new one.
    Pass `taken` (ids from earlier plan versions) to keep that true across versions too.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"an id prefix is letters only, not {prefix!r}")
    number = re.compile(re.escape(prefix) + r"([0-9]+)")
    used = [item.id for name in ID_PREFIXES for item in getattr(content, name)]
    highest = 0
    for existing in [*used, *taken]:
        match = number.fullmatch(existing)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1}"


# JSON ------------------------------------------------------------------------------------

_FIELDS: dict[str, tuple[type, tuple[str, ...]]] = {
    "section_a": (
        SectionABlock,
        (
            "id",
            "text",
            "source",
            "page_id",
            "page_slug",
            "page_title",
            "revision",
            "kept_revision",
        ),
    ),
    "needs": (Need, ("id", "section", "text", "aspiration_ids")),
    "outcomes": (Outcome, ("id", "text", "need_ids", "pfa_theme", "timeframe", "measure")),
    "provision": (
        Provision,
        ("id", "section", "what", "who", "how_often", "how_long", "outcome_ids"),
    ),
}
_TOP_KEYS = ("format", *_FIELDS, "text_sections")


def to_dict(content: PlanContent) -> dict[str, Any]:
    """The plan as JSON-ready data (what to_json writes)."""
    data: dict[str, Any] = {"format": FORMAT}
    for name, (_kind, names) in _FIELDS.items():
        data[name] = [
            {key: _plain(getattr(item, key)) for key in names} for item in getattr(content, name)
        ]
    data["text_sections"] = dict(content.text_sections)
    return data


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def to_json(content: PlanContent) -> str:
    """The plan as JSON text. Equal contents always give the identical string (keys sorted,
    no spaces, non-ASCII escaped), so versions can be compared and hashed as text."""
    return json.dumps(to_dict(content), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise PlanContentError(f"key {key!r} appears twice in one object")
        data[key] = value
    return data


def _no_constants(name: str) -> Any:
    raise PlanContentError(f"{name} is not a valid number in plan content")


def _fields_of(where: str, value: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PlanContentError(f"{where} must be an object, not {_json_type(value)}")
    missing = [n for n in names if n not in value]
    if missing:
        raise PlanContentError(f"{where}: missing {', '.join(map(repr, missing))}")
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise PlanContentError(f"{where}: unknown field {', '.join(map(repr, unknown))}")
    return value


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def from_dict(data: Any) -> PlanContent:
    """A PlanContent from JSON-ready data; PlanContentError (a ValueError) if malformed."""
    top = _fields_of("plan", data, _TOP_KEYS)
    if type(top["format"]) is not int or top["format"] != FORMAT:
        raise PlanContentError(f"format: expected {FORMAT}, not {top['format']!r}")
    parts: dict[str, Any] = {}
    for name, (kind, names) in _FIELDS.items():
        items = top[name]
        if not isinstance(items, list):
            raise PlanContentError(f"{name} must be a list, not {_json_type(items)}")
        built = []
        for i, raw in enumerate(items):
            where = f"{name}[{i}]"
            fields = _fields_of(where, raw, names)
            try:
                built.append(kind(**fields))
            except PlanContentError as exc:
                raise PlanContentError(f"{where}: {exc}") from None
        parts[name] = built
    if not isinstance(top["text_sections"], dict):
        raise PlanContentError(
            f"text_sections must be an object, not {_json_type(top['text_sections'])}"
        )
    return PlanContent(**parts, text_sections=top["text_sections"])


def from_json(text: str | bytes) -> PlanContent:
    """Read what to_json wrote. Malformed input raises PlanContentError (a ValueError)
    that says where and what: bad JSON, a missing or unknown field, a wrong type, an
    unknown section or PfA theme, an id used twice. Links to ids that are not in the
    plan are accepted: check_plan reports them."""
    if not isinstance(text, str | bytes | bytearray):
        raise PlanContentError(f"plan content must be JSON text, not {type(text).__name__}")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except PlanContentError:
        raise
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlanContentError(f"plan content is not valid JSON: {exc}") from None
    except RecursionError:
        raise PlanContentError("plan content is nested too deeply to be a plan") from None
    return from_dict(data)


# Plain lines -----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _or_not_set(text: str) -> str:
    return _one_line(text) or "(not set)"


def _links(word: str, ids: list[str]) -> str:
    return f" ({word} {', '.join(ids)})" if ids else ""


def _page(block: SectionABlock) -> str:
    name = _one_line(block.page_title) or _one_line(block.page_slug)
    return f'"{name}", revision {block.revision}'


def plain_lines(content: PlanContent) -> list[str]:
    """One readable line per item, in plan order (A, B-D, E, F-H, I-K), for showing what
    changed between two plan versions. Whitespace inside an item is folded to single
    spaces; empty I, J and K sections are left out. Fields are joined by " — " so that
    the item's own punctuation is kept as written:

    A a1 (family's words, from "What I enjoy", revision 3): I love trains
    B n1: Sam finds noisy rooms hard (from a1)
    E o1 [employment] Sam will ... — by July 2027 — measured by ... (meets n1)
    F p1: Speech and language therapy — who: ... — how often: ... — how long: ... (for o1)
    I: Riverside Academy
    """
    lines = []
    for block in content.section_a:
        if block.source == "family":
            origin = f"family's words, from {_page(block)}"
        elif block.revision is not None:
            origin = f"caseworker's summary of {_page(block)}"
        else:
            origin = "caseworker's summary"
        lines.append(f"A {block.id} ({origin}): {_one_line(block.text)}")
    for section in NEED_SECTIONS:
        for need in content.needs:
            if need.section == section:
                lines.append(
                    f"{section} {need.id}: {_one_line(need.text)}"
                    + _links("from", need.aspiration_ids)
                )
    for outcome in content.outcomes:
        theme = f" [{outcome.pfa_theme}]" if outcome.pfa_theme else ""
        timeframe = _one_line(outcome.timeframe)
        if not timeframe:
            when = "no timeframe"
        elif timeframe.lower().startswith("by "):
            when = timeframe
        else:
            when = f"by {timeframe}"
        measure = _one_line(outcome.measure)
        how = f"measured by {measure}" if measure else "no measure"
        lines.append(
            f"E {outcome.id}{theme} {_one_line(outcome.text)} — {when} — {how}"
            + _links("meets", outcome.need_ids)
        )
    for section in PROVISION_SECTIONS:
        for item in content.provision:
            if item.section == section:
                lines.append(
                    f"{section} {item.id}: {_or_not_set(item.what)}"
                    f" — who: {_or_not_set(item.who)}"
                    f" — how often: {_or_not_set(item.how_often)}"
                    f" — how long: {_or_not_set(item.how_long)}" + _links("for", item.outcome_ids)
                )
    for section in TEXT_SECTIONS:
        text = _one_line(content.text_sections.get(section, ""))
        if text:
            lines.append(f"{section}: {text}")
    return lines
