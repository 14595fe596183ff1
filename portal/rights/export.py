"""A copy of everything about one child, as a zip that opens offline in any browser.

The zip is written into a temporary file, piece by piece: page histories and the
activity list are read from the database in batches and media is copied from storage
in chunks, so a large record never sits in memory. Each part of the copy is one
function in SECTIONS; it writes its files and returns what the front page lists, so a
later part (the plan, say) is one more function.
"""

from __future__ import annotations

import json
import mimetypes
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any
from urllib.parse import quote

from flask import current_app
from markupsafe import escape
from sqlalchemy import select

from media.models import MediaFile, MediaItem
from media.service import safe_download_name
from media.storage import MissingObject, Storage
from media.views import downloadable
from portal.accounts.models import User
from portal.activity.service import describe
from portal.audit import AuditEvent
from portal.dbtypes import utcnow
from portal.extensions import db
from portal.families.models import MEMBER_ROLES, Child, Membership
from wiki.models import Page, Revision
from wiki.render import render_markdown

BATCH = 100
ZIP64_FROM = 1 << 30  # entries this big are written with ZIP64 sizes from the start

KIND_WORDS = {
    "create": "Wrote the page",
    "edit": "Changed the page",
    "merge": "Changed the page (two edits put together)",
    "restore": "Brought back an older version",
    "delete": "Deleted the page",
    "undelete": "Brought the page back",
    "visibility": "Changed who can see the page",
}
VISIBILITY_WORDS = {"family": "Family only", "team": "Shared with the plan team"}
MEDIA_KIND_WORDS = {
    "image": "Photo",
    "audio": "Sound recording",
    "video": "Video",
    "document": "Document",
    "link": "Web link",
}
_FOLDER_SAFE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")


@dataclass(frozen=True)
class IndexLink:
    label: str
    href: str
    note: str = ""


@dataclass
class IndexSection:
    """What the front page (index.html) says about one part of the copy."""

    heading: str
    intro: str
    links: list[IndexLink] = field(default_factory=list)
    empty: str = "Nothing here yet."


@dataclass(frozen=True)
class MediaEntry:
    """One library item in the copy, and the file the zip holds for it (if any)."""

    item: MediaItem
    stored: MediaFile | None
    path: str | None  # inside the zip, e.g. "media/12-Swimming.jpg"


@dataclass
class ExportContext:
    child: Child
    storage: Storage
    exported_at: datetime
    link_base: str
    media: dict[int, MediaEntry] = field(default_factory=dict)
    page_folders: dict[str, str] = field(default_factory=dict)  # slug -> folder


