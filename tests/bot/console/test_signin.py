"""Sign-in throttling that slows guessing but cannot lock a nurse out (issue 13, M6, L5, L6)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import requests

from bot.console.throttle import BURST, CHECKS_AT_ONCE, FREE, MAX_WAIT, SignInThrottle, Throttled
from tests.bot.console.conftest import PASSWORD, from_address, sign_in
from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


def fail(throttle: SignInThrottle, clock: FakeClock, address: str, username: str, times: int) -> None:
    for _ in range(times):
        clock.now += 0.2
        throttle.check(address, username)
        throttle.failed(address, username)


def test_guessing_is_slowed_with_a_doubling_wait(clock):
    throttle = SignInThrottle(clock)
    fail(throttle, clock, "203.0.113.1", "jo", FREE)
    with pytest.raises(Throttled) as first:
        throttle.check("203.0.113.1", "jo")
    clock.now += first.value.wait
    throttle.check("203.0.113.1", "jo")
    throttle.failed("203.0.113.1", "jo")
    with pytest.raises(Throttled) as second:
        throttle.check("203.0.113.1", "jo")
    assert second.value.wait >= 2 * first.value.wait - 1
    fail_until = clock.now + 10 * MAX_WAIT
    while clock.now < fail_until:
        try:
            throttle.check("203.0.113.1", "jo")
        except Throttled as throttled:
            assert throttled.wait <= MAX_WAIT + 1
            clock.now += throttled.wait
            continue
        throttle.failed("203.0.113.1", "jo")


def test_an_attacker_elsewhere_cannot_lock_a_nurse_out_of_her_known_good_address(clock):
    throttle = SignInThrottle(clock)
    throttle.check("198.51.100.2", "jo")
    throttle.succeeded("198.51.100.2", "jo")  # she signed in from here before
    for attacker in range(50):  # many addresses, many guesses at her account
        for _ in range(3):
            clock.now += 0.2
            throttle.failed(f"203.0.113.{attacker}", "jo")
    with pytest.raises(Throttled):
        throttle.check("203.0.113.200", "jo")  # a new address: her account is being guessed at
    throttle.check("198.51.100.2", "jo")  # but she still gets in from her own


def test_cycling_usernames_resets_nothing(clock):
    throttle = SignInThrottle(clock, max_entries=1000)
    for _ in range(FREE + 6):
        throttle.failed("203.0.113.1", "jo")  # now a wait of a minute
    for i in range(3000):  # more usernames than the tables hold
        clock.now += 0.001
        throttle.failed(f"198.51.100.{i % 250}", f"user-{i}")
    with pytest.raises(Throttled):
        throttle.check("203.0.113.1", "jo")  # the old LoginThrottle forgot everything after 10,000 keys
    with pytest.raises(Throttled):
        throttle.check("203.0.113.1", f"another-{uuid.uuid4().hex}")  # the address itself is slowed


def test_an_overall_limit_refuses_floods_at_once_but_not_known_good_sources(clock):
    throttle = SignInThrottle(clock)
    throttle.succeeded("198.51.100.2", "jo")
    refused = 0
    for i in range(BURST * 3):
        try:
            throttle.check(f"203.0.113.{i}", f"user-{i}")
        except Throttled as throttled:
            assert throttled.overall
            refused += 1
    assert refused == BURST * 2
    throttle.check("198.51.100.2", "jo")


def test_only_a_few_password_checks_run_at_once():
    throttle = SignInThrottle()
    running, most = 0, 0

    async def check(release: asyncio.Event) -> None:
        nonlocal running, most
        async with throttle.checking():
            running += 1
            most = max(most, running)
            await release.wait()  # each check holds its place until all twenty have asked for one
            running -= 1

    async def many() -> None:
        release = asyncio.Event()
        checks = [asyncio.create_task(check(release)) for _ in range(20)]
        await asyncio.sleep(0)  # every task runs until it holds a place or waits for one
        assert running == CHECKS_AT_ONCE
        release.set()
        await asyncio.gather(*checks)

    asyncio.run(many())
    assert most == CHECKS_AT_ONCE and running == 0


# ----- the running console: behind a proxy, the real client address counts -----


def login(console_server, username: str, password: str, address: str) -> requests.Response:
    return requests.post(
        f"{console_server.url}/api/login",
        json={"username": username, "password": password},
        headers=from_address(address),
        timeout=10,
    )


def test_behind_the_proxy_anonymous_guesses_do_not_lock_the_nurse_out(console_server, nurse):
    assert login(console_server, nurse.username, PASSWORD, "198.51.100.20").status_code == 200
    statuses = [login(console_server, nurse.username, "wrong-guess-1", "203.0.113.66").status_code for _ in range(12)]
    assert statuses[:FREE] == [401] * FREE and statuses[-1] == 429  # the guesser is slowed
    assert login(console_server, nurse.username, PASSWORD, "198.51.100.20").status_code == 200  # she is not


# ----- sessions end when the nurse signs out or the account is deactivated (issue 13, L2) -----


def test_signing_out_ends_the_token_not_only_the_cookie(console_server, nurse):
    session = sign_in(console_server.url, nurse)
    assert session.get(f"{console_server.url}/api/me", timeout=10).status_code == 200
    assert session.post(f"{console_server.url}/api/logout", timeout=10).status_code == 200
    after = session.get(f"{console_server.url}/api/me", timeout=10)
    assert after.status_code == 401 and "ended" in after.json()["error"]
    assert sign_in(console_server.url, nurse).get(f"{console_server.url}/api/me", timeout=10).status_code == 200


def test_reactivating_an_account_does_not_revive_its_old_sessions(console_server, nurse, admin):
    old = sign_in(console_server.url, nurse)
    boss = sign_in(console_server.url, admin)
    assert boss.post(f"{console_server.url}/api/nurses/{nurse.id}/deactivate", timeout=10).status_code == 200
    assert boss.post(f"{console_server.url}/api/nurses/{nurse.id}/activate", timeout=10).status_code == 200
    assert old.get(f"{console_server.url}/api/me", timeout=10).status_code == 401
    assert sign_in(console_server.url, nurse).get(f"{console_server.url}/api/queue", timeout=10).status_code == 200


def test_a_password_hashed_with_older_settings_still_signs_in_and_is_rehashed(session_factory):
    """Found by `make fuzz`: a hash needing an upgrade made sign-in a 500 ("a transaction is already begun")."""
    from argon2 import PasswordHasher

    from bot.clock import system_clock
    from bot.handoff.nurses import NurseAccounts

    old_settings = PasswordHasher(time_cost=1, memory_cost=1024)
    NurseAccounts(session_factory, system_clock, old_settings).create("jo", "Jo", PASSWORD)
    current = NurseAccounts(session_factory, system_clock)
    assert current.authenticate("jo", PASSWORD) is not None
    assert current.authenticate("jo", PASSWORD) is not None  # now with the current settings
