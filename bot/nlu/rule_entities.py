"""Rasa component: the spaCy EntityRuler's matches as entities with canonical values."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

DIMENSIONS = ("recurrence_type", "treatment", "body_site")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False, model_from="SpacyNLP")
class RuleEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Reads the entities SpacyNLP's doc already holds, so spaCy runs once per message.

    Unlike the stock SpacyEntityExtractor, the value is the pattern id ("mets" ->
    "secondary"), which is what slots, stories and the content store use.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"dimensions": list(DIMENSIONS)}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._dimensions = set(config.get("dimensions") or DIMENSIONS)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleEntityExtractor:
        return cls(config)

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """`model` is unused: SpacyNLP has already put its doc on each message."""
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = [
                {
                    "entity": ent.label_,
                    "value": ent.ent_id_ or ent.text,
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "confidence": 1.0,
                }
                for ent in doc.ents
                if ent.label_ in self._dimensions
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages
