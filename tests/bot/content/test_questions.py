"""Step one: which topic and qualifiers a message asks about, with follow-ups and unsure intents."""

from __future__ import annotations

import pytest

from bot.content.questions import QuestionReader, is_elliptical, load_follow_up_words
from bot.content.schema import TOPICS

READER = QuestionReader.from_data(TOPICS)
FILLER = load_follow_up_words()


def span(text: str, part: str, name: str, value: str) -> dict:
    start = text.index(part)
    return {"entity": name, "value": value, "start": start, "end": start + len(part)}


def message(text: str, intent: str, *entities: dict, ranking=None) -> dict:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": list(entities),
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }


def test_only_a_qualifier_and_filler_is_elliptical():
    text = "and what about a local one?"
    assert is_elliptical(text, [span(text, "local", "recurrence_type", "local")], FILLER)
    text = "what about the treatment for local?"
    assert not is_elliptical(text, [span(text, "local", "recurrence_type", "local")], FILLER)
    assert not is_elliptical("and what about it?", [], FILLER)


def test_a_follow_up_keeps_the_previous_topic_and_question():
    text = "and for secondary?"
    question = READER.read(
        message(text, "ask_recurrence_types", span(text, "secondary", "recurrence_type", "secondary")),
        previous_topic="symptoms",
        previous_question="What are the signs of a local recurrence?",
        remembered_type="local",
    )
    assert (question.topic, question.recurrence_type, question.follow_up) == ("symptoms", "secondary", True)
    assert question.required == ("recurrence_type", "secondary")
    assert question.text.startswith("What are the signs of a local recurrence?")


def test_a_treatment_follow_up_moves_to_treatment_and_keeps_the_type():
    text = "what about chemo?"
    question = READER.read(
        message(text, "ask_follow_up", span(text, "chemo", "treatment", "chemotherapy")),
        previous_topic="prognosis",
        previous_question="What is the outlook for a local recurrence?",
        remembered_type="local",
    )
    assert (question.topic, question.recurrence_type, question.treatment) == ("treatment", "local", "chemotherapy")


def test_without_a_previous_answer_nothing_is_a_follow_up():
    text = "what about a local one?"
    question = READER.read(message(text, "ask_follow_up", span(text, "local", "recurrence_type", "local")))
    assert (question.topic, question.recurrence_type, question.follow_up) == ("recurrence_types", "local", False)


def test_the_intent_ranking_weighs_each_topic_against_the_top_intent():
    ranking = [
        {"name": "ask_coping", "confidence": 0.5},
        {"name": "ask_risk_factors", "confidence": 0.25},
        {"name": "greet", "confidence": 0.1},
    ]
    question = READER.read(message("does alcohol make it come back", "ask_coping", ranking=ranking))
    assert question.topic == "coping"
    assert question.topic_weights == {"coping": 1.0, "risk_factors": 0.5}


def test_a_treatment_named_out_of_the_blue_is_a_treatment_question():
    text = "what is targeted therapy"
    question = READER.read(
        message(text, "ask_follow_up", span(text, "targeted therapy", "treatment", "targeted_therapy"))
    )
    assert (question.topic, question.treatment, question.follow_up) == ("treatment", "targeted_therapy", False)


def test_a_follow_up_requires_the_qualifier_it_names():
    text = "and chemo?"
    question = READER.read(
        message(text, "ask_follow_up", span(text, "chemo", "treatment", "chemotherapy")),
        previous_topic="treatment",
        previous_question="How is a local recurrence treated?",
        remembered_type="local",
    )
    assert question.required == ("treatment", "chemotherapy")
    assert question.text == "How is a local recurrence treated? and chemo?"


def test_a_type_follow_up_keeps_the_treatment_of_the_answer_it_follows():
    text = "and for a local recurrence?"
    question = READER.read(
        message(text, "ask_follow_up", span(text, "local recurrence", "recurrence_type", "local")),
        previous_topic="treatment",
        previous_question="How is chemotherapy used for a recurrence?",
        previous_treatment="chemotherapy",
        previous_overview=True,
    )
    assert (question.recurrence_type, question.treatment, question.wants_overview) == ("local", "chemotherapy", True)


def test_two_different_types_named_constrain_neither():
    text = "is skin of the breast local or locally advanced?"
    question = READER.read(
        message(
            text,
            "ask_recurrence_types",
            span(text, "local", "recurrence_type", "local"),
            span(text, "locally advanced", "recurrence_type", "regional"),
        )
    )
    assert question.recurrence_type is None


UNPLACED = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_diagnosis", "confidence": 0.3}]


