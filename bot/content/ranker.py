"""Ranks content entries against a person's words by their `asked_as` examples (TF-IDF, scikit-learn).

Two scores per entry. `scores`: its nearest example's cosine similarity of character
n-gram TF-IDF vectors (3 to 5 characters within words), forgiving of typos and SMS
spelling; its scale is what the thresholds of ranking.py are set on. `preferences`: a linear
SVM trained on every entry's examples (characters and words), softmaxed over entries; it
learns which words tell siblings apart ("liver" for the organs entry), where the nearest
example rewards any shared phrasing. Both were chosen by cross-validation on the entries'
own asked_as (BENCHMARKS.md, "Answer ranking").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Protocol, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC


class Rankable(Protocol):
    @property
    def question(self) -> str: ...

    @property
    def asked_as(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class RankerConfig:
    word: bool = False
    char: bool = True
    # The SVM: its regularisation, and how sharply its margins become preferences (softmax temperature).
    svm_c: float = 1.0
    sharpness: float = 10.0


def _words() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")


def _characters(shortest: int) -> TfidfVectorizer:
    """Character n-grams within words, from `shortest` to 5 characters."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(shortest, 5), sublinear_tf=True)


def _vectorizers(config: RankerConfig) -> list[TfidfVectorizer]:
    return ([_words()] if config.word else []) + ([_characters(3)] if config.char else [])


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
        self._sharpness = config.sharpness
        self._classifier, self._features = self._fit_classifier(texts, owners, config)

    @staticmethod
    def _fit_classifier(texts: list[str], owners: list[int], config: RankerConfig):
        if len(set(owners)) < 2:
            return None, []
        features = [_characters(2), _words()]
        matrix = hstack([f.fit_transform(texts) for f in features]).tocsr()
        return LinearSVC(C=config.svm_c).fit(matrix, owners), features

    def preferences(self, text: str) -> np.ndarray:
        """One weight per entry, summing to 1: how strongly the SVM prefers it (all 0 when it cannot say)."""
        out = np.zeros(self._size)
        if self._classifier is None or not text.strip():
            return out
        margins = self._classifier.decision_function(hstack([f.transform([text.lower()]) for f in self._features]))
        margins = np.asarray(margins).ravel()
        if len(self._classifier.classes_) == 2:  # a binary SVM gives one margin, for the second class
            margins = np.array([-margins[0], margins[0]])
        weights = np.exp(self._sharpness * (margins - margins.max()))
        out[self._classifier.classes_] = weights / weights.sum()
        return out

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
