"""Startup time of the ``mcts`` console script: ``mcts version`` and ``mcts scan --help``.

Each command runs as a subprocess, 2 warm-up runs then N timed runs (wall clock, ``time.perf_counter``
around ``subprocess.run``). Prints median, p90 and min against the goal, then the five heaviest imports of
``mcts scan --help`` according to ``python -X importtime``. Prints figures; asserts nothing.

Rerun: ``make bench`` or ``.venv/bin/python bench/startup.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MCTS = BIN / "mcts"
PYTHON = BIN / "python"
GOAL_SECONDS = 0.3
WARMUPS = 2
TIMEOUT_SECONDS = 60
COMMANDS = (("mcts version", ["version"]), ("mcts scan --help", ["scan", "--help"]))


def time_once(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=TIMEOUT_SECONDS)
    return time.perf_counter() - t0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100), at least 1
    return ordered[int(rank) - 1]


def measure(argv: list[str], runs: int) -> list[float]:
    for _ in range(WARMUPS):
        time_once(argv)
    return [time_once(argv) for _ in range(runs)]


def heaviest_imports(argv: list[str], top: int = 5) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(top-level imports by cumulative µs, any import by self µs) of one run under ``-X importtime``."""
    result = subprocess.run([str(PYTHON), "-X", "importtime", str(MCTS), *argv], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    cumulative: list[tuple[int, str]] = []
    own: list[tuple[int, str]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line.removeprefix("import time:").split("|", 2)
        own.append((int(self_us), name.strip()))
        if not name[1:].startswith(" "):  # one leading space: imported at top level, not by another module
            cumulative.append((int(cum_us), name.strip()))
    return sorted(cumulative, reverse=True)[:top], sorted(own, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per command (default 20)")
    args = parser.parse_args()
    if not MCTS.is_file():
        sys.exit(f"{MCTS} not found: run `make install` first")

    print(f"mcts startup: {args.runs} runs each after {WARMUPS} warm-ups, wall time of the subprocess")
    print(f"python {sys.version.split()[0]}, console script {MCTS}")
    print(f"{'command':<20} {'median':>8} {'p90':>8} {'min':>8}   goal < {GOAL_SECONDS:.2f} s")
    for label, extra in COMMANDS:
        times = measure([str(MCTS), *extra], args.runs)
        med, p90 = statistics.median(times), percentile(times, 90)
        verdict = "meets goal" if p90 < GOAL_SECONDS else "OVER goal"
        print(f"{label:<20} {med:>7.3f}s {p90:>7.3f}s {min(times):>7.3f}s   {verdict} (p90)")

    by_cum, by_self = heaviest_imports(["scan", "--help"])
    print("\nheaviest imports of `mcts scan --help` (python -X importtime, one run):")
    print("  top-level, cumulative:")
    for us, name in by_cum:
        print(f"    {us / 1000:8.1f} ms  {name}")
    print("  any module, self time:")
    for us, name in by_self:
        print(f"    {us / 1000:8.1f} ms  {name}")
    print("\nrerun: make bench   (or: .venv/bin/python bench/startup.py)")


if __name__ == "__main__":
    main()
