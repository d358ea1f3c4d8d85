"""Step two of choosing an answer: the best entry for the question, weighing the intent's topics.

Every entry that does not contradict a stated type or treatment is scored by its
similarity to the question, blended with the ranker's trained preference (ranker.py),
scaled by how likely the classifier found its topic: the
top intent's topic counts in full, topics it ranked lower count less, the rest least.
So a sure intent keeps the answer in its topic, and an unsure one lets a closer entry
of a nearby topic answer. With no close match, the most specific overview answers. Whether a match is close
enough is judged on the similarity alone: the preference always names some entry, even
for a message that is about none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Mapping, Optional, Sequence

if TYPE_CHECKING:
    from bot.content.service import ContentEntry


@dataclass(frozen=True)
class RankingParams:
    """Chosen by cross-validation on the entries' asked_as run through the NLU (bench/answer_ranking.py)."""

    min_similarity: float = 0.15
    # 0.9 scored 0.004 better on the development set, within its noise; 0.7 keeps the answer in the
    # classifier's topic more often, which is the safer way to be wrong (BENCHMARKS.md).
    topic_floor: float = 0.7
    stated_bonus: float = 0.15
    unstated_penalty: float = 0.04
    # With no topic from the classifier, an entry this close answers instead of a clarifying question.
    # 0.3 scored best on the development set, but that set has no out-of-scope messages: 0.45 keeps a
    # margin so that a message the classifier could not place is not answered on a loose match.
    sure_similarity: float = 0.45
    # How much the trained preference counts against the nearest example's similarity when ranking.
    preference_weight: float = 0.5
    # An entry that answers "Yes." or "No." does not answer a statement ("her scan shows it has spread")
    # or an open question with no yes-or-no clause ("it's in her liver, what happens now").
    # 0.15 left "Yes. Don't go it alone…" answering "i just feel so alone" (a blind journey).
    polar_penalty: float = 0.3
    # A place in the body named ("how would i know if it had spread to my bones"): a topic's overview, which
    # is about no place, counts less than an entry about that place. Blind answer sets, BENCHMARKS.md.
    overview_site_penalty: float = 0.15


PARAMS = RankingParams()


@dataclass(frozen=True)
class Query:
    topic: Optional[str]
    recurrence_type: Optional[str]
    treatment: Optional[str]
    text: str
    topic_weights: Mapping[str, float] = field(default_factory=dict)
    # A follow-up's new qualifier, ("treatment", "chemotherapy"): only entries that have it may answer.
    required: Optional[tuple[str, str]] = None
    excluded: Optional[str] = None
    wants_overview: bool = False
    body_site: Optional[str] = None
    not_yes_no: bool = False

    def weight(self, topic: str) -> float:
        if topic == self.topic:
            return 1.0
        return float(self.topic_weights.get(topic, 0.0))


def _compatible(entry: ContentEntry, query: Query) -> bool:
    """An entry never contradicts what the person said: a stated type or treatment rules out others."""
    if entry.recurrence_type and query.recurrence_type and entry.recurrence_type != query.recurrence_type:
        return False
    if entry.treatment and query.treatment and entry.treatment != query.treatment:
        return False
    if query.required is not None and getattr(entry, query.required[0]) != query.required[1]:
        return False
    return entry.id != query.excluded


def _adjusted(
    entry: ContentEntry, similarity: float, preference: float, query: Query, params: RankingParams
) -> tuple[float, float]:
    """(the score that ranks, the topic-weighted similarity that must reach `min_similarity`)."""
    weight = query.weight(entry.topic)
    factor = params.topic_floor + (1 - params.topic_floor) * weight
    weighted = similarity * factor
    score = ((1 - params.preference_weight) * similarity + params.preference_weight * preference) * factor
    for mine, theirs in ((entry.recurrence_type, query.recurrence_type), (entry.treatment, query.treatment)):
        if mine and mine == theirs:
            score += params.stated_bonus
        elif mine and not theirs:
            score -= params.unstated_penalty
    if query.body_site and query.body_site in entry.body_sites:  # "spread to my liver": the entry about organs
        score += params.stated_bonus
    elif query.body_site and entry.overview:
        score -= params.overview_site_penalty
    if query.not_yes_no and entry.polar:
        score -= params.polar_penalty
    return score, weighted


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


def choose(
    entries: Sequence[ContentEntry],
    similarities: Iterable[float],
    query: Query,
    params: RankingParams = PARAMS,
    preferences: Optional[Iterable[float]] = None,
) -> tuple[Optional[ContentEntry], float]:
    """The best-scoring compatible entry, or the topic's overview when nothing is close enough."""
    if query.wants_overview and query.topic:
        overview = overview_for(entries, query)
        if overview is not None and overview.id != query.excluded:
            return overview, 1.0
    if query.body_site and not any(query.body_site in entry.body_sites for entry in entries):
        query = replace(query, body_site=None)  # no entry is about that place: the overview is not outranked
    best, best_score, best_weighted = None, float("-inf"), 0.0
    similarities = list(similarities)
    preferred = list(preferences) if preferences is not None else [0.0] * len(similarities)
    for entry, similarity, preference in zip(entries, similarities, preferred, strict=True):
        if not _compatible(entry, query):
            continue
        score, weighted = _adjusted(entry, float(similarity), float(preference), query, params)
        if score > best_score:
            best, best_score, best_weighted = entry, score, weighted
    if best is None or best_weighted < params.min_similarity:
        return (overview_for(entries, query) if query.topic else None), best_weighted
    return best, best_weighted
