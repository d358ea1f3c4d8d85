"""What a content folder says, once read: sources, entries with their citations, body sites, problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional


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
    reviewed_on: Optional[dt.date] = None
    review_due: Optional[dt.date] = None


@dataclass(frozen=True)
class Citation:
    """One seed passage an answer restates, copied verbatim from the seed file."""

    document: str
    section: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class EntrySpec:
    id: str
    topic: str
    question: str
    overview: bool
    recurrence_type: Optional[str]
    treatment: Optional[str]
    acknowledge: Optional[str]
    asked_as: tuple[str, ...]
    web_answer: str
    sms_answer: str
    citations: tuple[Citation, ...]
    last_reviewed: dt.date
    next_review_due: dt.date
    review_status: str
    source_file: str
    body_sites: tuple[str, ...] = ()  # places in the body the question is about (content_body_sites.site)

    @property
    def source_document(self) -> str:
        """The first citation: the source the entry relies on most."""
        return self.citations[0].document

    @property
    def source_section(self) -> str:
        return self.citations[0].section


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
