"""Build ``src/mcts/scoring/data/corpus_stats.json``: the v2 absolute risks of the servers mcts is tested against.

The corpus is:

- the six pinned MCP reference servers (``tests/servers/reference.py``), scanned live over stdio (installed into
  ``.cache`` on first use, as the live tests do);
- ``examples/vulnerable-mcp-server/server.py`` and ``tests/servers/rich_server.py``, scanned live over stdio;
- one snapshot per ``server`` of each file in the eval development set (``../shared/eval/dev/*.jsonl``), built
  from all of that server's rows, scanned offline.

Every scan runs all analyzers with default options; its v2 absolute risk is computed with the chosen weights
profile, no assets file, as a local (stdio or snapshot) target. A scan that fails or is incomplete stops the
build: a corpus must not quietly miss a server.

Rebuild (from the repository root)::

    .venv/bin/python scripts/build_corpus_stats.py [--profile manual_v1] [--out PATH] [--dataset DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.servers lives in the repository, not in the installed package

from mcts import __version__  # noqa: E402
from mcts.engine import analyze, scan_async  # noqa: E402
from mcts.model.inventory import Inventory  # noqa: E402
from mcts.model.report import ScanStatus  # noqa: E402
from mcts.model.target import StdioTarget  # noqa: E402
from mcts.options import ScanOptions  # noqa: E402
from mcts.scoring.assets import AssetValues  # noqa: E402
from mcts.scoring.profile import WeightsProfile, load_profile  # noqa: E402
from mcts.scoring.v2 import score_v2  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "mcts" / "scoring" / "data" / "corpus_stats.json"
DEFAULT_DATASET = ROOT.parent / "shared" / "eval" / "dev"
CACHE = ROOT / ".cache"


def _entry(source: str, kind: str, risk: float, findings: int, tools: int) -> dict[str, Any]:
    return {"source": source, "kind": kind, "absolute_risk": risk, "findings": findings, "tools": tools}


async def live_entries(profile: WeightsProfile, scratch: Path) -> list[dict[str, Any]]:
    """Scan the reference servers, the vulnerable example and the rich test server over stdio."""
    from tests.servers.reference import REFERENCE_SERVERS, reference_server

    servers: list[tuple[str, str, list[str], dict[str, str]]] = []
    for name in REFERENCE_SERVERS:
        ref = reference_server(name, CACHE, scratch / name)
        servers.append((name, "live", ref.argv, ref.env))
    python = sys.executable
    servers.append(("examples/vulnerable-mcp-server", "example",
                    [python, str(ROOT / "examples" / "vulnerable-mcp-server" / "server.py")], {}))
    servers.append(("tests/servers/rich_server", "example", [python, str(ROOT / "tests/servers/rich_server.py"),
                                                             "stdio"], {}))
    entries = []
    for source, kind, argv, env in servers:
        target = StdioTarget(raw=" ".join(argv), command=argv[0], args=tuple(argv[1:]))
        report = await scan_async(target, ScanOptions(env=env, timeout=180))
        if report.status is not ScanStatus.COMPLETE:
            raise SystemExit(f"{source}: scan incomplete: {'; '.join(report.status_reasons)}")
        score = score_v2(report.findings, report.inventory, "stdio", profile, _no_assets(profile), None)
        entries.append(_entry(source, kind, score.absolute_risk, len(report.findings), len(report.inventory.tools)))
        print(f"{source}: {len(report.findings)} findings, absolute risk {score.absolute_risk}", file=sys.stderr)
    return entries


def eval_inventories(dataset: Path) -> list[tuple[str, Inventory]]:
    """One inventory per (file, server) of the eval set, holding every row of that server."""
    groups: dict[str, dict[str, Any]] = {}
    for path in sorted(dataset.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            key = f"eval:{path.stem}:{row.get('server') or '(none)'}"
            wire = groups.setdefault(key, {"tools": [], "prompts": [], "resources": [], "resourceTemplates": []})
            _add_row(wire, row)
    return [(key, Inventory.model_validate(wire)) for key, wire in sorted(groups.items())]


def _add_row(wire: dict[str, Any], row: dict[str, Any]) -> None:
    name, description, surface = row.get("name"), row.get("description"), row.get("surface")
    schema = row.get("input_schema") or {}
    extra = row.get("extra") or {}
    if surface == "tool" and all(t["name"] != name for t in wire["tools"]):
        tool = {"name": name, "description": description, "inputSchema": schema}
        if extra.get("annotations") is not None:
            tool["annotations"] = extra["annotations"]
        wire["tools"].append(tool)
    elif surface == "prompt":
        wire["prompts"].append({"name": name, "description": description, "arguments": schema.get("arguments") or []})
    elif surface == "resource":
        wire["resources"].append({"uri": f"eval://{row['id']}", "name": name, "description": description})
    elif surface == "resource_template":
        uri = str(extra.get("uri_template") or f"eval://{row['id']}/{{id}}")
        wire["resourceTemplates"].append({"uriTemplate": uri, "name": name, "description": description})
    elif surface == "instruction":
        wire["instructions"] = description


async def eval_entries(profile: WeightsProfile, dataset: Path) -> list[dict[str, Any]]:
    """Scan one snapshot per eval server offline."""
    entries = []
    for source, inventory in eval_inventories(dataset):
        findings, runs = await analyze(inventory, ScanOptions(), "snapshot")
        failed = [f"{r.id}: {r.reason}" for r in runs if r.status.value == "failed"]
        if failed:
            raise SystemExit(f"{source}: analyzers failed: {'; '.join(failed)}")
        score = score_v2(findings, inventory, "snapshot", profile, _no_assets(profile), None)
        entries.append(_entry(source, "eval-dev", score.absolute_risk, len(findings), len(inventory.tools)))
        print(f"{source}: {len(findings)} findings, absolute risk {score.absolute_risk}", file=sys.stderr)
    return entries


def _no_assets(profile: WeightsProfile) -> AssetValues:
    return AssetValues(default=profile.asset_values["medium"])


async def build(profile_spec: str, dataset: Path, live: bool) -> dict[str, Any]:
    """The corpus stats document."""
    profile = load_profile(profile_spec, Path.cwd())
    entries: list[dict[str, Any]] = []
    if live:
        with tempfile.TemporaryDirectory(prefix="mcts-corpus-") as scratch:
            entries += await live_entries(profile, Path(scratch))
    entries += await eval_entries(profile, dataset)
    entries.sort(key=lambda e: e["source"])
    risks = sorted(e["absolute_risk"] for e in entries)
    return {
        "profile": profile.name,
        "scoring_version": profile.scoring_version,
        "mcts_version": __version__,
        "date": datetime.now(UTC).date().isoformat(),
        "n": len(risks),
        "risks": risks,
        "entries": entries,
    }


def main() -> None:
    """Parse arguments, build the corpus and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="manual_v1", help="weights profile: bundled name or YAML path")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="directory of eval *.jsonl files")
    parser.add_argument("--no-live", action="store_true", help="only the eval snapshots (no servers started)")
    args = parser.parse_args()
    stats = anyio.run(build, args.profile, args.dataset, not args.no_live)
    args.out.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {stats['n']} scans, profile {stats['profile']}", file=sys.stderr)


if __name__ == "__main__":
    main()
