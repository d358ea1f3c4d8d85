"""Builds the project's spaCy pipeline from `spacy.blank("en")` and rule patterns kept in the repo."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from bot.config import PROJECT_ROOT

PIPELINE_NAME = "helpline_en"
ENTITY_PATTERNS = PROJECT_ROOT / "data" / "spacy" / "entity_patterns.jsonl"
DEFAULT_OUTPUT = PROJECT_ROOT / "build" / "spacy" / PIPELINE_NAME


def build_pipeline(entity_patterns: Path = ENTITY_PATTERNS) -> Language:
    """A blank English tokenizer plus an EntityRuler whose pattern ids are canonical values."""
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Helpline domain terms: recurrence types, treatments, body sites"
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": True},
    )
    ruler.from_disk(entity_patterns)  # type: ignore[attr-defined]
    return nlp


def save_pipeline(output: Path = DEFAULT_OUTPUT, entity_patterns: Path = ENTITY_PATTERNS) -> Path:
    nlp = build_pipeline(entity_patterns)
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output
