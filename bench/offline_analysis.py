"""Offline analysis throughput: every analyzer over a 10,000-tool inventory snapshot, on one core.

The snapshot is built from the tool, prompt, resource and template rows of ``../shared/eval/dev/*.jsonl``
plus seeded variations of them (renamed tools, descriptions recombined from two rows, input schemas with
extra nested parameters, enums, defaults and examples), with prompts, resources, templates, server
instructions and serverInfo, and written to a temporary file. A subprocess, pinned to one core with
``os.sched_setaffinity`` where the platform has it, then does what ``mcts scan snapshot.json`` does:

- reads and validates the snapshot into an ``Inventory`` (``json.loads`` then ``build_inventory``, the two
  steps of ``mcts.collect.snapshot.read_snapshot``, timed apart);
- runs every analyzer over it (``mcts.engine.analyze``, the scan's own code path), each timed by the engine
  (``AnalyzerRun.duration_ms``, wall clock).

Prints tools/s (wall and CPU time, ``time.process_time`` of the whole process) for the analysis and for
read + analysis, peak RSS of that process (``resource.getrusage`` ``ru_maxrss``), the time per analyzer and
the snapshot read/validation time, against the goals: >= 5,000 tools/s on one core, <= 300 MB. Options used:
``max_items`` raised to the tool count (the default cap is 5,000 per listing) and a 600 s analyzer budget,
so a slow analyzer is measured instead of cut off. Prints figures; asserts nothing.

Rerun: ``make bench`` or ``.venv/bin/python bench/offline_analysis.py [--tools N] [--seed S] [--keep FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _measure import peak_rss_mb, pick_core, rate  # bench/ is on sys.path: run as a script

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "eval" / "dev"
TOOLS_GOAL_PER_SECOND = 5_000
RSS_GOAL_MB = 300.0
DEFAULT_TOOLS = 10_000
RERUN = "make bench   (or: .venv/bin/python bench/offline_analysis.py [--tools N])"
PREFIXES = ("", "acme_", "gh_", "fs_", "db_", "slack_", "cloud_", "internal_", "v2_", "mcp_")
PARAM_NAMES = ("options", "filters", "metadata", "context", "config", "target", "auth", "paging")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def load_rows() -> dict[str, list[dict[str, Any]]]:
    """Dataset rows by surface (tool, prompt, resource, resource_template, instruction)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(DATASET.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.setdefault(str(row.get("surface")), []).append(row)
    if not rows.get("tool"):
        sys.exit(f"no tool rows under {DATASET}: the benchmark needs the eval dataset")
    return rows


def _text(row: dict[str, Any]) -> str:
    return str(row.get("description") or row.get("name") or "")


def recombine(rng: random.Random, a: str, b: str) -> str:
    """The first sentences of ``a`` followed by the last ones of ``b``."""
    left, right = SENTENCE.split(a), SENTENCE.split(b)
    return " ".join(left[: rng.randint(1, len(left))] + right[rng.randint(0, len(right) - 1):])


def nested_params(rng: random.Random, texts: list[str]) -> dict[str, Any]:
    """An object parameter: an enum, an array of objects and a nested object, with a default and an example."""

    def pick() -> str:
        return rng.choice(texts)[:300]

    leaf = {"type": "string", "description": pick(), "default": pick()[:40], "examples": [pick()[:60]]}
    return {
        "type": "object",
        "description": pick(),
        "properties": {
            "mode": {"type": "string", "enum": ["fast", "safe", pick()[:30]]},
            "items": {"type": "array", "items": {"type": "object", "properties": {"value": leaf}}},
            "inner": {"type": "object", "properties": {"deep": {"type": "object", "properties": {"leaf": leaf}}}},
        },
    }


def make_tool(rng: random.Random, index: int, rows: list[dict[str, Any]], texts: list[str]) -> dict[str, Any]:
    """Tool ``index``: a dataset row as is for the first pass over the rows, then variations of it."""
    row = rows[index % len(rows)]
    name = str(row.get("name") or "tool")
    schema = json.loads(json.dumps(row.get("input_schema") or {"type": "object"}))
    description = _text(row)
    tool: dict[str, Any] = {"name": f"{name}_{index}"}
    if index >= len(rows):
        tool["name"] = f"{rng.choice(PREFIXES)}{name}_{index}"
        if rng.random() < 0.6:
            description = recombine(rng, description, _text(rng.choice(rows)))
        if rng.random() < 0.3 and isinstance(schema.get("properties"), dict):
            schema["properties"][f"{rng.choice(PARAM_NAMES)}_{index % 7}"] = nested_params(rng, texts)
        if rng.random() < 0.2:
            tool["title"] = name.replace("_", " ").title()
    tool["description"] = description
    tool["inputSchema"] = schema
    annotations = (row.get("extra") or {}).get("annotations")
    if annotations:
        tool["annotations"] = annotations
    return tool


def build_snapshot(tools: int, seed: int) -> dict[str, Any]:
    """The MCP wire snapshot: ``tools`` tools, one prompt and one resource per 50 tools, a template per 100."""
    rng = random.Random(seed)
    rows = load_rows()
    texts = [_text(r) for rs in rows.values() for r in rs if _text(r)]
    prompt_rows, resource_rows = rows.get("prompt", []) or rows["tool"], rows.get("resource", []) or rows["tool"]
    prompts = [{"name": f"{p.get('name')}_{i}", "description": recombine(rng, _text(p), rng.choice(texts)),
                "arguments": [{"name": f"arg{j}", "description": rng.choice(texts)[:300], "required": j == 0}
                              for j in range(rng.randint(0, 3))]}
               for i, p in enumerate(rng.choices(prompt_rows, k=max(1, tools // 50)))]
    resources = [{"uri": rng.choice(("file:///srv/data/", "https://docs.example.com/", "db://main/")) + f"r{i}",
                  "name": str(r.get("name"))[:80], "description": _text(r), "mimeType": "text/plain"}
                 for i, r in enumerate(rng.choices(resource_rows, k=max(1, tools // 50)))]
    templates = [{"uriTemplate": f"notes://{i}/{{name}}", "name": f"template_{i}", "description": rng.choice(texts)}
                 for i in range(max(1, tools // 100))]
    instructions = "\n\n".join(_text(r) for r in rows.get("instruction", [])) or rng.choice(texts)
    return {
        "protocolVersion": "2025-11-25",
        "serverInfo": {"name": "bench-offline", "version": "1.0.0"},
        "capabilities": {"tools": {}, "prompts": {}, "resources": {}},
        "instructions": instructions,
        "tools": [make_tool(rng, i, rows["tool"], texts) for i in range(tools)],
        "prompts": prompts,
        "resources": resources,
        "resourceTemplates": templates,
    }



def _rate(count: int, seconds: float) -> str:
    return rate(count, seconds, "tools", TOOLS_GOAL_PER_SECOND)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=DEFAULT_TOOLS, help=f"tools in the snapshot ({DEFAULT_TOOLS})")
    parser.add_argument("--seed", type=int, default=1, help="seed of the variations (default 1)")
    parser.add_argument("--keep", type=Path, help="write the snapshot here and keep it (default: a temp file)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the pinned child
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure, args.cpu)
        return
    if args.tools < 1:
        parser.error("--tools must be at least 1")

    t0 = time.perf_counter()
    snapshot = build_snapshot(args.tools, args.seed)
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="mcts-bench-", delete=False, encoding="utf-8") as f:
        json.dump(snapshot, f)
    path = Path(f.name)
    if args.keep is not None:
        path = Path(shutil.move(path, args.keep))
    counts = {k: len(snapshot[k]) for k in ("tools", "prompts", "resources", "resourceTemplates")}
    print(f"offline analysis benchmark: snapshot {path} ({path.stat().st_size / 1e6:.1f} MB, {counts}, seed "
          f"{args.seed}), generated in {time.perf_counter() - t0:.2f} s from {DATASET}")
    del snapshot
    core = pick_core()
    child = [sys.executable, str(Path(__file__).resolve()), "--measure", str(path)]
    if core is not None:
        child += ["--cpu", str(core)]
    try:
        subprocess.run(child, check=True, stdin=subprocess.DEVNULL, timeout=3600)
    finally:
        if args.keep is None:
            path.unlink(missing_ok=True)
    print(f"\nrerun: {RERUN}")




def measure(path: Path, cpu: int | None) -> None:
    """The measured run (in the child): pin, read and validate the snapshot, analyze it, print the figures."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    import anyio

    from mcts.collect.normalize import build_inventory
    from mcts.engine import analyze
    from mcts.options import Limits, ScanOptions

    rss_imports = peak_rss_mb()
    options = ScanOptions(analyzer_timeout=600, limits=Limits(max_items=1_000_000))
    w0, c0 = time.perf_counter(), time.process_time()
    wire = json.loads(path.read_bytes())  # what read_snapshot does for a full snapshot, in two timed steps
    wp = time.perf_counter()
    inventory, caps = build_inventory(wire, options.limits)
    del wire
    w1, c1 = time.perf_counter(), time.process_time()
    rss_read = peak_rss_mb()
    # The first texts() call walks the inventory; analyzers share the result. Timed apart, counted in analysis.
    strings = sum(1 for _ in inventory.texts())
    wt = time.perf_counter()
    rss_texts = peak_rss_mb()
    findings, runs = anyio.run(analyze, inventory, options, "snapshot")
    w2, c2 = time.perf_counter(), time.process_time()
    peak = peak_rss_mb()

    n = len(inventory.tools)
    pinned = f"pinned to CPU {cpu}" if cpu is not None else "NOT pinned (no sched_setaffinity here)"
    print(f"measured process {os.getpid()}, {pinned}; python {sys.version.split()[0]}; "
          f"{n} tools, caps hit: {len(caps)}")
    print(f"read snapshot: {w1 - w0:.3f} s wall  {c1 - c0:.3f} s CPU  (JSON parse {wp - w0:.3f} s, "
          f"Inventory build + validation {w1 - wp:.3f} s wall)")
    print(f"analyze, {len(runs)} analyzers: {w2 - w1:.3f} s wall  {c2 - c1:.3f} s CPU  {len(findings)} findings; "
          f"of which the first Inventory.texts() walk {wt - w1:.3f} s wall "
          f"({strings} strings a model reads, {strings / max(n, 1):.1f} per tool)")
    print("\nper analyzer (AnalyzerRun.duration_ms, wall; share of the analysis time; tools/s alone):")
    for run in sorted(runs, key=lambda r: -r.duration_ms):
        seconds = run.duration_ms / 1000
        status = "" if run.status.value == "ran" else f"  [{run.status.value}: {run.reason}]"
        print(f"  {run.id:<28} {seconds:8.3f} s  {100 * seconds / max(w2 - w1, 1e-9):5.1f}%"
              f"  {n / max(seconds, 1e-9):>9.0f} tools/s  {run.findings:>6} findings{status}")
    print(f"\nthroughput (goal >= {TOOLS_GOAL_PER_SECOND:,} tools/s on one core):")
    print(f"  analysis only    wall {_rate(n, w2 - w1)}   CPU {_rate(n, c2 - c1)}")
    print(f"  read + analysis  wall {_rate(n, w2 - w0)}   CPU {_rate(n, c2 - c0)}")
    print(f"peak RSS: {peak:.1f} MB (ru_maxrss of the measured process)   (goal <= {RSS_GOAL_MB:g} MB)  "
          f"{'meets goal' if peak <= RSS_GOAL_MB else 'OVER goal'}")
    print(f"  peak so far: after imports {rss_imports:.1f} MB, after reading the snapshot {rss_read:.1f} MB, "
          f"after texts() {rss_texts:.1f} MB, after analysis {peak:.1f} MB")


if __name__ == "__main__":
    main()
