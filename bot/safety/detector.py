"""A spaCy rule layer that spots red-flag symptoms and crisis language in any message.

Concept patterns live in data/safety/patterns.jsonl (an EntityRuler). A concept counts
only when it is not negated ("no numbness in my legs") and not hypothetical ("what are
the signs to look out for"). Red flags are the combinations in the clinical brief: back
pain with numb or weak legs, a severe headache with vomiting, confusion or a seizure, and
so on. When unsure, it fires: a false alarm costs a reply with emergency numbers, and a
miss can cost a life.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.config import PROJECT_ROOT

PATTERNS = PROJECT_ROOT / "data" / "safety" / "patterns.jsonl"
NEGATIONS = frozenset({"no", "not", "n't", "nt", "never", "without", "none", "denies", "nor", "neither"})
NEGATION_WINDOW = 6
# A negation does not reach across these: "i'm not sure but my legs are numb" is not negated.
CLAUSE_BREAKS = frozenset({",", ";", ".", "but", "and", "though", "although", "so", "because", "yet", "-"})
NEAR = 6  # tokens: "my legs have gone heavy and numb" ties the legs to the numbness
# Words that set the scene rather than state a symptom: "can't feel my right arm" is not negated.
CONTEXT_LABELS = frozenset({"LEGS", "SIDE_LIMB", "TEMP_WORD", "MEDS", "CHEMO", "LETHAL_AMOUNT"})
CRISIS_NEGATION_WINDOW = 2  # "not suicidal", "would never hurt myself"; but "don't see the point of living" counts
HYPOTHETICAL_WORDS = frozenset({"if", "whether", "unless"})
HYPOTHETICAL_PHRASES = (
    "what are the",
    "look out for",
    "looking out for",
    "watch out for",
    "signs of",
    "symptoms of",
    "warning signs",
    "red flag",
    "red-flag",
    "feel like",
    "in case",
    "how do i know",
    "how would i know",
    "as a child",
    "years ago",
    "when i was young",
)
CONTRACTIONS = {
    "cant": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "wont": "won't",
    "wasnt": "wasn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "wouldnt": "wouldn't",
    "arent": "aren't",
    "im": "i'm",
    "ive": "i've",
}
_CONTRACTION = re.compile(r"\b(" + "|".join(CONTRACTIONS) + r")\b")

# Each red flag: every concept group must be present (any concept within a group).
RED_FLAG_RULES: dict[str, tuple[frozenset[str], ...]] = {
    "cord compression: back pain with numb or weak legs": (
        frozenset({"BACK_PAIN"}),
        frozenset({"LEG_NUMB", "LEG_WEAK"}),
    ),
    "loss of bladder or bowel control": (frozenset({"CONTINENCE"}),),
    "numb or weak legs": (frozenset({"LEG_NUMB"}), frozenset({"LEG_WEAK", "BACK_PAIN", "LEG_NUMB"})),
    "severe headache with vomiting, confusion or a seizure": (
        frozenset({"HEADACHE_SEVERE", "HEADACHE"}),
        frozenset({"VOMITING", "CONFUSION", "SEIZURE"}),
    ),
    "seizure": (frozenset({"SEIZURE"}),),
    "sudden breathlessness": (frozenset({"BREATHLESS"}),),
    "chest pain": (frozenset({"CHEST_PAIN"}),),
    "coughing up blood": (frozenset({"COUGH_BLOOD"}),),
    "high temperature during chemotherapy": (frozenset({"FEVER"}), frozenset({"CHEMO"})),
    "extreme thirst with confusion or constipation": (
        frozenset({"THIRST"}),
        frozenset({"CONFUSION", "CONSTIPATION"}),
    ),
    "sudden weakness on one side": (frozenset({"ONE_SIDE"}),),
}


@dataclass(frozen=True)
class Finding:
    """What the rule layer saw: crisis, red flag, or nothing; with the rules that fired."""

    kind: Optional[str]  # "crisis" | "red_flag" | None
    reasons: tuple[str, ...] = ()
    concepts: tuple[str, ...] = field(default=())

    @property
    def fired(self) -> bool:
        return self.kind is not None


_SELF = re.compile(r"\b(my|her|him|your) self\b")


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = _SELF.sub(lambda m: m.group(1) + "self", text)
    return _CONTRACTION.sub(lambda m: CONTRACTIONS[m.group(1)], text)


def build_pipeline(patterns: Path = PATTERNS) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    ruler.from_disk(patterns)  # type: ignore[attr-defined]
    return nlp


def _negated(span: Span, window: int = NEGATION_WINDOW) -> bool:
    """A negation cue shortly before the span, in the same clause."""
    for token in reversed(span.doc[max(span.sent.start, span.start - window) : span.start]):
        if token.lower_ in CLAUSE_BREAKS:
            return False
        if token.lower_ in NEGATIONS:
            return True
    return False


def _near(a: Span, b: Span) -> bool:
    return a.sent.start == b.sent.start and (abs(a.start - b.end) <= NEAR or abs(b.start - a.end) <= NEAR)


def _temperature_reading(doc: Doc, word: Span) -> bool:
    """ "temp 39.1", "my temperature is 38.3", "fever of 101": a fever by the number."""
    for token in doc[word.end : min(len(doc), word.end + 5)]:
        try:
            value = float(token.text.rstrip("cf°"))
        except ValueError:
            continue
        return 37.8 <= value <= 43 or 100 <= value <= 110
    return False


def _hypothetical(span: Span) -> bool:
    before = span.doc[span.sent.start : span.start]
    if any(token.lower_ in HYPOTHETICAL_WORDS for token in before):
        return True
    text = before.text.lower()
    return any(phrase in text for phrase in HYPOTHETICAL_PHRASES)


class SafetyDetector:
    """Finds crisis language and red-flag symptom combinations in one message."""

    def __init__(self, nlp: Optional[Language] = None):
        self._nlp = nlp or build_pipeline()

    def present_concepts(self, doc: Doc) -> set[str]:
        spans: dict[str, list[Span]] = {}
        negated_poo = False
        for ent in doc.ents:
            if ent.label_ == "IGNORE":
                continue
            if ent.label_ != "CRISIS" and _hypothetical(ent):
                continue
            if ent.label_ not in CONTEXT_LABELS and _negated(
                ent, CRISIS_NEGATION_WINDOW if ent.label_ == "CRISIS" else NEGATION_WINDOW
            ):
                negated_poo = negated_poo or ent.label_ == "POO_WORD"  # "haven't been able to poo"
                continue
            spans.setdefault(ent.label_, []).append(ent)
        found = set(spans)

        def close(first: str, second: str) -> bool:
            return any(_near(a, b) for a in spans.get(first, ()) for b in spans.get(second, ()))

        if close("LEGS", "WEAKNESS"):
            found.add("LEG_WEAK")
        if close("SIDE_LIMB", "WEAKNESS"):
            found.add("ONE_SIDE")
        if any(_temperature_reading(doc, word) for word in spans.get("TEMP_WORD", ())):
            found.add("FEVER")
        if negated_poo:
            found.add("CONSTIPATION")
        if any(a.sent.start == b.sent.start for a in spans.get("MEDS", ()) for b in spans.get("LETHAL_AMOUNT", ())):
            found.add("CRISIS")  # "how many of my painkillers it would take"
        return found

    def check(self, text: str) -> Finding:
        if not text or not text.strip():
            return Finding(None)
        concepts = self.present_concepts(self._nlp(normalise(text)))
        if "CRISIS" in concepts:
            return Finding("crisis", ("thoughts of suicide or self-harm",), tuple(sorted(concepts)))
        reasons = tuple(name for name, groups in RED_FLAG_RULES.items() if all(concepts & group for group in groups))
        if reasons:
            return Finding("red_flag", reasons, tuple(sorted(concepts)))
        return Finding(None, (), tuple(sorted(concepts)))


_shared: Optional[SafetyDetector] = None


def shared_detector() -> SafetyDetector:
    """One detector per process, built on first use."""
    global _shared
    if _shared is None:
        _shared = SafetyDetector()
    return _shared
