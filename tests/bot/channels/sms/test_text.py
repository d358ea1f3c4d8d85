"""GSM-7 normalisation, segment counting and splitting: every SMS answer costs at most 3 segments."""

from __future__ import annotations

import pytest
import yaml

from bot.channels.sms.text import is_gsm7, normalise, numbered_parts, plain_lines, segment_count, septets, split
from bot.config import PROJECT_ROOT
from bot.gsm7 import non_gsm7_characters


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("It\u2019s \u201cfine\u201d", 'It\'s "fine"'),
        ("\u2018quoted\u2019 \u201equote\u201f", "'quoted' \"quote\""),
        ("2\u20133 weeks \u2014 or more", "2-3 weeks - or more"),
        ("wait\u2026", "wait..."),
        ("a\u00a0b\u202fc\td", "a b c d"),
        ("\u2022 one\n\u25e6 two\n\u00b7 three", "- one\n- two\n- three"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("line\r\nbreak\rend", "line\nbreak\nend"),
        ("38\u00b0C", "38 degrees C"),
        ("\ufb01ne \u00bd", "fine 1/2"),
        ("na\u00efve \u00e1 \u00e7", "naive a c"),
    ],
)
def test_typographic_marks_become_plain_gsm7(raw, expected):
    assert normalise(raw) == expected
    assert is_gsm7(normalise(raw))


def test_letters_gsm7_already_has_are_kept():
    text = "caf\u00e9 \u00fcber \u00c5se \u00f1 \u00a35 \u20ac5 [x] {y} ~ ^ | \\ @"
    assert normalise(text) == text


@pytest.mark.parametrize("raw", ["\u0645\u0631\u062d\u0628\u0627", "\U0001f60a", "\u4f60\u597d", "\u03c9\u20bf"])
def test_what_has_no_gsm7_form_becomes_a_question_mark(raw):
    result = normalise(raw)
    assert set(result) == {"?"} and is_gsm7(result)


def test_septets_count_the_escape_table_twice():
    assert septets("a") == 1 and septets("@") == 1 and septets("\u00e9") == 1
    assert septets("\u20ac") == 2 and septets("[") == 2 and septets("^") == 2
    assert septets("\u2019") == 0


@pytest.mark.parametrize(
    "length, segments",
    [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4), (612, 4), (613, 5)],
)
def test_gsm7_segments(length, segments):
    assert segment_count("a" * length) == segments


def test_escape_characters_cost_two_septets():
    assert segment_count("\u20ac" * 80) == 1  # 160 septets
    assert segment_count("\u20ac" * 81) == 2


def test_an_escape_pair_is_never_split_across_parts():
    text = "a" * 152 + "\u20ac" + "a" * 152  # 306 septets, but the euro cannot straddle parts 1 and 2
    assert segment_count(text) == 3


def test_one_curly_quote_forces_ucs2_and_normalising_undoes_it():
    text = "You don\u2019t need to wait for your next appointment. " * 2  # 104 characters
    assert non_gsm7_characters(text) == ["\u2019"]
    assert segment_count(text) == 2  # UCS-2: 70 characters per single SMS
    assert segment_count(normalise(text)) == 1
    assert segment_count("x" * 160) == 1 and segment_count("x" * 159 + "\u2019") == 3


