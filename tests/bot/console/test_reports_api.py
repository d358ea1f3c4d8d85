"""The reports over the console's API: admins only, a checked date range, JSON and CSV."""

from __future__ import annotations

from tests.bot.console.conftest import sign_in


def test_an_admin_gets_the_report_and_its_csv(console_server, admin):
    client = sign_in(console_server.url, admin)
    body = client.get(f"{console_server.url}/api/reports?from=2026-06-01&to=2026-06-03", timeout=10).json()
    assert (body["from"], body["to"], body["time_zone"]) == ("2026-06-01", "2026-06-03", "Europe/London")
    assert [d["day"] for d in body["volumes"]["by_day"]] == ["2026-06-01", "2026-06-02", "2026-06-03"]
    csv = client.get(f"{console_server.url}/api/reports.csv?from=2026-06-01&to=2026-06-03", timeout=10)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert csv.text.splitlines()[:3] == ["section,item,measure,value", "range,,from,2026-06-01", "range,,to,2026-06-03"]


def test_a_bad_date_is_refused_a_long_range_named_and_nurses_may_not_read_reports(console_server, admin, nurse):
    client = sign_in(console_server.url, admin)
    for query in ("from=yesterday", "to=", "from=２０２６-01-01"):
        for path in ("/api/reports", "/api/reports.csv", "/api/learning"):
            assert client.get(f"{console_server.url}{path}?{query}", timeout=10).status_code == 422, (path, query)
    for query, covered in (
        ("from=2026-06-03&to=2026-06-01", ("2026-06-01", "2026-06-03")),  # either way round
        ("from=2020-01-01&to=2026-01-01", ("2025-01-01", "2026-01-01")),  # the last 366 days, named
        ("from=0023-11-01&to=2026-11-01", ("2025-11-01", "2026-11-01")),
    ):
        report = client.get(f"{console_server.url}/api/reports?{query}", timeout=10).json()
        assert (report["from"], report["to"]) == covered, query
    assert sign_in(console_server.url, nurse).get(f"{console_server.url}/api/reports", timeout=10).status_code == 403
