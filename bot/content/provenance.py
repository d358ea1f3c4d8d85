"""Checks that every answer is traceable to its seeds: quotes found verbatim, numbers and names quoted, honest dates.

An answer may use a number, or a treatment, drug or test name from `terms.yml`, only when
one of its own quotes contains it; every quote must stand in the named seed file
(whitespace may differ); and an entry citing a source with a review date shows no later one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from bot.content.specs import ContentSet, EntrySpec, Problem

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
TERMS_FILE = "terms.yml"


def normalise(text: str) -> str:
    """Whitespace folded to single spaces, so a quote may wrap differently from its seed."""
    return " ".join(text.split())


def load_terms(data: Any, content: ContentSet) -> tuple[str, ...]:
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        content.problems.append(Problem(TERMS_FILE, "-", "terms", "must be a list of names"))
        return ()
    return tuple(t.strip() for t in terms)


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?:s|es)?(?![\w])", re.IGNORECASE)


def unquoted_numbers(answer: str, quotes: tuple[str, ...]) -> list[str]:
    quoted = {n for q in quotes for n in NUMBER.findall(q)}
    return [n for n in NUMBER.findall(answer) if n not in quoted]


def unquoted_terms(answer: str, quotes: tuple[str, ...], terms: tuple[str, ...]) -> list[str]:
    joined = " ".join(quotes)
    return [t for t in terms if _term_pattern(t).search(answer) and not _term_pattern(t).search(joined)]


def _seed_texts(seeds: Path, content: ContentSet) -> dict[str, Optional[str]]:
    texts: dict[str, Optional[str]] = {}
    for source in content.sources:
        path = seeds / source.document
        texts[source.document] = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
    return texts


def _check_entry(entry: EntrySpec, texts: dict[str, Optional[str]], terms: tuple[str, ...], problems: list) -> None:
    def problem(field: str, message: str) -> None:
        problems.append(Problem(entry.source_file, entry.id, field, message))

    quotes: list[str] = []
    for index, citation in enumerate(entry.citations):
        seed = texts.get(citation.document)
        if seed is None:
            problem(f"sources[{index}].document", f"no seed file {citation.document!r} to check the quotes against")
            continue
        for quote in citation.quotes:
            if normalise(quote) not in seed:
                problem(f"sources[{index}].quotes", f"is not found verbatim in {citation.document}: {quote!r}")
        quotes.extend(citation.quotes)
    for field in ("web_answer", "sms_answer"):
        answer = getattr(entry, field)
        for number in unquoted_numbers(answer, tuple(quotes)):
            problem(field, f"uses the number {number}, which none of its quotes contains")
        for term in unquoted_terms(answer, tuple(quotes), terms):
            problem(field, f"names {term!r}, which none of its quotes contains")


def _check_dates(entry: EntrySpec, content: ContentSet, problems: list) -> None:
    by_document = {s.document: s for s in content.sources}
    cited = [by_document[c.document] for c in entry.citations if c.document in by_document]
    reviewed = [s.reviewed_on for s in cited if s.reviewed_on]
    due = [s.review_due for s in cited if s.review_due]
    if reviewed and entry.last_reviewed > min(reviewed):
        problems.append(
            Problem(
                entry.source_file,
                entry.id,
                "last_reviewed",
                f"is later than the review of a source it cites ({min(reviewed).isoformat()})",
            )
        )
    if due and entry.next_review_due > min(due):
        problems.append(
            Problem(
                entry.source_file,
                entry.id,
                "next_review_due",
                f"is later than the review due of a source it cites ({min(due).isoformat()})",
            )
        )


def check_provenance(content: ContentSet, seeds: Path, terms: tuple[str, ...]) -> None:
    """Adds a problem for every quote, number, name or date that the seeds do not bear out."""
    texts = _seed_texts(seeds, content)
    for entry in content.entries:
        _check_entry(entry, texts, terms, content.problems)
        _check_dates(entry, content, content.problems)
