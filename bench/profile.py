"""`make bench-profile`: where the Rasa process spends its time per message, sampled with py-spy.

Starts our assistant, sends information questions (checked, as in `make bench`) while py-spy
samples the Rasa server, and prints the frames that hold the most samples, inclusive.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from bench.client import run_conversations
from bench.scenarios import conversations, helpline_turns
from bench.stack import BIN, HelplineAssistant

# Leaf frames of threads that are only waiting for work; py-spy cannot always tell them from busy ones.
IDLE_LEAVES = ("_worker (concurrent/futures/thread.py", "wait (threading.py", "select (selectors.py")


def inclusive_shares(raw: Path) -> list[tuple[float, str]]:
    """py-spy's raw (collapsed) output as (share of busy samples, frame), each frame counted once per stack."""
    counts: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        frames = stack.split(";")
        if frames[-1].startswith(IDLE_LEAVES):
            continue
        samples = int(number)
        total += samples
        for frame in set(frames):
            counts[frame] += samples
    return [(n / total, frame) for frame, n in counts.most_common()] if total else []


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=6, help="turns per conversation")
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="helpline-profile-") as folder:
        work = Path(folder)
        assistant = HelplineAssistant(work)
        assistant.prepare()
        assistant.start()
        try:
            asyncio.run(run_conversations(assistant.url, conversations("warm", 4, 5, helpline_turns), 1))
            raw = work / "profile.txt"
            spy = subprocess.Popen(
                [str(BIN / "py-spy"), "record", "--pid", str(assistant.rasa_pid), "--format", "raw", "--output",
                 str(raw), "--rate", "200", "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            )  # fmt: skip
            time.sleep(1.0)
            load = conversations("profile", args.conversations, args.turns, helpline_turns)
            asyncio.run(run_conversations(assistant.url, load, 1))
            spy.send_signal(2)  # py-spy writes its output on SIGINT
            spy.wait(timeout=60)
        finally:
            assistant.stop()
        for share, frame in inclusive_shares(raw)[: args.top]:
            print(f"{share * 100:5.1f}%  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
