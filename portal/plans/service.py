"""Plan actions as plain functions: start, change, issue, Section A from the wiki, the
family's comments and amendments, and the working document.

A change is made on the newest version even when the caseworker's form was opened on an
older one, as long as the item it touches did not change in between; otherwise nothing
is saved and PlanStale says so (the view shows the typed text back).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import Child
from portal.plans import editing
from portal.plans.content import (
    ID_PREFIXES,
    PlanContent,
    SectionABlock,
    from_json,
    next_id,
    to_json,
)
from portal.plans.models import Plan, PlanAmendment, PlanComment, PlanVersion
from portal.plans.timeline import check_dates
from wiki.diff import Diff, diff_texts
from wiki.models import Page, Revision
from wiki.service import normalise_text

MAX_TEXT_CHARS = 20_000
MAX_COMMENT_CHARS = 5_000
MAX_SUMMARY_CHARS = 300


class PlanError(ValueError):
    """A plan action that cannot be done; the message is for the person."""


class PlanStale(PlanError):
    """Someone changed the same part of the plan since the form was opened."""


def check_text(text: str, what: str = "This text", *, limit: int = MAX_TEXT_CHARS) -> str:
    text = normalise_text(text).strip()
    if len(text) > limit:
        raise PlanError(f"{what} is too long ({len(text):,} characters; the most is {limit:,}).")
    return text


# Reading ---------------------------------------------------------------------------------


def get_plan(child_id: int) -> Plan | None:
    return db.session.scalars(select(Plan).where(Plan.child_id == child_id)).first()


def get_version(plan: Plan, number: int) -> PlanVersion | None:
    return db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == number)
    ).first()


def versions(plan: Plan, *, issued_only: bool = False) -> list[PlanVersion]:
    """The plan's versions, newest first."""
    query = select(PlanVersion).where(PlanVersion.plan_id == plan.id)
    if issued_only:
        query = query.where(PlanVersion.label.is_not(None))
    return list(db.session.scalars(query.order_by(PlanVersion.number.desc())))


def content_of(version: PlanVersion | None) -> PlanContent:
    return PlanContent() if version is None else from_json(version.content)


# Starting, changing, issuing -----------------------------------------------------------------


def start_plan(child: Child, user, *, requested_on: date | None, today: date) -> Plan:
    """A plan with an empty first version. One plan per child: a second start is refused."""
    if get_plan(child.id) is not None:
        raise PlanError("This child already has a plan.")
    if requested_on is not None:
        check_dates(
            requested_on=requested_on, decided_on=None, draft_issued_on=None, final_issued_on=None
        )
        if requested_on > today:
            raise PlanError("The request date cannot be in the future.")
    plan = Plan(child_id=child.id, requested_on=requested_on, current_number=0)
    db.session.add(plan)
    db.session.flush()
    _append_version(plan, PlanContent(), author_id=user.id, summary="Started the plan")
    db.session.commit()
    return plan


