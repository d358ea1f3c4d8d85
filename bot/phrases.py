"""A word list from data/ as one pattern: any listed word or phrase, as whole words, in lower case."""

from __future__ import annotations

import re
from typing import Iterable


def whole_phrases(phrases: Iterable[object]) -> re.Pattern:
    """Longest first, so "come back" wins over "come"; match against lower-cased text."""
    words = sorted((str(p).lower() for p in phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
