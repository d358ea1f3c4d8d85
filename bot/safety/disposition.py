"""Graded dispositions, as NHS 111 grades them: what the assistant does with one message.

- emergency (999 or A&E) and urgent (acute oncology or chemotherapy helpline, NHS 111 now): only
  when the rule layer recognises a red flag happening now, or when the classifier is highly
  confident and the message describes a symptom happening now;
- safety_netting: the information asked for, plus "if you have symptoms like this now, call…",
  with no urgent handoff. For a red flag asked about, hypothetical or in the past, a bare
  symptom word, or a symptom the classifier is unsure about;
- crisis (Samaritans, 999): thoughts of suicide or self-harm;
- low_mood: low mood without crisis language: the coping route, with the nurses and Samaritans
  as an option;
- none: everything else. Digits, menu replies and messages with no words are never a symptom.

Where the rule layer and the classifier disagree, `review` says so, so that a clinician can go
through those conversations later. The thresholds are chosen by measurement (BENCHMARKS.md,
"Safety triage"), and set in config.yml.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Optional, Sequence

from bot.intents import FALLBACK_INTENT, QUESTION_PREFIX
from bot.safety.detector import CRISIS_REASON, RED_FLAG_RULES, Finding

EMERGENCY, URGENT, SAFETY_NETTING, CRISIS, LOW_MOOD, NONE = (
    "emergency",
    "urgent",
    "safety_netting",
    "crisis",
    "low_mood",
    "none",
)
URGENT_INTENT, CRISIS_INTENT = "report_urgent_symptom", "express_crisis"
URGENT_HELP_PAYLOAD = f"/{URGENT_INTENT}"  # the widget's "Urgent help" button: the urgent route, in a handoff too
OUT_OF_SCOPE_INTENT = "out_of_scope"
SAFETY_KEY = "safety"  # where the SafetyNet puts the disposition in the parse result, and so in the tracker

# Which route each red flag gets. Both routes' wording names 999 and NHS 111; the grade sets which
# comes first and how the nurse queue shows it. For the clinical safety officer to confirm.
RED_FLAG_GRADES: dict[str, str] = {
    "possible spinal cord compression: back pain with leg numbness or weakness": URGENT,
    "possible spinal cord compression: loss of bladder or bowel control": URGENT,
    "possible spinal cord compression: numb or weak legs": URGENT,
    "severe headache with vomiting, confusion or a seizure": EMERGENCY,
    "seizure": EMERGENCY,
    "sudden breathlessness": EMERGENCY,
    "chest pain": EMERGENCY,
    "coughing up blood": EMERGENCY,
    "vomiting blood": EMERGENCY,
    "possible fracture: a broken bone": URGENT,
    "possible infection: high temperature or feeling very unwell during chemotherapy": URGENT,
    "possible high calcium: extreme thirst with confusion or constipation": URGENT,
    "possible stroke: sudden weakness on one side": EMERGENCY,
}
assert set(RED_FLAG_GRADES) == set(RED_FLAG_RULES), "every red flag needs a grade"
CLASSIFIER_RED_FLAG = "possible red-flag symptom (classifier only)"
RULES, CLASSIFIER, BOTH = "rule layer", "classifier", "rule layer and classifier"
# Why a disposition needs a clinician's review: the rule layer and the classifier disagreed.
REVIEW_RULE_ONLY = "rule_layer_only"  # the rule layer fired, the classifier did not
REVIEW_CLASSIFIER_ONLY = "classifier_only"  # the classifier fired alone
REVIEW_NOT_NOW = "classifier_overruled_not_happening_now"  # confident classifier, but no symptom now
REVIEW_IDIOM = "classifier_overruled_figure_of_speech"
REVIEW_NOT_A_SYMPTOM = "classifier_overruled_menu_reply"  # a digit, a menu reply or no words
REVIEW_SINGLE_WORD = "single_word_read_as_a_topic"

_MENU_REPLY = re.compile(
    r"^\s*(?:(?:option|opt|number|no\.?|#)\s*)?\d{1,2}\s*[.)!]?\s*$"
    r"|^\s*(?:the\s+)?(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)"
    r"(?:\s+(?:one|option))?(?:\s+(?:please|pls|plz))?\s*[.!]?\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)


@dataclass(frozen=True)
class Thresholds:
    """Classifier confidences (0-1) for the graded routes; config.yml's SafetyNet block sets them."""

    urgent: float = 0.8  # classifier alone, with a symptom now that could be serious: emergency/urgent route
    crisis: float = 0.8  # classifier alone, with no figure of speech to explain it: crisis route
    safety_netting: float = 0.3  # classifier unsure about a symptom: information plus safety-netting
    low_mood: float = 0.3  # classifier unsure about crisis, rule layer found none: coping route


