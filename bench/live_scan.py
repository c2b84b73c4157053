"""Live scan of ``@modelcontextprotocol/server-everything`` over stdio: ``mcts scan`` against a bare SDK client.

Both run as subprocesses with the same interpreter, against the same server argv, interleaved (the order
alternates each round), N rounds after one warm-up each. For each run:

- wall time: ``time.perf_counter`` from spawn until the process is reaped;
- peak RSS of the Python process itself (``VmHWM`` in ``/proc/PID/status``, polled every 2 ms until it
  exits; the node server is not included);
- as a cross-check, ``ru_maxrss`` from ``os.wait4``: the largest of the Python process and the children it
  reaped, so it is usually the node server's peak when that is bigger.

Each run has a 120 s timeout and runs in its own session, whose process group is killed on timeout or
error. Prints figures and the goals (wall-time ratio mcts/bare <= 1.3, mcts peak RSS <= 150 MB); asserts
nothing.

Rerun: ``make bench`` or ``.venv/bin/python bench/live_scan.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
MCTS = BIN / "mcts"
BARE = Path(__file__).resolve().parent / "bare_client.py"
CACHE = ROOT / ".cache" / "npm"
PACKAGE = "@modelcontextprotocol/server-everything"
VERSION = "2026.8.31"
TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 0.002
RATIO_GOAL = 1.3
RSS_GOAL_MB = 150.0


@dataclass
class Run:
    """One measured subprocess."""

    wall: float
    peak_rss_mb: float  # VmHWM of the process itself
    tree_maxrss_mb: float  # ru_maxrss from wait4: max of it and the children it reaped
    returncode: int
    stdout: str


def server_entry() -> Path:
    """The server's bin script: through tests/servers/launch.py when present, else installed here."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.servers.launch import ensure_server_everything
    except ImportError as exc:
        print(f"(tests.servers.launch unavailable: {exc}; installing with npm directly)", file=sys.stderr)
    else:
        return ensure_server_everything(CACHE)
    package_dir = CACHE / "node_modules" / PACKAGE
    manifest_path = package_dir / "package.json"
    if not manifest_path.is_file() or json.loads(manifest_path.read_text())["version"] != VERSION:
        npm = shutil.which("npm") or sys.exit("npm is not on PATH")
        subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-package-lock", "--no-audit", "--no-fund",
                        f"{PACKAGE}@{VERSION}"], check=True, timeout=600, stdin=subprocess.DEVNULL)
    bin_field = json.loads(manifest_path.read_text())["bin"]
    script = bin_field if isinstance(bin_field, str) else next(iter(bin_field.values()))
    return package_dir / script


