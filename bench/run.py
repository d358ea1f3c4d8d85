"""`make bench`: the stock `rasa init` assistant and ours, measured in one run on this machine.

Writes the table between the `perf:start`/`perf:end` markers of BENCHMARKS.md and prints it.
Every reply is checked (bench/client.py): a wrong or failed reply stops the run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from bench import handoff
from bench.client import run_conversations
from bench.report import write_block
from bench.scenarios import conversations, helpline_turns, stock_turns
from bench.stack import PROJECT_ROOT, Assistant, HelplineAssistant, StockAssistant, rss_mb


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Figures:
    """One assistant's results; lists hold one value per repetition."""

    sequential_ms: List[float] = field(default_factory=list)
    throughput: List[float] = field(default_factory=list)
    load_p95_ms: List[float] = field(default_factory=list)
    load_median_ms: List[float] = field(default_factory=list)
    ready_s: List[float] = field(default_factory=list)
    train_s: Optional[float] = None
    rss_mb: Optional[float] = None
    turn_ratio: Optional[float] = None
    turns_ms: tuple = ()
    soak: Dict[str, float] = field(default_factory=dict)
    handoff_visible: List[float] = field(default_factory=list)
    handoff_delivered: List[float] = field(default_factory=list)
    levers: List[tuple] = field(default_factory=list)
    scaled_one: List[float] = field(default_factory=list)
    scaled_two: List[float] = field(default_factory=list)
    scaled_error: str = ""


def spread(values: Sequence[float], digits: int = 1) -> str:
    """min / median / max."""
    if not values:
        return "n/a"
    return " / ".join(f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values)))


def measure_serving(url: str, make: Callable, figures: Figures, repeats: int, prefix: str) -> None:
    asyncio.run(run_conversations(url, conversations(f"{prefix}-warm", 5, 6, make), 5))  # warm-up, not counted
    for _ in range(repeats):
        seq = asyncio.run(run_conversations(url, conversations(f"{prefix}-seq", 10, 6, make), 1))
        figures.sequential_ms.append(statistics.median(seq.seconds) * 1000)
        load = asyncio.run(run_conversations(url, conversations(f"{prefix}-load", 10, 30, make), 10))
        figures.throughput.append(len(load.seconds) / load.wall)
        figures.load_p95_ms.append(p95(load.seconds) * 1000)
        figures.load_median_ms.append(statistics.median(load.seconds) * 1000)


def measure_turns(url: str, figures: Figures) -> None:
    """One conversation of 200 turns: median of turns 1-10 against turns 191-200."""
    timings = asyncio.run(run_conversations(url, conversations("long", 1, 200, helpline_turns), 1))
    first, last = statistics.median(timings.seconds[:10]), statistics.median(timings.seconds[190:200])
    figures.turns_ms = (first * 1000, last * 1000)
    figures.turn_ratio = last / first


