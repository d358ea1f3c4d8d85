"""The OpenAPI document matches the registered routes, and building the app creates nothing at import."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from bot.clock import system_clock
from bot.config import PROJECT_ROOT
from bot.console.app import create_app, load_openapi
from bot.content.review import ContentReview
from bot.handoff.factory import Handoffs
from bot.handoff.nurses import NurseAccounts
from bot.handoff.pause import HandoffPause
from bot.handoff.service import HandoffService
from bot.hours import OpeningHours
from bot.wording import Wording
from tests.bot.console.conftest import ADMIN_ROUTES, concrete, console_env, spec_operations


def _in_process_app(session_factory):
    handoffs = Handoffs(
        service=HandoffService(session_factory, system_clock, Wording.from_domain()),
        accounts=NurseAccounts(session_factory, system_clock),
        hours=OpeningHours.from_file(PROJECT_ROOT / "config" / "helpline.yml"),
        clock=system_clock,
        content=ContentReview(session_factory),
        pause=HandoffPause(session_factory, system_clock),
    )
    return create_app(handoffs, b"k" * 32, 8, name=f"openapi_{uuid.uuid4().hex}")


def _registered(app) -> set[tuple[str, str]]:
    routes = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        path = re.sub(r"<__file_uri__(:[^>]+)?>", "{path}", path)
        path = re.sub(r"<([A-Za-z_]+)(:[^>]+)?>", r"{\1}", path)
        for method in route.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


def test_openapi_documents_every_registered_route_and_nothing_else(session_factory):
    app = _in_process_app(session_factory)
    spec = load_openapi()
    documented = {(method, path) for method, path, _ in spec_operations(spec)}
    registered = _registered(app)
    assert len(registered) >= 20
    assert registered - documented == set(), "routes the OpenAPI document does not describe"
    assert documented - registered == set(), "documented routes the app does not have"


def _resolve(spec: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_openapi_describes_errors_schemas_and_parameters():
    spec = load_openapi()
    assert spec["openapi"].startswith("3.0")
    for ref in _refs(spec):
        assert _resolve(spec, ref) is not None
    for method, path, operation in spec_operations(spec):
        responses = operation["responses"]
        assert responses, (method, path)
        if path.startswith("/api/") and operation.get("security") != []:
            assert "401" in responses, (method, path)
        if (method, concrete(path)) in ADMIN_ROUTES:
            assert "403" in responses, (method, path)
        if "{handoff_id}" in path or "{nurse_id}" in path:
            assert "404" in responses, (method, path)
        if method == "post" and path.startswith("/api/handoffs/"):
            assert {"403", "409"} <= set(responses), (method, path)
        for name in re.findall(r"\{([^}]+)\}", path):
            parameters = spec["paths"][path].get("parameters", []) + operation.get("parameters", [])
            names = [(_resolve(spec, p["$ref"]) if "$ref" in p else p)["name"] for p in parameters]
            assert name in names, (method, path, name)
        if method == "post" and "requestBody" in operation:
            assert "application/json" in operation["requestBody"]["content"]


def test_openapi_json_is_the_yaml_document(console_server):
    response = requests.get(f"{console_server.url}/api/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.json() == load_openapi()


def test_create_app_refuses_a_short_secret(session_factory):
    handoffs = _in_process_app(session_factory).ctx.console.handoffs
    with pytest.raises(ValueError, match="at least 32 bytes"):
        create_app(handoffs, b"short", 8, name=f"short_{uuid.uuid4().hex}")


def test_importing_the_console_creates_nothing(tmp_path: Path):
    env = {**console_env(tmp_path / "var"), "HOME": str(tmp_path)}
    code = "import bot.console.app, bot.console.api, bot.console.auth, bot.console.events, bot.console.__main__"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, timeout=120)
    assert not (tmp_path / "var").exists()