def _lock_plan(plan_id: int) -> Plan:
    # As wiki.service._lock_page: PostgreSQL queues on FOR UPDATE; SQLite takes its
    # single write lock with a no-op UPDATE before anything is read.
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Plan).where(Plan.id == plan_id).values(current_number=Plan.current_number)
        )
    return db.session.scalars(
        select(Plan)
        .where(Plan.id == plan_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _append_version(
    plan: Plan,
    content: PlanContent,
    *,
    author_id: int | None,
    summary: str,
    label: str | None = None,
) -> PlanVersion:
    version = PlanVersion(
        plan_id=plan.id,
        number=plan.current_number + 1,
        content=to_json(content),
        summary=summary[:MAX_SUMMARY_CHARS],
        label=label,
        author_id=author_id,
        created_at=utcnow(),
    )
    db.session.add(version)
    plan.current_number = version.number
    plan.updated_at = version.created_at
    return version


def change_plan(
    plan: Plan,
    user,
    *,
    base_number: int,
    target: str | None,
    change: Callable[[PlanContent], PlanContent],
    summary: str,
    commit: bool = True,
) -> PlanVersion | None:
    """Apply `change` to the newest version and save the result as a new version.

    `target` is what the change touches (None for a new item): if it differs between
    the version the form was opened on and the newest, PlanStale is raised and nothing
    is saved. Returns None when the change changes nothing.
    """
    plan = _lock_plan(plan.id)
    current = content_of(get_version(plan, plan.current_number))
    if base_number != plan.current_number and target is not None:
        base_version = get_version(plan, base_number)
        if base_version is None or editing.target_changed(
            content_of(base_version), current, target
        ):
            db.session.rollback()
            raise PlanStale(
                "Someone changed this part of the plan after you opened it, so your change "
                "was not saved. Your text is below: look at the plan as it is now and save "
                "again."
            )
    new = change(current)
    if new == current:
        db.session.rollback()
        return None
    version = _append_version(plan, new, author_id=user.id, summary=summary)
    try:
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PlanStale("Someone saved the plan at the same moment. Please save again.") from None
    return version


def new_item_id(plan: Plan, content: PlanContent, kind: str) -> str:
    """A fresh id for a new item of this kind ("needs", "outcomes", ...), never one that an
    earlier version of the plan used for something else."""
    taken: set[str] = set()
    for version in versions(plan):
        taken.update(editing.all_ids(content_of(version)))
    return next_id(content, ID_PREFIXES[kind], taken=taken)


def issue_label(plan: Plan, *, final: bool) -> str:
    if not final:
        return f"Draft {plan.drafts_issued + 1}"
    if plan.final_issued_on is None:
        return "Final plan"
    return f"Amended plan {plan.amendments_issued + 1}"


def issue_version(plan: Plan, user, *, final: bool, today: date) -> PlanVersion:
    """Issue the newest version to the family as the next draft, or as the final plan
    (an amended plan once a final has been issued). Issuing adds a labelled version."""
    plan = _lock_plan(plan.id)
    current = get_version(plan, plan.current_number)
    label = issue_label(plan, final=final)
    if plan.requested_on is None:
        db.session.rollback()
        raise PlanError(
            "Add the date the request for an assessment came in (under Dates) before "
            "issuing: the family's and the law's deadlines are counted from it."
        )
    if final and plan.final_issued_on is None and plan.draft_issued_on is None:
        db.session.rollback()
        raise PlanError("Issue a draft first: the family has 15 days to comment on it.")
    version = _append_version(
        plan, content_of(current), author_id=user.id, summary=f"Issued {label}", label=label
    )
    plan.issued_number = version.number
    if final:
        if plan.final_issued_on is None:
            plan.final_issued_on = today
        else:
            plan.amendments_issued += 1
    else:
        plan.drafts_issued += 1
        if plan.draft_issued_on is None:
            plan.draft_issued_on = today
    db.session.commit()
    return version


def set_dates(
    plan: Plan,
    *,
    requested_on: date | None,
    decided_on: date | None,
    draft_issued_on: date | None,
    final_issued_on: date | None,
    today: date,
) -> None:
    """Correct the timeline's dates (e.g. a request received on paper before the plan
    was started here). Raises PlanError for dates in the wrong order or in the future."""
    dates = dict(
        requested_on=requested_on,
        decided_on=decided_on,
        draft_issued_on=draft_issued_on,
        final_issued_on=final_issued_on,
    )
    if any(value is not None and value > today for value in dates.values()):
        raise PlanError("Dates cannot be in the future.")
    try:
        check_dates(**dates)
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    for name, value in dates.items():
        setattr(plan, name, value)
    db.session.commit()


# Section A from the wiki ---------------------------------------------------------------------


def team_pages(child_id: int) -> list[Page]:
    """The About Me pages the family shares with the plan team, by title."""
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.child_id == child_id, Page.deleted.is_(False), Page.visibility == "team")
            .order_by(Page.title)
        )
    )


def team_page(child_id: int, page_id: int) -> Page | None:
    page = db.session.get(Page, page_id)
    if page is None or page.child_id != child_id or page.deleted or page.visibility != "team":
        return None
    return page


def page_revision(page: Page, number: int) -> Revision | None:
    return db.session.scalars(
        select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    ).first()


def passages(body: str) -> list[str]:
    """A page's passages: its paragraphs, split at blank lines."""
    parts = [part.strip() for part in normalise_text(body).split("\n\n")]
    return [part for part in parts if part]


def quote_blocks(
    plan: Plan, content: PlanContent, page: Page, revision: Revision, chosen: list[int]
) -> list[SectionABlock]:
    """Section A blocks quoting the chosen passages of a page revision (all of the page
    as one block when none are chosen), pinned to that revision."""
    texts = passages(revision.body)
    if chosen:
        picked = [texts[i] for i in sorted(set(chosen)) if 0 <= i < len(texts)]
        if not picked:
            raise PlanError("Choose at least one passage from the page.")
    else:
        picked = ["\n\n".join(texts)]
    if not any(text.strip() for text in picked):
        raise PlanError("That page is empty: there is nothing to quote.")
    blocks = []
    for text in picked:
        block_id = new_item_id(plan, content, "section_a")
        block = SectionABlock(
            id=block_id,
            text=text,
            source="family",
            page_id=page.id,
            page_slug=page.slug,
            page_title=revision.title,
            revision=revision.number,
        )
        content = editing.put_item(content, block)
        blocks.append(block)
    return blocks


