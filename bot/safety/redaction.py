"""Redacts personal details from a person's text before it is stored anywhere.

Phone numbers, email addresses, NHS numbers, UK postcodes, dates of birth and self-stated
names ("my name is Jane", "Jane Smith here") become placeholders such as "[phone]".

- Phone numbers are found by `phonenumbers` (Google's libphonenumber), UK and international,
  in any of the ways people write them: "(020) 7946 0466", "+44 (0) 7700 900467", "0044 …".
- NHS numbers are ten digits, grouped or not; they count when the check digit is right
  (the NHS's modulus 11), or when "NHS" is written in the message.
- Everything else is a regular expression in data/safety/redaction_patterns.jsonl: a line
  `{"define": NAME, "regex": …}` names a fragment that later patterns use as `{{NAME}}`;
  a line `{"label": …, "regex": …}` is a pattern, and only its `value` group is replaced,
  so the words that introduce a detail stay ("my name is [name]", "born on [date of birth]").

Where two findings overlap, the text they cover together is replaced once, by the placeholder
of the more specific kind (an email before a phone number, a date of birth before a date).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import phonenumbers
from phonenumbers import Leniency

from bot.config import PROJECT_ROOT

PATTERNS = PROJECT_ROOT / "data" / "safety" / "redaction_patterns.jsonl"
PLACEHOLDERS = {
    "email": "[email]",
    "nhs_number": "[NHS number]",
    "phone": "[phone]",
    "date_of_birth": "[date of birth]",
    "date": "[date]",
    "postcode": "[postcode]",
    "name": "[name]",
}
PRIORITY = {label: rank for rank, label in enumerate(PLACEHOLDERS)}  # earlier wins an overlap
PHONE_REGION = "GB"
MIN_PHONE_DIGITS = 9  # fewer is a year, a dose or a blood pressure, not a phone number
_NHS_WORD = re.compile(r"\bnhs\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\{\{([A-Z_]+)\}\}")


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class Rule:
    label: str
    regex: re.Pattern
    check: Optional[str] = None


Span = Tuple[int, int, str]


def _expand(regex: str, fragments: Dict[str, str], path: Path) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in fragments:
            raise ValueError(f"{path}: {{{{{name}}}}} is used before it is defined")
        return f"(?:{fragments[name]})"

    return _REFERENCE.sub(replace, regex)


def load_rules(path: Path = PATTERNS) -> List[Rule]:
    fragments: Dict[str, str] = {}
    rules: List[Rule] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            regex = _expand(row["regex"], fragments, path)
            if "define" in row:
                fragments[row["define"]] = regex
                continue
            if row["label"] not in PLACEHOLDERS:
                raise ValueError(f"{path}:{number}: unknown label {row['label']!r}")
            try:
                compiled = re.compile(regex)
            except re.error as error:
                raise ValueError(f"{path}:{number}: {error}") from error
            rules.append(Rule(row["label"], compiled, row.get("check")))
    return rules


def phone_spans(text: str) -> Iterator[Span]:
    """Phone numbers as libphonenumber finds them (UK numbers, and any written with a country code)."""
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION, leniency=Leniency.POSSIBLE):
        if sum(ch.isdigit() for ch in match.raw_string) >= MIN_PHONE_DIGITS:
            yield match.start, match.end, "phone"


def _merge(spans: List[Span]) -> List[Span]:
    """Overlapping findings become one, labelled by the most specific kind among them."""
    merged: List[Span] = []
    for start, end, label in sorted(spans):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_label = merged[-1]
            best = min(last_label, label, key=PRIORITY.__getitem__)
            merged[-1] = (last_start, max(last_end, end), best)
        else:
            merged.append((start, end, label))
    return merged


class Redactor:
    def __init__(self, rules: Optional[List[Rule]] = None, phones: Callable[[str], Iterator[Span]] = phone_spans):
        self._rules = load_rules() if rules is None else rules
        self._phones = phones

    def _rule_spans(self, text: str) -> Iterator[Span]:
        nhs_written = bool(_NHS_WORD.search(text))
        for rule in self._rules:
            for match in rule.regex.finditer(text):
                group = "value" if "value" in rule.regex.groupindex else 0
                start, end = match.span(group)
                if start == end:
                    continue
                if rule.check == "nhs" and not (nhs_written or nhs_check_digit_ok(re.sub(r"\D", "", match[group]))):
                    continue
                yield start, end, rule.label

    def spans(self, text: str) -> List[Span]:
        """Where the personal details are: (start, end, label), in order, not overlapping."""
        return _merge([*self._rule_spans(text), *self._phones(text)])

    def redact(self, text: Optional[str]) -> Optional[str]:
        """The text with personal details replaced; None and empty text come back as they were."""
        if not text:
            return text
        pieces: List[str] = []
        cursor = 0
        for start, end, label in self.spans(text):
            pieces.append(text[cursor:start])
            pieces.append(PLACEHOLDERS[label])
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)


_shared: Optional[Redactor] = None


def shared_redactor() -> Redactor:
    """One redactor per process, built on first use."""
    global _shared
    if _shared is None:
        _shared = Redactor()
    return _shared


def redact(text: Optional[str]) -> Optional[str]:
    return shared_redactor().redact(text)
