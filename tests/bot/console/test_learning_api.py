"""Learning from use over the console's API: admins only, the reports' range of days, a checked export."""

from __future__ import annotations

import datetime as dt

from rasa.shared.core.domain import Domain

from bot.rasa_runtime.tracker_store import RedactingSQLTrackerStore
from tests.bot.console.conftest import sign_in
from tests.bot.reports.conftest import at, save, turn

# Three days in summer time (UTC+1), apart from any other test's: 0:30 on the third is still the second in UTC.
DAY_1, DAY_2, DAY_3 = (dt.date(2025, 7, 7) + dt.timedelta(days=n) for n in range(3))


def test_an_admin_lists_turns_and_a_bad_export_is_refused(console_server, admin, nurse):
    client = sign_in(console_server.url, admin)
    body = client.get(f"{console_server.url}/api/learning", timeout=10).json()
    assert body["turns"] == [] and "ask_symptoms" in body["intents"] and "fallback" in body["reasons"]
    url = f"{console_server.url}/api/learning/export"
    assert client.post(url, json={"intent": "ask_symptoms", "turns": [1]}, timeout=10).status_code == 404  # no turn
    assert client.post(url, json={"intent": "ask_symptoms", "turns": []}, timeout=10).status_code == 422
    assert client.post(url, json={"intent": "no_such_intent", "turns": [1]}, timeout=10).status_code == 422
    assert sign_in(console_server.url, nurse).get(f"{console_server.url}/api/learning", timeout=10).status_code == 403


def test_the_turns_are_those_of_the_days_chosen_in_the_helplines_time_zone(console_server, admin):
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(console_server.data_dir / "tracker.db")
    )
    not_understood = dict(intent="nlu_fallback", confidence=0.2)
    first_day = [turn("blorp one", "socketio", at(DAY_1, 10), **not_understood)]
    first_day.append(turn("blorp two", "socketio", at(DAY_1, 10, 5), **not_understood))
    save(store, "learn-range-a", first_day)
    save(store, "learn-range-b", [turn("blorp three", "socketio", at(DAY_2, 12), **not_understood)])
    save(store, "learn-range-c", [turn("blorp four", "twilio", at(DAY_3, 0, 30), **not_understood)])
    client = sign_in(console_server.url, admin)

    def learning(first: dt.date, last: dt.date) -> tuple[str, str, list[str]]:
        body = client.get(f"{console_server.url}/api/learning?from={first}&to={last}", timeout=10).json()
        return body["from"], body["to"], [t["text"] for t in body["turns"]]

    assert learning(DAY_1, DAY_1) == (str(DAY_1), str(DAY_1), ["blorp two", "blorp one"])  # newest first
    assert learning(DAY_2, DAY_2) == (str(DAY_2), str(DAY_2), ["blorp three"])
    assert learning(DAY_3, DAY_3) == (str(DAY_3), str(DAY_3), ["blorp four"])  # 23:30 UTC on the 2nd
    assert learning(DAY_3, DAY_1) == (str(DAY_1), str(DAY_3), ["blorp four", "blorp three", "blorp two", "blorp one"])
    assert learning(DAY_3 + dt.timedelta(days=1), DAY_3 + dt.timedelta(days=9))[2] == []
