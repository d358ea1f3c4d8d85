"""The console API for working as a team: the team list, transfers between nurses, and internal notes."""

from __future__ import annotations

import json

import pytest
import requests
from sqlalchemy import select

from bot.handoff.models import HandoffEvent
from tests.bot.console.conftest import SseReader, conversation, new_account, sign_in

NOTE = "She would like a call back after 3pm; her daughter may answer."


def claimed_by(url: str, client: requests.Session, service, channel: str = "socketio") -> tuple[int, str]:
    person = conversation()
    handoff = service.request(person, channel, "asked for a nurse", transcript=[("person", "hi")]).handoff.id
    assert client.post(f"{url}/api/handoffs/{handoff}/claim", timeout=10).status_code == 200
    return handoff, person


def audited(sessions, handoff: int, kind: str) -> list[HandoffEvent]:
    with sessions() as session:
        return list(
            session.execute(select(HandoffEvent).where(HandoffEvent.handoff_id == handoff, HandoffEvent.kind == kind))
            .scalars()
            .all()
        )


def test_the_team_names_every_colleague_and_who_is_signed_in(console_server, nurse_accounts):
    jo = new_account(nurse_accounts, "nurse", "Jo Team")
    sam = new_account(nurse_accounts, "nurse", "Sam Team")
    away = new_account(nurse_accounts, "nurse", "Ali Away")
    client = sign_in(console_server.url, jo)
    sign_in(console_server.url, sam)
    response = client.get(f"{console_server.url}/api/team", timeout=10)
    assert response.status_code == 200
    team = {member["id"]: member for member in response.json()["nurses"]}
    assert team[sam.id] == {
        "id": sam.id,
        "display_name": "Sam Team",
        "role": "nurse",
        "active": True,
        "signed_in": True,
        "availability": "available",
    }
    assert team[away.id]["signed_in"] is False and team[jo.id]["signed_in"] is True
    assert all("username" not in member for member in team.values())  # names only, for every nurse to see
    names = [member["display_name"] for member in response.json()["nurses"]]
    assert names == sorted(names)


def test_a_nurse_transfers_a_chat_to_a_signed_in_colleague_with_a_note(
    console_server, nurse_accounts, handoff_service, console_sessions
):
    url = console_server.url
    jo = new_account(nurse_accounts, "nurse", "Jo Giver")
    sam = new_account(nurse_accounts, "nurse", "Sam Taker")
    giver, taker = sign_in(url, jo), sign_in(url, sam)
    handoff, person = claimed_by(url, giver, handoff_service)
    with taker.get(f"{url}/api/events", stream=True, timeout=(5, 30)) as stream, SseReader(stream) as reader:
        reader.wait_for(lambda m: m.event == "ready", timeout=5)
        response = giver.post(
            f"{url}/api/handoffs/{handoff}/transfer", json={"nurse_id": sam.id, "note": f"  {NOTE}  "}, timeout=10
        )
        assert response.status_code == 200, response.text
        passed = reader.wait_for(lambda m: m.event == "handoff" and m.json()["kind"] == "transferred", timeout=3)
    assert passed.json()["handoff_id"] == handoff
    assert passed.json()["detail"] == {"to_nurse": sam.id, "note": NOTE}  # Sam's page learns it is now theirs
    view = response.json()["handoff"]
    assert (view["state"], view["claimed_by"], view["claimed_by_name"]) == ("claimed", sam.id, "Sam Taker")
    assert [h["id"] for h in taker.get(f"{url}/api/mine", timeout=10).json()["handoffs"]] == [handoff]
    assert handoff not in [h["id"] for h in giver.get(f"{url}/api/mine", timeout=10).json()["handoffs"]]

    detail = taker.get(f"{url}/api/handoffs/{handoff}", timeout=10).json()
    [note] = detail["notes"]
    assert (note["text"], note["nurse_id"], note["nurse_name"]) == (NOTE, jo.id, "Jo Giver")
    assert detail["messages"][-2]["text"] == "Passed to Sam Taker by Jo Giver."
    assert all(NOTE not in m["text"] for m in detail["messages"])
    told = [m.text for m in handoff_service.pending_for(person)]
    assert told[-1] == "Sam Taker, one of our specialist nurses, has joined the chat."
    assert all(NOTE not in text for text in told)  # the note never goes to the person

    [event] = audited(console_sessions, handoff, "transferred")  # who passed it, to whom, and the note
    assert (event.nurse_id, event.actor) == (jo.id, "nurse")
    assert json.loads(event.detail) == {"to_nurse": sam.id, "note": NOTE}

    reply = taker.post(f"{url}/api/handoffs/{handoff}/reply", json={"text": "Hello, I'm Sam."}, timeout=10)
    assert reply.status_code == 201
    late = giver.post(f"{url}/api/handoffs/{handoff}/reply", json={"text": "Still here?"}, timeout=10)
    assert late.status_code == 409 and "Sam Taker is looking after this conversation" in late.json()["error"]


def test_a_nurse_transfers_a_chat_back_to_the_queue(console_server, nurse, handoff_service):
    client = sign_in(console_server.url, nurse)
    handoff, person = claimed_by(console_server.url, client, handoff_service, channel="rest")
    response = client.post(f"{console_server.url}/api/handoffs/{handoff}/transfer", json={}, timeout=10)
    assert response.status_code == 200 and response.json()["handoff"]["state"] == "waiting"
    assert handoff in [item["id"] for item in client.get(f"{console_server.url}/api/queue", timeout=10).json()["queue"]]
    assert "You're back in the queue" in handoff_service.pending_for(person)[-1].text
    assert client.get(f"{console_server.url}/api/handoffs/{handoff}", timeout=10).json()["notes"] == []