def test_a_symptom_stated_rather_than_asked_about_gets_the_topic_overview():
    stated = message("I have a headache", "ask_symptoms", ranking=UNPLACED)
    stated["safety"] = {"grade": "safety_netting", "replaced": "nlu_fallback"}
    question = READER.read(stated)
    assert question.topic == "symptoms" and question.wants_overview and question.topic_weights == {}
    asked = message("what should I do if I ever get chest pain", "ask_symptoms")
    asked["safety"] = {"grade": "safety_netting", "replaced": None}  # the classifier's own question intent
    assert not READER.read(asked).wants_overview


def test_the_overview_answers_a_stated_symptom(content_service):
    stated = message("I have a headache", "ask_symptoms", ranking=UNPLACED)
    stated["safety"] = {"grade": "safety_netting", "replaced": "nlu_fallback"}
    assert content_service.answer_question(READER.read(stated)).entry.id == "symptoms-general"


def test_a_follow_up_that_says_it_has_spread_asks_about_secondary_cancer():
    question = READER.read(
        message("and what if it's spread?", "ask_follow_up"),
        previous_topic="treatment",
        previous_question="How is a local recurrence treated?",
        remembered_type="local",
        previous_id="treatment-local",
    )
    assert (question.topic, question.recurrence_type, question.required) == (
        "treatment",
        "secondary",
        ("recurrence_type", "secondary"),
    )


def test_a_statement_or_an_open_question_is_told_apart_from_a_yes_or_no_question():
    for told in (
        "my wife's scan shows it has spread to her liver",
        "my mums cancer has come back in her liver what happens now",
        "how long after treatment does it usually come back",
    ):
        assert READER.read(message(told, "ask_recurrence_types")).not_yes_no, told
    for asked in (
        "it has spread to her liver can it be cured",
        "cure for secondary breast cancer",
        "her scan was clear. is it gone",
        "if it spreads to my lungs is it lung cancer now?",
        "what if it spreads, is it a different cancer then",
    ):
        assert not READER.read(message(asked, "ask_prognosis")).not_yes_no, asked


@pytest.mark.parametrize("text", ["treatment", "symptoms?", "what about treatment options", "prognosis"])
def test_a_topic_named_alone_asks_for_its_overview(text):
    assert READER.read(message(text, "ask_treatment")).wants_overview


@pytest.mark.parametrize("text", ["cure?", "chemo", "how is it treated", "treatment for secondary"])
def test_a_question_about_part_of_a_topic_does_not_ask_for_its_overview(text):
    assert not READER.read(message(text, "ask_treatment")).wants_overview


def _read_after(content_service, asked: dict, site: str):
    return READER.read(asked, remembered_site=site, site_topics=content_service.topics_about_site(site))


def test_a_question_naming_no_site_is_about_the_site_named_earlier(content_service):
    """The fifth blind journeys: "…back in her chest wall", then "how is it treated" got local treatment."""
    asked = message("how is it treated", "ask_treatment")
    assert _read_after(content_service, asked, "chest_wall").body_site == "chest_wall"
    assert content_service.answer_question(_read_after(content_service, asked, "chest_wall")).entry.id == (
        "treatment-chest-wall"
    )
    assert content_service.answer_question(_read_after(content_service, asked, "lymph_nodes")).entry.id == (
        "treatment-lymph-nodes"
    )


def test_a_site_named_earlier_does_not_pull_a_question_of_another_topic_to_it(content_service):
    """The same journey: "he doesnt want to talk about it how do i help him" got lymph node treatment."""
    asked = message("he doesnt want to talk about it how do i help him", "ask_supporting_someone")
    question = _read_after(content_service, asked, "lymph_nodes")
    assert question.body_site is None and "lymph" not in question.text
    assert content_service.answer_question(question).entry.topic == "supporting_someone"


def test_a_question_naming_its_own_type_or_site_is_not_about_the_site_named_earlier(content_service):
    text = "what about secondary?"
    typed = message(text, "ask_treatment", span(text, "secondary", "recurrence_type", "secondary"))
    assert _read_after(content_service, typed, "chest_wall").body_site is None
    text = "and in the bones?"
    sited = message(text, "ask_symptoms", span(text, "bones", "body_site", "bone"))
    assert _read_after(content_service, sited, "chest_wall").body_site == "bone"


def test_the_site_named_earlier_outweighs_the_type_remembered_from_an_answer(content_service):
    """The same journeys: "…back in her chest wall", "is that local or has it spread" (answered: local), then
    "how is it treated" kept the remembered local type, which ruled out the chest wall's entry."""
    asked = message("how is it treated", "ask_treatment")
    question = READER.read(
        asked,
        remembered_type="local",
        remembered_site="chest_wall",
        site_topics=content_service.topics_about_site("chest_wall"),
    )
    assert question.recurrence_type is None
    assert content_service.answer_question(question).entry.id == "treatment-chest-wall"
