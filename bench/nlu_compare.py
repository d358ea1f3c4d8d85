"""Trains each NLU pipeline in bench/nlu_configs on data/nlu and scores it on tests/nlu.

Writes the table between the NLU markers in BENCHMARKS.md. Run with `make bench-nlu`.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from bench.report import write_block
from bot.config import PROJECT_ROOT
from bot.nlu.evaluation import evaluate

CONFIGS = PROJECT_ROOT / "bench" / "nlu_configs"


def train(config: Path, out: Path) -> tuple[Path, float]:
    from rasa.model_training import train_nlu

    start = time.perf_counter()
    model = train_nlu(
        config=str(config),
        nlu_data=str(PROJECT_ROOT / "data" / "nlu"),
        output=str(out),
        fixed_model_name=config.stem,
    )
    if model is None:
        raise RuntimeError(f"training {config} produced no model")
    return Path(model), time.perf_counter() - start


def describe(config: Path) -> str:
    first = config.read_text(encoding="utf-8").splitlines()[0]
    return first.lstrip("# ").strip()


def run(names: Sequence[str], repeats: int) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            config = CONFIGS / f"{name}.yml"
            model, seconds = train(config, Path(tmp))
            runs = [evaluate(model) for _ in range(repeats)]
            scores = runs[0]
            parse = statistics.median(r.median_parse_ms for r in runs)
            rows.append(
                f"| `{name}` | {describe(config)} | {scores.accuracy:.3f} | {scores.macro_f1:.3f} "
                f"| {scores.entity_recall:.3f} | {parse:.1f} | {seconds:.0f} |"
            )
            print(rows[-1], flush=True)
    header = (
        f"Held-out set: `tests/nlu/test_nlu.yml` ({scores.examples} messages, never trained on). "
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}. "
        f"Parse time is the median over the set of one `Agent.parse_message` call, median of {repeats} passes.\n\n"
        "| config | pipeline | intent accuracy | macro-F1 | entity recall | parse ms (median) | training s |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
    )
    return header + "\n".join(rows) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu_compare", description=__doc__)
    parser.add_argument("configs", nargs="*", help="names in bench/nlu_configs (default: all)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    names = args.configs or sorted(p.stem for p in CONFIGS.glob("*.yml"))
    table = run(names, args.repeats)
    write_block("nlu-compare", f"Command: `make bench-nlu`\n\n{table}", "NLU pipeline comparison")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
