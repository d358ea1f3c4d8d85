"""No log record carries what a person wrote: Rasa's structured logs and every stdlib record (bot/log_privacy.py)."""

from __future__ import annotations

import copy
import io
import json
import logging

import pytest
import structlog

from bot import log_privacy

PII = ["07700 900123", "jane.doe@example.com", "943 476 5919", "I found a lump"]
MESSAGE = "call me on 07700 900123 or jane.doe@example.com, NHS 943 476 5919. I found a lump"


@pytest.fixture
def rasa_logging(monkeypatch):
    """Rasa's own logging set-up (JSON, as when not on a terminal), writing to a buffer we can search."""
    from rasa.utils.log_utils import configure_structlog

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    previous_level, previous_factory = root.level, logging.getLogRecordFactory()
    root.addHandler(handler)
    monkeypatch.setattr("rasa.utils.log_utils.FORCE_JSON_LOGGING", "1")
    configure_structlog(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        logging.setLogRecordFactory(previous_factory)
        structlog.reset_defaults()


def rest_failure(text):
    """What rasa/core/channels/rest.py does when handling a message fails."""
    structlogger = structlog.get_logger("rasa.core.channels.rest")
    try:
        raise TypeError("unhashable type: 'list'")
    except Exception:
        structlogger.exception("rest.message.received.failure", text=copy.deepcopy(text))


def assert_clean(output: str) -> None:
    for value in PII:
        assert value not in output, f"{value!r} reached the log"


def test_without_the_filter_rasa_logs_the_text_and_its_locals(rasa_logging):
    """The finding itself (issue 13, H2): shows the test can fail."""
    rest_failure([MESSAGE])
    assert "07700 900123" in rasa_logging.getvalue()


def test_rasa_structured_failure_logs_keep_the_event_but_not_the_text(rasa_logging):
    log_privacy.install()
    rest_failure([MESSAGE])
    rest_failure(MESSAGE)
    output = rasa_logging.getvalue()
    assert_clean(output)
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [r["event"] for r in records] == ["rest.message.received.failure"] * 2
    assert all(r["text"] == log_privacy.REMOVED for r in records)
    assert "TypeError" in records[0]["exception"] and "locals" not in output


def test_stdlib_exceptions_lose_quoted_values_and_sql_parameters(rasa_logging):
    log_privacy.install()
    logger = logging.getLogger("anything")
    try:
        raise KeyError(MESSAGE)
    except KeyError:
        logger.exception("handling failed")
    try:
        raise RuntimeError(f"(sqlite3.OperationalError) locked [SQL: INSERT INTO t (?)] [parameters: ('{MESSAGE}',)]")
    except RuntimeError:
        logger.error("database", exc_info=True)
    output = rasa_logging.getvalue()
    assert_clean(output)
    assert "KeyError" in output and "RuntimeError" in output and "sqlite3.OperationalError" in output


def test_install_is_idempotent_and_keeps_other_factories(rasa_logging):
    log_privacy.install()
    factory = logging.getLogRecordFactory()
    log_privacy.install()
    assert logging.getLogRecordFactory() is factory
    processors = structlog.get_config()["processors"]
    assert processors.count(log_privacy.scrub_event) == 1


@pytest.mark.parametrize(
    "message, kept, gone",
    [
        ("could not connect to server: Connection refused", "Connection refused", None),
        ("invalid literal for int() with base 10: 'my number is 07700900123'", "invalid literal", "07700900123"),
        ("bad email jane.doe@example.com", "bad email", "jane.doe@example.com"),
        ("x" * 1000, "x" * 100, "x" * 400),
    ],
)
def test_scrub_message(message, kept, gone):
    scrubbed = log_privacy.scrub_message(message)
    assert kept in scrubbed
    if gone:
        assert gone not in scrubbed
