"""Replaces attributes of Rasa's classes and modules so that every one can be put back exactly as it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Tuple

_MISSING = object()  # the attribute was inherited, not set on the owner itself


@dataclass(frozen=True)
class Patch:
    """`owner.name` (a class or module of Rasa's) becomes `replacement`."""

    owner: Any
    name: str
    replacement: Any


# What each applied patch replaced, in the order applied.
_applied: List[Tuple[Patch, Any]] = []


def apply(patch: Patch) -> None:
    _applied.append((patch, vars(patch.owner).get(patch.name, _MISSING)))
    setattr(patch.owner, patch.name, patch.replacement)


def restore_all() -> None:
    """Puts back what every applied patch replaced, the last applied first."""
    while _applied:
        patch, original = _applied.pop()
        if original is _MISSING:
            delattr(patch.owner, patch.name)
        else:
            setattr(patch.owner, patch.name, original)


def applied() -> List[str]:
    """The applied patches as `Owner.name`, in the order applied."""
    return [f"{_name(patch.owner)}.{patch.name}" for patch, _ in _applied]


def _name(owner: Any) -> str:
    return str(getattr(owner, "__qualname__", None) or getattr(owner, "__name__", owner))
