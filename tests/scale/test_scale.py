"""Two Rasa replicas on PostgreSQL and Redis behind nginx: nothing lost, nothing doubled, nothing out of order.

The tests run in file order on one stack; the failover and outage tests come last because
they break things (and mend them) on purpose.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

import psycopg2
import pytest
import requests

from bot.wording import Wording
from ops.scaled import BIN, PROJECT_ROOT, REPLICAS, TRACKER_DB, ScaleStack
from tests.support.waiting import wait_until, wait_until_async

QUESTIONS = [
    "what is recurrence",
    "what are the symptoms of secondary breast cancer",
    "treatment for secondary breast cancer",
    "what treatment will I get if it's back in my scar",
    "how likely is it to come back",
    "what is a local recurrence",
    "can it come back in the other breast",
    "what tests will they do",
    "how can I lower my risk",
    "where can I find support",
]
TRY_AGAIN = Wording.from_domain().text("utter_try_again_later")
NURSE_PASSWORD = "a long enough password for tests"


def say(url: str, sender: str, text: str, timeout: float = 60) -> List[Dict[str, Any]]:
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def question(turn: int, offset: int = 0) -> str:
    """A different question each turn, numbered so that the stored order can be checked."""
    return f"{QUESTIONS[(turn + offset) % len(QUESTIONS)]} (question {turn + 1})"


def stored_events(stack: ScaleStack, sender: str) -> List[Dict[str, Any]]:
    """Rasa's events table in PostgreSQL for one conversation, in id order."""
    with psycopg2.connect(stack.database_url(TRACKER_DB)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id, type_name, timestamp, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        rows = cursor.fetchall()
    connection.close()
    return [{"id": i, "type": t, "timestamp": ts, "data": json.loads(d)} for i, t, ts, d in rows]


def user_texts(events: List[Dict[str, Any]]) -> List[str]:
    return [e["data"].get("text") for e in events if e["type"] == "user"]


def assert_complete(events: List[Dict[str, Any]], sent: List[str]) -> None:
    """Every message once, in the order sent, each followed by a bot reply; no event stored twice."""
    assert user_texts(events) == sent
    timestamps = [e["timestamp"] for e in events]
    assert timestamps == sorted(timestamps), "events stored out of order"
    serialised = [json.dumps(e["data"], sort_keys=True) for e in events]
    assert len(set(serialised)) == len(serialised), "an event was stored twice"
    turns: List[List[str]] = []
    for event in events:
        if event["type"] == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event["type"])
    assert all("bot" in after for after in turns), "a message got no bot reply"


def test_fifty_conversations_over_both_replicas_are_complete_in_order_and_not_duplicated(scale):
    conversations, turns = 50, 20
    senders = [f"scale-{uuid.uuid4().hex[:12]}" for _ in range(conversations)]
    sent: Dict[str, List[str]] = {sender: [] for sender in senders}
    failures: List[str] = []

    def converse(index: int) -> None:
        sender = senders[index]
        for turn in range(turns):
            text = question(turn, offset=index)
            replica = (index + turn) % REPLICAS  # every conversation moves between the replicas each turn
            try:
                replies = say(scale.rasa_url(replica), sender, text)
            except requests.RequestException as error:
                failures.append(f"{sender} turn {turn + 1}: {error}")
                return
            sent[sender].append(text)
            if not replies:
                failures.append(f"{sender} turn {turn + 1}: no reply")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(converse, range(conversations)))
    elapsed = time.monotonic() - started
    assert failures == []
    for sender in senders:
        assert_complete(stored_events(scale, sender), sent[sender])
    print(f"{conversations * turns} messages in {elapsed:.1f}s ({conversations * turns / elapsed:.1f}/s)")


def served_by(stack: ScaleStack, count: int) -> List[str]:
    """The replica addresses nginx sent its last `count` REST messages to (its access log)."""
    lines = (stack.log_dir / "nginx-access.log").read_text().splitlines()
    rest = [line.split() for line in lines if '"POST /webhooks/rest/webhook' in line]
    return [fields[-2] for fields in rest[-count:]]