def measure_soak(assistant: HelplineAssistant, figures: Figures, messages: int) -> None:
    """`messages` messages in conversations of 10 turns, 10 at a time; RSS sampled every 500."""
    samples = {0: rss_mb(assistant.rasa_pid)}
    batch = 500
    for done in range(batch, messages + 1, batch):
        asyncio.run(run_conversations(assistant.url, conversations("soak", batch // 10, 10, helpline_turns), 10))
        samples[done] = rss_mb(assistant.rasa_pid)
    half = samples[messages // 2 // batch * batch]
    figures.soak = {"start": samples[0], "half": half, "end": samples[messages], "messages": messages}
    figures.soak["growth_pct"] = (samples[messages] / half - 1) * 100


def time_starts(assistant: Assistant, extra: int, figures: Figures) -> None:
    """Cold starts: `extra` that are stopped again, then the one the measurements use."""
    for _ in range(extra):
        figures.ready_s.append(assistant.start())
        assistant.stop()
    figures.ready_s.append(assistant.start())


def run_stock(work: Path, repeats: int, starts: int) -> Figures:
    figures = Figures()
    stock = StockAssistant(work / "stock")
    print("stock: rasa init --no-prompt (trains the default assistant) ...", flush=True)
    figures.train_s = stock.create()
    make = lambda n, i: stock_turns(n, stock.responses(), i)  # noqa: E731
    time_starts(stock, starts, figures)
    try:
        print("stock: serving ...", flush=True)
        measure_serving(stock.url, make, figures, repeats, "stock")
        figures.rss_mb = rss_mb(stock.rasa_pid)
    finally:
        stock.stop()
    return figures


def run_ours(
    work: Path, repeats: int, starts: int, soak_messages: int, handoff_samples: int, scaled: bool = True
) -> Figures:
    figures = Figures()
    ours = HelplineAssistant(work / "ours")
    ours.prepare()
    print("ours: rasa train --force (full training from scratch) ...", flush=True)
    figures.train_s = ours.train(work / "models")
    time_starts(ours, starts, figures)
    try:
        print("ours: serving ...", flush=True)
        measure_serving(ours.url, helpline_turns, figures, repeats, "ours")
        print("ours: 200-turn conversation ...", flush=True)
        measure_turns(ours.url, figures)
        print(f"ours: {soak_messages} messages for memory ...", flush=True)
        measure_soak(ours, figures, soak_messages)
        figures.rss_mb = rss_mb(ours.rasa_pid)
    finally:
        ours.stop()
    print("ours: each lever measured ...", flush=True)
    figures.levers = run_levers(work, ours.model_path)
    if handoff_samples:
        print("ours: nurse handoff latency ...", flush=True)
        figures.handoff_visible, figures.handoff_delivered = run_handoff(work, ours.model_path, handoff_samples)
    if scaled:
        print("ours: scale profile, 1 replica and 2 behind nginx ...", flush=True)
        try:
            figures.scaled_one, figures.scaled_two = run_scaled(ours.model_path, repeats)
        except Exception as error:  # reported in the table; the figures above are kept
            figures.scaled_error = f"{type(error).__name__}: {error}"
    return figures


# Each lever on top of the one before, starting from our assistant on Rasa exactly as it ships.
LEVERS = (
    ("Rasa as shipped: full history, schema re-checked per action call, new connection per call, domain sent",
     {"HELPLINE_RASA_TUNING": "off"}, {"window_events": 0, "enable_selective_domain": False}),
    ("+ action responses checked by a validator built once; action-server connections reused",
     {}, {"window_events": 0, "enable_selective_domain": False}),
    ("+ selective domain: the domain is not sent with each action call",
     {}, {"window_events": 0, "enable_selective_domain": True}),
    ("+ tracker window: last 40 events and each slot's latest value (the shipped configuration)",
     {}, {"window_events": 40, "enable_selective_domain": True}),
)  # fmt: skip


def endpoints_variant(folder: Path, settings: Dict[str, object]) -> Path:
    import yaml

    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    endpoints["tracker_store"]["window_events"] = settings["window_events"]
    endpoints["action_endpoint"]["enable_selective_domain"] = settings["enable_selective_domain"]
    path = folder / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


def run_levers(work: Path, model: Path) -> List[tuple]:
    """Sequential median (6-turn conversations), msg/s with 10 concurrent, and turn 191-200 vs 1-10, per lever."""
    rows = []
    for number, (name, env, settings) in enumerate(LEVERS):
        folder = work / f"lever-{number}"
        assistant = HelplineAssistant(folder, model_path=model, extra_env=dict(env))
        assistant.prepare()
        assistant.endpoints = endpoints_variant(folder, settings)
        assistant.start()
        try:
            figures = Figures()
            measure_serving(assistant.url, helpline_turns, figures, 1, f"lever{number}")
            measure_turns(assistant.url, figures)
        finally:
            assistant.stop()
        rows.append((name, figures.sequential_ms[0], figures.throughput[0], figures.turn_ratio))
        print(f"lever {number}: {rows[-1][1:]}", flush=True)
    return rows


def levers_table(rows: List[tuple]) -> str:
    lines = [
        "| what changed | median ms, sequential | msg/s, 10 concurrent | turn 191-200 / 1-10 |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {name} | {seq:.1f} | {rate:.1f} | {ratio:.2f}× |" for name, seq, rate, ratio in rows]
    return "\n".join(lines)


def run_scaled(model: Path, repeats: int) -> Tuple[List[float], List[float]]:
    """messages/s, 10 concurrent conversations: one replica of the scale profile, then both behind nginx."""
    import shutil
    import tempfile

    from ops.scaled import Ports, ScaleStack, missing_binaries

    missing = missing_binaries()
    if missing:
        raise RuntimeError(f"the scaled row needs Debian's {', '.join(missing)}: run `make scale-deps`")
    # Not under the benchmark's private temporary folder: PostgreSQL runs as the `postgres` user.
    data_dir = Path(tempfile.mkdtemp(prefix="helpline-bench-scaled-"))
    data_dir.chmod(0o755)
    stack = ScaleStack(data_dir, Ports.free(), model=model, extra_env={"HELPLINE_RATE_LIMITS": "off"})
    one: List[float] = []
    two: List[float] = []
    try:
        stack.start()
        for url, rates in ((stack.rasa_url(0), one), (stack.url, two)):
            asyncio.run(run_conversations(url, conversations("scaled-warm", 10, 4, helpline_turns), 10))
            for _ in range(repeats):
                load = asyncio.run(run_conversations(url, conversations("scaled", 10, 30, helpline_turns), 10))
                rates.append(len(load.seconds) / load.wall)
    except BaseException:
        print(f"scale profile run failed; its logs are kept in {data_dir / 'logs'}", flush=True)
        raise
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    finally:
        stack.stop()
    return one, two


def run_handoff(work: Path, model: Path, samples: int) -> tuple:
    from bot.clock import FileClock

    data = work / "handoff"
    assistant = HelplineAssistant(data, model_path=model, with_console=True)
    assistant.extra_env["HELPLINE_CLOCK_FILE"] = str(data / "clock")  # opening hours, whatever today is
    assistant.prepare()
    FileClock.set(data / "clock", handoff.MONDAY_10AM)
    assistant.start()
    try:
        return asyncio.run(handoff.measure(assistant, samples))
    finally:
        assistant.stop()


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    import rasa

    return (
        f"{cpu}, {os.cpu_count()} cores, {int(memory) // 1024 // 1024} GB RAM; Linux {platform.release()}; "
        f"Python {platform.python_version()}; Rasa {rasa.__version__}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(stock: Figures, ours: Figures, repeats: int, command: str) -> str:
    ratio = statistics.median(ours.throughput) / statistics.median(stock.throughput)
    stock_load_median = statistics.median(stock.load_median_ms)
    seq = statistics.median(ours.sequential_ms)
    ours_p95 = statistics.median(ours.load_p95_ms)
    ready = statistics.median(ours.ready_s)
    visible, delivered = (p95(ours.handoff_visible) if ours.handoff_visible else None,
                          p95(ours.handoff_delivered) if ours.handoff_delivered else None)  # fmt: skip
    soak = ours.soak
    rows = [
        ("median latency, information answer, sequential (ms)", spread(stock.sequential_ms), spread(ours.sequential_ms),
         "≤ 15", verdict(seq <= 15)),
        ("messages/s, 10 concurrent conversations", spread(stock.throughput), spread(ours.throughput),
         f"≥ 3.5× stock (ours: {ratio:.2f}×)", verdict(ratio >= 3.5)),
        ("p95 latency at that load (ms)", spread(stock.load_p95_ms), spread(ours.load_p95_ms),
         f"≤ stock median at load ({stock_load_median:.0f})", verdict(ours_p95 <= stock_load_median)),
        ("latency turn 191-200 vs turn 1-10 of one conversation", "", f"{ours.turn_ratio:.2f}× "
         f"({ours.turns_ms[0]:.1f} → {ours.turns_ms[1]:.1f} ms)", "≤ 1.2×", verdict(ours.turn_ratio <= 1.2)),
        ("start to ready, model loaded (s)", spread(stock.ready_s), spread(ours.ready_s), "≤ 15", verdict(ready <= 15)),
        (f"Rasa RSS after {int(soak['messages'])} messages (MB)", f"{stock.rss_mb:.0f} (after the load runs)",
         f"{soak['end']:.0f} (start {soak['start']:.0f})", "≤ 700", verdict(soak["end"] <= 700)),
        (f"RSS growth over the last {int(soak['messages']) // 2} messages", "", f"{soak['growth_pct']:+.2f}%", "≤ 2%",
         verdict(soak["growth_pct"] <= 2)),
        ("training from scratch (s)", f"{stock.train_s:.0f} (`rasa init`)",
         f"{ours.train_s:.0f} (`rasa train --force`)", "≤ 180", verdict((ours.train_s or 0) <= 180)),
        ("new handoff visible in a connected console, p95 (s)", "", f"{visible:.2f}" if visible is not None else "n/a",
         "≤ 1", verdict(visible is not None and visible <= 1)),
        ("nurse reply delivered to the person, p95 (s)", "", f"{delivered:.2f}" if delivered is not None else "n/a",
         "≤ 1", verdict(delivered is not None and delivered <= 1)),
    ]  # fmt: skip
    lines = [
        f"Measured {dt.date.today().isoformat()} by `{command}` on: {machine()}.",
        "",
        f"Values are min / median / max over {repeats} repetitions where there are several; ratios use the medians.",
        "",
        "| figure | stock `rasa init` | ours | target | |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in rows),
        *scaled_lines(ours),
        "",
        "Each lever, measured in the same run on the same model (one repetition each):",
        "",
        levers_table(ours.levers),
    ]
    return "\n".join(lines)


def scaled_lines(ours: Figures) -> List[str]:
    if ours.scaled_error:
        return ["", f"Scale profile row: **the run failed**: `{ours.scaled_error[:300]}`"]
    if not ours.scaled_two:
        return []
    ratio = statistics.median(ours.scaled_two) / statistics.median(ours.scaled_one)
    return [
        "",
        "Scale profile (PostgreSQL tracker store, Redis lock store), messages/s with 10 concurrent conversations:",
        "",
        "| replicas | messages/s (min / median / max) | vs 1 replica |",
        "| --- | --- | --- |",
        f"| 1 (straight to replica 1) | {spread(ours.scaled_one)} | 1.00× |",
        f"| 2 (behind nginx) | {spread(ours.scaled_two)} | {ratio:.2f}× |",
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repetitions of the latency and load runs")
    parser.add_argument("--starts", type=int, default=2, help="extra cold starts timed per assistant")
    parser.add_argument("--soak", type=int, default=10_000, help="messages for the memory figure")
    parser.add_argument("--handoffs", type=int, default=20, help="handoffs timed end to end")
    parser.add_argument("--no-scaled", action="store_true", help="skip the scale profile's 1 vs 2 replicas row")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    command = (
        "make bench" if not argv and len(sys.argv) == 1 else "python -m bench.run " + " ".join(argv or sys.argv[1:])
    )
    with tempfile.TemporaryDirectory(prefix="helpline-bench-") as folder:
        work = Path(folder)
        stock = run_stock(work, args.repeats, args.starts)
        ours = run_ours(work, args.repeats, args.starts, args.soak, args.handoffs, scaled=not args.no_scaled)
    text = table(stock, ours, args.repeats, command)
    print(text)
    if not args.no_write:
        write_block("perf", text, "Serving performance against stock Rasa")
    missed = text.count("**missed**") + text.count("**the run failed**")
    print(f"\n{missed} target(s) missed" if missed else "\nevery target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
