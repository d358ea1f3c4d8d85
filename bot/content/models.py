"""Tables of the reviewed content store: sources, topics, entries, body sites and imports."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from bot.models import Base, UtcDateTime

RECURRENCE_TYPES = ("local", "regional", "secondary")
TREATMENTS = ("surgery", "radiotherapy", "chemotherapy", "hormone_therapy", "targeted_therapy")
REVIEW_STATUSES = ("approved", "draft")
# Emotional entries open with the domain's acknowledgement of that feeling (utter_acknowledge_<name>).
ACKNOWLEDGEMENTS = ("guilt", "fear", "grief")


def _in(column: str, values: tuple) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Source(Base):
    """A source document the content restates; every entry names one."""

    __tablename__ = "content_sources"

    document = Column(String(200), primary_key=True)
    title = Column(Text, nullable=False)
    reviewed = Column(String(100), nullable=True)


class Topic(Base):
    __tablename__ = "content_topics"

    name = Column(String(50), primary_key=True)
    title = Column(Text, nullable=False)


class Entry(Base):
    """One reviewed answer: the only text the assistant may give on a medical question."""

    __tablename__ = "content_entries"
    __table_args__ = (
        CheckConstraint(
            f"recurrence_type IS NULL OR {_in('recurrence_type', RECURRENCE_TYPES)}",
            name="recurrence_type",
        ),
        CheckConstraint(f"treatment IS NULL OR {_in('treatment', TREATMENTS)}", name="treatment"),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="review_status"),
        CheckConstraint("next_review_due >= last_reviewed", name="review_dates"),
        CheckConstraint("length(sms_answer) <= 300", name="sms_length"),
        CheckConstraint(f"acknowledge IS NULL OR {_in('acknowledge', ACKNOWLEDGEMENTS)}", name="acknowledge"),
    )

    id = Column(String(100), primary_key=True)
    topic = Column(String(50), ForeignKey("content_topics.name"), nullable=False, index=True)
    recurrence_type = Column(String(20), nullable=True)
    treatment = Column(String(30), nullable=True)
    web_answer = Column(Text, nullable=False)
    sms_answer = Column(String(300), nullable=False)
    source_document = Column(String(200), ForeignKey("content_sources.document"), nullable=False)
    source_section = Column(Text, nullable=False)
    last_reviewed = Column(Date, nullable=False)
    next_review_due = Column(Date, nullable=False)
    review_status = Column(String(20), nullable=False)
    source_file = Column(String(200), nullable=False)
    question = Column(Text, nullable=False, default="")
    overview = Column(Boolean, nullable=False, default=False)
    acknowledge = Column(String(20), nullable=True)
    # The ways people ask this question, as a JSON list: they train the retrieval and are never shown.
    asked_as = Column(Text, nullable=False, default="[]")
    # The places in the body the question is specifically about, as a JSON list of content_body_sites.site:
    # a message naming one of them prefers this entry over a sibling that names none (bot/content/ranking.py).
    body_sites = Column(Text, nullable=False, default="[]", server_default="[]")
    citations = relationship(
        "Citation", order_by="Citation.position", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    def documents(self) -> tuple[str, ...]:
        """The primary source first, then every other document its quotes cite, each once."""
        return tuple(dict.fromkeys([self.source_document, *(c.document for c in self.citations)]))


class Citation(Base):
    """One seed passage an entry restates, verbatim, so every answer can be traced to its source."""

    __tablename__ = "content_citations"

    entry_id = Column(String(100), ForeignKey("content_entries.id", ondelete="CASCADE"), primary_key=True)
    position = Column(Integer, primary_key=True)
    document = Column(String(200), ForeignKey("content_sources.document"), nullable=False)
    section = Column(Text, nullable=False)
    quote = Column(Text, nullable=False)


class BodySite(Base):
    """Which recurrence type the sources tie a place in the body to."""

    __tablename__ = "content_body_sites"
    __table_args__ = (CheckConstraint(_in("recurrence_type", RECURRENCE_TYPES), name="recurrence_type"),)

    site = Column(String(50), primary_key=True)
    recurrence_type = Column(String(20), nullable=False)
    source_document = Column(String(200), ForeignKey("content_sources.document"), nullable=False)
    source_section = Column(Text, nullable=False)


class ContentImport(Base):
    """One successful import, so operators can see what is being served and since when."""

    __tablename__ = "content_imports"

    id = Column(Integer, primary_key=True, autoincrement=True)
    imported_at = Column(UtcDateTime, nullable=False)
    checksum = Column(String(64), nullable=False)
    entries = Column(Integer, nullable=False)
    added = Column(Integer, nullable=False)
    updated = Column(Integer, nullable=False)
    removed = Column(Integer, nullable=False)
