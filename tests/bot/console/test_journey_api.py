"""The console API for the person's journey: replying to a left message, releasing and passing on claims,
and the sign-in and sign-out records the sweep uses to put a stuck claim back in the queue."""

from __future__ import annotations

from sqlalchemy import select

from bot.handoff.left_messages import LeftMessages
from bot.handoff.models import Nurse
from tests.bot.console.conftest import conversation, new_account, sign_in


def left_message(service, channel: str = "twilio") -> tuple[int, str]:
    person = conversation()
    left = LeftMessages(service).leave(
        person, channel, context=[("person", "can i speak to a nurse")], written=[("person", "please text me back")]
    )
    return left.handoff.id, person


def test_a_nurse_can_reply_to_a_left_message_through_the_persons_channel(console_server, nurse, handoff_service):
    handoff, person = left_message(handoff_service)
    client = sign_in(console_server.url, nurse)
    listed = client.get(f"{console_server.url}/api/messages", timeout=10).json()["messages"]
    [item] = [m for m in listed if m["id"] == handoff]
    assert item["text"] == "please text me back"  # the message, without the conversation before it
    assert client.post(f"{console_server.url}/api/handoffs/{handoff}/claim", timeout=10).status_code == 200
    response = client.post(f"{console_server.url}/api/handoffs/{handoff}/reply", json={"text": "Hello"}, timeout=10)
    assert response.status_code == 201, response.text
    [sent] = handoff_service.pending_for(person)
    assert (sent.channel, sent.author, sent.text) == ("twilio", "nurse", "Hello")  # the SMS sender texts it


def test_releasing_a_claim_an_admin_or_the_claimer_only(console_server, nurse_accounts, handoff_service):
    handoff, _ = left_message(handoff_service, "rest")
    jo, sam = new_account(nurse_accounts, "nurse", "Jo"), new_account(nurse_accounts, "nurse", "Sam")
    boss = new_account(nurse_accounts, "admin", "Ann Admin")
    jo_client, sam_client = sign_in(console_server.url, jo), sign_in(console_server.url, sam)
    assert jo_client.post(f"{console_server.url}/api/handoffs/{handoff}/claim", timeout=10).status_code == 200
    refused = sam_client.post(f"{console_server.url}/api/handoffs/{handoff}/release", timeout=10)
    assert refused.status_code == 403 and "administrator" in refused.json()["error"]
    released = sign_in(console_server.url, boss).post(
        f"{console_server.url}/api/handoffs/{handoff}/release", timeout=10
    )
    assert released.status_code == 200 and released.json()["handoff"]["state"] == "waiting"
    again = jo_client.post(f"{console_server.url}/api/handoffs/{handoff}/release", timeout=10)
    assert again.status_code == 409
    assert sam_client.post(f"{console_server.url}/api/handoffs/99999999/release", timeout=10).status_code == 404


def test_an_admin_can_pass_a_conversation_to_another_nurse(console_server, nurse_accounts, handoff_service):
    handoff, _ = left_message(handoff_service, "rest")
    jo, sam = new_account(nurse_accounts, "nurse", "Jo"), new_account(nurse_accounts, "nurse", "Sam")
    boss = sign_in(console_server.url, new_account(nurse_accounts, "admin", "Ann Admin"))
    url = f"{console_server.url}/api/handoffs/{handoff}/reassign"
    assert sign_in(console_server.url, jo).post(url, json={"nurse_id": sam.id}, timeout=10).status_code == 403
    assert boss.post(url, json={"nurse_id": "sam"}, timeout=10).status_code == 422
    assert boss.post(url, json={"nurse_id": 99999999}, timeout=10).status_code == 404
    # An id too big for the database is refused like a bad one, not a 500 (found by make fuzz).
    assert boss.post(url, json={"nurse_id": 65634347533226865292577079296}, timeout=10).status_code == 422
    passed = boss.post(url, json={"nurse_id": sam.id}, timeout=10)
    assert passed.status_code == 200 and passed.json()["handoff"]["claimed_by"] == sam.id
    reply = sign_in(console_server.url, sam).post(
        f"{console_server.url}/api/handoffs/{handoff}/reply", json={"text": "Hello"}, timeout=10
    )
    assert reply.status_code == 201


def test_sign_in_and_sign_out_are_recorded_for_the_sweep(console_server, nurse, console_sessions):
    client = sign_in(console_server.url, nurse)
    with console_sessions() as session:
        row = session.execute(select(Nurse).where(Nurse.id == nurse.id)).scalar()
        assert row.session_expires_at is not None and row.signed_out_at is None
    assert client.post(f"{console_server.url}/api/logout", timeout=10).status_code == 200
    with console_sessions() as session:
        assert session.execute(select(Nurse).where(Nurse.id == nurse.id)).scalar().signed_out_at is not None


def test_admins_see_every_claimed_chat_and_whether_its_nurse_is_signed_in(
    console_server, nurse_accounts, handoff_service
):
    url = console_server.url
    here = new_account(nurse_accounts, "nurse", "Jo Here")
    gone = new_account(nurse_accounts, "nurse", "Sam Gone")
    boss = sign_in(url, new_account(nurse_accounts, "admin", "Ann Sees"))
    kept = handoff_service.request(conversation(), "rest", "kept", transcript=[("person", "hi")]).handoff.id
    assert sign_in(url, here).post(f"{url}/api/handoffs/{kept}/claim", timeout=10).status_code == 200
    stuck = handoff_service.request(conversation(), "rest", "stuck").handoff.id
    handoff_service.claim(stuck, gone.id)  # Sam has never signed in: the chat is stuck with her
    response = boss.get(f"{url}/api/claimed", timeout=10)
    assert response.status_code == 200
    held = {item["id"]: item for item in response.json()["handoffs"]}
    assert (held[kept]["claimed_by_name"], held[kept]["nurse_signed_in"]) == ("Jo Here", True)
    assert (held[stuck]["claimed_by_name"], held[stuck]["nurse_signed_in"]) == ("Sam Gone", False)
    assert boss.post(f"{url}/api/handoffs/{stuck}/release", timeout=10).status_code == 200
    assert stuck not in [item["id"] for item in boss.get(f"{url}/api/claimed", timeout=10).json()["handoffs"]]
    assert sign_in(url, here).get(f"{url}/api/claimed", timeout=10).status_code == 403  # admins only
