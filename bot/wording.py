"""Reads response texts from domain.yml, so text sent outside a Rasa action still lives in the domain."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from bot.config import PROJECT_ROOT

DOMAIN = PROJECT_ROOT / "domain.yml"
Button = dict  # {"title": ..., "payload": ...}


def _clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


class Wording:
    """The first text variant of each response; `{name}` slots are filled like Rasa fills them.

    A response may have a variant for one channel (`channel: twilio`), as Rasa allows; `text(...,
    channel=...)` picks it where there is one, so that e.g. an SMS never says "in this chat".
    """

    def __init__(
        self,
        responses: Mapping[str, str],
        channel_variants: Optional[Mapping[tuple[str, str], str]] = None,
        buttons: Optional[Mapping[tuple[str, Optional[str]], list[Button]]] = None,
    ):
        self._responses = dict(responses)
        self._channels = dict(channel_variants or {})
        self._buttons = dict(buttons or {})

    @classmethod
    def from_domain(cls, path: Path = DOMAIN) -> Wording:
        with open(path, encoding="utf-8") as handle:
            domain = yaml.safe_load(handle) or {}
        responses: dict[str, str] = {}
        channels: dict[tuple[str, str], str] = {}
        buttons: dict[tuple[str, Optional[str]], list[Button]] = {}
        for name, variants in (domain.get("responses") or {}).items():
            for variant in variants:
                if "text" not in variant:
                    continue
                channel = variant.get("channel")
                if channel is None and name in responses:
                    continue
                if channel is not None and (name, channel) in channels:
                    continue
                if channel is None:
                    responses[name] = _clean(variant["text"])
                else:
                    channels[(name, channel)] = _clean(variant["text"])
                if variant.get("buttons"):
                    buttons[(name, channel)] = [
                        {"title": str(b["title"]), "payload": str(b["payload"])} for b in variant["buttons"]
                    ]
        return cls(responses, channels, buttons)

    def has(self, name: str) -> bool:
        return name in self._responses

    def text(self, name: str, channel: Optional[str] = None, **values: Any) -> str:
        template = self._channels.get((name, channel)) if channel else None
        if template is None:
            template = self._responses[name]
        needed = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        missing = needed - set(values)
        if missing:
            raise KeyError(f"{name} needs {', '.join(sorted(missing))}")
        return template.format(**values)

    def buttons(self, name: str, channel: Optional[str] = None) -> list[Button]:
        """The response's buttons on this channel: its own variant's, else the plain variant's (if that is used)."""
        if channel and (name, channel) in self._channels:
            return list(self._buttons.get((name, channel), []))
        return list(self._buttons.get((name, None), []))