@dataclass(frozen=True)
class BlockUpdate:
    """A Section A block whose page changed after it was pulled."""

    block: SectionABlock
    page: Page | None  # None when the page is no longer shared or was deleted
    current: int | None
    diff: Diff | None
    new_text: str | None


def section_a_updates(child_id: int, content: PlanContent) -> dict[str, BlockUpdate]:
    """For each family block, whether its page moved on since it was pulled (and was not
    kept back on purpose), with the diff from the pinned revision to the newest."""
    blocks = [b for b in content.section_a if b.page_id is not None]
    if not blocks:
        return {}
    pages = {
        page.id: page
        for page in db.session.scalars(
            select(Page).where(Page.child_id == child_id, Page.id.in_({b.page_id for b in blocks}))
        )
    }
    found = {}
    for block in blocks:
        page = pages.get(block.page_id)
        if page is None or page.deleted or page.visibility != "team":
            found[block.id] = BlockUpdate(block, None, None, None, None)
            continue
        seen = max(block.revision or 0, block.kept_revision or 0)
        if page.current_number <= seen:
            continue
        old = page_revision(page, block.revision)
        new = page_revision(page, page.current_number)
        if old is not None and passages(old.body) == passages(new.body):
            continue  # shared again, or renamed: the family's words did not change
        new_text = matching_passage(block.text, old.body if old else "", new.body)
        found[block.id] = BlockUpdate(
            block,
            page,
            page.current_number,
            diff_texts(old.body if old else "", new.body),
            new_text,
        )
    return found


def matching_passage(quoted: str, old_body: str, new_body: str) -> str:
    """What to quote from the new revision: the whole page if the block quoted the whole
    page, else the new passage most like the one quoted."""
    quoted_passages = passages(quoted)
    if quoted_passages == passages(old_body):
        return "\n\n".join(passages(new_body))
    candidates = passages(new_body)
    if not candidates:
        return ""
    return max(
        candidates,
        key=lambda text: difflib.SequenceMatcher(None, quoted, text, autojunk=False).ratio(),
    )


def pull_update(plan: Plan, user, *, base_number: int, block_id: str, keep: bool) -> PlanVersion:
    """Take the page's newest revision into the block, or record that the caseworker
    looked at it and kept the old wording."""
    version = get_version(plan, plan.current_number)
    child_id = plan.child_id
    update_ = section_a_updates(child_id, content_of(version)).get(block_id)
    if update_ is None or update_.page is None:
        raise PlanError("There is nothing new to take from that page.")
    block, title = update_.block, update_.page.title
    if keep:
        new_block = dataclasses.replace(block, kept_revision=update_.current)
        summary = f"Kept revision {block.revision} of “{title}” (page is at {update_.current})"
    else:
        new_block = dataclasses.replace(
            block,
            text=update_.new_text or block.text,
            revision=update_.current,
            page_title=title,
            kept_revision=None,
        )
        summary = f"Took revision {update_.current} of “{title}” into Section A"
    saved = change_plan(
        plan,
        user,
        base_number=base_number,
        target=block_id,
        change=lambda c: editing.put_item(c, new_block),
        summary=summary,
    )
    if saved is None:
        raise PlanError("There is nothing new to take from that page.")
    return saved


# Family review ---------------------------------------------------------------------------