class ExportWriter:
    """Writes entries into the zip: text compressed, media stored as it is."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def _info(self, name: str, *, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=utcnow().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def text(self, name: str, pieces: str | Iterable[str]) -> None:
        """A text file, from one string or from many pieces written as they come."""
        with self.archive.open(self._info(name, compress=True), "w") as out:
            for piece in [pieces] if isinstance(pieces, str) else pieces:
                out.write(piece.encode("utf-8"))

    def json(self, name: str, value: Any) -> None:
        self.text(name, json.dumps(value, ensure_ascii=False, indent=2))

    def json_list(
        self, name: str, items: Iterable[Any], *, head: dict | None = None, key: str = "items"
    ) -> None:
        """A JSON list (or the object `head` with the list under `key`), written one item
        at a time."""

        def pieces() -> Iterator[str]:
            if head is not None:
                opening = json.dumps(head, ensure_ascii=False, indent=2)[:-1].rstrip()
                yield opening + ("," if head else "") + f"\n  {json.dumps(key)}: "
            yield "["
            for number, item in enumerate(items):
                yield ("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False)
            yield "\n]" + ("\n}" if head is not None else "") + "\n"

        self.text(name, pieces())

    def stream(self, name: str, chunks: Iterator[bytes], *, size: int) -> None:
        try:
            info = self._info(name, compress=False)
            with self.archive.open(info, "w", force_zip64=size >= ZIP64_FROM) as out:
                for chunk in chunks:
                    out.write(chunk)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _when(moment: datetime) -> str:
    return moment.strftime("%-d %B %Y at %H:%M UTC")


def _render(template: str, **values) -> str:
    return current_app.jinja_env.get_template(template).render(**values)


def _generate(template: str, **values) -> Iterator[str]:
    return current_app.jinja_env.get_template(template).generate(**values)


# ---- the wiki ------------------------------------------------------------------


def _folder_for(page: Page, taken: set[str]) -> str:
    name = page.slug if _FOLDER_SAFE.match(page.slug) else f"page-{page.id}"
    if name in taken:
        name = f"{name}-{page.id}"
    taken.add(name)
    return f"pages/{name}"


def _author_names(child_id: int) -> dict[int, str]:
    rows = db.session.execute(
        select(User.id, User.name)
        .join(Revision, Revision.author_id == User.id)
        .join(Page, Page.id == Revision.page_id)
        .where(Page.child_id == child_id)
        .distinct()
    )
    return {user_id: name for user_id, name in rows}


def _in_batches(model, key, *conditions) -> Iterator:
    """Rows in `key` order, a batch at a time, each let go of after use: an export of
    years of history never holds it all in memory."""
    after = 0
    while True:
        batch = db.session.scalars(
            select(model).where(*conditions, key > after).order_by(key).limit(BATCH)
        ).all()
        if not batch:
            return
        for row in batch:
            yield row
            db.session.expunge(row)
        after = getattr(batch[-1], key.key)


def _revisions(page_id: int) -> Iterator[Revision]:
    """A page's revisions, oldest first."""
    return _in_batches(Revision, Revision.number, Revision.page_id == page_id)


def offline_html(page_html: str, context: ExportContext) -> str:
    """A revision's HTML with its addresses made to work inside the unzipped folder:
    wiki links go to the linked page's folder and embedded media to its file here.
    Only the exact tags the renderer writes are changed, so page text cannot add any."""
    slug = re.escape(context.child.slug)

    def wiki_link(match: re.Match) -> str:
        folder = context.page_folders.get(match.group(1))
        href = f"../../{folder}/index.html" if folder else "../../index.html"
        return f'<a href="{href}"'

    def embed(match: re.Match) -> str:
        alt = match.group(2)
        entry = context.media.get(int(match.group(1)))
        if entry is None or entry.path is None:
            return f"<span>[{alt or 'A picture'}: not in this copy]</span>"
        href = "../../" + quote(entry.path)
        if entry.item.kind == "image":
            return f'<img src="{href}" alt="{alt}">'
        words = MEDIA_KIND_WORDS.get(entry.item.kind, "File")
        return f'<a href="{href}">{alt or escape(entry.item.title)} ({words.lower()})</a>'

    # Anchored on "<a " and "<img ": in text a "<" is always escaped, so only real tags match.
    page_html = re.sub(rf'<a href="/c/{slug}/wiki/([a-z0-9-]+)"', wiki_link, page_html)
    return re.sub(
        rf'<img src="/c/{slug}/media/([0-9]{{1,12}})/embed" alt="([^"]*)">', embed, page_html
    )


def _page_json(page: Page) -> dict:
    return {
        "slug": page.slug,
        "title": page.title,
        "deleted": page.deleted,
        "visibility": page.visibility,
        "current_number": page.current_number,
        "created_at": _iso(page.created_at),
        "updated_at": _iso(page.updated_at),
    }


def _revision_json(revision: Revision, authors: dict[int, str]) -> dict:
    return {
        "number": revision.number,
        "kind": revision.kind,
        "title": revision.title,
        "body": revision.body,
        "visibility": revision.visibility,
        "summary": revision.summary,
        "base_number": revision.base_number,
        "author": authors.get(revision.author_id) if revision.author_id else None,
        "created_at": _iso(revision.created_at),
    }


