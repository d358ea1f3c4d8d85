"""The person's journey through the handoff: its time limits, defined once, read by Settings (bot/config.py).

- HELPLINE_QUEUE_ACK_PAUSE_SECONDS (120): a message typed while queued is acknowledged if it is the
  first, or the first after this long.
- HELPLINE_ABANDON_AWAY_MINUTES (5): a waiting web chat whose tab has been closed this long leaves the
  queue as abandoned.
- HELPLINE_ABANDON_SILENT_MINUTES (30): a waiting REST chat silent this long leaves it as abandoned.
- HELPLINE_ABANDON_RETURN_HOURS (4): someone who comes back within this time, while new chats are
  accepted, gets their place back.
- HELPLINE_CLAIM_RELEASE_MINUTES (10): a chat whose nurse signed out, or whose session ended, this long
  ago goes back to the queue.
- HELPLINE_URGENT_REALERT_MINUTES (5): an urgent chat still unclaimed this long after it arrived, or after its
  last alert, alerts every available nurse again (bot/handoff/urgent_alerts.py); 0 turns this off.
- HELPLINE_SWEEP_SECONDS (15): how often each Rasa process checks for closing time, abandoned chats,
  stuck claims and queue moves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.channels.common import Channel

# Which channels show presence: the widget's socket says when the tab closes. A REST client has only
# its silence. A text always reaches a phone, so an SMS chat never leaves the queue for being quiet.
AWAY_CHANNELS = frozenset({Channel.WEBCHAT})
SILENT_CHANNELS = frozenset({Channel.REST})


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    value = float(raw)
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


@dataclass(frozen=True)
class JourneyTimes:
    ack_pause: dt.timedelta = dt.timedelta(seconds=120)
    away_abandon: dt.timedelta = dt.timedelta(minutes=5)
    silent_abandon: dt.timedelta = dt.timedelta(minutes=30)
    return_window: dt.timedelta = dt.timedelta(hours=4)
    claim_release: dt.timedelta = dt.timedelta(minutes=10)
    urgent_realert: dt.timedelta = dt.timedelta(minutes=5)
    sweep_seconds: float = 15.0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> JourneyTimes:
        """The times `Settings` read from the environment (or from `env`)."""
        from bot.config import Settings

        return Settings.from_env(env).journey_times

    @classmethod
    def from_variables(cls, env: Mapping[str, str]) -> JourneyTimes:
        """Only `Settings.from_env` calls this: it is where the environment is read."""
        default = cls()
        return cls(
            ack_pause=dt.timedelta(
                seconds=_number(env, "HELPLINE_QUEUE_ACK_PAUSE_SECONDS", default.ack_pause.total_seconds())
            ),
            away_abandon=dt.timedelta(
                minutes=_number(env, "HELPLINE_ABANDON_AWAY_MINUTES", default.away_abandon.total_seconds() / 60)
            ),
            silent_abandon=dt.timedelta(
                minutes=_number(env, "HELPLINE_ABANDON_SILENT_MINUTES", default.silent_abandon.total_seconds() / 60)
            ),
            return_window=dt.timedelta(
                hours=_number(env, "HELPLINE_ABANDON_RETURN_HOURS", default.return_window.total_seconds() / 3600)
            ),
            claim_release=dt.timedelta(
                minutes=_number(env, "HELPLINE_CLAIM_RELEASE_MINUTES", default.claim_release.total_seconds() / 60)
            ),
            urgent_realert=dt.timedelta(
                minutes=_number(env, "HELPLINE_URGENT_REALERT_MINUTES", default.urgent_realert.total_seconds() / 60)
            ),
            sweep_seconds=max(0.1, _number(env, "HELPLINE_SWEEP_SECONDS", default.sweep_seconds)),
        )