def test_a_transfer_is_refused_clearly(console_server, nurse_accounts, handoff_service):
    url = console_server.url
    jo = new_account(nurse_accounts, "nurse", "Jo Refused")
    sam = new_account(nurse_accounts, "nurse", "Sam Elsewhere")  # never signs in
    gone = new_account(nurse_accounts, "nurse", "Gone Nurse")
    nurse_accounts.set_active(gone.id, False)
    client = sign_in(url, jo)
    handoff, _ = claimed_by(url, client, handoff_service)
    path = f"{url}/api/handoffs/{handoff}/transfer"

    def refused(body, status: int) -> str:
        response = client.post(path, json=body, timeout=10)
        assert response.status_code == status, response.text
        return response.json()["error"]

    assert refused({"nurse_id": sam.id}, 409) == "Sam Elsewhere is not signed in to the console, so cannot take it now."
    assert "already looking after" in refused({"nurse_id": jo.id}, 409)
    assert refused({"nurse_id": gone.id}, 404) == f"There is no active nurse with id {gone.id}."
    assert refused({"nurse_id": 99999999}, 404) == "There is no active nurse with id 99999999."
    for bad in ("sam", True, 0, 1.5, 10**19):
        assert "'nurse_id'" in refused({"nurse_id": bad}, 422)
    assert "'note'" in refused({"note": "x" * 2001}, 422)
    assert "'note'" in refused({"note": "bad\x00note"}, 422)
    assert "'note'" in refused({"note": 7}, 422)
    assert client.post(path, data="[]", headers={"Content-Type": "application/json"}, timeout=10).status_code == 400
    unknown = client.post(f"{url}/api/handoffs/99999999/transfer", json={}, timeout=10)
    assert unknown.status_code == 404

    other = sign_in(url, sam)
    assert "Jo Refused is looking after this conversation" in other.post(path, json={}, timeout=10).json()["error"]
    waiting = handoff_service.request(conversation(), "rest", "asked").handoff.id
    early = client.post(f"{url}/api/handoffs/{waiting}/transfer", json={}, timeout=10)
    assert early.status_code == 409 and early.json()["error"] == "Claim this conversation before you pass it on."
    view, _ = handoff_service.detail(handoff)
    assert (view.state, view.claimed_by) == ("claimed", jo.id)  # nothing refused changed it


def test_internal_notes_are_for_nurses_only_and_in_the_audit_trail(
    console_server, nurse_accounts, handoff_service, console_sessions
):
    url = console_server.url
    jo, sam = new_account(nurse_accounts, "nurse", "Jo Notes"), new_account(nurse_accounts, "nurse", "Sam Reads")
    client, colleague = sign_in(url, jo), sign_in(url, sam)
    handoff, person = claimed_by(url, client, handoff_service)
    before = [m.text for m in handoff_service.pending_for(person)]
    response = client.post(f"{url}/api/handoffs/{handoff}/notes", json={"text": "  Sounds very anxious.  "}, timeout=10)
    assert response.status_code == 201, response.text
    note = response.json()["note"]
    assert (note["text"], note["nurse_name"]) == ("Sounds very anxious.", "Jo Notes")

    detail = colleague.get(f"{url}/api/handoffs/{handoff}", timeout=10).json()  # every nurse reads them
    assert detail["notes"] == [note]
    assert all("anxious" not in m["text"] for m in detail["messages"])  # not in the transcript
    assert [m.text for m in handoff_service.pending_for(person)] == before  # nothing went to the person
    [event] = audited(console_sessions, handoff, "note_added")
    assert event.nurse_id == jo.id and "Sounds very anxious." in event.detail

    notes = f"{url}/api/handoffs/{handoff}/notes"
    intruder = colleague.post(notes, json={"text": "mine too"}, timeout=10)
    assert intruder.status_code == 409 and "Jo Notes is looking after this conversation" in intruder.json()["error"]
    for body, status in (({}, 422), ({"text": "   "}, 422), ({"text": "x" * 2001}, 422), ({"text": "a\x00b"}, 422)):
        assert client.post(notes, json=body, timeout=10).status_code == status, body
    assert client.post(f"{url}/api/handoffs/99999999/notes", json={"text": "x"}, timeout=10).status_code == 404
    assert len(colleague.get(f"{url}/api/handoffs/{handoff}", timeout=10).json()["notes"]) == 1


@pytest.mark.parametrize("route", ["transfer", "reassign", "release"])
def test_admins_keep_their_own_routes_and_nurses_cannot_use_them_on_others_chats(
    console_server, nurse_accounts, handoff_service, route
):
    """Transfers are the claimer's; an admin still releases or reassigns any chat (journey_api.py)."""
    url = console_server.url
    jo, sam = new_account(nurse_accounts, "nurse", "Jo Has"), new_account(nurse_accounts, "nurse", "Sam Wants")
    boss = sign_in(url, new_account(nurse_accounts, "admin", "Ann Boss"))
    handoff, _ = claimed_by(url, sign_in(url, jo), handoff_service)
    body = {"nurse_id": sam.id}
    assert sign_in(url, sam).post(f"{url}/api/handoffs/{handoff}/{route}", json=body, timeout=10).status_code in (
        403,
        409,
    )
    if route == "transfer":
        assert boss.post(f"{url}/api/handoffs/{handoff}/transfer", json={}, timeout=10).status_code == 409
    else:
        done = boss.post(f"{url}/api/handoffs/{handoff}/{route}", json=body, timeout=10)
        assert done.status_code == 200
        assert done.json()["handoff"]["claimed_by"] == (sam.id if route == "reassign" else None)
