"""How a symptom is framed in a message: happening now, or negated, hypothetical, asked about, or in the past.

A red flag is an emergency only when it is happening now. "No numbness in my legs" is negated,
"if I ever get chest pain" is hypothetical, "does coughing up blood always mean…" asks about a
sign, and "had chest pains last Christmas, it turned out to be anxiety" is in the past. The
rule layer still sees those symptoms (they get information and safety-netting, not 999), and
when unsure it treats a symptom as happening now.
"""

from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Span, Token

NEGATIONS = frozenset({"no", "not", "n't", "nt", "never", "without", "none", "denies", "nor", "neither"})
NEGATION_WINDOW = 6
NOT_NEGATING_NEXT = frozenset({"stop", "help"})  # "can't stop shivering", "can't help being sick"
CRISIS_NEGATION_WINDOW = 2  # "not suicidal", "would never hurt myself"; but "don't see the point of living" counts
# A negation does not reach across these: "i'm not sure but my legs are numb" is not negated.
CLAUSE_BREAKS = frozenset({",", ";", ":", ".", "but", "and", "though", "although", "so", "because", "yet", "-", "now"})

HYPOTHETICAL_WORDS = frozenset({"if", "whether", "unless", "supposing", "suppose", "ever"})
HYPOTHETICAL_PHRASES = (
    "what are the",
    "look out for",
    "looking out for",
    "watch out for",
    "watching out for",
    "signs of",
    "symptoms of",
    "warning signs",
    "red flag",
    "red-flag",
    "in case",
    "how do i know",
    "how would i know",
    "how will i know",
    "what happens",
    "what would happen",
    "managing",  # a topic asked about: "managing breathlessness at home"
    "how to manage",
    "coping with",
    "tips for",
    "tips on",
    "leaflet on",
    "leaflet about",
)

# A sentence that asks something: ends with "?" or starts with one of these.
QUESTION_STARTS = frozenset(
    "what what's whats which how why when does do did can could is are will would should may might has have".split()
)
# Someone real in the sentence before the symptom: "should I worry that I'm coughing up blood?"
# is about now, "does coughing up blood always mean it has spread?" asks about a sign.
PERSONAL = frozenset(
    "i i'm i've i'd im ive me my mine myself she she's her he he's his him we our us they're mum mom "
    "mum's dad wife husband partner sister brother daughter son friend".split()
)

POSSESSIVES = frozenset({"my", "her", "his", "our", "their"})
# "can my tablets cause chest pain?" asks about a treatment, not about the person now.
TREATMENTS = frozenset(
    "tablets tablet pills meds medication medicine medicines drugs treatment treatments chemo "
    "chemotherapy radiotherapy injection injections hormone tamoxifen letrozole anastrozole "
    "exemestane herceptin".split()
)

# The symptom is over: "…but it's gone", "it cleared up", "turned out to be anxiety", "fine now".
RESOLVED = re.compile(
    r"\b(it'?s gone|it has gone|has gone now|went away|it went|gone now|cleared up|cleared|settled|"
    r"sorted it|sorted|fine now|better now|ok now|okay now|recovered|turned out|nothing since|resolved|"
    r"all good now|passed now|it passed)\b"
)
# Long enough ago to be history, in the same clause: "a couple of years ago", "back in 2020", "last Christmas".
DISTANT_PAST = re.compile(
    r"\b((\d+|a|an|few|couple of|several|many) (months?|years?) ago|years ago|months ago|"
    r"last (year|month|christmas|summer|winter|spring|autumn)|back in|in (19|20)\d\d|"
    r"as a (child|kid|teenager)|when (i|she|he) was (young|little|a child|pregnant)|"
    r"when (i|she|he) was (on|having) (chemo|chemotherapy|treatment|radiotherapy|ec|fec|\w+xel))\b"
)
MILD = re.compile(r"\b(a bit|a little|bit of|slight|slightly|mild|mildly|minor|little)\b")
MILD_WINDOW = 5
SEVERE = re.compile(
    r"\b(sudden|suddenly|all of a sudden|out of nowhere|severe|severely|worst|really bad|very bad|so bad|awful|"
    r"terrible|excruciating|unbearable|agony|agonising|agonizing|getting worse|worse and worse|can't|cannot|"
    r"won't stop|keeps?|non-?stop|collapsed|blue|a lot|lots of)\b"
)
ONGOING = re.compile(r"\b(since|for the (past|last)|still|now|today|tonight|this morning|getting worse)\b")


