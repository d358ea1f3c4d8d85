"""`python -m bot.nlu build [OUTPUT]`: writes the spaCy pipeline that config.yml's SpacyNLP loads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from bot.nlu.pipeline import DEFAULT_OUTPUT, ENTITY_PATTERNS, save_pipeline


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build and save the spaCy pipeline")
    build.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    build.add_argument("--patterns", type=Path, default=ENTITY_PATTERNS)
    args = parser.parse_args(argv)
    path = save_pipeline(args.output, args.patterns)
    print(f"spaCy pipeline written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
