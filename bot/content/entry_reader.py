"""Reads one content entry, collecting every problem instead of stopping at the first."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bot.content.models import ACKNOWLEDGEMENTS, RECURRENCE_TYPES, REVIEW_STATUSES, TREATMENTS
from bot.content.specs import Citation, EntrySpec, Problem
from bot.gsm7 import non_gsm7_characters

if TYPE_CHECKING:
    from bot.content.specs import ContentSet

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SMS_MAX = 300
WEB_MAX = 1200
QUESTION_MAX = 80
MIN_ASKED_AS = 4
QUALIFIERS = {"recurrence_type": RECURRENCE_TYPES, "treatment": TREATMENTS}
ENTRY_FIELDS = {
    "id",
    "question",
    "overview",
    "qualifiers",
    "acknowledge",
    "asked_as",
    "body_sites",
    "web_answer",
    "sms_answer",
    "sources",
    "last_reviewed",
    "next_review_due",
    "review_status",
}


class FileReader:
    """Problems found in one file are recorded against it."""

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
            return None
        return value


def read_date(reader: FileReader, data: dict, key: str, entry: str) -> Optional[dt.date]:
    value = data.get(key)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, dt.date):
        reader.problem(entry, key, f"must be a date written YYYY-MM-DD, not {value!r}")
        return None
    return value


def _qualifiers(reader: FileReader, label: str, item: dict) -> Optional[dict[str, Optional[str]]]:
    qualifiers = item.get("qualifiers") or {}
    chosen: dict[str, Optional[str]] = {"recurrence_type": None, "treatment": None}
    if not isinstance(qualifiers, dict):
        reader.problem(label, "qualifiers", "must be a mapping")
        return None
    ok = True
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
    return chosen if ok else None


def _asked_as(reader: FileReader, label: str, item: dict) -> Optional[tuple[str, ...]]:
    value = item.get("asked_as")
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        reader.problem(label, "asked_as", "must be a list of questions as people ask them")
        return None
    asked = tuple(" ".join(v.split()) for v in value)
    if len(set(a.lower() for a in asked)) < MIN_ASKED_AS:
        reader.problem(label, "asked_as", f"needs at least {MIN_ASKED_AS} different ways of asking")
        return None
    return asked


def _body_sites(reader: FileReader, label: str, item: dict) -> Optional[tuple[str, ...]]:
    """Optional: the sites are checked against body_sites.yml once every file is read (schema.py)."""
    value = item.get("body_sites", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        reader.problem(label, "body_sites", "must be a list of sites named in body_sites.yml")
        return None
    return tuple(dict.fromkeys(v.strip() for v in value))


def _citations(reader: FileReader, label: str, item: dict) -> Optional[tuple[Citation, ...]]:
    value = item.get("sources")
    if not isinstance(value, list) or not value:
        reader.problem(label, "sources", "must list the seed passages the answer restates")
        return None
    citations = []
    for index, source in enumerate(value):
        where = f"sources[{index}]"
        if not isinstance(source, dict):
            reader.problem(label, where, "must give document, section and quotes")
            return None
        document = reader.text(source, "document", label)
        section = reader.text(source, "section", label)
        quotes = source.get("quotes")
        if not isinstance(quotes, list) or not quotes or not all(isinstance(q, str) and q.strip() for q in quotes):
            reader.problem(
                label, f"{where}.quotes", "must list the exact passages of the seed that the answer restates"
            )
            return None
        if not (document and section):
            return None
        citations.append(Citation(document, section, tuple(" ".join(q.split()) for q in quotes)))
    return tuple(citations)


def _sms(reader: FileReader, label: str, item: dict) -> Optional[str]:
    """Both problems are reported at once: the length and any character outside GSM-7."""
    sms = reader.text(item, "sms_answer", label)
    if sms is None:
        return None
    bad = non_gsm7_characters(sms)
    if bad:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad)
        reader.problem(label, "sms_answer", f"has characters outside GSM-7: {shown}")
    if len(sms) > SMS_MAX:
        reader.problem(label, "sms_answer", f"is {len(sms)} characters; the limit is {SMS_MAX}")
    return None if bad or len(sms) > SMS_MAX else sms


def read_entry(reader: FileReader, topic: str, index: int, item: Any) -> Optional[EntrySpec]:
    """One entry of a topic file, or None (with the problems recorded) when it is not valid."""
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
    overview = item.get("overview", False)
    if not isinstance(overview, bool):
        reader.problem(label, "overview", "must be true or false")
        ok = False
    acknowledge = item.get("acknowledge")
    if acknowledge is not None and acknowledge not in ACKNOWLEDGEMENTS:
        reader.problem(label, "acknowledge", f"must be one of {', '.join(ACKNOWLEDGEMENTS)}")
        ok = False
    chosen = _qualifiers(reader, label, item)
    question = reader.text(item, "question", label, max_len=QUESTION_MAX)
    asked_as = _asked_as(reader, label, item)
    sites = _body_sites(reader, label, item)
    web = reader.text(item, "web_answer", label, max_len=WEB_MAX)
    sms = _sms(reader, label, item)
    citations = _citations(reader, label, item)
    reviewed = read_date(reader, item, "last_reviewed", label)
    due = read_date(reader, item, "next_review_due", label)
    if reviewed and due and due < reviewed:
        reader.problem(label, "next_review_due", "is before last_reviewed")
        ok = False
    status = item.get("review_status")
    if status not in REVIEW_STATUSES:
        reader.problem(label, "review_status", f"must be one of {', '.join(REVIEW_STATUSES)}")
        ok = False
    if sites is None or not (
        ok and chosen and question and asked_as and web and sms and citations and reviewed and due
    ):
        return None
    assert isinstance(entry_id, str) and isinstance(status, str)
    return EntrySpec(
        id=entry_id,
        topic=topic,
        question=question,
        overview=overview,
        recurrence_type=chosen["recurrence_type"],
        treatment=chosen["treatment"],
        acknowledge=acknowledge,
        asked_as=asked_as,
        web_answer=web,
        sms_answer=sms,
        citations=citations,
        last_reviewed=reviewed,
        next_review_due=due,
        review_status=status,
        source_file=reader.name,
        body_sites=sites,
    )
