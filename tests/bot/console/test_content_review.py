"""The content lead's page: every entry with its sources and review dates, overdue first, for admins only."""

from __future__ import annotations

import datetime as dt

import yaml

from bot.config import PROJECT_ROOT
from bot.content.importer import import_content
from tests.bot.console.conftest import sign_in

CONTENT_DIR = PROJECT_ROOT / "data" / "content"


def _entries_in_files() -> list[dict]:
    entries = []
    for path in sorted(CONTENT_DIR.glob("*.yml")):
        entries += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entries") or []
    return entries


def test_admin_sees_every_entry_overdue_first_with_the_overdue_count(console_server, console_sessions, admin):
    import_content(console_sessions, CONTENT_DIR)
    response = sign_in(console_server.url, admin).get(f"{console_server.url}/api/content", timeout=10)
    assert response.status_code == 200
    body = response.json()
    today = dt.date.fromisoformat(body["today"])
    in_files = _entries_in_files()
    expected_overdue = sum(dt.date.fromisoformat(str(e["next_review_due"])) < today for e in in_files)
    assert body["entries"] == len(in_files) and body["overdue"] == expected_overdue > 0
    items = body["items"]
    assert [i["overdue"] for i in items] == sorted((i["overdue"] for i in items), reverse=True)  # overdue first
    assert [i["next_review_due"] for i in items] == sorted(i["next_review_due"] for i in items)
    symptoms = next(i for i in items if i["id"] == "symptoms-general")
    assert symptoms["documents"] == ["001_de3e7783103aaa5b.txt", "000_793ba412d0dc8192.txt"]
    assert symptoms["last_reviewed"] == "2019-05-01" and symptoms["review_status"] == "approved"
    assert (symptoms["last_served"], symptoms["helpful"], symptoms["not_helpful"]) == (None, 0, 0)  # never yet


def test_a_nurse_may_not_read_the_content_review(console_server, nurse):
    response = sign_in(console_server.url, nurse).get(f"{console_server.url}/api/content", timeout=10)
    assert response.status_code == 403
