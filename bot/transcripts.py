"""A conversation's stored events as the nurse reads them in the transcript.

They are read from Rasa's tracker store by bot/rasa_runtime/transcripts.py.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from bot.models import Author

Turn = Tuple[str, str]  # (Author.PERSON or Author.BOT, text)
SPEAKERS = {"user": Author.PERSON, "bot": Author.BOT}
PAYLOAD_PREFIX = "/"  # "/request_nurse": sent by a button or by the page, not typed
EVENT_LINE = "[{intent}]"  # what stands in the transcript for a payload no button offered


def spoken_turns(events: Sequence[Dict[str, Any]]) -> List[Turn]:
    """Rasa's user and bot events as the nurse should read them.

    A payload is never shown as the person's words: a button's payload shows as that button's title
    (from the bot message that offered it); any other payload ("/greet", sent by the widget when it
    opens, or NURSE by SMS) shows as an event line naming its intent, "[request_nurse]".
    """
    turns: List[Turn] = []
    offered: Dict[str, str] = {}
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                offered = {str(b["payload"]): str(b["title"]) for b in buttons if b.get("payload") and b.get("title")}
            if text:
                turns.append((Author.BOT, text))
        elif kind == "user" and text:
            if text.startswith(PAYLOAD_PREFIX):
                intent = text[len(PAYLOAD_PREFIX) :].split("{", 1)[0].split("@", 1)[0]
                turns.append((Author.PERSON, offered.get(text) or EVENT_LINE.format(intent=intent)))
            else:
                turns.append((Author.PERSON, text))
    return turns
