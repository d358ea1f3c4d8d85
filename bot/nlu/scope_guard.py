"""Rasa component: a message about another cancer, or another subject, with nothing tying it back, is out of scope.

It runs after the classifier and before the SafetyNet (which may still override it). The
other cancer is kept as an `other_cancer` entity, so the reply can say what the bot covers
and never gives breast-cancer content. Words that tie a message back to breast cancer, or
to spread ("if it spreads to my lungs is it lung cancer now?"), are in data/spacy/scope.yml.
So are other conditions and errands ("how do I lower my cholesterol"), which are out of scope
unless the message also names cancer, its treatment or its coming back. A message with no word
in the Latin alphabet and no digit (emoji, another script, punctuation) is out of scope too, and
so is one written in another language: the classifier has nothing it knows to go on and would
otherwise guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.config import PROJECT_ROOT
from bot.phrases import whole_phrases

SCOPE_WORDS = PROJECT_ROOT / "data" / "spacy" / "scope.yml"
OTHER_CANCER = "other_cancer"
OUT_OF_SCOPE = "out_of_scope"
SECONDARY = "secondary"
BODY_SITE = "body_site"
EXTRACTOR = "ScopeGuard"
# Set on a message the ScopeGuard put out of scope, so the SafetyNet after it can tell its decision
# ("my dog keeps coughing": another subject) from the classifier's guess ("I have a headache").
SCOPED_OUT = "scoped_out"


@dataclass(frozen=True)
class ScopeWords:
    breast: frozenset[str]
    spread: frozenset[str]
    spread_sites: frozenset[str]
    other_subjects: re.Pattern
    cancer: re.Pattern
    other_language: frozenset[str]
    english: frozenset[str]
    emoji_intents: dict[str, frozenset[str]]


def load_scope_words(path: Path = SCOPE_WORDS) -> ScopeWords:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ScopeWords(
        breast=frozenset(w.lower() for w in data["breast_words"]),
        spread=frozenset(w.lower() for w in data["spread_words"]),
        spread_sites=frozenset(data["spread_sites"]),
        other_subjects=whole_phrases(data["other_subjects"]),
        cancer=whole_phrases(data["cancer_words"]),
        other_language=frozenset(str(w).lower() for w in data["other_language_words"]),
        english=frozenset(str(w).lower() for w in data["english_words"]),
        emoji_intents={intent: frozenset(marks) for intent, marks in data["emoji_intents"].items()},
    )


# A letter of the Latin alphabet (accents included) or a digit: something the classifier may know.
_READABLE = re.compile(r"[0-9A-Za-z\u00C0-\u024F]")


def has_no_readable_word(text: str) -> bool:
    """Only emoji, symbols or another script ("🐱🐶", "привет"): nothing the classifier was trained on."""
    return bool(text.strip()) and _READABLE.search(text) is None


# Joiners, variation selectors and skin tones change how an emoji looks, not what it says.
_MODIFIERS = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\\s.!?]")


def emoji_intent(text: str, words: ScopeWords) -> Optional[str]:
    """The intent that a message of known emoji alone says ("👍" thanks, "😢" coping), else None."""
    marks = set(_MODIFIERS.sub("", text))
    if not marks or not has_no_readable_word(text):
        return None
    for intent, known in words.emoji_intents.items():
        if marks <= known:
            return intent
    return None


def in_another_language(doc, words: ScopeWords) -> bool:
    """Two or more common words of another language and no common English one ("je cherche une pharmacie")."""
    tokens = [token.lower_ for token in doc]
    if any(token in words.english for token in tokens):
        return False
    return sum(token in words.other_language for token in tokens) >= 2


def ties_to_breast_cancer(doc, entities: List[Dict[str, Any]], words: ScopeWords, other_from: int = -1) -> bool:
    """A breast word ties the message back; so do spread and the organs it reaches, named before `other_from`.

    "If it spreads to my lungs is it lung cancer now?" and "it's in my bones, is it bone cancer?" are
    about breast cancer; "his melanoma has spread to his lymph nodes" is about the melanoma.
    """
    if any(token.lower_ in words.breast for token in doc):
        return True
    after = other_from if other_from >= 0 else len(doc.text) + 1

    def before_it(end: int) -> bool:  # "metastatic melanoma": the word describes the other cancer
        return end < after and not doc.text[end:after].isspace()

    if any(token.lower_ in words.spread and before_it(token.idx + len(token)) for token in doc):
        return True
    if other_from >= 0 and any(  # "it's gone to her lungs, is it lung cancer now?"
        ent.label_ == BODY_SITE and ent.ent_id_ in words.spread_sites and before_it(ent.end_char) for ent in doc.ents
    ):
        return True
    return any(
        e.get("entity") == "recurrence_type" and e.get("value") == SECONDARY and before_it(int(e.get("end", 0)))
        for e in entities
    )


def about_another_subject(text: str, doc, entities: List[Dict[str, Any]], words: ScopeWords) -> bool:
    """Names another condition or errand, and nothing about cancer, its treatment or its coming back."""
    lowered = text.lower()
    rest = words.other_subjects.sub(" ", lowered)  # "tax return" says nothing about cancer returning
    if rest == lowered or words.cancer.search(rest):
        return False
    return not ties_to_breast_cancer(doc, entities, words)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP")
class ScopeGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._words = load_scope_words()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ScopeGuard:
        return cls(config)

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """`model` is unused: SpacyNLP has already put its doc on each message."""
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            said = emoji_intent(message.get(TEXT) or "", self._words)
            if said is not None:
                message.set(INTENT, {INTENT_NAME_KEY: said, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                continue
            others = [ent for ent in doc.ents if ent.label_ == OTHER_CANCER]
            entities = message.get(ENTITIES, []) or []
            if others and not ties_to_breast_cancer(doc, entities, self._words, others[0].start_char):
                found = [
                    {
                        "entity": OTHER_CANCER,
                        "value": ent.text.lower(),
                        "start": ent.start_char,
                        "end": ent.end_char,
                        "confidence": 1.0,
                        "extractor": EXTRACTOR,
                    }
                    for ent in others
                ]
                message.set(ENTITIES, entities + found, add_to_output=True)
            elif not (
                has_no_readable_word(message.get(TEXT) or "")
                or in_another_language(doc, self._words)
                or about_another_subject(message.get(TEXT) or "", doc, entities, self._words)
            ):
                continue
            message.set(INTENT, {INTENT_NAME_KEY: OUT_OF_SCOPE, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
            message.set(SCOPED_OUT, True)
        return messages
