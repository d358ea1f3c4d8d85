"""Step two of choosing an answer: the best entry for the question among those the intent allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

if TYPE_CHECKING:
    from bot.content.service import ContentEntry

# Measured on tests/nlu/answers.yml (BENCHMARKS.md, "Answer ranking").
MIN_SIMILARITY = 0.25
STATED_QUALIFIER_BONUS = 0.08
# In a follow-up the new type or treatment is the whole point: an entry that has it wins.
FOLLOW_UP_QUALIFIER_BONUS = 0.5
UNSTATED_QUALIFIER_PENALTY = 0.04
OTHER_TOPIC_FACTOR = 0.9


@dataclass(frozen=True)
class Query:
    topic: str
    recurrence_type: Optional[str]
    treatment: Optional[str]
    text: str
    other_topics: tuple[str, ...] = ()
    follow_up: bool = False


def _compatible(entry: ContentEntry, query: Query) -> bool:
    """An entry never contradicts what the person said: a stated type or treatment rules out others."""
    if entry.recurrence_type and query.recurrence_type and entry.recurrence_type != query.recurrence_type:
        return False
    if entry.treatment and query.treatment and entry.treatment != query.treatment:
        return False
    return entry.topic == query.topic or entry.topic in query.other_topics


def _adjusted(entry: ContentEntry, similarity: float, query: Query) -> float:
    score = similarity
    for mine, theirs in ((entry.recurrence_type, query.recurrence_type), (entry.treatment, query.treatment)):
        if mine and mine == theirs:
            score += FOLLOW_UP_QUALIFIER_BONUS if query.follow_up else STATED_QUALIFIER_BONUS
        elif mine and not theirs:
            score -= UNSTATED_QUALIFIER_PENALTY
    if entry.topic != query.topic:
        score *= OTHER_TOPIC_FACTOR
    return score


def overview_for(entries: Sequence[ContentEntry], query: Query) -> Optional[ContentEntry]:
    """The most specific overview of the topic that fits the qualifiers: the answer to a broad question."""
    best, best_rank = None, -1
    for entry in entries:
        if not entry.overview or entry.topic != query.topic:
            continue
        if entry.recurrence_type not in (None, query.recurrence_type) or entry.treatment not in (None, query.treatment):
            continue
        rank = (2 if entry.recurrence_type else 0) + (1 if entry.treatment else 0)
        if rank > best_rank:
            best, best_rank = entry, rank
    return best


def choose(entries: Sequence[ContentEntry], similarities: Sequence[float], query: Query) -> tuple[Optional[ContentEntry], float]:
    """The closest compatible entry, or the overview when nothing is close enough to `query.text`."""
    best, best_score = None, float("-inf")
    for entry, similarity in zip(entries, similarities):
        if not _compatible(entry, query):
            continue
        score = _adjusted(entry, float(similarity), query)
        if score > best_score:
            best, best_score = entry, score
    if best is None or best_score < MIN_SIMILARITY:
        return overview_for(entries, query), max(best_score, 0.0)
    return best, best_score
