"""Rasa component: the safety intents win whenever the rule layer or the classifier finds them plausible.

A false alarm costs a reply with emergency numbers; a miss can cost a life. So after the
classifier and the FallbackClassifier: if the spaCy rule layer (bot/safety) finds crisis
language or a red-flag symptom, that intent wins; otherwise a crisis or urgent-symptom
intent that the classifier ranked at or above `min_confidence` replaces the top intent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.detector import SafetyDetector

SAFETY_INTENTS = ("express_crisis", "report_urgent_symptom")
INTENT_FOR_FINDING = {"crisis": "express_crisis", "red_flag": "report_urgent_symptom"}
PROMOTED_KEY = "safety_net"


def plausible_safety_intent(ranking: List[Dict[str, Any]], min_confidence: float) -> Optional[Dict[str, Any]]:
    """The likelier of the safety intents, if the classifier gave it at least `min_confidence`."""
    candidates = [
        r
        for r in ranking
        if r.get(INTENT_NAME_KEY) in SAFETY_INTENTS and (r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= min_confidence
    ]
    return max(candidates, key=lambda r: r[PREDICTED_CONFIDENCE_KEY], default=None)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"min_confidence": 0.2}

    def __init__(self, config: Dict[str, Any], detector: Optional[SafetyDetector] = None) -> None:
        self._min_confidence = float(config["min_confidence"])
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
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            finding = self._detector.check(message.get(TEXT) or "")
            if finding.fired:
                name = INTENT_FOR_FINDING[finding.kind]  # type: ignore[index]
                if current != name:
                    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                message.set(PROMOTED_KEY, {"replaced": current, "rules": list(finding.reasons)}, add_to_output=True)
                continue
            if current in SAFETY_INTENTS:
                continue
            candidate = plausible_safety_intent(message.get(INTENT_RANKING_KEY) or [], self._min_confidence)
            if candidate is None:
                continue
            message.set(
                INTENT,
                {
                    INTENT_NAME_KEY: candidate[INTENT_NAME_KEY],
                    PREDICTED_CONFIDENCE_KEY: candidate[PREDICTED_CONFIDENCE_KEY],
                },
                add_to_output=True,
            )
            message.set(PROMOTED_KEY, {"replaced": current}, add_to_output=True)
        return messages
