"""Picks the reviewed entry that answers an intent, from an in-memory snapshot of the store."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.content.models import BodySite, ContentImport, Entry, Source, Topic
from bot.content.questions import Question
from bot.content.ranker import EntryRanker, ranker_for
from bot.content.ranking import PARAMS, Query, RankingParams, choose
from bot.content.schema import TOPICS
from bot.intents import topic_of

POLAR_START = re.compile(r"(Yes|No)\b[.,]")


def topic_for_intent(intent: Optional[str]) -> Optional[str]:
    """`ask_treatment` -> `treatment`; intents that are not content questions have no topic."""
    return topic_of(intent, TOPICS)


@dataclass(frozen=True)
class ContentEntry:
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
    source_document: str
    source_section: str
    documents: tuple[str, ...]
    last_reviewed: dt.date
    next_review_due: dt.date
    body_sites: tuple[str, ...] = ()

    def overdue(self, today: dt.date) -> bool:
        return today > self.next_review_due

    @property
    def polar(self) -> bool:
        """Answers a yes-or-no question: it begins "Yes." or "No."."""
        return POLAR_START.match(self.web_answer) is not None


@dataclass(frozen=True)
class Answer:
    """The entry chosen for a question, or why none may be given."""

    entry: Optional[ContentEntry]
    recurrence_type: Optional[str]
    overdue: bool = False
    withheld: bool = False
    score: float = 0.0
    # The entry begins "Yes." or "No." but the person asked no yes-or-no question ("i just feel so alone").
    unasked_yes_no: bool = False

    @property
    def web_answer(self) -> str:
        return self._text(self.entry.web_answer if self.entry else "")

    @property
    def sms_answer(self) -> str:
        return self._text(self.entry.sms_answer if self.entry else "")

    def _text(self, answer: str) -> str:
        """The reviewed answer, without an opening "Yes." or "No." that would answer what was not asked."""
        start = POLAR_START.match(answer) if self.unasked_yes_no else None
        if start is None:
            return answer
        rest = answer[start.end() :].lstrip()
        return rest[:1].upper() + rest[1:]


@dataclass(frozen=True)
class Snapshot:
    import_id: Optional[int]
    entries: tuple[ContentEntry, ...]
    body_sites: dict[str, str]
    topic_titles: dict[str, str]
    ranker: EntryRanker
    source_titles: dict[str, str]


class ContentService:
    """Read side of the content store; reloads only after a new import."""

    def __init__(
        self,
        session_factory: sessionmaker,
        *,
        withhold_overdue: bool = False,
        cache_seconds: float = 30.0,
        today: Callable[[], dt.date] = dt.date.today,
        monotonic: Callable[[], float] = time.monotonic,
        params: RankingParams = PARAMS,
    ):
        self._params = params
        self._session_factory = session_factory
        self._withhold_overdue = withhold_overdue
        self._cache_seconds = cache_seconds
        self._today = today
        self._monotonic = monotonic
        self._snapshot: Optional[Snapshot] = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The current content; checks for a newer import at most every `cache_seconds`."""
        with self._lock:
            now = self._monotonic()
            if self._snapshot is not None and now - self._checked_at < self._cache_seconds:
                return self._snapshot
            with self._session_factory() as session:
                latest = session.execute(select(func.max(ContentImport.id))).scalar()
                if self._snapshot is None or latest != self._snapshot.import_id:
                    self._snapshot = self._load(session, latest)
            self._checked_at = now
            return self._snapshot

    @staticmethod
    def _load(session, import_id: Optional[int]) -> Snapshot:
        rows = session.execute(select(Entry).where(Entry.review_status == "approved").order_by(Entry.id)).scalars()
        entries = tuple(
            ContentEntry(
                id=r.id,
                topic=r.topic,
                question=r.question,
                overview=bool(r.overview),
                recurrence_type=r.recurrence_type,
                treatment=r.treatment,
                acknowledge=r.acknowledge,
                asked_as=tuple(json.loads(r.asked_as or "[]")),
                web_answer=r.web_answer,
                sms_answer=r.sms_answer,
                source_document=r.source_document,
                source_section=r.source_section,
                documents=r.documents(),
                last_reviewed=r.last_reviewed,
                next_review_due=r.next_review_due,
                body_sites=tuple(json.loads(r.body_sites or "[]")),
            )
            for r in rows
        )
        sites = {s.site: s.recurrence_type for s in session.execute(select(BodySite)).scalars()}
        titles = {t.name: t.title for t in session.execute(select(Topic)).scalars()}
        sources = {s.document: s.title for s in session.execute(select(Source)).scalars()}
        return Snapshot(import_id, entries, sites, titles, ranker_for(entries), sources)

    def topic_titles(self) -> dict[str, str]:
        return dict(self.snapshot().topic_titles)

    def source_names(self, entry: ContentEntry) -> list[str]:
        """The titles of the documents an entry restates, primary first: what the answer's caption names."""
        titles = self.snapshot().source_titles
        return [titles.get(document, document) for document in entry.documents]

    def recurrence_type_for_site(self, body_site: Optional[str]) -> Optional[str]:
        if not body_site:
            return None
        return self.snapshot().body_sites.get(body_site)

    def topics_about_site(self, body_site: Optional[str]) -> frozenset[str]:
        """The topics with an entry about this place in the body: where a site said earlier still matters."""
        if not body_site:
            return frozenset()
        return frozenset(e.topic for e in self.snapshot().entries if body_site in e.body_sites)

    def entry(self, entry_id: Optional[str]) -> Optional[ContentEntry]:
        return next((e for e in self.snapshot().entries if e.id == entry_id), None) if entry_id else None

    def answer(
        self,
        topic: Optional[str],
        *,
        recurrence_type: Optional[str] = None,
        treatment: Optional[str] = None,
        body_site: Optional[str] = None,
        text: str = "",
        topic_weights: Optional[Mapping[str, float]] = None,
        required: Optional[tuple[str, str]] = None,
        excluded: Optional[str] = None,
        wants_overview: bool = False,
        not_yes_no: bool = False,
    ) -> Answer:
        """The approved entry that best answers `text`, never contradicting the qualifiers.

        Step one (the intent and entities) chose the topic, the weights of the other topics
        the classifier ranked, and the qualifiers; step two ranks the entries against their
        `asked_as` examples (bot/content/ranking.py). With no close match, the most specific
        overview of `topic` answers. A body site stands in for the type it is tied to.
        """
        snapshot = self.snapshot()
        if recurrence_type is None and body_site:
            recurrence_type = snapshot.body_sites.get(body_site)
        query = Query(
            topic,
            recurrence_type,
            treatment,
            text,
            topic_weights or {},
            required,
            excluded,
            wants_overview,
            body_site,
            not_yes_no,
        )
        best, score = choose(
            snapshot.entries, snapshot.ranker.scores(text), query, self._params, snapshot.ranker.preferences(text)
        )
        if best is None:
            return Answer(None, recurrence_type, score=score)
        overdue = best.overdue(self._today())
        if overdue and self._withhold_overdue:
            return Answer(best, recurrence_type, overdue=True, withheld=True, score=score)
        return Answer(best, recurrence_type, overdue=overdue, score=score, unasked_yes_no=not_yes_no and best.polar)

    def answer_question(self, question: Question) -> Answer:
        return self.answer(
            question.topic,
            recurrence_type=question.recurrence_type,
            treatment=question.treatment,
            body_site=question.body_site,
            text=question.text,
            topic_weights=question.topic_weights,
            required=question.required,
            excluded=question.excluded,
            wants_overview=question.wants_overview,
            not_yes_no=question.not_yes_no,
        )

    def is_sure(self, answer: Answer) -> bool:
        """Close enough to answer even when the classifier could not name the topic."""
        return answer.entry is not None and answer.score >= self._params.sure_similarity


def overdue_for_review(session_factory: sessionmaker, today: dt.date) -> list[Entry]:
    """Every stored entry, approved or draft, whose review date has passed; most overdue first."""
    with session_factory() as session:
        return list(
            session.execute(
                select(Entry).where(Entry.next_review_due < today).order_by(Entry.next_review_due, Entry.id)
            ).scalars()
        )