@dataclass(frozen=True)
class Disposition:
    grade: str
    red_flags: tuple[str, ...] = ()  # happening now (emergency/urgent), or named (safety_netting)
    source: str = ""  # "rule layer", "classifier", "rule layer and classifier"
    rule_layer: str = "none"  # what the rule layer said: crisis, red_flag, mentioned, symptom, low_mood, none
    classifier: Optional[tuple[str, float]] = None  # the likelier safety intent and its confidence
    review: Optional[str] = None  # set when the rule layer and the classifier disagree
    input_kind: Optional[str] = None  # menu_reply, no_words, single_word

    @property
    def urgent_route(self) -> bool:
        return self.grade in (EMERGENCY, URGENT)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["red_flags"] = list(self.red_flags)
        data["classifier"] = list(self.classifier) if self.classifier else None
        return data

    @classmethod
    def from_dict(cls, data: Optional[dict[str, Any]]) -> Optional[Disposition]:
        if not data or data.get("grade") not in (EMERGENCY, URGENT, SAFETY_NETTING, CRISIS, LOW_MOOD, NONE):
            return None
        classifier = data.get("classifier")
        return cls(
            grade=data["grade"],
            red_flags=tuple(data.get("red_flags") or ()),
            source=data.get("source") or "",
            rule_layer=data.get("rule_layer") or "none",
            classifier=(str(classifier[0]), float(classifier[1])) if classifier else None,
            review=data.get("review"),
            input_kind=data.get("input_kind"),
        )


def input_kind(text: str) -> Optional[str]:
    """menu_reply ("1", "option 2", "the first one"), no_words ("👍"), single_word, or None."""
    if _MENU_REPLY.match(text):
        return "menu_reply"
    words = _WORD.findall(text)
    if not words:
        return "no_words"
    if len(words) == 1:
        return "single_word"
    return None


def _confidence(ranking: Sequence[dict[str, Any]], intent: str) -> float:
    return max((float(r.get("confidence") or 0.0) for r in ranking if r.get("name") == intent), default=0.0)


def _grade_of(red_flags: Sequence[str]) -> str:
    return EMERGENCY if any(RED_FLAG_GRADES.get(r) == EMERGENCY for r in red_flags) else URGENT


def _rule_layer_said(finding: Finding) -> str:
    if finding.kind:
        return finding.kind
    if finding.mentioned:
        return "mentioned"
    if finding.low_mood:
        return "low_mood"
    return "symptom" if finding.symptom_now else "none"