def _vmhwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def run_once(argv: list[str]) -> Run:
    """Run ``argv`` to completion, measuring wall time and peak RSS; kill its process group on timeout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    chunks: list[bytes] = []
    peak_kb = 0
    deadline = t0 + TIMEOUT_SECONDS
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, _vmhwm_kb(proc.pid) or 0)
            chunk = proc.stdout.read()
            if chunk:
                chunks.append(chunk)
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{argv[0]} ran past {TIMEOUT_SECONDS:g}s")
            time.sleep(POLL_SECONDS)
        wall = time.perf_counter() - t0
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    with contextlib.suppress(ProcessLookupError):  # whatever the run left behind (the server, normally gone)
        os.killpg(proc.pid, signal.SIGKILL)
    proc.returncode = os.waitstatus_to_exitcode(status)
    os.set_blocking(proc.stdout.fileno(), True)
    chunks.append(proc.stdout.read())
    proc.stdout.close()
    return Run(wall, peak_kb / 1024, usage.ru_maxrss / 1024, proc.returncode, b"".join(chunks).decode())


def summarize(name: str, runs: list[Run]) -> None:
    walls = [r.wall for r in runs]
    rss = [r.peak_rss_mb for r in runs]
    tree = [r.tree_maxrss_mb for r in runs]
    print(f"{name:<6} wall median {statistics.median(walls):6.3f}s  min {min(walls):6.3f}s  max {max(walls):6.3f}s"
          f"   peak RSS (python process) median {statistics.median(rss):6.1f} MB  max {max(rss):6.1f} MB"
          f"   [wait4 ru_maxrss incl. reaped children: {max(tree):.1f} MB]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (default 7)")
    args = parser.parse_args()
    node = shutil.which("node") or sys.exit("node is not on PATH")
    server = [node, str(server_entry()), "stdio"]
    commands = {
        "mcts": [str(MCTS), "scan", shlex.join(server), "--format", "json", "-q"],
        "bare": [str(PYTHON), str(BARE), *server],
    }
    print(f"live scan of {PACKAGE}@{VERSION} over stdio; {args.runs} interleaved rounds after 1 warm-up each")
    for name, argv in commands.items():
        print(f"  {name}: {shlex.join(argv)}")
        run_once(argv)  # warm-up
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for round_ in range(args.runs):
        order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
        for name in order:
            results[name].append(run_once(commands[name]))

    print()
    for name, runs in results.items():
        summarize(name, runs)
    mcts_runs, bare_runs = results["mcts"], results["bare"]
    ratio = statistics.median(r.wall for r in mcts_runs) / statistics.median(r.wall for r in bare_runs)
    ratio_min = min(r.wall for r in mcts_runs) / min(r.wall for r in bare_runs)
    peak = max(r.peak_rss_mb for r in mcts_runs)
    print(f"\nwall time mcts/bare: {ratio:.2f}x on medians, {ratio_min:.2f}x on minimums   (goal <= {RATIO_GOAL}x)"
          f"  {'meets goal' if ratio <= RATIO_GOAL else 'OVER goal'}")
    print(f"mcts peak RSS: {peak:.1f} MB (max over runs, python process only)   (goal <= {RSS_GOAL_MB:g} MB)"
          f"  {'meets goal' if peak <= RSS_GOAL_MB else 'OVER goal'}")
    report_breakdown(mcts_runs, bare_runs)
    print("\nrerun: make bench   (or: .venv/bin/python bench/live_scan.py)")


def report_breakdown(mcts_runs: list[Run], bare_runs: list[Run]) -> None:
    """Where mcts spends its time, from its own report, and a sanity check that both saw the same server."""
    codes = sorted({r.returncode for r in mcts_runs})
    try:
        reports = [json.loads(r.stdout) for r in mcts_runs]
        report = reports[0][0] if isinstance(reports[0], list) else reports[0]
        bare_counts = json.loads(bare_runs[0].stdout)
    except (ValueError, IndexError) as exc:
        print(f"(could not read the outputs for a breakdown: {exc})")
        return
    scan_ms = statistics.median((r[0] if isinstance(r, list) else r)["duration_ms"] for r in reports)
    wall_ms = statistics.median(r.wall for r in mcts_runs) * 1000
    analyzers = ", ".join(f"{a['id']} {a['duration_ms']:.1f} ms" for a in report["analyzers"])
    bare_counts.pop("session_ms", None)
    print(f"\nmcts exit codes {codes}; status {report['status']}; inventory {_counts(report)}"
          f"; bare client saw {bare_counts}")
    bare_wall_ms = statistics.median(r.wall for r in bare_runs) * 1000
    session_ms = statistics.median(json.loads(r.stdout)["session_ms"] for r in bare_runs)
    print(f"mcts breakdown (medians): wall {wall_ms:.0f} ms = scan (collect + analyze, its duration_ms) "
          f"{scan_ms:.0f} ms + process start, imports, render and exit {wall_ms - scan_ms:.0f} ms; "
          f"analyzers: {analyzers}")
    print(f"bare breakdown (medians): wall {bare_wall_ms:.0f} ms = session (connect, list, disconnect) "
          f"{session_ms:.0f} ms + process start, imports and exit {bare_wall_ms - session_ms:.0f} ms")


def _counts(report: dict[str, object]) -> dict[str, int]:
    inventory = report["inventory"]
    assert isinstance(inventory, dict)
    return {k: len(inventory.get(k) or []) for k in ("tools", "prompts", "resources", "resourceTemplates")}


if __name__ == "__main__":
    main()