def negated(span: Span, window: int = NEGATION_WINDOW) -> bool:
    """A negation cue shortly before the span, in the same clause ("can't stop being sick" is not one)."""
    doc = span.doc
    for token in reversed(doc[max(span.sent.start, span.start - window) : span.start]):
        if token.lower_ in CLAUSE_BREAKS:
            return False
        if token.lower_ in NEGATIONS:
            return not (token.i + 1 < len(doc) and doc[token.i + 1].lower_ in NOT_NEGATING_NEXT)
    return False


def _clause_start(span: Span) -> int:
    doc, start = span.doc, span.start
    while start > span.sent.start and doc[start - 1].lower_ not in CLAUSE_BREAKS:
        start -= 1
    return start


def _clause_end(span: Span) -> int:
    doc, end = span.doc, span.end
    while end < span.sent.end and doc[end].lower_ not in CLAUSE_BREAKS:
        end += 1
    return end


def hypothetical(span: Span) -> bool:
    """ "if I ever get…", "what are the signs of…", "in case she gets…": earlier in the same clause."""
    before = span.doc[_clause_start(span) : span.start]
    if any(token.lower_ in HYPOTHETICAL_WORDS for token in before):
        return True
    text = before.text.lower()
    return any(phrase in text for phrase in HYPOTHETICAL_PHRASES)


def asked_about(span: Span) -> bool:
    """A question about a sign ("does coughing up blood always mean…?"), not about anyone now.

    Either the sentence opens with a question word and the symptom is in its first clause, or the
    symptom's own clause opens with one and ends with "?". Someone real named before the symptom
    ("is it normal that my legs are numb?") makes it a statement about now.
    """
    doc, sent = span.doc, span.sent
    first, end = _clause_start(span), _clause_end(span)
    opens_sentence = first == sent.start and doc[first].lower_ in QUESTION_STARTS
    ends_with_question = doc[end - 1].text.endswith("?") or (end < sent.end and doc[end].text.endswith("?"))
    opens_clause = doc[first].lower_ in QUESTION_STARTS and ends_with_question
    if not (opens_sentence or opens_clause):
        return False
    return not any(_about_someone(token) for token in doc[first : span.start])


def _about_someone(token: Token) -> bool:
    """ "I", "she", "my legs", "her back": someone real; "my tablets", "her chemo" are things."""
    if token.lower_ not in PERSONAL:
        return False
    following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    return not (token.lower_ in POSSESSIVES and following in TREATMENTS)


def in_the_past(span: Span) -> bool:
    """Over and done with: a resolution later in the sentence, or a distant time in the same clause."""
    doc = span.doc
    after = doc[span.end : span.sent.end].text.lower()
    resolved = RESOLVED.search(after)
    if resolved and not ONGOING.search(after[: resolved.start()]):
        return True
    clause = doc[_clause_start(span) : _clause_end(span)].text.lower()
    return bool(DISTANT_PAST.search(clause)) and not ONGOING.search(clause)


def verb_negated(span: Span) -> bool:
    """Negated by "n't", "not" or "never" ("haven't opened my bowels"), not by "no" ("no problems with my bowels")."""
    doc = span.doc
    for token in reversed(doc[max(span.sent.start, span.start - NEGATION_WINDOW) : span.start]):
        if token.lower_ in CLAUSE_BREAKS or token.lower_ == "no":
            return False
        if token.lower_ in ("n't", "not", "never", "nt"):
            return True
    return False


def severe(span: Span) -> bool:
    """Said to be sudden, severe or getting worse, anywhere in the same sentence."""
    return bool(SEVERE.search(span.sent.text.lower()))


def mild(span: Span) -> bool:
    """ "a bit of a stiff back", "slight cough", "mild headache": said to be minor, in the same clause."""
    before = span.doc[max(_clause_start(span), span.start - MILD_WINDOW) : span.start].text.lower()
    return bool(MILD.search(before))


def framing(span: Span) -> Optional[str]:
    """None when the symptom is (or may be) happening now; otherwise how it is framed."""
    if negated(span):
        return "negated"
    if hypothetical(span):
        return "hypothetical"
    if asked_about(span):
        return "asked"
    if in_the_past(span):
        return "past"
    return None