def decide(
    text: str,
    finding: Finding,
    ranking: Sequence[dict[str, Any]] = (),
    thresholds: Thresholds = Thresholds(),
    scoped_out: bool = False,
) -> Disposition:
    """The disposition for one message, from the rule layer's finding and the classifier's ranking.

    With no ranking (the channel gate during a nurse chat), the rule layer decides alone.
    `scoped_out`: the ScopeGuard found the message is about another subject ("my dog keeps coughing").
    """
    kind = input_kind(text)
    urgent_c, crisis_c = _confidence(ranking, URGENT_INTENT), _confidence(ranking, CRISIS_INTENT)
    likelier = max(((URGENT_INTENT, urgent_c), (CRISIS_INTENT, crisis_c)), key=lambda pair: pair[1])
    said = (likelier[0], round(likelier[1], 3)) if ranking and likelier[1] > 0 else None
    rule_layer = _rule_layer_said(finding)

    def result(grade: str, flags: tuple[str, ...] = (), source: str = "", review: Optional[str] = None) -> Disposition:
        return Disposition(grade, flags, source, rule_layer, said, review, kind)

    if kind in ("menu_reply", "no_words"):
        alarmed = max(urgent_c, crisis_c) >= min(thresholds.urgent, thresholds.crisis)
        return result(NONE, review=REVIEW_NOT_A_SYMPTOM if alarmed else None)

    if finding.kind == "crisis":
        agrees = crisis_c >= thresholds.low_mood or not ranking
        return result(CRISIS, (CRISIS_REASON,), BOTH if agrees else RULES, None if agrees else REVIEW_RULE_ONLY)

    if finding.kind == "red_flag":
        if kind == "single_word":
            return result(SAFETY_NETTING, finding.reasons, RULES, REVIEW_SINGLE_WORD)
        agrees = urgent_c >= thresholds.safety_netting or not ranking
        grade = _grade_of(finding.reasons)
        return result(grade, finding.reasons, BOTH if agrees else RULES, None if agrees else REVIEW_RULE_ONLY)

    if kind is None and crisis_c >= thresholds.crisis:
        if finding.idiom:
            return result(NONE, source=RULES, review=REVIEW_IDIOM)
        return result(CRISIS, (CRISIS_REASON,), CLASSIFIER, REVIEW_CLASSIFIER_ONLY)

    if kind is None and urgent_c >= thresholds.urgent and finding.could_be_serious:
        return result(URGENT, (CLASSIFIER_RED_FLAG,), CLASSIFIER, REVIEW_CLASSIFIER_ONLY)

    overruled = REVIEW_NOT_NOW if urgent_c >= thresholds.urgent else None
    if finding.mentioned:
        return result(SAFETY_NETTING, finding.mentioned, RULES, overruled)
    # A symptom now that is not a red flag, in a question about recurrence ("ive had a cough for a few
    # days, could it be back?") or in a message the classifier could not place ("I have a headache"):
    # the answer, then the safety-netting line. So is a symptom in the past or asked about in a message
    # it could not place ("I had a small lump last month but it went away, should I worry?"). A symptom
    # now the classifier alone put out of scope is the person's too ("I have a headache"); not one the
    # ScopeGuard put there as another subject ("my dog keeps coughing").
    top = str(ranking[0].get("name") or "") if ranking else ""
    unsure, asked = top == FALLBACK_INTENT, top.startswith(QUESTION_PREFIX)
    guessed_out = top == OUT_OF_SCOPE_INTENT and not scoped_out
    placed = kind == "single_word" or urgent_c >= thresholds.safety_netting or unsure or asked or guessed_out
    if (finding.symptom_now and placed) or (unsure and finding.framings):
        return result(SAFETY_NETTING, (), CLASSIFIER if urgent_c >= thresholds.safety_netting else RULES, overruled)
    if finding.low_mood or (crisis_c >= thresholds.low_mood and not finding.idiom):
        return result(LOW_MOOD, (), RULES if finding.low_mood else CLASSIFIER)
    return result(NONE, review=overruled)


GRADE_RESPONSE = {EMERGENCY: "utter_emergency", URGENT: "utter_urgent_symptom", CRISIS: "utter_crisis"}
REASON_RESPONSES = {
    EMERGENCY: "utter_safety_grade_emergency",
    URGENT: "utter_safety_grade_urgent",
    CRISIS: "utter_safety_grade_crisis",
}


def safety_reply(disposition: Optional[Disposition]) -> str:
    """The response the person is sent for an emergency, urgent or crisis disposition (urgent if unknown)."""
    grade = disposition.grade if disposition is not None else URGENT
    return GRADE_RESPONSE.get(grade, GRADE_RESPONSE[URGENT])


def nurse_reason(disposition: Optional[Disposition], wording: Any) -> str:
    """What the nurse queue shows: the grade and the red flags, e.g. "Urgent, …: possible spinal cord compression: …".

    `wording` is a bot.wording.Wording: the words are the domain's responses.
    """
    grade = disposition.grade if disposition is not None and disposition.grade in REASON_RESPONSES else URGENT
    if disposition is None or not disposition.red_flags:
        named = [wording.text("utter_safety_red_flag_unnamed")]
    else:
        named = [
            wording.text("utter_safety_classifier_only") if flag == CLASSIFIER_RED_FLAG else flag
            for flag in disposition.red_flags
        ]
    grade_text = wording.text(REASON_RESPONSES[grade])
    return str(wording.text("utter_safety_handoff_reason", grade=grade_text, red_flag="; ".join(named)))
