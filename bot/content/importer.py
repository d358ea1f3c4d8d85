"""Idempotent import of a content folder: all files valid, or nothing changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.models import BodySite, Citation, ContentImport, Entry, Source, Topic
from bot.content.schema import ContentSet, read_content_dir
from bot.content.specs import EntrySpec, Problem


class ContentInvalid(Exception):
    """Raised with every problem found; the database was not touched."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportReport:
    entries: int
    added: int
    updated: int
    removed: int
    unchanged: int
    changed: bool


def checksum(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.y*ml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_ENTRY_COLUMNS = (
    "topic",
    "recurrence_type",
    "treatment",
    "web_answer",
    "sms_answer",
    "source_document",
    "source_section",
    "last_reviewed",
    "next_review_due",
    "review_status",
    "source_file",
    "question",
    "overview",
    "acknowledge",
)


def _columns(spec: EntrySpec) -> dict:
    values = {c: getattr(spec, c) for c in _ENTRY_COLUMNS}
    values["asked_as"] = json.dumps(list(spec.asked_as), ensure_ascii=False)
    values["body_sites"] = json.dumps(list(spec.body_sites))
    return values


def _citations(spec: EntrySpec) -> list[tuple[str, str, str]]:
    return [(c.document, c.section, quote) for c in spec.citations for quote in c.quotes]


def _set_citations(row: Entry, spec: EntrySpec) -> None:
    row.citations = [
        Citation(position=i, document=d, section=s, quote=q) for i, (d, s, q) in enumerate(_citations(spec))
    ]


def _sync_entries(session: Session, content: ContentSet) -> tuple[int, int, int, int]:
    existing = {e.id: e for e in session.execute(select(Entry)).scalars()}
    added = updated = unchanged = 0
    for spec in content.entries:
        row = existing.pop(spec.id, None)
        if row is None:
            row = Entry(id=spec.id, **_columns(spec))
            _set_citations(row, spec)
            session.add(row)
            added += 1
            continue
        changes = {c: v for c, v in _columns(spec).items() if getattr(row, c) != v}
        stored = [(c.document, c.section, c.quote) for c in row.citations]
        if changes or stored != _citations(spec):
            for column, value in changes.items():
                setattr(row, column, value)
            if stored != _citations(spec):
                _set_citations(row, spec)
            updated += 1
        else:
            unchanged += 1
    for row in existing.values():
        session.delete(row)
    return added, updated, len(existing), unchanged


def import_content(
    session_factory: sessionmaker,
    directory: Path,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
) -> ImportReport:
    """Validates every file, then replaces the stored content in one transaction."""
    content = read_content_dir(directory)
    if content.problems:
        raise ContentInvalid(content.problems)
    with session_factory() as session, session.begin():
        for source in content.sources:
            session.merge(Source(document=source.document, title=source.title, reviewed=source.reviewed))
        for name, title in content.topics.items():
            session.merge(Topic(name=name, title=title))
        session.flush()
        added, updated, removed, unchanged = _sync_entries(session, content)
        session.execute(delete(BodySite))
        for site in content.body_sites:
            session.add(
                BodySite(
                    site=site.site,
                    recurrence_type=site.recurrence_type,
                    source_document=site.source_document,
                    source_section=site.source_section,
                )
            )
        session.flush()
        known_sources = {s.document for s in content.sources}
        for stale in session.execute(select(Source)).scalars():
            if stale.document not in known_sources:
                session.delete(stale)
        changed = bool(added or updated or removed)
        last = session.execute(select(ContentImport).order_by(ContentImport.id.desc()).limit(1)).scalar()
        digest = checksum(directory)
        if changed or last is None or last.checksum != digest:
            session.add(
                ContentImport(
                    imported_at=now(),
                    checksum=digest,
                    entries=len(content.entries),
                    added=added,
                    updated=updated,
                    removed=removed,
                )
            )
    return ImportReport(len(content.entries), added, updated, removed, unchanged, changed)
