"""`python -m bot.nlu build [OUTPUT]` writes the spaCy pipeline; `score`, `answers`, `transcripts` try a model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from bot.nlu.answer_evaluation import ANSWERS, JOURNEYS, evaluate_answers, transcripts
from bot.nlu.evaluation import INDEPENDENT, evaluate
from bot.nlu.pipeline import DEFAULT_OUTPUT, ENTITY_PATTERNS, save_pipeline


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build and save the spaCy pipeline")
    build.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    build.add_argument("--patterns", type=Path, default=ENTITY_PATTERNS)
    score = commands.add_parser("score", help="intent accuracy and macro-F1 of MODEL on an NLU test file")
    score.add_argument("model", type=Path)
    score.add_argument("--data", type=Path, default=INDEPENDENT)
    answers = commands.add_parser(
        "answers", help="which answer MODEL and the actions give each turn of a conversation set"
    )
    answers.add_argument("model", type=Path)
    answers.add_argument("--data", type=Path, default=ANSWERS)
    journeys = commands.add_parser("transcripts", help="the bot's replies to each journey, to read as a person would")
    journeys.add_argument("model", type=Path)
    journeys.add_argument("--data", type=Path, default=JOURNEYS)
    args = parser.parse_args(argv)
    if args.command == "score":
        scores = evaluate(args.model, args.data)
        for text, expected, predicted in scores.errors:
            print(f"  {expected:>24} <- {predicted:<24} {text}")
        print(
            f"{args.data.name}: {scores.examples} messages, intent accuracy {scores.accuracy:.3f}, "
            f"macro-F1 {scores.macro_f1:.3f}"
        )
        return 0
    if args.command == "transcripts":
        print("\n".join(transcripts(args.model, args.data)))
        return 0
    if args.command == "answers":
        result = evaluate_answers(args.model, args.data)
        for error in result.errors:
            print(f"  #{error.conversation:<3} {error.expected:>32} <- {error.got:<32} {error.text}")
        print(f"{args.data.name}: {result.turns} turns, {result.correct} answered as expected ({result.accuracy:.3f})")
        return 0
    path = save_pipeline(args.output, args.patterns)
    print(f"spaCy pipeline written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
