"""Every private Rasa name bot/rasa_runtime lists still exists, with the signature recorded here (Rasa 3.6.21).

When this fails after an upgrade, read what changed in Rasa before re-recording: the module
that relies on the name (see bot/rasa_runtime's docstring) may need to change with it.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore

from bot import rasa_runtime

# "module:attribute" -> its signature; "property", "class", or the repr of a constant's value.
RECORDED = {
    "rasa.__main__:configure_structlog": "(log_level: 'Optional[int]' = None) -> 'None'",
    "rasa.core.actions.action:RemoteAction._validate_action_result": "(self, result: Dict[str, Any]) -> bool",
    "rasa.utils.endpoints:EndpointConfig.session": "(self) -> aiohttp.client.ClientSession",
    "rasa.core.actions.action:RemoteAction.action_response_format_spec": "() -> Dict[str, Any]",
    "rasa.utils.endpoints:EndpointConfig.__init__": (
        "(self, url: Optional[str] = None, params: Optional[Dict[str, Any]] = None, "
        "headers: Optional[Dict[str, Any]] = None, basic_auth: Optional[Dict[str, str]] = None, "
        "token: Optional[str] = None, token_name: str = 'token', cafile: Optional[str] = None, "
        "**kwargs: Any) -> None"
    ),
    "rasa.utils.endpoints:EndpointConfig.request": (
        "(self, method: str = 'post', subpath: Optional[str] = None, "
        "content_type: Optional[str] = 'application/json', compress: bool = False, "
        "**kwargs: Any) -> Optional[Any]"
    ),
    "rasa.utils.endpoints:DEFAULT_REQUEST_TIMEOUT": "300",
    "rasa.shared.constants:DOCS_BASE_URL": "'https://rasa.com/docs/rasa'",
    "rasa.core.lock:NO_TICKET_ISSUED": "-1",
    "rasa.core.lock:Ticket.__init__": "(self, number: int, expires: float) -> None",
    "rasa.core.lock:Ticket.as_dict": "(self) -> Dict[str, Any]",
    "rasa.core.lock:Ticket.from_dict": "(data: Dict[str, Union[int, float]]) -> 'Ticket'",
    "rasa.core.lock:TicketLock.__init__": (
        "(self, conversation_id: str, tickets: Optional[Deque[rasa.core.lock.Ticket]] = None) -> None"
    ),
    "rasa.core.lock:TicketLock.from_dict": "(data: Dict[str, Any]) -> 'TicketLock'",
    "rasa.core.lock:TicketLock.last_issued": "property",
    "rasa.core.lock:TicketLock.issue_ticket": "(self, lifetime: float) -> int",
    "rasa.core.lock:TicketLock.remove_expired_tickets": "(self) -> None",
    "rasa.core.lock:TicketLock.remove_ticket_for": "(self, ticket_number: int) -> None",
    "rasa.core.lock:TicketLock.is_someone_waiting": "(self) -> bool",
    "rasa.core.lock:TicketLock.dumps": "(self) -> str",
    "rasa.core.lock_store:LOCK_LIFETIME": "60",
    "rasa.core.lock_store:LockError": "class",
    "rasa.core.lock_store:LockStore._acquire_lock": (
        "(self, conversation_id: 'Text', ticket: 'int', wait_time_in_seconds: 'float') -> 'TicketLock'"
    ),
    "rasa.core.lock_store:LockStore.lock": (
        "(self, conversation_id: 'Text', lock_lifetime: 'float' = 60, "
        "wait_time_in_seconds: 'float' = 1) -> 'AsyncGenerator[TicketLock, None]'"
    ),
    "rasa.core.lock_store:LockStore.create_lock": "(conversation_id: 'Text') -> 'TicketLock'",
    "rasa.core.lock_store:LockStore.get_lock": "(self, conversation_id: 'Text') -> 'Optional[TicketLock]'",
    "rasa.core.lock_store:LockStore.issue_ticket": (
        "(self, conversation_id: 'Text', lock_lifetime: 'float' = 60) -> 'int'"
    ),
    "rasa.core.lock_store:LockStore.update_lock": "(self, conversation_id: 'Text') -> 'None'",
    "rasa.core.lock_store:LockStore.finish_serving": "(self, conversation_id: 'Text', ticket_number: 'int') -> 'None'",
    "rasa.core.lock_store:LockStore.cleanup": "(self, conversation_id: 'Text', ticket_number: 'int') -> 'None'",
    "rasa.core.lock_store:InMemoryLockStore.__init__": "(self) -> 'None'",
    "rasa.core.lock_store:RedisLockStore.__init__": (
        "(self, host: 'Text' = 'localhost', port: 'int' = 6379, db: 'int' = 1, "
        "username: 'Optional[Text]' = None, password: 'Optional[Text]' = None, use_ssl: 'bool' = False, "
        "ssl_certfile: 'Optional[Text]' = None, ssl_keyfile: 'Optional[Text]' = None, "
        "ssl_ca_certs: 'Optional[Text]' = None, key_prefix: 'Optional[Text]' = None, "
        "socket_timeout: 'float' = 10) -> 'None'"
    ),
    "rasa.core.lock_store:RedisLockStore.get_lock": "(self, conversation_id: 'Text') -> 'Optional[TicketLock]'",
    "rasa.core.tracker_store:SQLTrackerStore.__init__": (
        "(self, domain: 'Optional[Domain]' = None, dialect: 'Text' = 'sqlite', "
        "host: 'Optional[Text]' = None, port: 'Optional[int]' = None, db: 'Text' = 'rasa.db', "
        "username: 'Text' = None, password: 'Text' = None, event_broker: 'Optional[EventBroker]' = None, "
        "login_db: 'Optional[Text]' = None, query: 'Optional[Dict]' = None, **kwargs: 'Dict[Text, "
        "Any]') -> 'None'"
    ),
    "rasa.core.tracker_store:SQLTrackerStore.SQLEvent": "class",
    "rasa.core.tracker_store:SQLTrackerStore.session_scope": "(self) -> \"Generator['Session', None, None]\"",
    "rasa.core.tracker_store:SQLTrackerStore._event_query": (
        "(self, session: \"'Session'\", sender_id: 'Text', fetch_events_from_all_sessions: 'bool') -> \"'Query'\""
    ),
    "rasa.core.tracker_store:SQLTrackerStore._additional_events": (
        "(self, session: \"'Session'\", tracker: 'DialogueStateTracker') -> 'Iterator'"
    ),
    "rasa.core.tracker_store:SQLTrackerStore.retrieve": "(self, sender_id: 'Text') -> 'Optional[DialogueStateTracker]'",
    "rasa.core.tracker_store:SQLTrackerStore.save": "(self, tracker: 'DialogueStateTracker') -> 'None'",
    "rasa.core.tracker_store:SQLTrackerStore.stream_events": "(self, tracker: 'DialogueStateTracker') -> 'None'",
    "rasa.core.tracker_store:FailSafeTrackerStore.retrieve": (
        "(self, sender_id: 'Text') -> 'Optional[DialogueStateTracker]'"
    ),
    "rasa.core.tracker_store:FailSafeTrackerStore.save": "(self, tracker: 'DialogueStateTracker') -> 'None'",
    "rasa.shared.core.trackers:DialogueStateTracker.from_dict": (
        "(sender_id: str, events_as_dict: List[Dict[str, Any]], "
        "slots: Optional[Iterable[rasa.shared.core.slots.Slot]] = None, "
        "max_event_history: Optional[int] = None) -> 'DialogueStateTracker'"
    ),
    "rasa.shared.core.events:UserUttered.__init__": (
        "(self, text: Optional[str] = None, intent: Optional[Dict] = None, "
        "entities: Optional[List[Dict]] = None, "
        "parse_data: Optional[ForwardRef('NLUPredictionData')] = None, timestamp: Optional[float] = None, "
        "input_channel: Optional[str] = None, message_id: Optional[str] = None, "
        "metadata: Optional[Dict] = None, use_text_for_featurization: Optional[bool] = None) -> None"
    ),
    "rasa.shared.core.events:SlotSet.__init__": (
        "(self, key: str, value: Optional[Any] = None, timestamp: Optional[float] = None, "
        "metadata: Optional[Dict[str, Any]] = None) -> None"
    ),
    "rasa.core.channels.rest:RestInput._extract_sender": "(self, req: sanic.request.Request) -> Optional[str]",
    "rasa.core.channels.rest:RestInput._extract_message": "(self, req: sanic.request.Request) -> Optional[str]",
    "rasa.core.channels.rest:RestInput._extract_input_channel": "(self, req: sanic.request.Request) -> str",
    "rasa.core.channels.rest:RestInput.on_message_wrapper": (
        "(on_new_message: Callable[[rasa.core.channels.channel.UserMessage], Awaitable[Any]], text: str, "
        "queue: asyncio.queues.Queue, sender_id: str, input_channel: str, metadata: Optional[Dict[str, "
        "Any]]) -> None"
    ),
    "rasa.core.channels.rest:RestInput.blueprint": (
        "(self, on_new_message: Callable[[rasa.core.channels.channel.UserMessage], "
        "Awaitable[NoneType]]) -> sanic.blueprints.Blueprint"
    ),
    "rasa.core.channels.socketio:SocketIOOutput.__init__": (
        "(self, sio: socketio.async_server.AsyncServer, bot_message_evt: str) -> None"
    ),
    "rasa.core.channels.socketio:SocketIOOutput._send_message": "(self, socket_id: str, response: Any) -> None",
    "rasa.core.channels.socketio:SocketBlueprint.__init__": (
        "(self, sio: socketio.async_server.AsyncServer, socketio_path: str, *args: Any, **kwargs: Any) -> None"
    ),
    "rasa.core.channels.socketio:SocketBlueprint.register": (
        "(self, app: sanic.app.Sanic, options: Dict[str, Any]) -> None"
    ),
    "rasa.core.run:load_agent_on_start": (
        "(model_path: str, endpoints: rasa.core.utils.AvailableEndpoints, remote_storage: Optional[str], "
        "app: sanic.app.Sanic, loop: asyncio.events.AbstractEventLoop) -> rasa.core.agent.Agent"
    ),
}
# The columns of Rasa's `events` table that the window, the transcripts and retention read or write.
EVENT_COLUMNS = {"id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"}


def listed() -> list:
    """Each name the package docstring lists, as module:attribute; a bullet is "- `module`: `name`, `name` (note)"."""
    names = []
    for bullet in re.findall(r"^- (`.*?)(?=^\S|^$)", rasa_runtime.__doc__ or "", re.MULTILINE | re.DOTALL):
        module, *attributes = re.findall(r"`([\w.]+)`", re.sub(r"\([^)]*\)", "", bullet))
        names += [f"{module}:{attribute}" for attribute in attributes]
    return names


def shape(value: Any) -> str:
    if isinstance(value, property):
        return "property"
    if isinstance(value, type):
        return "class"
    if callable(value):
        return str(inspect.signature(value))
    return repr(value)


def rasas(name: str) -> Any:
    module, attribute = name.split(":")
    value: Any = importlib.import_module(module)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


@pytest.fixture(autouse=True, scope="module")
def as_rasa_ships():
    rasa_runtime.uninstall()  # the names' own signatures, not the replacements'


def test_every_name_the_package_lists_has_a_recorded_signature_and_no_other():
    assert len(listed()) == len(set(listed()))
    assert set(listed()) == set(RECORDED)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_the_name_exists_with_its_recorded_signature(name):
    assert shape(rasas(name)) == RECORDED[name]


def test_rasas_events_table_keeps_its_name_and_columns():
    table = SQLTrackerStore.SQLEvent.__table__
    assert table.name == "events"
    assert EVENT_COLUMNS <= set(table.columns.keys())
