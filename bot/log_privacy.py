"""No log record written by any process of ours carries what a person wrote (README "Security").

`install()` is called once by each process (the Rasa server, the action server, the nurse
console) and does two things:

1. Rasa's structured logs (structlog): a processor at the head of the chain replaces the
   values of keys that carry a person's words (`text=`, `message=`, `parse_data_text=`, … the
   keys Rasa's own anonymiser knows, and more) with a marker, and turns an exception into a
   plain traceback without the stack's locals.
2. Every stdlib log record, whoever made it (Sanic, rasa-sdk, asyncio, SQLAlchemy, us): the
   record factory replaces its exception by a traceback of file, line and function only, with
   the exception's message scrubbed (quoted values, long digit runs and email addresses
   removed, SQL parameters dropped).

Nothing happens at import.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from types import TracebackType
from typing import Any, Callable, MutableMapping, Optional, Tuple, Type

REMOVED = "[removed: may hold what a person wrote]"
# Rasa 3.6's `_anonymizer` keys (rasa/utils/log_utils.py), and others that hold trackers or bodies.
PERSONAL_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
        "request_body",
        "body",
        "tracker",
        "events",
        "parse_data",
        "latest_message",
        "slots",
        "value",
        "values",
        "metadata",
        "utterance",
        "input",
    }
)

_SQL_TAIL = re.compile(r"\s*\[(?:SQL|parameters):.*", re.DOTALL)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"\+?\d[\d\s().-]{5,}\d")
MAX_MESSAGE = 300

ExcInfo = Tuple[Type[BaseException], BaseException, Optional[TracebackType]]


def scrub_message(message: str) -> str:
    """An exception's message without the values it may quote: quoted strings, SQL parameters, numbers, emails."""
    message = _SQL_TAIL.sub(" [SQL removed]", message)
    message = _QUOTED.sub("'…'", message)
    message = _EMAIL.sub("[email]", message)
    message = _DIGITS.sub("[number]", message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


def format_exception(exc_info: ExcInfo) -> str:
    """A traceback of files, lines and functions, and each exception's type with its scrubbed message."""
    # Frames start with two spaces; each exception's own line is "Type: message".
    scrubbed = []
    for chunk in traceback.TracebackException(*exc_info, capture_locals=False).format():
        if chunk.startswith("  "):
            scrubbed.append(chunk)  # a frame: file, line, function and its source line
        else:
            head, sep, tail = chunk.rstrip("\n").partition(": ")
            scrubbed.append(head + (sep + scrub_message(tail) if sep else "") + "\n")
    return "".join(scrubbed).rstrip("\n")


def _exc_info(value: Any) -> Optional[ExcInfo]:
    if value is True:
        value = sys.exc_info()
    elif isinstance(value, BaseException):
        value = (type(value), value, value.__traceback__)
    if isinstance(value, tuple) and len(value) == 3 and value[0] is not None:
        return value
    return None


def scrub_event(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: personal keys removed, an exception reduced to a scrubbed traceback."""
    for key in list(event_dict):
        if key in PERSONAL_KEYS:
            event_dict[key] = REMOVED
    if "exc_info" in event_dict:
        info = _exc_info(event_dict.pop("exc_info"))
        if info is not None:
            event_dict["exception"] = format_exception(info)
    event_dict.pop("stack_info", None)
    return event_dict


def _install_structlog() -> None:
    import structlog

    processors = structlog.get_config()["processors"]  # the same list object every logger was built with
    if scrub_event in processors:
        return
    # After `set_exc_info`, which would otherwise ask the renderer for a traceback with locals again.
    after = [i + 1 for i, p in enumerate(processors) if p is structlog.dev.set_exc_info]
    processors.insert(after[0] if after else 0, scrub_event)


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its exception replaced by a scrubbed traceback (`exc_text`, which formatters print)."""
    if record.exc_info:
        info = _exc_info(record.exc_info)
        record.exc_info = None
        if info is not None:
            record.exc_text = format_exception(info)
    if record.stack_info:
        record.stack_info = None
    return record


def _install_record_factory() -> None:
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "_helpline_scrubs", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(previous(*args, **kwargs))

    factory._helpline_scrubs = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def install() -> None:
    """Applies both, once per process; safe to call again (e.g. after Rasa reconfigures structlog)."""
    _install_record_factory()
    _install_structlog()
