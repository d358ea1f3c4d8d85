"""GSM-7 checks for SMS text: one answer must fit the cheap GSM-7 alphabet, not UCS-2."""

from __future__ import annotations

import codecs

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

CODEC = "gsm03.38"


def non_gsm7_characters(text: str) -> list[str]:
    """The characters of `text` that GSM-7 cannot carry, in order of first use."""
    found: list[str] = []
    encoder = codecs.getencoder(CODEC)
    for char in text:
        try:
            encoder(char)
        except UnicodeEncodeError:
            if char not in found:
                found.append(char)
    return found
