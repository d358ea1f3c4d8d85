"""`rasa data validate` stays clean: every warning it prints must be explained."""

from __future__ import annotations

import re

from bot.config import PROJECT_ROOT
from tests.support.rasa_cli import validate_data

UNUSED_UTTERANCE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
# Rasa's own action_default_fallback utters this one.
USED_BY_RASA = {"utter_default"}


def _uttered_by_code() -> tuple[set[str], set[str]]:
    """Response names that actions/ or bot/ code names as string literals, and f-string prefixes."""
    files = list((PROJECT_ROOT / "actions").glob("*.py")) + list((PROJECT_ROOT / "bot").rglob("*.py"))
    source = "\n".join(p.read_text() for p in files)
    names = set(re.findall(r'"(utter_\w+)"', source))
    prefixes = set(re.findall(r'response=f"(utter_\w+?)\{', source))
    return names, prefixes


def _asked_by_forms() -> set[str]:
    """Rasa's forms ask for each required slot with `utter_ask_<slot>`."""
    import yaml

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    return {
        f"utter_ask_{slot}" for form in (domain.get("forms") or {}).values() for slot in form.get("required_slots", [])
    }


def _saved_replies() -> set[str]:
    """Responses the nurses insert from the console (data/console/replies.yml)."""
    import yaml

    data = yaml.safe_load((PROJECT_ROOT / "data" / "console" / "replies.yml").read_text())
    return {str(reply["response"]) for reply in data["replies"]}


def _explained(warning: str) -> bool:
    match = UNUSED_UTTERANCE.search(warning)
    if not match:
        return False
    name = match.group(1)
    names, prefixes = _uttered_by_code()
    return (
        name in USED_BY_RASA
        or name in names
        or name in _asked_by_forms()
        or name in _saved_replies()
        or any(name.startswith(p) for p in prefixes)
    )


def test_rasa_data_validate_has_no_unexplained_warnings():
    returncode, output = validate_data()
    warnings = [line.split("UserWarning:", 1)[1].strip() for line in output.splitlines() if "UserWarning:" in line]
    assert returncode == 0, output[-3000:]
    assert warnings, "expected rasa's warnings about responses only custom actions utter"
    unexplained = [w for w in warnings if not _explained(w)]
    assert unexplained == [], "\n".join(unexplained)
