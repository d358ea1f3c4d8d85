"""Every adaptation of Rasa 3.6's internals, and `install()`, which applies the runtime patches once at start-up.

Rasa instantiates the classes named in endpoints.yml; nothing else happens at import, and
building them changes nothing in Rasa. The Rasa server's entry point (`bot.rasa_server.main`)
calls `install()` once, before Rasa starts: it refuses any Rasa but 3.6.x, then applies the
patches of tuning.py and log_setup.py. `uninstall()` puts back everything it replaced.

- locks.py: the lock stores (endpoints.yml `lock_store`): arrival order, atomic in Redis, re-entrant.
- tracker_window.py: the SQL tracker store loading a bounded window of a long conversation.
- tracker_store.py: the configured tracker store (endpoints.yml `tracker_store`): window, redaction, outages.
- outage.py: a database outage passes Rasa's fail-safe tracker store to the channel that answers for it.
- transcripts.py: earlier turns read from the table Rasa's SQL tracker store writes.
- tuning.py: two per-message costs of Rasa removed (patches).
- log_setup.py: the log scrubber put back after Rasa configures structlog (a patch).
- patching.py: how a patch is applied and undone.

Private Rasa names relied on, by module (tests/bot/rasa_runtime/test_private_names.py records each
one's signature, and fails when an upgrade changes or removes it; notes in parentheses):

Replaced by `install()`:
- `rasa.__main__`: `configure_structlog` (log_setup.py)
- `rasa.core.actions.action`: `RemoteAction._validate_action_result` (tuning.py)
- `rasa.utils.endpoints`: `EndpointConfig.session` (tuning.py)

Used by the replacements:
- `rasa.core.actions.action`: `RemoteAction.action_response_format_spec`
- `rasa.utils.endpoints`: `EndpointConfig.__init__` (its url, headers and basic_auth),
  `EndpointConfig.request` (opens session() for every call), `DEFAULT_REQUEST_TIMEOUT`
- `rasa.shared.constants`: `DOCS_BASE_URL`

Subclassed or read by locks.py:
- `rasa.core.lock`: `NO_TICKET_ISSUED`, `Ticket.__init__`, `Ticket.as_dict`, `Ticket.from_dict`,
  `TicketLock.__init__` (its tickets deque), `TicketLock.from_dict`, `TicketLock.last_issued`,
  `TicketLock.issue_ticket`, `TicketLock.remove_expired_tickets`, `TicketLock.remove_ticket_for`,
  `TicketLock.is_someone_waiting`, `TicketLock.dumps`
- `rasa.core.lock_store`: `LOCK_LIFETIME`, `LockError`, `LockStore._acquire_lock`, `LockStore.lock`,
  `LockStore.create_lock`, `LockStore.get_lock`, `LockStore.issue_ticket`, `LockStore.update_lock`,
  `LockStore.finish_serving`, `LockStore.cleanup`, `InMemoryLockStore.__init__` (its
  conversation_locks), `RedisLockStore.__init__` (its red and key_prefix), `RedisLockStore.get_lock`

Subclassed or read by tracker_window.py, tracker_store.py, outage.py and transcripts.py:
- `rasa.core.tracker_store`: `SQLTrackerStore.__init__` (its engine and domain),
  `SQLTrackerStore.SQLEvent` (the events table; bot/retention.py reads it too),
  `SQLTrackerStore.session_scope`, `SQLTrackerStore._event_query`, `SQLTrackerStore._additional_events`,
  `SQLTrackerStore.retrieve`, `SQLTrackerStore.save`, `SQLTrackerStore.stream_events`,
  `FailSafeTrackerStore.retrieve`, `FailSafeTrackerStore.save` (both catch Exception only)
- `rasa.shared.core.trackers`: `DialogueStateTracker.from_dict`
- `rasa.shared.core.events`: `UserUttered.__init__` (every field, copied when redacting), `SlotSet.__init__`

Overridden or read by the channels (bot/channels), which subclass Rasa's own:
- `rasa.core.channels.rest`: `RestInput._extract_sender`, `RestInput._extract_message`,
  `RestInput._extract_input_channel`, `RestInput.on_message_wrapper`, `RestInput.blueprint`
- `rasa.core.channels.socketio`: `SocketIOOutput.__init__` (its sio and bot_message_evt),
  `SocketIOOutput._send_message`, `SocketBlueprint.__init__` (its ctx.socketio_path),
  `SocketBlueprint.register`
- `rasa.core.run`: `load_agent_on_start` (sets app.ctx.agent, whose lock_store the REST channel takes)
"""

from __future__ import annotations

from bot.rasa_runtime import patching

SUPPORTED_RASA = "3.6."
UNSUPPORTED_MESSAGE = (
    "The helpline adapts internals of Rasa {supported}x (bot/rasa_runtime), but Rasa {found} is installed: "
    "install the version requirements.txt pins, or check every name bot/rasa_runtime lists before allowing another."
)

_installed = False


class UnsupportedRasaVersion(RuntimeError):
    """The installed Rasa is not the one whose internals bot/rasa_runtime adapts."""


def check_rasa_version(version: str) -> None:
    if not version.startswith(SUPPORTED_RASA):
        raise UnsupportedRasaVersion(UNSUPPORTED_MESSAGE.format(supported=SUPPORTED_RASA, found=version))


def install() -> None:
    """Checks the Rasa version, then applies every runtime patch; a second call changes nothing."""
    global _installed
    import rasa

    check_rasa_version(rasa.__version__)
    if _installed:
        return
    from bot.rasa_runtime import log_setup, tuning

    for patch in [*tuning.patches(), *log_setup.patches()]:
        patching.apply(patch)
    _installed = True


def uninstall() -> None:
    """Puts back every attribute `install()` replaced, as it was."""
    global _installed
    patching.restore_all()
    _installed = False