def test_a_burst_from_one_person_on_both_replicas_is_handled_once_in_order(scale):
    """Five messages 20 ms apart, through nginx (which stamps their arrival) and so onto both replicas."""
    sender = f"burst-{uuid.uuid4().hex[:12]}"
    say(scale.url, sender, "hello")
    burst = [question(turn) for turn in range(5)]
    answers: List[Optional[list]] = [None] * len(burst)
    sent_at: List[float] = [0.0] * len(burst)
    answered_at: List[float] = [0.0] * len(burst)
    failures: List[BaseException] = []
    ready = threading.Barrier(len(burst) + 1)

    def send(index: int) -> None:
        ready.wait()
        time.sleep(max(0.0, start + 0.02 * index - time.monotonic()))  # one every 20 ms
        sent_at[index] = time.monotonic()
        try:
            answers[index] = say(scale.url, sender, burst[index])
            answered_at[index] = time.monotonic()
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(burst))]
    for thread in threads:
        thread.start()
    start = time.monotonic() + 0.05
    ready.wait()
    for thread in threads:
        thread.join(60)
    assert failures == []
    # A burst, whatever the machine's load: each message left before the one sent ahead of it was answered.
    order = sorted(range(len(burst)), key=lambda index: sent_at[index])
    overlapping = [sent_at[later] < answered_at[earlier] for earlier, later in itertools.pairwise(order)]
    assert all(overlapping), (sent_at, answered_at)
    assert all(answers), f"every message of the burst is answered: {answers}"
    assert len(set(served_by(scale, len(burst)))) == REPLICAS, "the burst landed on both replicas"
    in_order_sent = [text for _, text in sorted(zip(sent_at, burst, strict=True))]
    assert_complete(stored_events(scale, sender), ["hello", *in_order_sent])


# ----- nurse handoff across replicas -----


def create_nurse(scale: ScaleStack, username: str, name: str) -> None:
    env = dict(scale.env(), HELPLINE_NURSE_PASSWORD=NURSE_PASSWORD)
    subprocess.run(
        [str(BIN / "python"), "-m", "bot.console", "create-nurse", "--username", username, "--name", name],
        cwd=PROJECT_ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


class Nurse:
    """A nurse using the console's JSON API through nginx."""

    def __init__(self, scale: ScaleStack, username: str):
        self.scale = scale
        self.url = scale.url
        login = requests.post(
            f"{self.url}/api/login", json={"username": username, "password": NURSE_PASSWORD}, timeout=30
        )
        login.raise_for_status()
        self.headers = {"Authorization": f"Bearer {login.json()['token']}"}

    def post(self, path: str, body: Optional[dict] = None) -> requests.Response:
        return requests.post(f"{self.url}/api{path}", json=body or {}, headers=self.headers, timeout=30)

    def waiting(self, conversation_id: str) -> int:
        """The conversation's place in the console's queue (which shows no conversation ids: looked up here)."""
        [handoff] = open_handoffs(self.scale, conversation_id)
        queue = requests.get(f"{self.url}/api/queue", headers=self.headers, timeout=30).json()["queue"]
        assert handoff in [item["id"] for item in queue]
        return handoff

    def transcript(self, handoff_id: int) -> List[tuple]:
        detail = requests.get(f"{self.url}/api/handoffs/{handoff_id}", headers=self.headers, timeout=30).json()
        return [(m["author"], m["text"]) for m in detail["messages"]]


def open_handoffs(scale: ScaleStack, conversation_id: str) -> List[int]:
    with psycopg2.connect(scale.database_url()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM handoffs WHERE conversation_id = %s AND state IN ('waiting', 'claimed')", (conversation_id,)
        )
        rows = [row[0] for row in cursor.fetchall()]
    connection.close()
    return rows


@pytest.fixture(scope="module")
def two_nurses(scale):
    suffix = uuid.uuid4().hex[:6]
    create_nurse(scale, f"amy{suffix}", "Nurse Amy")
    create_nurse(scale, f"ben{suffix}", "Nurse Ben")
    return Nurse(scale, f"amy{suffix}"), Nurse(scale, f"ben{suffix}")


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [reply.get("text", "") for reply in replies]


def test_rest_handoff_across_replicas_and_a_claim_race_won_by_one_nurse(scale, two_nurses):
    amy, ben = two_nurses
    person = f"handoff-{uuid.uuid4().hex[:12]}"
    assert "queue" in " ".join(texts(say(scale.rasa_url(0), person, "can I talk to a nurse please")))
    handoff = amy.waiting(person)

    with ThreadPoolExecutor(max_workers=2) as pool:
        claims = list(pool.map(lambda nurse: nurse.post(f"/handoffs/{handoff}/claim"), (amy, ben)))
    assert sorted(c.status_code for c in claims) == [200, 409]
    winner = (amy, ben)[[c.status_code for c in claims].index(200)]
    assert winner.post(f"/handoffs/{handoff}/reply", {"text": "Hello, how can I help?"}).status_code == 201

    replies = say(scale.rasa_url(1), person, "I found a lump near my scar")  # the other replica
    assert [r.get("author") for r in replies] == ["system", "nurse"]
    assert replies[1]["text"] == "Hello, how can I help?"
    assert say(scale.rasa_url(0), person, "are you still there?") == []  # delivered once, not again
    assert ("person", "I found a lump near my scar") in winner.transcript(handoff)
    assert ("person", "are you still there?") in winner.transcript(handoff)
    assert winner.post(f"/handoffs/{handoff}/hand-back").status_code == 200


def test_widget_on_one_replica_gets_each_nurse_reply_once_though_both_replicas_push(scale, two_nurses):
    import socketio

    amy, _ = two_nurses
    received: List[str] = []

    async def person() -> None:
        client = socketio.AsyncClient(reconnection=False)
        confirmed = asyncio.get_running_loop().create_future()
        client.on("session_confirm", lambda token: confirmed.done() or confirmed.set_result(token))
        client.on("bot_uttered", lambda message: received.append(message.get("text", "")))
        await client.connect(scale.rasa_url(0), socketio_path="/socket.io", transports=["polling"])
        try:
            await client.emit("session_request", {"session_id": None})
            await asyncio.wait_for(confirmed, 30)
            await client.emit("user_uttered", {"message": "can I talk to a nurse please"})
            handoff = await wait_for_handoff(amy)
            assert (await asyncio.to_thread(amy.post, f"/handoffs/{handoff}/claim")).status_code == 200
            for number in (1, 2, 3):
                reply = await asyncio.to_thread(amy.post, f"/handoffs/{handoff}/reply", {"text": f"Reply {number}"})
                assert reply.status_code == 201
            await wait_until_async(
                lambda: any("Reply 3" in text for text in received), "the third reply", timeout=15, interval=0.2
            )
            await asyncio.sleep(2)  # time for a second replica's pusher to send anything twice
            await asyncio.to_thread(amy.post, f"/handoffs/{handoff}/close", {"outcome": "test"})
        finally:
            await client.disconnect()

    async def wait_for_handoff(nurse: Nurse) -> int:
        def widget_handoffs() -> List[int]:
            queue = requests.get(f"{nurse.url}/api/queue", headers=nurse.headers, timeout=30).json()
            return [item["id"] for item in queue["queue"] if item["channel"] == "socketio"]

        mine = await wait_until_async(widget_handoffs, "the widget's handoff in the queue", timeout=30, interval=0.2)
        return mine[-1]

    asyncio.run(person())
    nurse_lines = [text for text in received if "(nurse):" in text]
    assert nurse_lines == [f"Nurse Amy (nurse): Reply {n}" for n in (1, 2, 3)]
    assert sum("has joined" in text for text in received) == 1


# ----- failures -----


def test_failover_the_other_replica_answers_within_five_seconds_and_nothing_stored_is_lost(scale):
    senders = [f"failover-{uuid.uuid4().hex[:12]}" for _ in range(10)]
    sent: Dict[str, List[str]] = {sender: [] for sender in senders}

    def turns(sender: str, first: int, last: int, latencies: Optional[List[float]] = None) -> None:
        for turn in range(first, last):
            text = question(turn, offset=senders.index(sender))
            started = time.monotonic()
            assert say(scale.url, sender, text, timeout=30)
            if latencies is not None:
                latencies.append(time.monotonic() - started)
            sent[sender].append(text)

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(lambda s: turns(s, 0, 4), senders))
    before = {sender: stored_events(scale, sender) for sender in senders}
    scale.kill_rasa(0)
    try:
        latencies: List[float] = []
        with ThreadPoolExecutor(max_workers=5) as pool:
            list(pool.map(lambda s: turns(s, 4, 8, latencies), senders))
        assert max(latencies) < 5, f"slowest answer after the kill: {max(latencies):.1f}s"
        for sender in senders:
            after = stored_events(scale, sender)
            assert after[: len(before[sender])] == before[sender], "a stored event was lost or changed"
            assert_complete(after, sent[sender])
    finally:
        scale.start_rasa(0)


