"""Command line for the nurse console: serve it, and manage nurse accounts without a browser."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Optional, Sequence, TextIO

from bot.bootstrap import Root
from bot.config import Settings
from bot.db import shared_engine, upgrade
from bot.handoff.factory import Handoffs
from bot.handoff.models import Role
from bot.handoff.nurses import MIN_PASSWORD, AccountError, NurseView

PASSWORD_VARIABLE = "HELPLINE_NURSE_PASSWORD"


class CommandError(Exception):
    """A failure the person at the terminal can fix; printed without a traceback."""


def _prepare(settings: Settings) -> Handoffs:
    """Every command brings the database up to date first, so a fresh install just works."""
    upgrade(shared_engine(settings.database_url))
    return Root(settings).handoffs


def _password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.password_stdin:
        line = stdin.readline()
        if not line:
            raise CommandError("--password-stdin: nothing was given on standard input")
        return line.rstrip("\r\n")
    from_env = Settings.from_env().nurse_password
    if from_env is not None:
        return from_env
    try:
        first = getpass.getpass(f"Password for {args.username} (at least {MIN_PASSWORD} characters): ")
        second = getpass.getpass("Type the password again: ")
    except EOFError as error:
        raise CommandError(
            f"no password given: set {PASSWORD_VARIABLE}, pass --password-stdin, or run this in a terminal"
        ) from error
    if first != second:
        raise CommandError("the two passwords are not the same; nothing was changed")
    return first


def _find(handoffs: Handoffs, username: str) -> NurseView:
    wanted = username.strip().lower()
    for nurse in handoffs.accounts.list():
        if nurse.username == wanted:
            return nurse
    raise CommandError(f"there is no nurse with username {wanted!r}")


def serve(args: argparse.Namespace, settings: Settings, out: TextIO) -> None:
    from bot import log_privacy
    from bot.console.app import create_app
    from bot.console.auth import load_or_create_secret
    from bot.data_dir import secure_data_dir

    secure_data_dir(settings.data_dir)
    log_privacy.install()
    handoffs = _prepare(settings)
    secret = load_or_create_secret(settings.console_secret_file)
    app = create_app(handoffs, secret, settings.console_session_hours, trusted_proxies=settings.trusted_proxies)
    port = args.port if args.port is not None else settings.console_port
    print(f"Nurse console: http://{args.host}:{port}/console", file=out, flush=True)
    app.run(host=args.host, port=port, workers=1, access_log=True, motd=False)


def create_nurse(args: argparse.Namespace, settings: Settings, out: TextIO) -> None:
    handoffs = _prepare(settings)
    password = _password(args, sys.stdin)
    try:
        nurse = handoffs.accounts.create(args.username, args.name, password, args.role)
    except AccountError as error:
        raise CommandError(str(error)) from error
    print(f"Created {nurse.role} {nurse.username!r} ({nurse.display_name}), id {nurse.id}", file=out)


def list_nurses(args: argparse.Namespace, settings: Settings, out: TextIO) -> None:
    nurses = _prepare(settings).accounts.list()
    if not nurses:
        print("No nurse accounts yet: add one with `python -m bot.console create-nurse`.", file=out)
        return
    rows = [("ID", "USERNAME", "NAME", "ROLE", "STATUS")]
    rows += [(str(n.id), n.username, n.display_name, n.role, "active" if n.active else "deactivated") for n in nurses]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)


def _set_active(args: argparse.Namespace, settings: Settings, out: TextIO, active: bool) -> None:
    handoffs = _prepare(settings)
    nurse = _find(handoffs, args.username)
    handoffs.accounts.set_active(nurse.id, active)
    print(f"{'Reactivated' if active else 'Deactivated'} {nurse.username!r} ({nurse.display_name})", file=out)


def deactivate_nurse(args: argparse.Namespace, settings: Settings, out: TextIO) -> None:
    _set_active(args, settings, out, False)


def activate_nurse(args: argparse.Namespace, settings: Settings, out: TextIO) -> None:
    _set_active(args, settings, out, True)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot.console", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("serve", help="apply database migrations, then serve the console")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, help="port (default HELPLINE_CONSOLE_PORT, or 5006)")
    run.set_defaults(handler=serve)

    create = commands.add_parser(
        "create-nurse",
        help="add a nurse account",
        description=f"The password comes from --password-stdin, else {PASSWORD_VARIABLE}, else a prompt.",
    )
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="the name patients and colleagues see")
    create.add_argument("--role", choices=[role.value for role in Role], default=Role.NURSE.value)
    create.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    create.set_defaults(handler=create_nurse)

    commands.add_parser("list-nurses", help="list nurse accounts").set_defaults(handler=list_nurses)

    deactivate = commands.add_parser("deactivate-nurse", help="stop an account from signing in")
    deactivate.add_argument("--username", required=True)
    deactivate.set_defaults(handler=deactivate_nurse)

    activate = commands.add_parser("activate-nurse", help="let a deactivated account sign in again")
    activate.add_argument("--username", required=True)
    activate.set_defaults(handler=activate_nurse)
    return root


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.handler(args, Settings.from_env(), sys.stdout)
    except (CommandError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
