"""Step two of choosing an answer: similarity, the trained preference and body sites, on made-up entries."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from bot.content.ranker import EntryRanker
from bot.content.ranking import PARAMS, Query, choose
from bot.content.service import ContentEntry

TODAY = dt.date(2026, 12, 3)


def entry(entry_id: str, question: str, *asked_as: str, overview: bool = False, body_sites=()) -> ContentEntry:
    return ContentEntry(
        id=entry_id,
        topic="symptoms",
        question=question,
        overview=overview,
        recurrence_type=None,
        treatment=None,
        acknowledge=None,
        asked_as=asked_as,
        web_answer="",
        sms_answer="",
        source_document="000.txt",
        source_section="",
        documents=("000.txt",),
        last_reviewed=TODAY,
        next_review_due=TODAY,
        body_sites=tuple(body_sites),
    )


GENERAL = entry(
    "general",
    "What are the symptoms of secondary cancer?",
    "what symptoms does secondary cancer cause",
    "how do you know if it has spread",
    "signs it has spread",
    overview=True,
)
ORGANS = entry(
    "organs",
    "How would I know if it had spread to my liver or bones?",
    "liver symptoms",
    "bone pain from spread",
    "signs in the liver",
    body_sites=("liver", "bone"),
)
ENTRIES = (GENERAL, ORGANS)


def test_the_trained_preference_sums_to_one_and_follows_the_word_that_tells_siblings_apart():
    preferences = EntryRanker(ENTRIES).preferences("could it be in my liver now")
    assert preferences.sum() == pytest.approx(1.0)
    assert preferences[1] > preferences[0]


def test_a_named_body_site_prefers_the_entry_about_it():
    query = Query("symptoms", None, None, "how do you know if it has spread")
    same = [0.5, 0.5]
    with_site = dataclasses.replace(query, body_site="liver")
    assert choose(ENTRIES, same, with_site)[0] is ORGANS
    assert choose(ENTRIES, same, dataclasses.replace(query, body_site="brain"))[0] is GENERAL  # not its site


def test_a_named_body_site_outranks_a_closer_overview():
    """A blind set: "how would i know if it had spread to my bones" matched the overview's "…if it had spread"."""
    query = Query("symptoms", None, None, "how would i know if it had spread to my bones", body_site="bone")
    closer_overview = [0.86, 0.61]
    assert choose(ENTRIES, closer_overview, query, preferences=[0.6, 0.4])[0] is ORGANS
    without_site = dataclasses.replace(query, body_site=None)
    assert choose(ENTRIES, closer_overview, without_site, preferences=[0.6, 0.4])[0] is GENERAL


def test_the_preference_ranks_but_only_the_similarity_decides_whether_anything_is_close():
    query = Query("symptoms", None, None, "words")
    params = dataclasses.replace(PARAMS, preference_weight=0.5)
    assert choose(ENTRIES, [0.30, 0.25], query, params, [0.0, 1.0])[0] is ORGANS
    assert choose(ENTRIES, [0.30, 0.25], query, params, [1.0, 0.0])[0] is GENERAL
    # Nothing is similar: the topic's overview answers, however strongly the preference points elsewhere.
    best, similarity = choose(ENTRIES, [0.0, 0.01], query, params, [0.0, 1.0])
    assert best is GENERAL and similarity < params.min_similarity
    # With no topic, nothing answers at all.
    assert choose(ENTRIES, [0.0, 0.01], dataclasses.replace(query, topic=None), params, np.array([0.0, 1.0]))[0] is None


def test_a_statement_is_not_answered_with_yes_or_no():
    polar = dataclasses.replace(ORGANS, id="polar", web_answer="No. It is not a new cancer.")
    plain = dataclasses.replace(
        GENERAL, id="plain", overview=False, web_answer="Secondary cancer is cancer that has spread."
    )
    asked = Query("symptoms", None, None, "her scan shows it has spread to her liver")
    assert choose((plain, polar), [0.40, 0.45], asked)[0] is polar
    assert choose((plain, polar), [0.40, 0.45], dataclasses.replace(asked, not_yes_no=True))[0] is plain
