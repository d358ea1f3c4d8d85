"""Validation of content files: every problem is reported as `file:entry:field: problem`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.content.models import RECURRENCE_TYPES, REVIEW_STATUSES, TREATMENTS
from bot.gsm7 import non_gsm7_characters

TOPICS = (
    "what_is_recurrence",
    "recurrence_types",
    "symptoms",
    "diagnosis",
    "treatment",
    "prognosis",
    "risk_factors",
    "reduce_risk",
    "coping",
    "supporting_someone",
    "new_primary",
    "clinical_trials",
    "supportive_care",
)
SOURCES_FILE = "sources.yml"
BODY_SITES_FILE = "body_sites.yml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SMS_MAX = 300
WEB_MAX = 1200
QUALIFIERS = {"recurrence_type": RECURRENCE_TYPES, "treatment": TREATMENTS}
ENTRY_FIELDS = {
    "id",
    "qualifiers",
    "web_answer",
    "sms_answer",
    "source",
    "last_reviewed",
    "next_review_due",
    "review_status",
}


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.entry}:{self.field}: {self.message}"


@dataclass(frozen=True)
class SourceSpec:
    document: str
    title: str
    reviewed: Optional[str]


@dataclass(frozen=True)
class EntrySpec:
    id: str
    topic: str
    recurrence_type: Optional[str]
    treatment: Optional[str]
    web_answer: str
    sms_answer: str
    source_document: str
    source_section: str
    last_reviewed: dt.date
    next_review_due: dt.date
    review_status: str
    source_file: str


@dataclass(frozen=True)
class BodySiteSpec:
    site: str
    recurrence_type: str
    source_document: str
    source_section: str


@dataclass
class ContentSet:
    """Everything read from a content folder; `problems` empty means it may be imported."""

    sources: list[SourceSpec] = field(default_factory=list)
    topics: dict[str, str] = field(default_factory=dict)
    entries: list[EntrySpec] = field(default_factory=list)
    body_sites: list[BodySiteSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _FileReader:
    """Reads one file, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, content: ContentSet):
        self.name = path.name
        self.content = content

    def problem(self, entry: str, field_name: str, message: str) -> None:
        self.content.problems.append(Problem(self.name, entry, field_name, message))

    def text(self, data: dict, key: str, entry: str, *, max_len: Optional[int] = None) -> Optional[str]:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(entry, key, "is required and must be non-empty text")
            return None
        value = " ".join(value.split()) if "\n" not in value.strip() else value.strip()
        if max_len is not None and len(value) > max_len:
            self.problem(entry, key, f"is {len(value)} characters; the limit is {max_len}")
        return value

    def date(self, data: dict, key: str, entry: str) -> Optional[dt.date]:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, dt.date):
            self.problem(entry, key, f"must be a date written YYYY-MM-DD, not {value!r}")
            return None
        return value


_UNREADABLE = object()


def _load_yaml(path: Path, content: ContentSet) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        where = getattr(error, "problem_mark", None)
        line = f"line {where.line + 1}" if where is not None else "-"
        content.problems.append(Problem(path.name, line, "-", f"is not valid YAML: {error}"))
        return _UNREADABLE


def _read_sources(path: Path, data: Any, content: ContentSet) -> None:
    reader = _FileReader(path, content)
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        reader.problem("-", "sources", "must be a non-empty list")
        return
    for index, item in enumerate(items):
        label = str(item.get("document", f"#{index + 1}")) if isinstance(item, dict) else f"#{index + 1}"
        if not isinstance(item, dict):
            reader.problem(label, "-", "must be a mapping")
            continue
        document = reader.text(item, "document", label)
        title = reader.text(item, "title", label)
        reviewed = item.get("reviewed")
        if document and title:
            content.sources.append(SourceSpec(document, title, str(reviewed) if reviewed else None))


def _read_body_sites(path: Path, data: Any, content: ContentSet) -> None:
    reader = _FileReader(path, content)
    items = data.get("body_sites") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        reader.problem("-", "body_sites", "must be a non-empty list")
        return
    for index, item in enumerate(items):
        label = str(item.get("site", f"#{index + 1}")) if isinstance(item, dict) else f"#{index + 1}"
        if not isinstance(item, dict):
            reader.problem(label, "-", "must be a mapping")
            continue
        site = reader.text(item, "site", label)
        kind = item.get("recurrence_type")
        if kind not in RECURRENCE_TYPES:
            reader.problem(label, "recurrence_type", f"must be one of {', '.join(RECURRENCE_TYPES)}")
        source = item.get("source")
        document = section = None
        if not isinstance(source, dict):
            reader.problem(label, "source", "must give document and section")
        else:
            document = reader.text(source, "document", label)
            section = reader.text(source, "section", label)
        if site and kind in RECURRENCE_TYPES and document and section:
            content.body_sites.append(BodySiteSpec(site, kind, document, section))


