"""Rasa component: grades every message for safety and routes it by the grade.

Runs last in the NLU pipeline, after the classifier and the FallbackClassifier. The spaCy rule
layer (bot/safety/detector.py) and the classifier's ranking go into a graded disposition
(bot/safety/disposition.py):
- emergency or urgent: the intent becomes `report_urgent_symptom` (999 / A&E, or acute oncology /
  NHS 111 now, and an urgent nurse handoff);
- crisis: `express_crisis` (Samaritans and 999);
- safety_netting and low_mood: the information asked for (the classifier's question intent, or
  `ask_symptoms` / `ask_coping` when it had none), tagged with the `safety_advice` entity so that
  the dialogue adds the safety-netting or support line after the answer;
- none: a safety intent the classifier suggested is replaced by `nlu_fallback`, so the assistant
  asks what was meant; so is a menu reply when no menu was offered.

The disposition, including where the rule layer and the classifier disagreed, is in the parse
result under `safety`, and so in the tracker, for review.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.content.service import topic_for_intent
from bot.intents import FALLBACK_INTENT
from bot.nlu.scope_guard import SCOPED_OUT
from bot.safety import disposition as grades
from bot.safety.detector import SafetyDetector
from bot.safety.disposition import Disposition, Thresholds, decide

logger = logging.getLogger(__name__)

SAFETY_INTENTS = (grades.CRISIS_INTENT, grades.URGENT_INTENT)
SAFETY_KEY = grades.SAFETY_KEY
ADVICE_ENTITY = "safety_advice"  # rules in data/rules/safety.yml add the line after the answer
OTHER_CANCER_ENTITY = "other_cancer"  # set by bot.nlu.scope_guard.ScopeGuard, which runs just before
ANSWER_INTENT = {grades.SAFETY_NETTING: "ask_symptoms", grades.LOW_MOOD: "ask_coping"}
# Intents that say nothing about what the person wants to know: a safety-netting or low-mood
# message with one of these gets the symptoms or coping answer. Others (asking for a nurse, the
# opening hours, yes / no) are left as they are.
UNINFORMATIVE = frozenset({*SAFETY_INTENTS, FALLBACK_INTENT, "out_of_scope", "greet"})


def _confidence(ranking: List[Dict[str, Any]], intent: str, default: float) -> float:
    for entry in ranking:
        if entry.get(INTENT_NAME_KEY) == intent:
            return float(entry.get(PREDICTED_CONFIDENCE_KEY) or default)
    return default


def routed_intent(disposition: Disposition, current: Optional[str], other_cancer: bool = False) -> Optional[str]:
    """The intent the dialogue should act on for this disposition (None: leave the classifier's).

    `other_cancer`: the ScopeGuard put the message out of scope as being about another cancer;
    only an emergency, urgent or crisis route overrides that.
    """
    if disposition.urgent_route:
        return grades.URGENT_INTENT
    if disposition.grade == grades.CRISIS:
        return grades.CRISIS_INTENT
    if disposition.grade in ANSWER_INTENT and current in UNINFORMATIVE and not other_cancer:
        return ANSWER_INTENT[disposition.grade]
    if disposition.grade in ANSWER_INTENT:
        return None
    if disposition.input_kind == "menu_reply" or current in SAFETY_INTENTS:
        return FALLBACK_INTENT
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        defaults = Thresholds()
        return {
            "urgent_confidence": defaults.urgent,
            "crisis_confidence": defaults.crisis,
            "safety_netting_confidence": defaults.safety_netting,
            "low_mood_confidence": defaults.low_mood,
        }

    def __init__(self, config: Dict[str, Any], detector: Optional[SafetyDetector] = None) -> None:
        self._thresholds = Thresholds(
            urgent=float(config["urgent_confidence"]),
            crisis=float(config["crisis_confidence"]),
            safety_netting=float(config["safety_netting_confidence"]),
            low_mood=float(config["low_mood_confidence"]),
        )
        self._detector = detector or SafetyDetector()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._route(message)
        return messages

    def _route(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        ranking = message.get(INTENT_RANKING_KEY) or []
        current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        scoped_out = bool(message.get(SCOPED_OUT))
        disposition = decide(text, self._detector.check(text), ranking, self._thresholds, scoped_out)
        other_cancer = any(e.get("entity") == OTHER_CANCER_ENTITY for e in message.get(ENTITIES) or [])
        target = routed_intent(disposition, current, other_cancer)
        if target is not None and target != current:
            if disposition.urgent_route or disposition.grade == grades.CRISIS:
                confidence = 1.0 if "rule layer" in disposition.source else _confidence(ranking, target, 1.0)
            else:
                confidence = _confidence(ranking, target, 1.0)
            message.set(INTENT, {INTENT_NAME_KEY: target, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
        if disposition.grade in ANSWER_INTENT and topic_for_intent(target or current):
            advice = {
                "entity": ADVICE_ENTITY,
                "value": disposition.grade,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": type(self).__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), advice], add_to_output=True)
        result = disposition.as_dict()
        result["replaced"] = current if target not in (None, current) else None
        message.set(SAFETY_KEY, result, add_to_output=True)
        if disposition.grade != grades.NONE or disposition.review:
            logger.info("safety disposition %s (review: %s)", disposition.grade, disposition.review or "none")
