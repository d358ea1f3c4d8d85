"""BENCHMARKS.md is written by several benchmarks, each owning the block between its own markers."""

from __future__ import annotations

from pathlib import Path

from bot.config import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "BENCHMARKS.md"


def write_block(name: str, block: str, heading: str, path: Path = BENCHMARKS) -> None:
    """Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`, or appends it under `heading`."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    marked = f"{start}\n{block.rstrip()}\n{end}"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        current = head + marked + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + f"\n\n## {heading}\n\n" + marked + "\n"
    path.write_text(current, encoding="utf-8")
