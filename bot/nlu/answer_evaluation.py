"""Scores whole conversations against expected answers: the trained model, the dialogue rules and the real actions.

Each turn of tests/nlu/answers.yml names what should answer it: a content entry id, or
`other_cancer`, `out_of_scope`, `clarify` or `safety`. Rasa runs the model as in
production; the custom actions run in this process through rasa-sdk's executor, against
a content store imported into a temporary database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo

import yaml

from bot.config import PROJECT_ROOT

ANSWERS = PROJECT_ROOT / "tests" / "nlu" / "answers.yml"
# A Monday morning: the helpline is open, so nothing depends on the hour.
OPEN_HOURS = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
OUTCOME_FOR_RESPONSE = {
    "utter_other_cancer": "other_cancer",
    "utter_out_of_scope": "out_of_scope",
    "utter_clarify": "clarify",
    "utter_offer_helpline": "clarify",
    "utter_emergency": "safety",
    "utter_urgent_symptom": "safety",
    "utter_crisis": "safety",
}


@dataclass(frozen=True)
class TurnResult:
    conversation: int
    text: str
    expected: str
    got: str


@dataclass(frozen=True)
class AnswerScores:
    turns: int
    correct: int
    results: tuple[TurnResult, ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.turns if self.turns else 0.0

    @property
    def errors(self) -> tuple[TurnResult, ...]:
        return tuple(r for r in self.results if r.expected != r.got)


def load_conversations(path: Path = ANSWERS) -> list[list[tuple[str, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [[(str(t["text"]), str(t["expect"])) for t in c["turns"]] for c in data["conversations"]]


def _in_process_actions():
    """An action endpoint that runs rasa-sdk's executor here instead of posting to a server."""
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk.executor import ActionExecutor

    class InProcessActions(EndpointConfig):
        def __init__(self) -> None:
            super().__init__(url="http://in-process/webhook")
            self.executor = ActionExecutor()
            self.executor.register_package("actions")

        async def request(self, method: str = "post", subpath: Optional[str] = None, **kwargs: Any) -> Any:
            return await self.executor.run(kwargs["json"])

    return InProcessActions()


def _use_services(database: Path) -> None:
    from actions import services as registry
    from bot.config import Settings
    from bot.content.importer import import_content
    from bot.db import make_engine, make_session_factory, upgrade

    env = dict(os.environ, HELPLINE_DATA_DIR=str(database.parent), HELPLINE_CONTENT_CACHE_SECONDS="0")
    env.pop("HELPLINE_DATABASE_URL", None)
    env.pop("HELPLINE_TRACKER_DATABASE_URL", None)
    env["TRACKER_DB"] = str(database.parent / "tracker.db")
    settings = Settings.from_env(env)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    import_content(make_session_factory(engine), settings.content_dir)
    built = registry.build_services(settings, lambda: OPEN_HOURS)
    registry.get_services = lambda: built  # type: ignore[assignment]


def _outcome(events: list) -> str:
    """What answered the latest turn: the content entry, or the kind of reply."""
    from rasa.shared.core.events import BotUttered, SlotSet

    outcome = "none"
    for event in events:
        if isinstance(event, SlotSet) and event.key == "last_content_id" and event.value:
            return str(event.value)
        if isinstance(event, BotUttered):
            name = (event.metadata or {}).get("utter_action")
            if outcome == "none" and name in OUTCOME_FOR_RESPONSE:
                outcome = OUTCOME_FOR_RESPONSE[name]
            elif outcome == "none" and name:
                outcome = name
    return outcome


async def _run(model: Path, conversations: list[list[tuple[str, str]]]) -> list[TurnResult]:
    from rasa.core.agent import Agent
    from rasa.shared.core.events import UserUttered

    agent = Agent.load(str(model), action_endpoint=_in_process_actions())
    results = []
    for number, turns in enumerate(conversations):
        sender = f"eval-{uuid.uuid4().hex}"
        for text, expected in turns:
            await agent.handle_text(text, sender_id=sender)
            tracker = await agent.tracker_store.retrieve(sender)
            assert tracker is not None
            events = list(tracker.events)
            last_user = max(i for i, e in enumerate(events) if isinstance(e, UserUttered))
            results.append(TurnResult(number, text, expected, _outcome(events[last_user + 1 :])))
    return results


JOURNEYS = PROJECT_ROOT / "tests" / "nlu" / "journeys.yml"


async def _transcripts(model: Path, journeys: list[dict]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model), action_endpoint=_in_process_actions())
    lines = []
    for number, journey in enumerate(journeys):
        sender = f"journey-{uuid.uuid4().hex}"
        lines.append(f"#{number} {journey.get('persona', '')}")
        for turn in journey["turns"]:
            replies = await agent.handle_text(str(turn["say"]), sender_id=sender) or []
            lines += [f"  > {turn['say']}", f"    (a good reply: {turn['good']})"]
            for reply in replies:
                buttons = " | ".join(b["title"] for b in reply.get("buttons") or [])
                lines.append(f"    < {reply.get('text') or ''}" + (f" [{buttons}]" if buttons else ""))
    return lines


def transcripts(model: Path, path: Path = JOURNEYS) -> list[str]:
    """Every journey of `path` through `model` and the real actions, as lines to read, with what a good reply does."""
    journeys = yaml.safe_load(path.read_text(encoding="utf-8"))["journeys"]
    with tempfile.TemporaryDirectory() as folder:
        _use_services(Path(folder) / "helpline.db")
        return asyncio.run(_transcripts(model, journeys))


def evaluate_answers(model: Path, path: Path = ANSWERS) -> AnswerScores:
    """Runs every conversation of `path` through `model` and the real actions."""
    conversations = load_conversations(path)
    with tempfile.TemporaryDirectory() as folder:
        _use_services(Path(folder) / "helpline.db")
        results = asyncio.run(_run(model, conversations))
    return AnswerScores(len(results), sum(r.expected == r.got for r in results), tuple(results))
