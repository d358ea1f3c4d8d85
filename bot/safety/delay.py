"""Whether a message asks to wait or put off getting help: after urgent advice, the answer is the advice again."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.phrases import whole_phrases

DELAY_PHRASES = PROJECT_ROOT / "data" / "safety" / "delay_phrases.yml"


@functools.lru_cache(maxsize=4)
def _pattern(path: Path) -> re.Pattern:
    return whole_phrases(yaml.safe_load(path.read_text(encoding="utf-8"))["phrases"])


def asks_to_delay(text: str, path: Path = DELAY_PHRASES) -> bool:
    """True for "should I wait and see if it gets better?" and "can this wait until tomorrow", not "ok ringing now"."""
    return _pattern(path).search(text.lower()) is not None
