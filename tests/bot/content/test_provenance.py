"""Every answer is traceable: quotes found in their seed, numbers and names quoted, honest review dates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content.provenance import unquoted_numbers, unquoted_terms
from bot.content.schema import read_content_dir
from tests.conftest import CONTENT_DIR

SEEDS = PROJECT_ROOT / "data" / "sources"
SHARED_SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


def test_the_content_in_the_repo_has_no_problems():
    content = read_content_dir(CONTENT_DIR)
    assert [str(p) for p in content.problems] == []
    assert len(content.entries) >= 80


def test_seed_copies_match_the_shared_seeds():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("no shared/ folder beside this clone")
    for seed in SHARED_SEEDS.glob("*.txt"):
        assert (SEEDS / seed.name).read_bytes() == seed.read_bytes()


def _edited(tmp_path: Path, old: str, new: str) -> list[str]:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "treatment.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [str(p) for p in read_content_dir(folder).problems]


def test_a_quote_not_in_its_seed_fails(tmp_path):
    problems = _edited(tmp_path, "quotes:\n          - ", "quotes:\n          - Invented passage. ")
    assert any("is not found verbatim in" in p for p in problems)


def test_a_number_no_quote_contains_fails(tmp_path):
    problems = _edited(tmp_path, "web_answer: >-\n", "web_answer: >-\n      In 97 cases out of 100, ")
    assert any("uses the number 97" in p for p in problems)


def test_a_drug_no_quote_contains_fails(tmp_path):
    problems = _edited(tmp_path, "web_answer: >-\n", "web_answer: >-\n      Tamoxifen helps. ")
    assert any("names 'tamoxifen'" in p for p in problems)


def test_an_entry_citing_the_2019_page_cannot_claim_a_later_review(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "treatment.yml"
    text = path.read_text(encoding="utf-8")
    old = "last_reviewed: 2019-05-01\n    next_review_due: 2023-02-01"
    assert old in text
    path.write_text(
        text.replace(old, "last_reviewed: 2026-11-21\n    next_review_due: 2027-11-21", 1), encoding="utf-8"
    )
    problems = [str(p) for p in read_content_dir(folder).problems]
    assert any("is later than the review of a source it cites (2019-05-01)" in p for p in problems)
    assert any("is later than the review due of a source it cites (2023-02-01)" in p for p in problems)


def test_numbers_and_terms_helpers():
    assert unquoted_numbers("within 5 years, 30 minutes", ("the first 5 years",)) == ["30"]
    terms = ("mastectomy", "lymph node", "PET")
    assert unquoted_terms("a mastectomy, lymph nodes", ("lymph nodes may be removed",), terms) == ["mastectomy"]
    assert unquoted_terms("a PET scan", ("CT scan, MRI scan or PET scan",), terms) == []
    assert unquoted_terms("competition", (), terms) == []