def write_pages(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """Every page, deleted ones too: each version as a web page, and history.json."""
    pages = db.session.scalars(
        select(Page).where(Page.child_id == context.child.id).order_by(Page.title, Page.id)
    ).all()
    taken: set[str] = set()
    context.page_folders = {page.slug: _folder_for(page, taken) for page in pages}
    authors = _author_names(context.child.id)
    section = IndexSection(
        heading="Pages",
        intro="Every page, with every version ever saved. Deleted pages are here too.",
        empty="No pages were written.",
    )
    for page in pages:
        folder = context.page_folders[page.slug]
        # Two passes over the history, a batch at a time: a zip takes one entry at once,
        # and a long history must not be held in memory to write both.
        versions = []
        for revision in _revisions(page.id):
            _write_revision(writer, context, folder, page, revision, authors)
            versions.append(
                {
                    "number": revision.number,
                    "title": revision.title,
                    "what": KIND_WORDS.get(revision.kind, revision.kind),
                    "author": authors.get(revision.author_id or 0, "Someone"),
                    "when": _when(revision.created_at),
                    "summary": revision.summary,
                }
            )
        writer.json_list(
            f"{folder}/history.json",
            (_revision_json(revision, authors) for revision in _revisions(page.id)),
            head={"page": _page_json(page)},
            key="revisions",
        )
        writer.text(
            f"{folder}/index.html",
            _render(
                "rights/export/page.html",
                child=context.child,
                page=page,
                versions=list(reversed(versions)),
                visibility=VISIBILITY_WORDS.get(page.visibility, page.visibility),
            ),
        )
        count = f"{len(versions)} version{'s' if len(versions) != 1 else ''}"
        note = count + (" · deleted" if page.deleted else "")
        section.links.append(IndexLink(page.title, f"{folder}/index.html", note))
    return section


def _write_revision(writer, context, folder, page, revision, authors) -> None:
    html = revision.rendered_html
    if html is None:
        html = render_markdown(revision.body, link_base=context.link_base)
    writer.text(
        f"{folder}/v{revision.number}.html",
        _render(
            "rights/export/revision.html",
            child=context.child,
            page=page,
            revision=revision,
            what=KIND_WORDS.get(revision.kind, revision.kind),
            author=authors.get(revision.author_id or 0, "Someone"),
            when=_when(revision.created_at),
            visibility=VISIBILITY_WORDS.get(revision.visibility, revision.visibility),
            body=offline_html(html, context),
        ),
    )


# ---- the media library --------------------------------------------------------------


def _extension(stored: MediaFile, item: MediaItem) -> str:
    guessed = mimetypes.guess_extension(stored.mime or "")
    if guessed:
        return guessed.lstrip(".")
    suffix = item.original_name.rsplit(".", 1)[-1] if "." in item.original_name else ""
    return suffix.lower() if suffix.isalnum() and len(suffix) <= 8 else "bin"


def _file_name(item: MediaItem, extension: str) -> str:
    name = safe_download_name(item.title, extension).replace(" ", "-")
    return f"media/{item.id}-{name}"


def plan_media(context: ExportContext) -> None:
    """Decide which file of each item the copy holds, before pages point at them."""
    items = db.session.scalars(
        select(MediaItem)
        .where(MediaItem.child_id == context.child.id)
        .order_by(MediaItem.created_at, MediaItem.id)
    ).all()
    for item in items:
        if item.kind == "link":
            context.media[item.id] = MediaEntry(item, None, _file_name(item, "url"))
            continue
        stored = downloadable(item)
        path = _file_name(item, _extension(stored, item)) if stored is not None else None
        context.media[item.id] = MediaEntry(item, stored, path)


def _media_json(entry: MediaEntry, missing: bool) -> dict:
    item = entry.item
    return {
        "id": item.id,
        "title": item.title,
        "description": item.alt_text,
        "kind": item.kind,
        "visibility": item.visibility,
        "deleted": item.deleted,
        "status": item.status,
        "url": item.url,
        "original_name": item.original_name,
        "mime": entry.stored.mime if entry.stored else None,
        "size": entry.stored.size if entry.stored else None,
        "width": item.width,
        "height": item.height,
        "duration_seconds": item.duration_seconds,
        "page_count": item.page_count,
        "created_at": _iso(item.created_at),
        "updated_at": _iso(item.updated_at),
        "file": None if missing else entry.path,
    }


def write_media(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """Each item's downloadable original (never a photo's raw upload), and media.json."""
    section = IndexSection(
        heading="Photos, sound, video and documents",
        intro="Each file as you would download it from the library. "
        "media/media.json lists titles, descriptions and dates.",
        empty="Nothing was added to the library.",
    )
    described = []
    for entry in context.media.values():
        item, missing = entry.item, entry.path is None
        if item.kind == "link":
            writer.text(entry.path, f"[InternetShortcut]\r\nURL={item.url}\r\n")
        elif entry.stored is not None:
            try:
                chunks = context.storage.open(entry.stored.key)
            except MissingObject:
                missing = True
            else:
                writer.stream(entry.path, chunks, size=entry.stored.size)
        words = MEDIA_KIND_WORDS.get(item.kind, item.kind)
        note = words + (" · deleted" if item.deleted else "")
        if item.kind == "link":
            section.links.append(IndexLink(item.title, item.url or "", f"{note} · {entry.path}"))
        elif missing:
            section.links.append(IndexLink(item.title, "", note + " · the file was not ready"))
        else:
            section.links.append(IndexLink(item.title, quote(entry.path), note))
        described.append(_media_json(entry, missing))
    writer.json("media/media.json", described)
    return section


# ---- the audit trail ----------------------------------------------------------------


def _events(child_id: int) -> Iterator[AuditEvent]:
    return _in_batches(AuditEvent, AuditEvent.id, AuditEvent.child_id == child_id)


def write_activity(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """Who looked at and changed what, oldest first, in plain words and as JSON.
    Internet addresses are left out: they belong to the people, not to the child."""

    def items() -> Iterator[dict]:
        for event in _events(context.child.id):
            line = describe(event)
            yield {
                "when": _iso(event.created_at),
                "who": line.who,
                "role": line.role,
                "what": line.what,
                "action": event.action,
                "target_type": event.target_type,
                "target": event.target_label,
            }

    writer.json_list("activity.json", items())

    def lines() -> Iterator:
        for event in _events(context.child.id):
            yield describe(event)

    writer.text(
        "activity.html",
        _generate("rights/export/activity.html", child=context.child, lines=lines()),
    )
    return IndexSection(
        heading="Who has looked and what changed",
        intro="Every time someone looked at or changed these pages, photos or files.",
        links=[
            IndexLink("Activity, in words", "activity.html"),
            IndexLink("Activity, as data", "activity.json"),
        ],
    )


# ---- messages with the key worker -----------------------------------------------------


def write_messages(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """Every conversation with the council about the child, as text and as data."""
    from portal.contact.models import CATEGORIES, SENDER_TYPES
    from portal.contact.service import family_threads, messages_of

    section = IndexSection(
        heading="Messages",
        intro="Your messages with the key worker and the council, and their replies.",
        empty="No messages yet.",
    )
    threads = family_threads(context.child.id)
    if not threads:
        return section
    described, lines = [], []
    for thread in reversed(threads):
        said = messages_of(thread)
        described.append(
            {
                "subject": thread.subject,
                "category": CATEGORIES.get(thread.category, thread.category),
                "about": thread.about_label or None,
                "started_at": _iso(thread.created_at),
                "messages": [
                    {
                        "from": m.author_name,
                        "sender": SENDER_TYPES.get(m.sender_type, m.sender_type),
                        "at": _iso(m.created_at),
                        "text": m.body,
                    }
                    for m in said
                ],
            }
        )
        lines.append(f"{thread.subject} ({CATEGORIES.get(thread.category, '')})")
        lines.append("=" * len(lines[-1]))
        for m in said:
            lines += [f"{m.author_name}, {_when(m.created_at)}:", m.body, ""]
        lines.append("")
    writer.json("messages/messages.json", described)
    writer.text("messages/messages.txt", "\n".join(lines))
    section.links += [
        IndexLink("Messages, to read", "messages/messages.txt"),
        IndexLink("Messages, as data", "messages/messages.json"),
    ]
    return section


# ---- plan meetings ---------------------------------------------------------------------


def write_meetings(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """Each meeting where the family and the caseworker wrote the plan together: who was
    invited, the notes and agreed actions, and the words each section ended with."""
    from portal.meetings import service as meetings
    from portal.plans import service as plans
    from portal.plans.content import SECTIONS as PLAN_SECTIONS

    section = IndexSection(
        heading="Plan meetings",
        intro="Meetings where the plan was written together, with their notes and actions.",
        empty="No plan meetings yet.",
    )
    plan = plans.get_plan(context.child.id)
    held = meetings.meetings_of(plan) if plan is not None else []
    if not held:
        return section
    described, lines = [], []
    for meeting in held:
        people = meetings.participants(meeting)
        notes = meetings.notes(meeting)
        texts = meetings.meeting_texts(meeting)
        described.append(
            {
                "opened_at": _iso(meeting.opened_at),
                "ended_at": _iso(meeting.ended_at),
                "saved_as_version": meeting.saved_number,
                "people": [
                    {"name": p.user.name, "role": p.role, "joined_at": _iso(p.joined_at)}
                    for p in people
                ],
                "notes": [
                    {
                        "kind": n.kind,
                        "text": n.text,
                        "who": n.who or None,
                        "by_when": n.by_when.isoformat() if n.by_when else None,
                        "by": n.author.name if n.author else None,
                        "at": _iso(n.created_at),
                    }
                    for n in notes
                ],
                "sections": texts,
            }
        )
        title = f"Meeting on {_when(meeting.opened_at)}"
        lines += [title, "=" * len(title), "With: " + ", ".join(p.user.name for p in people), ""]
        for n in notes:
            if n.kind == "action":
                due = f", by {n.by_when.isoformat()}" if n.by_when else ""
                lines.append(f"Action ({n.who}{due}): {n.text}")
            else:
                lines.append(f"Note: {n.text}")
        for letter, text in texts.items():
            lines += ["", f"Section {letter}: {PLAN_SECTIONS[letter]}", text]
        lines += ["", ""]
    writer.json("meetings/meetings.json", described)
    writer.text("meetings/meetings.txt", "\n".join(lines))
    section.links += [
        IndexLink("Plan meetings, to read", "meetings/meetings.txt"),
        IndexLink("Plan meetings, as data", "meetings/meetings.json"),
    ]
    return section


# ---- about the child ----------------------------------------------------------------


def write_about(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """The child's details and who could see the pages."""
    child = context.child
    members = db.session.execute(
        select(Membership, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.child_id == child.id)
        .order_by(Membership.granted_at, Membership.id)
    ).all()
    writer.json(
        "about.json",
        {
            "name": child.name,
            "preferred_name": child.preferred_name,
            "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
            "council": child.council.name,
            "created_at": _iso(child.created_at),
            "exported_at": _iso(context.exported_at),
            "people": [
                {
                    "name": name,
                    "role": MEMBER_ROLES.get(membership.role, membership.role),
                    "since": _iso(membership.granted_at),
                }
                for membership, name in members
            ],
        },
    )
    return IndexSection(
        heading=f"About {child.display_name}",
        intro="Name, date of birth and the people who could see the pages.",
        links=[IndexLink("About, as data", "about.json")],
    )


# ---- the EHC plan ----------------------------------------------------------------------


def write_plan(writer: ExportWriter, context: ExportContext) -> IndexSection:
    """Every plan version issued to the family, with their comments and suggestions.
    The caseworker's unissued working versions are the council's drafts, not shown here
    as they are not shown in the portal either."""
    from portal.plans import service as plans
    from portal.plans.content import plain_lines, to_dict

    section = IndexSection(
        heading="EHC plan",
        intro="Each draft and plan the council issued, and your comments and suggestions.",
        empty="No plan has been issued yet.",
    )
    plan = plans.get_plan(context.child.id)
    if plan is None:
        return section
    issued = plans.versions(plan, issued_only=True)
    for version in reversed(issued):
        name = f"plan/version-{version.number}.txt"
        lines = plain_lines(plans.content_of(version))
        writer.text(name, f"{version.label}, {_when(version.created_at)}\n\n" + "\n".join(lines))
        section.links.append(IndexLink(version.label or "", name, _when(version.created_at)))
    writer.json(
        "plan/plan.json",
        {
            "requested_on": plan.requested_on.isoformat() if plan.requested_on else None,
            "decided_on": plan.decided_on.isoformat() if plan.decided_on else None,
            "draft_issued_on": plan.draft_issued_on.isoformat() if plan.draft_issued_on else None,
            "final_issued_on": plan.final_issued_on.isoformat() if plan.final_issued_on else None,
            "versions": [
                {
                    "number": v.number,
                    "label": v.label,
                    "issued_at": _iso(v.created_at),
                    "content": to_dict(plans.content_of(v)),
                }
                for v in issued
            ],
            "comments": [
                {
                    "section": c.section,
                    "on_version": c.version_number,
                    "by": c.author.name if c.author else None,
                    "at": _iso(c.created_at),
                    "text": c.body,
                }
                for c in plans.comments(plan)
            ],
            "suggestions": [
                {
                    "section": a.section,
                    "target": a.target,
                    "plan_wording": a.current_text,
                    "suggested_wording": a.proposed_text,
                    "reason": a.reason,
                    "status": a.status,
                    "decision_reason": a.decision_reason,
                    "by": a.author.name if a.author else None,
                    "at": _iso(a.created_at),
                }
                for a in plans.amendments(plan)
            ],
        },
    )
    if issued:
        section.links.append(IndexLink("The plan, as data", "plan/plan.json"))
    return section


# Each part of the copy, in the order the front page lists them: each writes its files
# and returns an IndexSection for the front page.
Section = Callable[[ExportWriter, ExportContext], IndexSection]
SECTIONS: tuple[Section, ...] = (
    write_pages,
    write_media,
    write_plan,
    write_meetings,
    write_messages,
    write_activity,
    write_about,
)


def build_export(child: Child, storage: Storage, *, temp_dir: str | None = None) -> IO[bytes]:
    """The whole copy as a zip in an unnamed temporary file, rewound, for the caller to
    send and close. Nothing is left on disk once it is closed (or the process ends)."""
    # Handed to the response, which closes it once sent: no `with` here.
    output = tempfile.TemporaryFile(dir=temp_dir, prefix="gt-export-")  # noqa: SIM115
    try:
        context = ExportContext(
            child=child,
            storage=storage,
            exported_at=utcnow(),
            link_base=f"/c/{child.slug}/wiki/",
        )
        plan_media(context)
        with zipfile.ZipFile(output, "w", allowZip64=True) as archive:
            writer = ExportWriter(archive)
            sections = [section(writer, context) for section in SECTIONS]
            writer.text(
                "index.html",
                _render(
                    "rights/export/index.html",
                    child=child,
                    sections=sections,
                    exported=_when(context.exported_at),
                ),
            )
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return output


def download_name(child: Child) -> str:
    return f"{child.slug}-golden-thread.zip"
