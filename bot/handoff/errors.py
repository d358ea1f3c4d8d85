"""The errors of the handoff and outbox services; each carries the HTTP status the console answers with."""

from __future__ import annotations


class HandoffError(Exception):
    """A request that cannot be carried out; `status` is the HTTP status that fits it."""

    status = 400


class NotFound(HandoffError):
    status = 404


class Conflict(HandoffError):
    status = 409