@pytest.mark.parametrize("length, segments", [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_segments(length, segments):
    assert segment_count("\u0645" * length) == segments


def test_emoji_cost_two_ucs2_units():
    assert segment_count("\U0001f60a" * 35) == 1
    assert segment_count("\U0001f60a" * 36) == 2


def test_short_text_is_one_part():
    assert split("  Hello there.  ") == ["Hello there."]
    assert split("") == [] and split(" \n ") == []


def test_long_text_splits_at_sentences_within_three_segments():
    sentences = [f"This is sentence number {i} of a long answer." for i in range(40)]
    text = " ".join(sentences)
    parts = split(text)
    assert len(parts) > 1
    for part in parts:
        assert segment_count(part) <= 3
        assert part.endswith(".")  # broken after a sentence, not mid-word
    assert " ".join(parts) == text


def test_paragraphs_are_preferred_breaks():
    first = "First paragraph. " * 22
    second = "Second paragraph. " * 10
    parts = split(first.strip() + "\n\n" + second.strip())
    assert parts[0] == first.strip() and parts[1] == second.strip()


def test_a_long_word_is_cut_hard():
    parts = split("x" * 1000)
    assert [len(p) for p in parts] == [459, 459, 82]


def test_splitting_normalises_and_each_part_is_gsm7():
    text = "\u201cQuote\u201d \u2014 " * 100
    parts = split(text)
    assert all(is_gsm7(p) and segment_count(p) <= 3 for p in parts)
    assert "".join(parts).count('"') == 200


def test_split_can_allow_fewer_segments():
    assert all(segment_count(p) == 1 for p in split("word " * 200, max_segments=1))


def _content_entries():
    for path in sorted((PROJECT_ROOT / "data" / "content").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            if "sms_answer" in entry:
                yield entry


def test_every_sms_answer_with_the_more_prompt_fits_three_segments():
    entries = list(_content_entries())
    assert entries
    for entry in entries:
        text = normalise(f"{entry['sms_answer']} Reply MORE for more.")
        assert segment_count(text) <= 3, entry["id"]


def test_every_full_answer_splits_into_parts_of_three_segments_at_most():
    for entry in _content_entries():
        parts = split(entry["web_answer"])
        assert parts and all(segment_count(p) <= 3 for p in parts), entry["id"]


# ----- MORE: numbered parts that end at a list item or a sentence -----

LIST_ANSWER = "Treatment depends on what you had before.\n" + "\n".join(
    f"- Option {i}: this item has two sentences of detail about option {i}. It goes on a little more." for i in range(9)
)


def _unnumbered(part: str) -> str:
    number, _, text = part.partition(" ")
    assert number.count("/") == 1, part
    return text


def test_web_bullets_become_plain_lines():
    assert plain_lines("Signs:\n- a lump\n  - a rash\n* swelling") == "Signs:\na lump\na rash\nswelling"
    assert all(not line.startswith("- ") for p in split(LIST_ANSWER) for line in p.split("\n"))


def test_more_parts_are_numbered_and_end_at_a_list_item():
    parts = numbered_parts(LIST_ANSWER)
    assert len(parts) > 1
    assert [p.split(" ", 1)[0] for p in parts] == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
    assert all(segment_count(p) <= 3 and is_gsm7(p) for p in parts)
    items = plain_lines(LIST_ANSWER).split("\n")
    lines = [line for p in parts for line in _unnumbered(p).split("\n")]
    assert lines == items  # every item whole, in one part, in order


def test_an_item_too_long_for_one_text_is_cut_after_a_sentence():
    long_item = "- " + " ".join(f"Sentence {i} of one very long item." for i in range(40))
    parts = numbered_parts("Intro.\n" + long_item)
    assert len(parts) > 1
    assert all(_unnumbered(p).endswith(".") for p in parts)  # never inside a sentence
    assert " ".join(_unnumbered(p).replace("\n", " ") for p in parts) == plain_lines("Intro. " + long_item[2:])


def test_a_short_answer_is_one_unnumbered_text():
    assert numbered_parts("Just one sentence.") == ["Just one sentence."]
    assert numbered_parts("") == []


def test_every_full_answer_gives_numbered_parts_of_three_segments_at_most():
    for entry in _content_entries():
        parts = numbered_parts(entry["web_answer"])
        assert parts and all(segment_count(p) <= 3 for p in parts), entry["id"]
        if len(parts) > 1:  # each part ends with a whole list item or paragraph, or after a sentence
            items = set(plain_lines(entry["web_answer"]).split("\n"))
            ends = [_unnumbered(p).split("\n")[-1] for p in parts]
            assert all(end in items or end.endswith((".", "!", "?")) for end in ends), entry["id"]
