"""Command line for content editors: `python -m bot.content import|check|report`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Optional, Sequence

from bot.config import Settings
from bot.content.importer import ContentInvalid, import_content
from bot.content.schema import read_content_dir
from bot.content.service import overdue_for_review
from bot.db import make_engine, make_session_factory, upgrade


def _session_factory(settings: Settings):
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return make_session_factory(engine)


def main(argv: Optional[Sequence[str]] = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.content", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", help="validate and import a content folder")
    imp.add_argument("directory", nargs="?", type=Path, default=settings.content_dir)
    chk = commands.add_parser("check", help="validate a content folder without importing")
    chk.add_argument("directory", nargs="?", type=Path, default=settings.content_dir)
    rep = commands.add_parser("report", help="list entries overdue for review")
    rep.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)

    if args.command == "check":
        problems = read_content_dir(args.directory).problems
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {args.directory}")
        return 1 if problems else 0

    factory = _session_factory(settings)
    if args.command == "import":
        try:
            report = import_content(factory, args.directory)
        except ContentInvalid as invalid:
            for problem in invalid.problems:
                print(problem, file=sys.stderr)
            print(f"Nothing imported: {len(invalid.problems)} problem(s) in {args.directory}", file=sys.stderr)
            return 1
        print(
            f"Imported {report.entries} entries from {args.directory}: "
            f"{report.added} added, {report.updated} updated, {report.removed} removed, "
            f"{report.unchanged} unchanged."
        )
        return 0

    overdue = overdue_for_review(factory, args.today)
    for entry in overdue:
        days = (args.today - entry.next_review_due).days
        print(
            f"{entry.id}\t{entry.source_file}\tdue {entry.next_review_due.isoformat()} "
            f"({days} days overdue)\tlast reviewed {entry.last_reviewed.isoformat()}\t{entry.review_status}"
        )
    print(f"{len(overdue)} entr{'y' if len(overdue) == 1 else 'ies'} overdue for review on {args.today.isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
