"""A report as CSV: one row per figure (section, item, measure, value), for a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, Iterator, List

HEADER = ("section", "item", "measure", "value")
KEYS = ("day", "hour", "channel", "content_id", "priority", "disposition", "outcome", "kind", "nurse_id", "rating")


def _item(row: Dict[str, Any]) -> str:
    named = [f"{key}={row[key]}" for key in KEYS if key in row]
    if "name" in row:
        named.append(f"name={row['name']}")
    return " ".join(named)


def _figures(section: str, value: Any) -> Iterator[tuple]:
    if isinstance(value, list):
        for row in value:
            item = _item(row)
            for measure, figure in row.items():
                if measure not in KEYS and measure != "name":
                    yield (section, item, measure, figure)
    elif isinstance(value, dict):
        for measure, figure in value.items():
            if isinstance(figure, (list, dict)):
                yield from _figures(f"{section}.{measure}", figure)
            else:
                yield (section, "", measure, figure)


def _safe(value: Any) -> Any:
    """No cell starts a formula when the file is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def to_csv(report: Dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    rows: List[tuple] = [("range", "", "from", report["from"]), ("range", "", "to", report["to"])]
    for section, value in report.items():
        if section not in ("from", "to", "time_zone"):
            rows.extend(_figures(section, value))
    writer.writerows([tuple(_safe(cell) for cell in row) for row in rows])
    return out.getvalue()
