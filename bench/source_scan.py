"""Source-scan throughput: ``mcts scan <directory>`` over a large real tree, on one core.

The tree is a copy, in a temporary directory, of installed packages from this interpreter's site-packages
(default: ``mcp`` and ``pydantic``, about 75,000 lines of Python; ``__pycache__`` left out) and of
``examples/vulnerable-mcp-server`` (so the tree declares tools and the handler and metadata analyzers have
items to work on; ``--no-examples`` leaves it out). A subprocess,
pinned to one core with ``os.sched_setaffinity`` where the platform has it, then does what
``mcts scan <tree>`` does: ``mcts.engine.scan_async`` on a ``SourceTarget`` (walk, extraction, every analyzer,
scoring), timed as a whole; each analyzer is timed by the engine (``AnalyzerRun.duration_ms``, wall clock) and
the rest of the scan (walk, parse and extraction, finalizing) is the difference.

Lines are counted over the files the walk kept (``Collected.files`` of a second, untimed ``collect_source``
run after the measurement, so it does not touch the peak RSS figure). Prints lines/s (wall and CPU time,
``time.process_time``), peak RSS (``ru_maxrss``) and the time per analyzer, against the goals: >= 10,000
lines/s on one core, <= 400 MB. Options used: a 600 s analyzer budget, so a slow analyzer is measured instead of
cut off. Prints figures; asserts nothing.

Rerun: ``make bench`` or ``.venv/bin/python bench/source_scan.py [--package NAME ...] [--no-examples] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import peak_rss_mb, pick_core, rate  # bench/ is on sys.path: run as a script

LINES_GOAL_PER_SECOND = 10_000
RSS_GOAL_MB = 400.0
DEFAULT_PACKAGES = ("mcp", "pydantic")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vulnerable-mcp-server"
RERUN = "make bench   (or: .venv/bin/python bench/source_scan.py [--package NAME ...])"


def package_dir(name: str) -> Path:
    """The directory of installed package ``name`` (found without importing it)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{name!r} is not an installed package in {sys.prefix}")
    return Path(next(iter(spec.submodule_search_locations)))


def build_tree(packages: list[str], into: Path, *, examples: bool) -> None:
    """Copy each package under ``into/<name>`` and, with ``examples``, the vulnerable example (no byte code)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in packages:
        shutil.copytree(package_dir(name), into / name, ignore=ignore)
    if examples:
        shutil.copytree(EXAMPLE, into / "examples" / EXAMPLE.name, ignore=ignore)



def _rate(count: int, seconds: float) -> str:
    return rate(count, seconds, "lines", LINES_GOAL_PER_SECOND)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", action="append", dest="packages", metavar="NAME",
                        help=f"installed package to put in the tree (repeatable; default {' '.join(DEFAULT_PACKAGES)})")
    parser.add_argument("--no-examples", action="store_true", help="leave the example server out of the tree")
    parser.add_argument("--keep", type=Path, help="build the tree in this (new) directory and keep it")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the pinned child
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure, args.cpu)
        return
    packages = args.packages or list(DEFAULT_PACKAGES)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        tree = args.keep
    else:
        tree = Path(tempfile.mkdtemp(prefix="mcts-bench-source-"))
    try:
        t0 = time.perf_counter()
        build_tree(packages, tree, examples=not args.no_examples)
        extra = "" if args.no_examples else f" and {EXAMPLE}"
        print(f"source scan benchmark: tree {tree} = {', '.join(packages)} from {sys.prefix}{extra} "
              f"(copied in {time.perf_counter() - t0:.2f} s)")
        core = pick_core()
        child = [sys.executable, str(Path(__file__).resolve()), "--measure", str(tree)]
        if core is not None:
            child += ["--cpu", str(core)]
        subprocess.run(child, check=True, stdin=subprocess.DEVNULL, timeout=3600)
    finally:
        if args.keep is None:
            shutil.rmtree(tree, ignore_errors=True)
    print(f"\nrerun: {RERUN}")




def measure(tree: Path, cpu: int | None) -> None:
    """The measured run (in the child): pin, scan the tree as source, print the figures."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    from functools import partial

    import anyio

    from mcts.collect.source import collect_source
    from mcts.engine import scan_async
    from mcts.model.target import SourceTarget
    from mcts.options import ScanOptions

    rss_imports = peak_rss_mb()
    options = ScanOptions(analyzer_timeout=600, timeout=3600)
    target = SourceTarget(raw=str(tree), path=tree)
    w0, c0 = time.perf_counter(), time.process_time()
    report = anyio.run(partial(scan_async, target, options, cwd=tree))
    w1, c1 = time.perf_counter(), time.process_time()
    peak = peak_rss_mb()

    files = collect_source(target, options).files  # untimed, after the peak was read: what the walk kept
    texts = files.texts if files is not None else {}
    lines = sum(text.count("\n") + (not text.endswith("\n") and bool(text)) for text in texts.values())
    kinds: dict[str, int] = {}
    for relpath in texts:
        suffix = Path(relpath).suffix or Path(relpath).name
        kinds[suffix] = kinds.get(suffix, 0) + 1

    pinned = f"pinned to CPU {cpu}" if cpu is not None else "NOT pinned (no sched_setaffinity here)"
    inv = report.inventory
    print(f"measured process {os.getpid()}, {pinned}; python {sys.version.split()[0]}")
    print(f"walk kept {len(texts)} files ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{lines:,} lines, {sum(map(len, texts.values())) / 1e6:.1f} MB of text")
    print(f"scan: status {report.status.value}"
          + (f" ({'; '.join(report.status_reasons)[:300]})" if report.status_reasons else "")
          + f"; extracted {len(inv.tools)} tools, {len(inv.prompts)} prompts, {len(inv.resources)} resources, "
          f"{len(inv.resource_templates)} templates; {len(report.findings)} findings; "
          f"{len(report.coverage.warnings)} warnings")
    analyzers_s = sum(run.duration_ms for run in report.analyzers) / 1000
    print(f"total: {w1 - w0:.3f} s wall  {c1 - c0:.3f} s CPU; of which analyzers {analyzers_s:.3f} s, "
          f"walk + extraction + finalizing {w1 - w0 - analyzers_s:.3f} s (wall)")
    print("\nper analyzer (AnalyzerRun.duration_ms, wall; share of the scan; lines/s alone):")
    for run in sorted(report.analyzers, key=lambda r: -r.duration_ms):
        seconds = run.duration_ms / 1000
        status = "" if run.status.value == "ran" else f"  [{run.status.value}: {run.reason}]"
        print(f"  {run.id:<28} {seconds:8.3f} s  {100 * seconds / max(w1 - w0, 1e-9):5.1f}%"
              f"  {lines / max(seconds, 1e-9):>10.0f} lines/s  {run.findings:>6} findings{status}")
    print(f"\nthroughput (goal >= {LINES_GOAL_PER_SECOND:,} lines/s on one core):")
    print(f"  whole scan  wall {_rate(lines, w1 - w0)}   CPU {_rate(lines, c1 - c0)}")
    print(f"peak RSS: {peak:.1f} MB (ru_maxrss of the measured process)   (goal <= {RSS_GOAL_MB:g} MB)  "
          f"{'meets goal' if peak <= RSS_GOAL_MB else 'OVER goal'}   (after imports {rss_imports:.1f} MB)")


if __name__ == "__main__":
    main()
