"""Redacts personal details from a person's text before it is stored anywhere.

Phone numbers, email addresses, NHS numbers, UK postcodes, dates of birth and self-stated
names ("my name is Jane", "I'm Jane") become placeholders such as "[phone]". Patterns
live in data/safety/redaction_patterns.jsonl (a spaCy EntityRuler). The name rule keeps
the words that introduce it ("my name is [name]") so the text still reads naturally.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language

from bot.config import PROJECT_ROOT

PATTERNS = PROJECT_ROOT / "data" / "safety" / "redaction_patterns.jsonl"
PLACEHOLDERS = {
    "phone": "[phone]",
    "email": "[email]",
    "nhs_number": "[NHS number]",
    "postcode": "[postcode]",
    "date_of_birth": "[date of birth]",
    "date": "[date]",
    "name": "[name]",
}
NAME_LEADS = frozenset({"my", "name", "is", "'s", "i", "'m", "am", "this", "call", "called", "me", "it"})


def build_pipeline(patterns: Path = PATTERNS) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    ruler.from_disk(patterns)  # type: ignore[attr-defined]
    return nlp


class Redactor:
    def __init__(self, nlp: Optional[Language] = None):
        self._nlp = nlp or build_pipeline()

    def redact(self, text: Optional[str]) -> Optional[str]:
        """The text with personal details replaced; None and empty text come back as they were."""
        if not text:
            return text
        doc = self._nlp(text)
        pieces: list[str] = []
        cursor = 0
        for ent in doc.ents:
            start = ent.start_char
            if ent.label_ == "name":
                lead = ent
                for token in ent:
                    if token.lower_ not in NAME_LEADS:
                        start = token.idx
                        break
                else:
                    continue
                del lead
            pieces.append(text[cursor:start])
            pieces.append(PLACEHOLDERS[ent.label_])
            cursor = ent.end_char
        pieces.append(text[cursor:])
        return "".join(pieces)


_shared: Optional[Redactor] = None


def shared_redactor() -> Redactor:
    """One redactor per process, built on first use."""
    global _shared
    if _shared is None:
        _shared = Redactor()
    return _shared


def redact(text: Optional[str]) -> Optional[str]:
    return shared_redactor().redact(text)