OUTAGE_SECONDS = 8  # long enough for several turns, and for pooled connections to go stale


def test_database_outage_asks_people_to_try_again_then_service_resumes_without_a_restart(scale):
    sender = f"outage-{uuid.uuid4().hex[:12]}"
    earlier = [question(0), question(1)]
    for text in earlier:
        assert say(scale.url, sender, text)
    rasa_pids = {name: p.pid for name, p in scale.processes.items() if name.startswith("rasa")}

    scale.stop_postgres()
    try:
        started = time.monotonic()
        during = []
        while time.monotonic() - started < OUTAGE_SECONDS:
            during.append(say(scale.url, sender, "what is recurrence", timeout=30))
            time.sleep(1)
    finally:
        scale.start_postgres()
    assert during and all(texts(answer) == [TRY_AGAIN] for answer in during)

    def resumed() -> Optional[List[Dict[str, Any]]]:
        answer = say(scale.url, sender, "what is a local recurrence")
        return answer if answer and texts(answer) != [TRY_AGAIN] else None

    wait_until(resumed, "the service to resume after PostgreSQL came back", timeout=10, interval=1)
    assert {name: p.pid for name, p in scale.processes.items() if name.startswith("rasa")} == rasa_pids
    assert all(p.poll() is None for p in scale.processes.values())
    assert user_texts(stored_events(scale, sender)) == [*earlier, "what is a local recurrence"]
