"""Ranks content entries against a person's words by their `asked_as` examples (TF-IDF, scikit-learn).

Each entry is scored by its nearest example: the cosine similarity of character
n-gram TF-IDF vectors (3 to 5 characters within words), which are forgiving of typos and
SMS spelling. Characters beat words, and words plus characters, in cross-validation on
the entries' own asked_as (BENCHMARKS.md, "Answer ranking").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Protocol, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class Rankable(Protocol):
    @property
    def question(self) -> str: ...

    @property
    def asked_as(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class RankerConfig:
    word: bool = False
    char: bool = True


def _vectorizers(config: RankerConfig) -> list[TfidfVectorizer]:
    out = []
    if config.word:
        out.append(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"))
    if config.char:
        out.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True))
    return out


class EntryRanker:
    """Similarity of a message to every entry, fitted once per content snapshot."""

    def __init__(self, entries: Sequence[Rankable], config: RankerConfig = RankerConfig()):
        texts: list[str] = []
        owners: list[int] = []
        for index, entry in enumerate(entries):
            for text in (entry.question, *entry.asked_as):
                texts.append(text.lower())
                owners.append(index)
        self._size = len(entries)
        self._owners = np.asarray(owners, dtype=int)
        self._vectorizers = _vectorizers(config)
        self._matrices = [v.fit_transform(texts) for v in self._vectorizers] if texts else []

    def scores(self, text: str) -> np.ndarray:
        """One score per entry, in the order given: its best example's similarity, 0 to 1."""
        best = np.zeros(self._size)
        if not self._matrices or not text.strip():
            return best
        similarity = np.zeros(len(self._owners))
        for vectorizer, matrix in zip(self._vectorizers, self._matrices, strict=True):
            query = vectorizer.transform([text.lower()])
            similarity += (matrix @ query.T).toarray().ravel()
        similarity /= len(self._matrices)
        np.maximum.at(best, self._owners, similarity)
        return best


class _Examples(NamedTuple):
    question: str
    asked_as: tuple[str, ...]


@lru_cache(maxsize=4)
def _cached(examples: tuple[_Examples, ...]) -> EntryRanker:
    return EntryRanker(examples)


def ranker_for(entries: Sequence[Rankable]) -> EntryRanker:
    """The ranker for these entries' examples, fitted once per process for the same content."""
    return _cached(tuple(_Examples(e.question, tuple(e.asked_as)) for e in entries))