def _read_entry(reader: _FileReader, topic: str, index: int, item: Any) -> Optional[EntrySpec]:
    if not isinstance(item, dict):
        reader.problem(f"#{index + 1}", "-", "must be a mapping")
        return None
    entry_id = item.get("id")
    label = entry_id if isinstance(entry_id, str) and entry_id else f"#{index + 1}"
    ok = True
    for unknown in sorted(set(item) - ENTRY_FIELDS):
        reader.problem(label, unknown, "is not a known field")
        ok = False
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        reader.problem(label, "id", "must be lowercase letters, digits and single hyphens")
        ok = False
    qualifiers = item.get("qualifiers") or {}
    chosen: dict[str, Optional[str]] = {"recurrence_type": None, "treatment": None}
    if not isinstance(qualifiers, dict):
        reader.problem(label, "qualifiers", "must be a mapping")
        ok = False
    else:
        for key, value in qualifiers.items():
            allowed = QUALIFIERS.get(key)
            if allowed is None:
                reader.problem(label, f"qualifiers.{key}", "is not a known qualifier")
                ok = False
            elif value not in allowed:
                reader.problem(label, f"qualifiers.{key}", f"must be one of {', '.join(allowed)}")
                ok = False
            else:
                chosen[key] = value
    web = reader.text(item, "web_answer", label, max_len=WEB_MAX)
    sms = reader.text(item, "sms_answer", label, max_len=SMS_MAX)
    if sms is not None:
        bad = non_gsm7_characters(sms)
        if bad:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad)
            reader.problem(label, "sms_answer", f"has characters outside GSM-7: {shown}")
            ok = False
    source = item.get("source")
    document = section = None
    if not isinstance(source, dict):
        reader.problem(label, "source", "must give document and section")
        ok = False
    else:
        document = reader.text(source, "document", label)
        section = reader.text(source, "section", label)
    reviewed = reader.date(item, "last_reviewed", label)
    due = reader.date(item, "next_review_due", label)
    if reviewed and due and due < reviewed:
        reader.problem(label, "next_review_due", "is before last_reviewed")
        ok = False
    status = item.get("review_status")
    if status not in REVIEW_STATUSES:
        reader.problem(label, "review_status", f"must be one of {', '.join(REVIEW_STATUSES)}")
        ok = False
    if not (ok and web and sms and document and section and reviewed and due):
        return None
    assert isinstance(entry_id, str) and isinstance(status, str)
    if len(web) > WEB_MAX or len(sms) > SMS_MAX:
        return None
    return EntrySpec(
        id=entry_id,
        topic=topic,
        recurrence_type=chosen["recurrence_type"],
        treatment=chosen["treatment"],
        web_answer=web,
        sms_answer=sms,
        source_document=document,
        source_section=section,
        last_reviewed=reviewed,
        next_review_due=due,
        review_status=status,
        source_file=reader.name,
    )


def _read_topic(path: Path, data: Any, content: ContentSet) -> None:
    reader = _FileReader(path, content)
    if not isinstance(data, dict):
        reader.problem("-", "-", "must be a mapping with topic, title and entries")
        return
    topic = data.get("topic")
    if topic not in TOPICS:
        reader.problem("-", "topic", f"must be one of {', '.join(TOPICS)}")
        return
    if path.stem != topic:
        reader.problem("-", "topic", f"is {topic!r} but the file is named {path.name}")
    if topic in content.topics:
        reader.problem("-", "topic", f"{topic!r} is already defined by another file")
        return
    title = reader.text(data, "title", "-")
    content.topics[topic] = title or topic
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        reader.problem("-", "entries", "must be a non-empty list")
        return
    general = 0
    for index, item in enumerate(entries):
        spec = _read_entry(reader, topic, index, item)
        if spec is not None:
            content.entries.append(spec)
            if spec.recurrence_type is None and spec.treatment is None:
                general += 1
    if general != 1:
        reader.problem("-", "entries", f"needs exactly one general entry (no qualifiers), has {general}")


def _cross_check(content: ContentSet) -> None:
    documents = {s.document for s in content.sources}
    seen: dict[str, str] = {}
    qualified: dict[tuple, str] = {}
    for entry in content.entries:
        if entry.id in seen:
            content.problems.append(Problem(entry.source_file, entry.id, "id", f"is also used in {seen[entry.id]}"))
        seen.setdefault(entry.id, entry.source_file)
        key = (entry.topic, entry.recurrence_type, entry.treatment)
        if key in qualified:
            content.problems.append(
                Problem(entry.source_file, entry.id, "qualifiers", f"duplicate the entry {qualified[key]}")
            )
        qualified.setdefault(key, entry.id)
        if entry.source_document not in documents:
            content.problems.append(
                Problem(
                    entry.source_file,
                    entry.id,
                    "source.document",
                    f"{entry.source_document!r} is not in {SOURCES_FILE}",
                )
            )
    for site in content.body_sites:
        if site.source_document not in documents:
            content.problems.append(
                Problem(
                    BODY_SITES_FILE, site.site, "source.document", f"{site.source_document!r} is not in {SOURCES_FILE}"
                )
            )
    for topic in TOPICS:
        if topic not in content.topics:
            content.problems.append(Problem(f"{topic}.yml", "-", "-", "is missing: every topic needs a file"))


def read_content_dir(directory: Path) -> ContentSet:
    """Reads and checks every file in `directory`; nothing is written anywhere."""
    content = ContentSet()
    if not directory.is_dir():
        content.problems.append(Problem(str(directory), "-", "-", "is not a folder"))
        return content
    paths = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    for path in paths:
        data = _load_yaml(path, content)
        if data is _UNREADABLE:
            continue
        if path.name == SOURCES_FILE:
            _read_sources(path, data, content)
        elif path.name == BODY_SITES_FILE:
            _read_body_sites(path, data, content)
        else:
            _read_topic(path, data, content)
    if not any(p.name == SOURCES_FILE for p in paths):
        content.problems.append(Problem(SOURCES_FILE, "-", "-", "is missing"))
    _cross_check(content)
    return content
