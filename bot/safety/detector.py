"""A spaCy rule layer that spots red-flag symptoms and crisis language in any message.

Concept patterns live in data/safety/patterns.jsonl (an EntityRuler). A symptom counts as
happening now unless it is negated ("no numbness in my legs"), hypothetical ("if I ever get
chest pain"), asked about ("does coughing up blood always mean…?") or in the past ("had a
cough last month but it cleared up"): see bot/safety/framing.py. Red flags are the
combinations in the clinical brief: back pain with numb or weak legs, a severe headache with
vomiting, confusion or a seizure, and so on. A red flag that is named but not happening now
is reported as `mentioned`, so that the person gets information with safety-netting rather
than 999. When unsure whether a symptom is happening now, it counts as now: a false alarm
costs a reply with emergency numbers, and a miss can cost a life.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.config import PROJECT_ROOT
from bot.safety.framing import CRISIS_NEGATION_WINDOW, framing, mild, negated, severe, verb_negated

PATTERNS = PROJECT_ROOT / "data" / "safety" / "patterns.jsonl"
NEAR = 6  # tokens: "my legs have gone heavy and numb" ties the legs to the numbness
# Words that set the scene rather than state a symptom: "can't feel my right arm" is not negated,
# and "my last chemo was two months ago" still means chemotherapy.
CONTEXT_LABELS = frozenset({"LEGS", "SIDE_LIMB", "TEMP_WORD", "MEDS", "CHEMO", "LETHAL_AMOUNT"})
# Matched so that their words are not read as anything else ("this waiting is killing me").
SKIPPED_LABELS = frozenset({"IGNORE", "IDIOM"})
_DEATH_WORDS = re.compile(r"\b(kill\w*|di(e|ed|es|ing)|dead|death|dying|murder\w*|grave)\b")
# Crisis language, and the pairs that make it: talk of not being here with "I'll do it myself",
# a goodbye with "sorry for everything". Only a negation right before them counts.
CRISIS_LABELS = frozenset({"CRISIS", "DEATH_TALK", "OWN_HAND", "FAREWELL", "FAREWELL_SIGN"})
CRISIS_PAIRS = (("DEATH_TALK", "OWN_HAND"), ("FAREWELL", "FAREWELL_SIGN"))
NOT_SYMPTOMS = CONTEXT_LABELS | SKIPPED_LABELS | CRISIS_LABELS | {"LOW_MOOD", "POO_WORD"}
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

# Each red flag: every concept group must be present (any concept within a group). The names
# are what the nurse is shown; bot/safety/disposition.py grades each one.
RED_FLAG_RULES: dict[str, tuple[frozenset[str], ...]] = {
    "possible spinal cord compression: back pain with leg numbness or weakness": (
        frozenset({"BACK_PAIN"}),
        frozenset({"LEG_NUMB", "LEG_WEAK"}),
    ),
    "possible spinal cord compression: loss of bladder or bowel control": (frozenset({"CONTINENCE"}),),
    "possible spinal cord compression: numb or weak legs": (frozenset({"LEG_NUMB", "LEG_WEAK"}),),
    "severe headache with vomiting, confusion or a seizure": (
        frozenset({"HEADACHE_SEVERE", "HEADACHE"}),
        frozenset({"VOMITING", "CONFUSION", "SEIZURE"}),
    ),
    "seizure": (frozenset({"SEIZURE"}),),
    "sudden breathlessness": (frozenset({"BREATHLESS"}),),
    "chest pain": (frozenset({"CHEST_PAIN"}),),
    "coughing up blood": (frozenset({"COUGH_BLOOD"}),),
    "vomiting blood": (frozenset({"VOMIT_BLOOD"}),),
    "possible fracture: a broken bone": (frozenset({"FRACTURE"}),),
    "possible infection: high temperature or feeling very unwell during chemotherapy": (
        frozenset({"FEVER"}),
        frozenset({"CHEMO"}),
    ),
    "possible high calcium: extreme thirst with confusion or constipation": (
        frozenset({"THIRST"}),
        frozenset({"CONFUSION", "CONSTIPATION"}),
    ),
    "possible stroke: sudden weakness on one side": (frozenset({"ONE_SIDE"}),),
}
CRISIS_REASON = "thoughts of suicide or self-harm"


@dataclass(frozen=True)
class Finding:
    """What the rule layer saw in one message.

    kind: "crisis" or "red_flag" when one is happening now, else None; reasons: the rules that
    fired. mentioned: red flags named but framed as a question, a hypothetical or the past, with
    how (framings). symptom_now: some symptom is described as happening now. idiom: a figure of
    speech was recognised ("killing me"). low_mood: words of low mood without crisis language.
    """

    kind: Optional[str]
    reasons: tuple[str, ...] = ()
    concepts: tuple[str, ...] = field(default=())
    mentioned: tuple[str, ...] = ()
    framings: tuple[str, ...] = ()
    symptom_now: bool = False
    mild: bool = False  # every symptom described now is qualified as mild ("a bit of a stiff back")
    symptom_count: int = 0  # distinct symptoms described now, not counting mild ones
    severe: bool = False  # a symptom now is said to be sudden, severe or getting worse
    idiom: bool = False
    low_mood: bool = False

    @property
    def fired(self) -> bool:
        return self.kind is not None

    @property
    def could_be_serious(self) -> bool:
        """A symptom now that could be serious: two or more, or one said to be sudden or severe (not mild)."""
        return self.symptom_now and not self.mild and (self.symptom_count >= 2 or self.severe)


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


def _derived(doc: Doc, spans: dict[str, list[Span]], negated_poo: bool) -> set[str]:
    """Concepts that need two words together: legs + weak, a limb on one side + weak, a thermometer reading."""
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
    if any(first in found and second in found for first, second in CRISIS_PAIRS):
        found.add("CRISIS")
    return found


def red_flags(concepts: set[str]) -> tuple[str, ...]:
    return tuple(name for name, groups in RED_FLAG_RULES.items() if all(concepts & group for group in groups))


class SafetyDetector:
    """Finds crisis language and red-flag symptom combinations in one message."""

    def __init__(self, nlp: Optional[Language] = None):
        self._nlp = nlp or build_pipeline()

    def check(self, text: str) -> Finding:
        if not text or not text.strip():
            return Finding(None)
        doc = self._nlp(normalise(text))
        now: dict[str, list[Span]] = {}
        named: dict[str, list[Span]] = {}  # now, plus framed as a question, hypothetical or past
        framings: set[str] = set()
        negated_poo = idiom = False
        for ent in doc.ents:
            label = ent.label_
            if label in SKIPPED_LABELS:
                idiom = idiom or label == "IDIOM" or bool(_DEATH_WORDS.search(ent.text))
                continue
            if label in CRISIS_LABELS:
                if not negated(ent, CRISIS_NEGATION_WINDOW):
                    now.setdefault(label, []).append(ent)
                continue
            frame = None if label in CONTEXT_LABELS else framing(ent)
            if frame == "negated":
                # "haven't been able to poo" is constipation; "no problems with my bowels" is not
                negated_poo = negated_poo or (label == "POO_WORD" and verb_negated(ent))
                continue
            named.setdefault(label, []).append(ent)
            if frame is None:
                now.setdefault(label, []).append(ent)
            else:
                framings.add(frame)
        concepts = _derived(doc, now, negated_poo)
        symptom_now = bool(concepts - NOT_SYMPTOMS)
        symptom_spans = [span for label, spans in now.items() if label not in NOT_SYMPTOMS for span in spans]
        plain = [span for span in symptom_spans if not mild(span)]
        seen = Finding(
            None,
            concepts=tuple(sorted(concepts)),
            symptom_now=symptom_now,
            mild=symptom_now and bool(symptom_spans) and not plain,
            symptom_count=len({span.label_ for span in plain}),
            severe=any(severe(span) for span in plain),
            idiom=idiom,
        )
        if "CRISIS" in concepts:
            return replace(seen, kind="crisis", reasons=(CRISIS_REASON,))
        reasons = red_flags(concepts)
        if reasons:
            return replace(seen, kind="red_flag", reasons=reasons)
        mentioned = red_flags(_derived(doc, named, negated_poo))
        return replace(seen, mentioned=mentioned, framings=tuple(sorted(framings)), low_mood="LOW_MOOD" in concepts)


_shared: Optional[SafetyDetector] = None


def shared_detector() -> SafetyDetector:
    """One detector per process, built on first use."""
    global _shared
    if _shared is None:
        _shared = SafetyDetector()
    return _shared
