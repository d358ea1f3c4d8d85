"""Nurse accounts: argon2 password hashes, roles, and sign-in checks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.handoff.models import Availability, Nurse, Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 12


WRONG_CURRENT_PASSWORD = "current password: not right"


class AccountError(ValueError):
    """An account request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class NurseView:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: dt.datetime
    token_version: int = 0
    last_signed_in_at: Optional[dt.datetime] = None
    availability: str = Availability.AVAILABLE  # bot/handoff/availability.py


@dataclass(frozen=True)
class TeamMember:
    """A colleague as every nurse may see them: for passing a chat on, and for searching past conversations."""

    id: int
    display_name: str
    role: str
    active: bool
    signed_in: bool
    availability: str = Availability.AVAILABLE


def _view(nurse: Nurse) -> NurseView:
    return NurseView(
        nurse.id,
        nurse.username,
        nurse.display_name,
        nurse.role,
        nurse.active,
        nurse.created_at,
        nurse.token_version or 0,
        nurse.last_signed_in_at,
        nurse.availability,
    )


def signed_in_now(nurse: Nurse, now: dt.datetime) -> bool:
    """Active, not signed out since the latest sign-in, and that session not yet ended (bot/handoff/claims.py)."""
    expires = nurse.session_expires_at
    return bool(nurse.active) and nurse.signed_out_at is None and expires is not None and expires > now


class NurseAccounts:
    def __init__(self, session_factory: sessionmaker, clock: Clock, hasher: Optional[PasswordHasher] = None):
        self._sessions = session_factory
        self._now = clock
        self._hasher = hasher or PasswordHasher()

    def create(self, username: str, display_name: str, password: str, role: str = Role.NURSE) -> NurseView:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise AccountError("username: 2-80 characters, lowercase letters, digits, '.', '_' or '-'")
        if role not in tuple(Role):
            raise AccountError(f"role: must be one of {', '.join(Role)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"password: at least {MIN_PASSWORD} characters")
        if not display_name.strip():
            raise AccountError("display name: required")
        nurse = Nurse(
            username=username,
            display_name=display_name.strip(),
            password_hash=self._hasher.hash(password),
            role=role,
            active=True,
            created_at=self._now(),
        )
        try:
            with self._sessions() as session, session.begin():
                session.add(nurse)
                session.flush()
                return _view(nurse)
        except IntegrityError as error:
            raise AccountError(f"username: {username!r} is already taken") from error

    def authenticate(self, username: str, password: str) -> Optional[NurseView]:
        """The active nurse with these credentials, or None (the same answer for every kind of failure)."""
        with self._sessions() as session:
            nurse = session.execute(select(Nurse).where(Nurse.username == username.strip().lower())).scalar()
            if nurse is None or not nurse.active:
                self._hasher.hash(password)  # same work either way, so timing does not reveal usernames
                return None
            try:
                self._hasher.verify(nurse.password_hash, password)
            except (VerificationError, InvalidHashError):
                return None
            if self._hasher.check_needs_rehash(nurse.password_hash):
                nurse.password_hash = self._hasher.hash(password)
            nurse.last_signed_in_at = self._now()
            session.commit()  # the SELECT above began the transaction
            return _view(nurse)

    def set_password(self, nurse_id: int, password: str) -> NurseView:
        """An admin's reset: the new password works at once, and every session the account had ends."""
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"password: at least {MIN_PASSWORD} characters")
        with self._sessions() as session, session.begin():
            nurse = session.get(Nurse, nurse_id)
            if nurse is None:
                raise AccountError(f"no nurse with id {nurse_id}")
            nurse.password_hash = self._hasher.hash(password)
            nurse.token_version = (nurse.token_version or 0) + 1
            return _view(nurse)

    def change_own_password(self, nurse_id: int, current: str, new: str) -> NurseView:
        """Needs the current password; ends every session, this one too, so the nurse signs in again."""
        with self._sessions() as session:
            nurse = session.get(Nurse, nurse_id)
            try:
                self._hasher.verify(nurse.password_hash if nurse is not None else "", current)
            except (VerificationError, InvalidHashError) as error:
                raise AccountError(WRONG_CURRENT_PASSWORD) from error
        return self.set_password(nurse_id, new)

    def team(self) -> list[TeamMember]:
        """Every account by name, without usernames, and whether each is signed in to the console now."""
        now = self._now()
        with self._sessions() as session:
            rows = session.execute(select(Nurse).order_by(Nurse.display_name, Nurse.id)).scalars()
            return [
                TeamMember(n.id, n.display_name, n.role, bool(n.active), signed_in_now(n, now), n.availability)
                for n in rows
            ]

    def get(self, nurse_id: int) -> Optional[NurseView]:
        with self._sessions() as session:
            nurse = session.get(Nurse, nurse_id)
            return _view(nurse) if nurse is not None else None

    def list(self) -> list[NurseView]:
        with self._sessions() as session:
            return [_view(n) for n in session.execute(select(Nurse).order_by(Nurse.username)).scalars()]

    def set_active(self, nurse_id: int, active: bool) -> NurseView:
        """Deactivating an account also ends every session it had, so reactivating it revives none."""
        with self._sessions() as session, session.begin():
            nurse = session.get(Nurse, nurse_id)
            if nurse is None:
                raise AccountError(f"no nurse with id {nurse_id}")
            if nurse.active and not active:
                nurse.token_version = (nurse.token_version or 0) + 1
            nurse.active = active
            return _view(nurse)

    def end_sessions(self, nurse_id: int) -> None:
        """Every token issued to this account so far stops working (sign-out)."""
        with self._sessions() as session, session.begin():
            nurse = session.get(Nurse, nurse_id)
            if nurse is not None:
                nurse.token_version = (nurse.token_version or 0) + 1