def add_comment(plan: Plan, user, *, section: str, body: str) -> PlanComment:
    if plan.issued_number is None:
        raise PlanError("The plan has not been issued yet.")
    body = check_text(body, "Your comment", limit=MAX_COMMENT_CHARS)
    if not body:
        raise PlanError("Write your comment first.")
    comment = PlanComment(
        plan_id=plan.id,
        version_number=plan.issued_number,
        section=section,
        body=body,
        author_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def comments(plan: Plan) -> list[PlanComment]:
    return list(
        db.session.scalars(
            select(PlanComment)
            .where(PlanComment.plan_id == plan.id)
            .order_by(PlanComment.created_at, PlanComment.id)
        )
    )


def propose_amendment(
    plan: Plan, user, *, target: str, proposed: str, reason: str
) -> PlanAmendment:
    """The family's suggested wording for an item of the issued version."""
    if plan.issued_number is None:
        raise PlanError("The plan has not been issued yet.")
    issued = content_of(get_version(plan, plan.issued_number))
    current_text = editing.main_text(issued, target)
    section = editing.section_of(issued, target)
    if current_text is None or section is None:
        raise PlanError("That part of the plan is not in the issued version.")
    proposed = check_text(proposed, "Your suggested wording")
    reason = check_text(reason, "Your reason", limit=MAX_COMMENT_CHARS)
    if not proposed:
        raise PlanError("Write the wording you would like instead.")
    if proposed == current_text.strip():
        raise PlanError("Your wording is the same as the plan's. Change it, or add a comment.")
    amendment = PlanAmendment(
        plan_id=plan.id,
        version_number=plan.issued_number,
        target=target,
        section=section,
        current_text=current_text,
        proposed_text=proposed,
        reason=reason,
        status="open",
        author_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(amendment)
    db.session.commit()
    return amendment


def amendments(plan: Plan) -> list[PlanAmendment]:
    return list(
        db.session.scalars(
            select(PlanAmendment)
            .where(PlanAmendment.plan_id == plan.id)
            .order_by(PlanAmendment.created_at, PlanAmendment.id)
        )
    )


def get_amendment(plan: Plan, amendment_id: int) -> PlanAmendment | None:
    amendment = db.session.get(PlanAmendment, amendment_id)
    return amendment if amendment is not None and amendment.plan_id == plan.id else None


def accept_amendment(plan: Plan, amendment: PlanAmendment, user) -> PlanVersion:
    """Take the family's wording into a new version of the plan."""
    if amendment.status not in ("open", "declined"):
        raise PlanError("That suggestion has already been settled.")
    current = content_of(get_version(plan, plan.current_number))
    if editing.main_text(current, amendment.target) is None:
        raise PlanError(
            "That part of the plan has since been removed, so the wording cannot be taken in. "
            "Decline it with a reason instead."
        )
    version = change_plan(
        plan,
        user,
        base_number=plan.current_number,
        target=None,
        change=lambda c: editing.with_main_text(c, amendment.target, amendment.proposed_text),
        summary=f"Took in the family's wording for {_target_name(amendment)}",
        commit=False,
    )
    amendment.status = "accepted"
    amendment.decided_by_id = user.id
    amendment.decided_at = utcnow()
    amendment.accepted_in = version.number if version else plan.current_number
    db.session.commit()
    return version


def decline_amendment(plan: Plan, amendment: PlanAmendment, user, *, reason: str) -> None:
    if amendment.status != "open":
        raise PlanError("That suggestion has already been settled.")
    reason = check_text(reason, "The reason", limit=MAX_COMMENT_CHARS)
    if not reason:
        raise PlanError("Say why, so the family can understand the decision.")
    amendment.status = "declined"
    amendment.decided_by_id = user.id
    amendment.decided_at = utcnow()
    amendment.decision_reason = reason
    db.session.commit()


def agree_amendment(plan: Plan, amendment: PlanAmendment, user) -> None:
    """The family accepts the plan's wording after all: the disagreement is closed."""
    if amendment.status != "declined":
        raise PlanError("Only a declined suggestion can be settled this way.")
    amendment.status = "agreed"
    db.session.commit()


def _target_name(amendment: PlanAmendment) -> str:
    if amendment.target.startswith("section:"):
        return f"Section {amendment.section}"
    return f"Section {amendment.section}, {amendment.target}"


@dataclass(frozen=True)
class Disagreement:
    """One open point in the working document: the plan's wording struck through and the
    family's wording inserted, until it is agreed."""

    amendment: PlanAmendment
    plan_text: str
    diff: Diff


def working_document(plan: Plan, number: int | None) -> list[Disagreement]:
    """Every open or declined suggestion, against the plan's wording in version `number`
    (the working version for the caseworker, the issued one for the family)."""
    if number is None:
        return []
    current = content_of(get_version(plan, number))
    points = []
    for amendment in amendments(plan):
        if amendment.status not in ("open", "declined"):
            continue
        now = editing.main_text(current, amendment.target)
        plan_text = amendment.current_text if now is None else now
        points.append(
            Disagreement(amendment, plan_text, diff_texts(plan_text, amendment.proposed_text))
        )
    return points
