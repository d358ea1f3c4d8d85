"""Helpline facts for the dialogue: opening status now, and the response that says it."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services
from bot.hours import clock_time, describe_next_opening, weekly_hours


def utter_helpline_status(dispatcher: CollectingDispatcher, services: Services) -> bool:
    """Says whether the nurses can be reached now, or when they can; returns whether open."""
    now = services.now()
    common: dict[str, Any] = {"phone": services.hours.phone, "weekly_hours": weekly_hours(services.hours)}
    session = services.hours.current_session(now)
    if session is not None:
        closes = session.closes.timetz().replace(tzinfo=None)
        dispatcher.utter_message(response="utter_helpline_open_now", closes=clock_time(closes), **common)
        return True
    nxt = describe_next_opening(services.hours, now)
    dispatcher.utter_message(
        response=f"utter_helpline_closed_{nxt.when}",
        weekday=nxt.weekday,
        date=nxt.date,
        time=nxt.time,
        **common,
    )
    return False
