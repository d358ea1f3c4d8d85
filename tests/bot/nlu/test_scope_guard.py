"""Another cancer with nothing tying it to breast cancer is out of scope; spread to an organ is not."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.pipeline import build_pipeline
from bot.nlu.scope_guard import ScopeGuard

NLP = build_pipeline()


def guarded(text: str, intent: str = "ask_symptoms", entities=None) -> Message:
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.8}, ENTITIES: entities or []})
    message.set(SPACY_DOCS[TEXT], NLP(text))
    ScopeGuard({}).process([message], model=None)  # type: ignore[arg-type]
    return message


@pytest.mark.parametrize(
    "text",
    [
        "what are the symptoms of ovarian cancer",
        "does lung cancer come back after surgery",
        "my dad has prostate cancer, what are his options",
        "is leukaemia hereditary",
        "can skin cancer return after it's removed",
        "my uncle's bowel cancer has spread to his liver, what now",  # the other cancer is what spread
        "metastatic melanoma treatment options",
        "my dad has bowel cancer that has gone to his liver",  # the organ named after: the bowel cancer spread
        "i have a mole on my skin, could it be skin cancer",  # skin is not where breast cancer spreads to
    ],
)
def test_other_cancers_are_out_of_scope_and_named(text):
    message = guarded(text)
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert any(e["entity"] == "other_cancer" for e in message.get(ENTITIES))


@pytest.mark.parametrize(
    "text",
    [
        "if it spreads to my lungs is it lung cancer now?",
        "my breast cancer came back, is it bone cancer now",
        "is secondary breast cancer in the liver the same as liver cancer",
        "what are the symptoms of secondary breast cancer",
        "once it has spread to the liver do they call it liver cancer",
        "my mums has gone to her lungs, does that mean she has lung cancer now",  # blind set, fifth
        "if its in my bones now does that mean i have bone cancer",
    ],
)
def test_breast_cancer_questions_naming_an_organ_stay_in_scope(text):
    message = guarded(text)
    assert message.get(INTENT)["name"] == "ask_symptoms"
    assert not any(e["entity"] == "other_cancer" for e in message.get(ENTITIES))


@pytest.mark.parametrize(
    "text",
    [
        "what is a healthy blood pressure",
        "can I get a flu jab at my GP",
        "is my eczema contagious",
        "how do I appeal a parking ticket",
        "I need help with my council tax",
        "can you help me with my tax return",
        "my cat has been sick twice today, should I ring the vet",
    ],
)
def test_another_condition_or_errand_with_nothing_about_cancer_is_out_of_scope(text):
    message = guarded(text, intent="ask_reduce_risk")
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert not any(e["entity"] == "other_cancer" for e in message.get(ENTITIES))


@pytest.mark.parametrize(
    "text",
    [
        "will my blood pressure tablets affect my chemo",
        "does diabetes make it more likely to come back",
        "can tamoxifen raise my cholesterol",
        "I can't pay my rent since the cancer returned",
        "is arthritis a sign of secondaries in the bones",
        "does swimming lower my risk? i take the dog out every day anyway",  # a pet in passing
    ],
)
def test_another_condition_asked_about_with_cancer_or_its_treatment_stays_in_scope(text):
    assert guarded(text, intent="ask_reduce_risk").get(INTENT)["name"] == "ask_reduce_risk"


@pytest.mark.parametrize("text", ["🦄🌈", "🚲", "Добрый день", "مرحبا", "你好吗", "?!", "...", "🤷🏽‍♂️ 🤷🏽‍♂️"])
def test_a_message_with_no_latin_word_or_digit_is_out_of_scope(text):
    assert guarded(text, intent="affirm").get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text, intent",
    [("👍", "thank"), ("🙏🏼", "thank"), ("❤️❤️", "thank"), ("😢", "ask_coping"), ("😭😭 💔", "ask_coping")],
)
def test_known_emoji_alone_say_what_they_mean(text, intent):
    """A blind journey: "😢" got "I'm sorry, I can't help with that"."""
    message = guarded(text, intent="out_of_scope")
    assert message.get(INTENT)["name"] == intent
    assert not message.get("scoped_out")


@pytest.mark.parametrize("text", ["yes 👍", "1", "café?", "¿ayuda?", "no 🙁", "how long 🤔"])
def test_a_message_with_a_latin_word_or_digit_is_left_to_the_classifier(text):
    assert guarded(text, intent="affirm").get(INTENT)["name"] == "affirm"


@pytest.mark.parametrize(
    "text",
    [
        "quiero hablar con una enfermera por favor",
        "ma mère a un cancer, je voudrais des informations",
        "wo ist das nächste Krankenhaus",
        "czy mogę prosić o pomoc",
    ],
)
def test_a_message_in_another_language_is_out_of_scope(text):
    message = guarded(text, intent="ask_treatment")
    assert message.get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text", ["hola, my mum has cancer again", "mi mum is sik", "la recurrence?", "2 tablets per day"]
)
def test_english_with_a_foreign_word_stays_with_the_classifier(text):
    message = guarded(text, intent="ask_treatment")
    assert message.get(INTENT)["name"] == "ask_treatment"
