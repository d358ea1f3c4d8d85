"""The project's spaCy pipeline: canonical entity values from the repo's patterns."""

from __future__ import annotations

import pytest

from bot.nlu.pipeline import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def entities(nlp, text: str) -> list[tuple[str, str, str]]:
    # Rasa's SpacyNLP lower-cases text before spaCy sees it; do the same.
    return [(e.label_, e.ent_id_, e.text) for e in nlp(text.lower()).ents if e.label_ != "not_an_entity"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("can it come back in my bones?", [("body_site", "bone", "bones")]),
        ("treatment if its back in my scar", [("body_site", "scar", "scar")]),
        ("symptoms of Stage IV", [("recurrence_type", "secondary", "stage iv")]),
        ("is it mets", [("recurrence_type", "secondary", "mets")]),
        ("locally advanced", [("recurrence_type", "regional", "locally advanced")]),
        ("a wide local excision", [("treatment", "surgery", "wide local excision")]),
        ("on tamoxifen", [("treatment", "hormone_therapy", "tamoxifen")]),
        ("lump in the other breast", [("body_site", "other_breast", "other breast")]),
        ("secondry in her liver", [("recurrence_type", "secondary", "secondry"), ("body_site", "liver", "liver")]),
    ],
)
def test_domain_terms_get_canonical_values(nlp, text, expected):
    assert entities(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    ["what are the signs of breast cancer coming back", "my breast care nurse said", "i had a bone scan", "hello"],
)
def test_site_words_inside_other_phrases_are_not_sites(nlp, text):
    assert entities(nlp, text) == []


def test_saved_pipeline_loads_with_the_same_matches(tmp_path, nlp):
    import spacy

    from bot.nlu.pipeline import save_pipeline

    loaded = spacy.load(save_pipeline(tmp_path / "pipeline"))
    text = "chemo for mets in my lungs"
    assert [(e.label_, e.ent_id_) for e in loaded(text).ents] == [(e.label_, e.ent_id_) for e in nlp(text).ents]
    assert loaded.pipe_names == ["entity_ruler"]


def test_site_and_type_in_one_phrase_are_both_found(nlp):
    assert entities(nlp, "pain from bone mets") == [
        ("body_site", "bone", "bone"),
        ("recurrence_type", "secondary", "mets"),
    ]
