"""SMS text: GSM-7 normalisation, segment counting and splitting, so no reply falls back to costly UCS-2."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

from bot.gsm7 import CODEC

SINGLE_SEGMENT = 160  # septets in a GSM-7 message that fits one SMS
CONCATENATED_SEGMENT = 153  # septets per part once a message needs several (the rest is the UDH)
UCS2_SINGLE_SEGMENT = 70
UCS2_CONCATENATED_SEGMENT = 67
MAX_SEGMENTS = 3  # the most one outgoing SMS may cost

_REPLACEMENTS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u2022\u2023\u2043\u2219\u25e6\u25aa\u25cf\u00b7", "-"),
    **dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t", " "),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
    "\u2026": "...",
    "\u2044": "/",
    "\u00d7": "x",
    "\u00f7": "/",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u2122": "TM",
    "\u00b0": " degrees",
}
_LINE_ENDINGS = re.compile(r"\r\n?")
_TEMPERATURE = re.compile(r"\s?\u00b0\s?([CF])\b")
_encode = codecs.getencoder(CODEC)


@lru_cache(maxsize=4096)
def septets(char: str) -> int:
    """GSM-7 septets one character costs (2 for the extension table: € [ ] { } ~ ^ \\ |); 0 if it has none."""
    try:
        return len(_encode(char)[0])
    except UnicodeEncodeError:
        return 0


def is_gsm7(text: str) -> bool:
    return all(septets(char) for char in text)


def _closest(char: str) -> str:
    """The character's compatibility form without accents ("ﬁ" -> "fi", "½" -> "1/2") where GSM-7 has it, else "?"."""
    base = [c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
    plain = "".join(_REPLACEMENTS.get(c, c) for c in base)
    if plain and is_gsm7(plain):
        return plain
    return "?"


def normalise(text: str) -> str:
    """Text GSM-7 can carry: typographic marks become their plain forms, anything else the closest or "?"."""
    text = _TEMPERATURE.sub(r" degrees \1", _LINE_ENDINGS.sub("\n", text))
    out = []
    for char in text:
        if char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        elif septets(char):
            out.append(char)
        elif unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
            continue  # combining marks, joiners and controls carry nothing visible on their own
        else:
            out.append(_closest(char))
    return "".join(out)


def _gsm7_segments(costs: list[int]) -> int:
    total = sum(costs)
    if total == 0:
        return 0
    if total <= SINGLE_SEGMENT:
        return 1
    segments, used = 1, 0
    for cost in costs:  # an escape pair is never split across two parts
        if used + cost > CONCATENATED_SEGMENT:
            segments, used = segments + 1, 0
        used += cost
    return segments


def _ucs2_segments(text: str) -> int:
    units = [len(char.encode("utf-16-le")) // 2 for char in text]
    total = sum(units)
    if total <= UCS2_SINGLE_SEGMENT:
        return 1 if total else 0
    segments, used = 1, 0
    for unit in units:  # a surrogate pair is never split either
        if used + unit > UCS2_CONCATENATED_SEGMENT:
            segments, used = segments + 1, 0
        used += unit
    return segments


def segment_count(text: str) -> int:
    """How many SMS parts the text costs as sent: GSM-7 when every character has septets, else UCS-2."""
    costs = [septets(char) for char in text]
    if all(costs):
        return _gsm7_segments(costs)
    return _ucs2_segments(text)


def _fits(text: str, max_segments: int) -> bool:
    return segment_count(text) <= max_segments


def _longest_fitting_prefix(text: str, max_segments: int) -> int:
    """Length of the longest prefix of `text` that fits, found by bisection (cost grows with length)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(text[:middle], max_segments):
            low = middle
        else:
            high = middle - 1
    return low


def _break_at(text: str, limit: int) -> int:
    """Where to end a part of at most `limit` characters: a paragraph, a sentence, a word, or hard."""
    if limit >= len(text):
        return len(text)
    window = text[: limit + 1]
    floor = limit // 2  # never leave a part less than half full just to find a nice break
    for pattern in (r"\n\s*\n", r"[.!?:;]\s", r"\s"):
        matches = [m.end() for m in re.finditer(pattern, window) if floor <= m.end() <= limit + 1]
        if matches:
            return min(matches[-1], limit)
    return limit


_BULLET = re.compile(r"^[ \t]*[-*][ \t]+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
PART_NUMBER_ROOM = "99/99 "  # the widest part number a text is given room for


def plain_lines(text: str) -> str:
    """Web-style lists as plain SMS lines: "- item" becomes "item" on its own line."""
    return _BULLET.sub("", normalise(text)).strip()


def split(text: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """Normalised text cut into SMS of at most `max_segments` segments each, at natural breaks."""
    rest = plain_lines(text)
    parts = []
    while rest:
        if _fits(rest, max_segments):
            parts.append(rest)
            break
        cut = max(1, _break_at(rest, _longest_fitting_prefix(rest, max_segments)))
        part = rest[:cut].strip()
        if part:
            parts.append(part)
        rest = rest[cut:].strip()
    return parts


def _pack(pieces: list[str], separator: str, max_segments: int) -> list[str]:
    """Pieces joined into as few texts as fit (with room for a number); a piece too long alone is cut at a word."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if _fits(PART_NUMBER_ROOM + candidate, max_segments):
            current = candidate
            continue
        if current:
            parts.append(current)
        current = piece
        while not _fits(PART_NUMBER_ROOM + current, max_segments):
            room = _longest_fitting_prefix(PART_NUMBER_ROOM + current, max_segments) - len(PART_NUMBER_ROOM)
            cut = max(1, _break_at(current, room))
            parts.append(current[:cut].strip())
            current = current[cut:].strip()
    if current:
        parts.append(current)
    return parts


def numbered_parts(text: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """A long answer as texts of at most `max_segments` segments, numbered "1/3 ", "2/3 "…

    A text ends after a whole list item (or paragraph). An item too long for one text is cut after a
    sentence, and only a sentence too long for a text is cut at a word. One part is not numbered.
    """
    text = plain_lines(text)
    if _fits(text, max_segments):
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for item in (line.strip() for line in text.split("\n") if line.strip()):
        candidate = f"{current}\n{item}" if current else item
        if _fits(PART_NUMBER_ROOM + candidate, max_segments):
            current = candidate
            continue
        if current:
            parts.append(current)
        sentences = [s for s in _SENTENCE_END.split(item.strip()) if s]
        *whole, current = _pack(sentences, " ", max_segments)
        parts.extend(whole)
    if current:
        parts.append(current)
    return [f"{index}/{len(parts)} {part}" for index, part in enumerate(parts, start=1)]
