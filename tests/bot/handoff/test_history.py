"""Past conversations: ended ones only, the latest first, filtered by when they ended, outcome, nurse and channel."""

from __future__ import annotations

import datetime as dt

from bot.handoff.history import ConversationHistory, HistoryQuery


def ended(service, clock, nurse_id, conversation, channel, outcome=None, note=None) -> int:
    handoff = service.request(conversation, channel, "asked").handoff
    service.claim(handoff.id, nurse_id)
    clock.advance(hours=1)
    if outcome is None:
        service.hand_back(handoff.id, nurse_id)
    else:
        service.close(handoff.id, nurse_id, outcome, note)
    return handoff.id


def ids(page) -> list[int]:
    return [view.id for view in page.conversations]


def test_search_by_day_outcome_nurse_and_channel(service, clock, nurses):
    jo, sam = nurses
    first = ended(service, clock, jo.id, "c1", "socketio", "Call back arranged", "ring at 10am")  # 11:00 on the 23rd
    clock.advance(days=1)
    second = ended(service, clock, sam.id, "c2", "twilio", "Information and support given")  # 12:00 on the 24th
    third = ended(service, clock, jo.id, "c3", "rest")  # handed back, 13:00 on the 24th
    service.request("c4", "rest", "still waiting")  # open: never in the history
    history = ConversationHistory(service)

    everything = history.search(HistoryQuery())
    assert ids(everything) == [third, second, first] and (everything.total, everything.pages) == (3, 1)
    assert everything.conversations[2].closing_note == "ring at 10am"
    assert everything.conversations[1].claimed_by_name == "Nurse 2"
    day = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
    assert ids(history.search(HistoryQuery(ended_from=day))) == [third, second]
    assert ids(history.search(HistoryQuery(ended_before=day))) == [first]
    assert ids(history.search(HistoryQuery(outcome="Call back arranged"))) == [first]
    assert ids(history.search(HistoryQuery(nurse_id=jo.id))) == [third, first]
    assert ids(history.search(HistoryQuery(channel="twilio"))) == [second]
    assert ids(history.search(HistoryQuery(nurse_id=jo.id, channel="twilio"))) == []


def test_pages_hold_the_page_size_the_latest_first(service, clock, nurses):
    made = [ended(service, clock, nurses[0].id, f"c{n}", "rest", "Other") for n in range(5)]
    history = ConversationHistory(service)
    first, last = history.search(HistoryQuery(), page=1, size=2), history.search(HistoryQuery(), page=3, size=2)
    assert (ids(first), first.pages, first.total) == ([made[4], made[3]], 3, 5)
    assert ids(last) == [made[0]]
    assert ids(history.search(HistoryQuery(), page=4, size=2)) == []
