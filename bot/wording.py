"""Reads response texts from domain.yml, so text sent outside a Rasa action still lives in the domain."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.config import PROJECT_ROOT

DOMAIN = PROJECT_ROOT / "domain.yml"


class Wording:
    """The first text variant of each response; `{name}` slots are filled like Rasa fills them."""

    def __init__(self, responses: Mapping[str, str]):
        self._responses = dict(responses)

    @classmethod
    def from_domain(cls, path: Path = DOMAIN) -> Wording:
        with open(path, encoding="utf-8") as handle:
            domain = yaml.safe_load(handle) or {}
        responses = {}
        for name, variants in (domain.get("responses") or {}).items():
            plain = [v for v in variants if "text" in v and "channel" not in v]
            if plain:
                responses[name] = re.sub(r"[ \t]+", " ", plain[0]["text"]).strip()
        return cls(responses)

    def text(self, name: str, **values: Any) -> str:
        template = self._responses[name]
        needed = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        missing = needed - set(values)
        if missing:
            raise KeyError(f"{name} needs {', '.join(sorted(missing))}")
        return template.format(**values)
