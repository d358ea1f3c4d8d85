"""Validation of content files: every problem is reported as `file:entry:field: problem`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import yaml

from bot.config import PROJECT_ROOT
from bot.content.entry_reader import FileReader, read_date, read_entry
from bot.content.models import RECURRENCE_TYPES
from bot.content.provenance import check_provenance, load_terms
from bot.content.specs import BodySiteSpec, ContentSet, Problem, SourceSpec

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
TERMS_FILE = "terms.yml"
SEEDS = PROJECT_ROOT / "data" / "sources"

__all__ = ["TOPICS", "ContentSet", "Problem", "read_content_dir"]


_UNREADABLE = object()


def _load_yaml(path: Path, content: ContentSet) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        where = getattr(error, "problem_mark", None)
        line = f"line {where.line + 1}" if where is not None else "-"
        content.problems.append(Problem(path.name, line, "-", f"is not valid YAML: {error}"))
        return _UNREADABLE


def _items(reader: FileReader, data: Any, key: str, label_key: str):
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        reader.problem("-", key, "must be a non-empty list")
        return
    for index, item in enumerate(items):
        label = str(item.get(label_key, f"#{index + 1}")) if isinstance(item, dict) else f"#{index + 1}"
        if not isinstance(item, dict):
            reader.problem(label, "-", "must be a mapping")
            continue
        yield label, item


def _read_sources(path: Path, data: Any, content: ContentSet) -> None:
    reader = FileReader(path, content)
    for label, item in _items(reader, data, "sources", "document"):
        document = reader.text(item, "document", label)
        title = reader.text(item, "title", label)
        reviewed = item.get("reviewed")
        reviewed_on = read_date(reader, item, "reviewed_on", label) if item.get("reviewed_on") else None
        review_due = read_date(reader, item, "review_due", label) if item.get("review_due") else None
        if document and title:
            content.sources.append(
                SourceSpec(document, title, str(reviewed) if reviewed else None, reviewed_on, review_due)
            )


def _read_body_sites(path: Path, data: Any, content: ContentSet) -> None:
    reader = FileReader(path, content)
    for label, item in _items(reader, data, "body_sites", "site"):
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


def _read_topic(path: Path, data: Any, content: ContentSet) -> None:
    reader = FileReader(path, content)
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
        spec = read_entry(reader, topic, index, item)
        if spec is not None:
            content.entries.append(spec)
            if spec.overview and spec.recurrence_type is None and spec.treatment is None:
                general += 1
    if general != 1:
        reader.problem("-", "entries", f"needs exactly one overview entry with no qualifiers, has {general}")


def _cross_check(content: ContentSet) -> None:
    documents = {s.document for s in content.sources}
    seen: dict[str, str] = {}
    overviews: dict[tuple, str] = {}
    for entry in content.entries:
        if entry.id in seen:
            content.problems.append(Problem(entry.source_file, entry.id, "id", f"is also used in {seen[entry.id]}"))
        seen.setdefault(entry.id, entry.source_file)
        if entry.overview:
            key = (entry.topic, entry.recurrence_type, entry.treatment)
            if key in overviews:
                content.problems.append(
                    Problem(entry.source_file, entry.id, "overview", f"duplicates the overview {overviews[key]}")
                )
            overviews.setdefault(key, entry.id)
        for citation in entry.citations:
            if citation.document not in documents:
                content.problems.append(
                    Problem(
                        entry.source_file,
                        entry.id,
                        "sources.document",
                        f"{citation.document!r} is not in {SOURCES_FILE}",
                    )
                )
    known_sites = {spec.site for spec in content.body_sites}
    for entry in content.entries:
        for name in entry.body_sites:
            if name not in known_sites:
                content.problems.append(
                    Problem(entry.source_file, entry.id, "body_sites", f"{name!r} is not a site in {BODY_SITES_FILE}")
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


def read_content_dir(directory: Path, seeds: Optional[Path] = None) -> ContentSet:
    """Reads and checks every file in `directory` against the seed copies; nothing is written anywhere."""
    content = ContentSet()
    if not directory.is_dir():
        content.problems.append(Problem(str(directory), "-", "-", "is not a folder"))
        return content
    paths = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    terms: tuple[str, ...] = ()
    for path in paths:
        data = _load_yaml(path, content)
        if data is _UNREADABLE:
            continue
        if path.name == SOURCES_FILE:
            _read_sources(path, data, content)
        elif path.name == BODY_SITES_FILE:
            _read_body_sites(path, data, content)
        elif path.name == TERMS_FILE:
            terms = load_terms(data, content)
        else:
            _read_topic(path, data, content)
    for required in (SOURCES_FILE, TERMS_FILE):
        if not any(p.name == required for p in paths):
            content.problems.append(Problem(required, "-", "-", "is missing"))
    _cross_check(content)
    check_provenance(content, seeds or SEEDS, terms)
    return content
