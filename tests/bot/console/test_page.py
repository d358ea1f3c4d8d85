"""The console page: served with its modules, each small, none putting data into HTML."""

from __future__ import annotations

import re

import requests

from bot.console.app import STATIC_DIR


def test_root_redirects_to_the_console_page_with_its_assets(console_server):
    root = requests.get(f"{console_server.url}/", allow_redirects=False, timeout=10)
    assert root.status_code == 302 and root.headers["Location"] == "/console"
    page = requests.get(f"{console_server.url}/console", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<script type="module" src="/console/static/console.js"></script>' in page.text
    css = requests.get(f"{console_server.url}/console/static/console.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    escape = requests.get(f"{console_server.url}/console/static/../app.py", timeout=10)
    assert escape.status_code == 404


def test_every_module_the_page_imports_is_served_as_javascript(console_server):
    """A module script with another MIME type, or under nosniff a wrong one, is refused by the browser."""
    seen, waiting = set(), ["console.js"]
    while waiting:
        name = waiting.pop()
        seen.add(name)
        response = requests.get(f"{console_server.url}/console/static/{name}", timeout=10)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript"), name
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        imports = re.findall(r'^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)";', response.text, re.MULTILINE | re.DOTALL)
        for target in imports:
            assert re.fullmatch(r"\./[a-z]+\.js", target), f"{name} imports {target}: only ./module.js beside it"
            if target[2:] not in seen:
                waiting.append(target[2:])
    on_disk = {path.name for path in STATIC_DIR.glob("*.js")}
    assert seen == on_disk, "every module file is reached from console.js, and nothing it imports is missing"
    assert len(seen) >= 5


def test_no_console_module_is_over_400_lines():
    for path in STATIC_DIR.glob("*.js"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_the_console_scripts_never_put_data_into_html():
    scripts = sorted(STATIC_DIR.glob("*.js"))
    assert len(scripts) >= 5
    for path in scripts:
        script = path.read_text(encoding="utf-8")
        assert "innerHTML" not in script and "outerHTML" not in script and "insertAdjacentHTML" not in script, path
        assert "document.write" not in script and "eval(" not in script, path
