"""Nurse accounts: salted slow hashes, validation, and uniform sign-in failures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.handoff.models import Nurse
from bot.handoff.nurses import AccountError


def test_password_is_stored_only_as_an_argon2_hash(accounts, session_factory):
    accounts.create("jane", "Jane Smith", "a long enough password")
    with session_factory() as session:
        stored = session.execute(select(Nurse.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    accounts.create("john", "John Smith", "a long enough password")
    with session_factory() as session:
        hashes = session.execute(select(Nurse.password_hash)).scalars().all()
    assert hashes[0] != hashes[1]  # salted


def test_authenticate(accounts):
    nurse = accounts.create("Jane", "Jane Smith", "a long enough password", role="admin")
    assert nurse.username == "jane" and nurse.role == "admin"
    assert accounts.authenticate("JANE", "a long enough password").id == nurse.id
    assert accounts.authenticate("jane", "wrong password here") is None
    assert accounts.authenticate("nobody", "a long enough password") is None
    accounts.set_active(nurse.id, False)
    assert accounts.authenticate("jane", "a long enough password") is None


@pytest.mark.parametrize(
    "username, password, role, problem",
    [
        ("x", "a long enough password", "nurse", "username"),
        ("jane doe", "a long enough password", "nurse", "username"),
        ("jane", "short", "nurse", "password"),
        ("jane", "a long enough password", "boss", "role"),
    ],
)
def test_bad_accounts_are_refused(accounts, username, password, role, problem):
    with pytest.raises(AccountError, match=problem):
        accounts.create(username, "Jane", password, role=role)


def test_duplicate_username(accounts):
    accounts.create("jane", "Jane", "a long enough password")
    with pytest.raises(AccountError, match="already taken"):
        accounts.create("jane", "Jane Again", "a long enough password")


def test_the_team_shows_names_and_who_is_signed_in_now(accounts, session_factory, clock):
    import datetime as dt

    from sqlalchemy import update

    jo = accounts.create("jo", "Jo Bloggs", "a long enough password")
    sam = accounts.create("sam", "Sam Patel", "a long enough password")
    ann = accounts.create("ann", "Ann Admin", "a long enough password", role="admin")
    with session_factory() as session, session.begin():
        later = clock.now + dt.timedelta(hours=8)
        session.execute(update(Nurse).where(Nurse.id.in_([jo.id, sam.id])).values(session_expires_at=later))
        session.execute(update(Nurse).where(Nurse.id == sam.id).values(signed_out_at=clock.now))  # signed out
        session.execute(update(Nurse).where(Nurse.id == ann.id).values(session_expires_at=clock.now))  # ended now
    team = accounts.team()
    assert [(m.display_name, m.role, m.signed_in) for m in team] == [
        ("Ann Admin", "admin", False),
        ("Jo Bloggs", "nurse", True),
        ("Sam Patel", "nurse", False),
    ]
    accounts.set_active(jo.id, False)
    assert [(m.active, m.signed_in) for m in accounts.team() if m.id == jo.id] == [(False, False)]
    clock.advance(hours=9)
    assert not any(m.signed_in for m in accounts.team())
