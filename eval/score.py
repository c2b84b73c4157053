"""Score the analyzers on the labeled development set (``../shared/eval/dev/*.jsonl`` from the repo root).

Only rows whose label can be judged from the metadata itself (``label_basis == "description"``) count. Each
row becomes an inventory holding that one item on its ``surface``; every analyzer runs over it through
``mcts.engine.analyze`` with default options, and the item counts as flagged when a finding at severity
MEDIUM or above points at it. Prints precision, recall and F1 per source, recall per attack type, the overall
figures, and the false-positive rate on ``real_servers_benign.jsonl``; ``--json`` prints the same as JSON.

Rows the model rejects and analyzers that fail are counted and shown, never dropped silently; analyzers that
skip (the source-code ones, on metadata rows) do not make a row unjudgeable.

Rerun: ``make eval`` or ``.venv/bin/python eval/score.py [--json] [--dataset DIR ...] [--analyzer ID] [--errors]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import anyio
from pydantic import ValidationError

from mcts.engine import analyze
from mcts.model.finding import Finding, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.model.report import AnalyzerStatus
from mcts.options import ScanOptions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = ROOT.parent / "shared" / "eval" / "dev"
FIXTURES = ROOT / "eval" / "fixtures"
DEFAULT_OUT = ROOT / ".cache" / "eval" / "results.json"
FIXTURE_SERVER_PREFIX = "fixture:"
BENIGN_FILE = "real_servers_benign.jsonl"
THRESHOLD = Severity.MEDIUM
SCORED_BASIS = "description"
RERUN = "make eval   (or: .venv/bin/python eval/score.py [--json] [--analyzer ID] [--errors])"


@dataclass
class Row:
    """One labeled item and what the analyzers made of it."""

    id: str
    file: str
    source: str
    surface: str
    label: str
    attack_type: str | None
    family: str | None  # the attack family a row belongs to, benign look-alikes included (our fixtures)
    raw: dict[str, Any] = field(repr=False)
    flagged: bool = False
    techniques: tuple[str, ...] = ()
    below_threshold: int = 0  # findings on this item under the threshold (not counted as flagged)
    problem: str | None = None  # the row could not be judged (model rejected it, an analyzer failed)


@dataclass
class Counts:
    """A confusion matrix and the figures derived from it."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, row: Row) -> None:
        """Count one judged row."""
        malicious = row.label == "malicious"
        if row.flagged:
            self.tp += malicious
            self.fp += not malicious
        else:
            self.fn += malicious
            self.tn += not malicious

    @property
    def n(self) -> int:
        """Rows counted."""
        return self.tp + self.fp + self.fn + self.tn

    def figures(self) -> dict[str, float | int | None]:
        """Precision, recall, F1 and false-positive rate (None when undefined), with the raw counts."""
        precision = _ratio(self.tp, self.tp + self.fp)
        recall = _ratio(self.tp, self.tp + self.fn)
        f1 = None if not precision or not recall else 2 * precision * recall / (precision + recall)
        return {"precision": precision, "recall": recall, "f1": f1, "fpr": _ratio(self.fp, self.fp + self.tn),
                **asdict(self), "n": self.n}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def load_rows(datasets: list[Path]) -> tuple[list[Row], Counter[str]]:
    """Rows scored (``label_basis == "description"``) and a count of the others by basis."""
    rows: list[Row] = []
    skipped: Counter[str] = Counter()
    for path in sorted(p for dataset in datasets for p in dataset.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            data = json.loads(line)
            if data.get("label_basis") != SCORED_BASIS:
                skipped[str(data.get("label_basis"))] += 1
                continue
            server = str(data.get("server") or "")
            family = server.removeprefix(FIXTURE_SERVER_PREFIX) if server.startswith(FIXTURE_SERVER_PREFIX) else None
            rows.append(Row(id=str(data.get("id") or f"{path.name}:{number}"), file=path.name,
                            source=str(data.get("source") or path.stem), surface=str(data["surface"]),
                            label=str(data["label"]), attack_type=data.get("attack_type"), family=family, raw=data))
    return rows, skipped


def build_inventory(row: Row) -> tuple[Inventory, Surface, str | None]:
    """An inventory holding only this row's item, the surface it is on and the key findings use for it."""
    data = row.raw
    name, description = data.get("name"), data.get("description")
    schema = data.get("input_schema") or {}
    extra = data.get("extra") or {}
    if row.surface == "tool":
        tool: dict[str, Any] = {"name": name, "description": description, "inputSchema": schema}
        if extra.get("annotations") is not None:
            tool["annotations"] = extra["annotations"]
        # Companions: other (benign) tools of the same server, for cross-tool families such as shadowing.
        tools = [tool, *(t for t in extra.get("companions") or () if t.get("name") != name)]
        return Inventory.model_validate({"tools": tools}), Surface.TOOL, name
    if row.surface == "prompt":
        prompt = {"name": name, "description": description, "arguments": schema.get("arguments") or []}
        return Inventory.model_validate({"prompts": [prompt]}), Surface.PROMPT, name
    if row.surface == "resource":
        uri = f"eval://{row.id}"
        resource = {"uri": uri, "name": name, "description": description}
        return Inventory.model_validate({"resources": [resource]}), Surface.RESOURCE, uri
    if row.surface == "resource_template":
        uri = str(extra.get("uri_template") or f"eval://{row.id}")
        template = {"uriTemplate": uri, "name": name, "description": description}
        return Inventory.model_validate({"resourceTemplates": [template]}), Surface.RESOURCE_TEMPLATE, uri
    if row.surface == "instruction":
        return Inventory.model_validate({"instructions": description}), Surface.INSTRUCTIONS, None
    raise ValueError(f"unknown surface {row.surface!r}")


def _points_at(finding: Finding, surface: Surface, item: str | None) -> bool:
    return finding.location.surface is surface and (item is None or finding.location.item == item)


async def judge_all(rows: list[Row], options: ScanOptions) -> None:
    """Run every analyzer over each row's one-item inventory and record whether the item was flagged."""
    for row in rows:
        try:
            inventory, surface, item = build_inventory(row)
        except (ValidationError, ValueError, TypeError, AttributeError) as exc:
            row.problem = f"not loadable: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            continue
        findings, runs = await analyze(inventory, options, "snapshot")
        hits = [f for f in findings if f.severity.rank >= THRESHOLD.rank and _points_at(f, surface, item)]
        row.flagged = bool(hits)
        row.below_threshold = sum(_points_at(f, surface, item) for f in findings) - len(hits)
        row.techniques = tuple(sorted({t for f in hits for t in f.techniques}))
        # A failed analyzer makes the row unjudgeable; one that skips (source-code analyzers on metadata) does not.
        bad = [f"{r.id} {r.status.value}: {r.reason}" for r in runs if r.status is AnalyzerStatus.FAILED]
        if bad:
            row.problem = "; ".join(bad)


def score(rows: list[Row], skipped: Counter[str], datasets: list[Path]) -> dict[str, Any]:
    """Every figure, as plain data."""
    judged = [r for r in rows if r.problem is None]
    by_source: dict[str, Counts] = {}
    by_attack: dict[str, Counts] = {}
    by_family: dict[str, Counts] = {}
    overall, benign_file = Counts(), Counts()
    for row in judged:
        overall.add(row)
        by_source.setdefault(row.source, Counts()).add(row)
        if row.label == "malicious" and row.family is None:
            by_attack.setdefault(row.attack_type or "(unspecified)", Counts()).add(row)
        if row.family is not None:
            by_family.setdefault(row.family, Counts()).add(row)
        if row.file == BENIGN_FILE:
            benign_file.add(row)
    return {
        "datasets": [str(d) for d in datasets],
        "threshold": THRESHOLD.value,
        "rows_scored": len(judged),
        "rows_not_scored_by_label_basis": dict(sorted(skipped.items())),
        "rows_with_problems": [{"id": r.id, "problem": r.problem} for r in rows if r.problem is not None],
        "by_source": {k: v.figures() for k, v in sorted(by_source.items())},
        "by_attack_type": {k: v.figures() for k, v in sorted(by_attack.items(), key=lambda kv: (-kv[1].n, kv[0]))},
        "by_fixture_family": {k: v.figures() for k, v in sorted(by_family.items())},
        "overall": overall.figures(),
        "benign_real_servers_fpr": benign_file.figures()["fpr"] if benign_file.n else None,
        "benign_real_servers_flagged": benign_file.fp,
        "benign_real_servers_n": benign_file.n,
        "findings_below_threshold": sum(r.below_threshold for r in judged),
        "flagged": [{"id": r.id, "label": r.label, "techniques": list(r.techniques)} for r in judged if r.flagged],
        "rerun": RERUN,
    }


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "   -  "
    return f"{value:6.3f}" if isinstance(value, float) else f"{value:6d}"


_COLUMNS = ("precision", "recall", "f1", "tp", "fp", "fn", "tn", "n")


def _table(title: str, groups: dict[str, dict[str, Any]], width: int = 44) -> None:
    print(f"\n{title[:width]:<{width}}" + "".join(f"{h[:6]:>7}" for h in _COLUMNS))
    for name, f in groups.items():
        print(f"{name[: width - 1]:<{width}}" + "".join(" " + _fmt(f[k]) for k in _COLUMNS))


def print_table(result: dict[str, Any]) -> None:
    """The figures as a human-readable table."""
    print(f"datasets {', '.join(result['datasets'])}")
    print(f"{result['rows_scored']} rows scored (label_basis == description); "
          f"not scored: {result['rows_not_scored_by_label_basis'] or 'none'}")
    print(f"flagged = a finding at severity >= {result['threshold']} points at the item")
    _table("source", {**result["by_source"], "OVERALL": result["overall"]})
    _table("attack_type (dev set, malicious rows)", result["by_attack_type"], width=70)
    if result["by_fixture_family"]:
        _table("fixture family (eval/fixtures, with look-alikes)", result["by_fixture_family"])
    print(f"\nfindings below {result['threshold']} (not counted): {result['findings_below_threshold']}")
    fpr = result["benign_real_servers_fpr"]
    print(f"false-positive rate on {BENIGN_FILE}: {_fmt(fpr).strip()} "
          f"({result['benign_real_servers_flagged']} of {result['benign_real_servers_n']} flagged)")
    if result["rows_with_problems"]:
        print(f"{len(result['rows_with_problems'])} row(s) could not be judged:")
        for problem in result["rows_with_problems"][:20]:
            print(f"  {problem['id']}: {problem['problem']}")
    print(f"\nrerun: {result['rerun']}")


def main() -> None:
    """Parse arguments, score, print, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    parser.add_argument("--dataset", type=Path, action="append", metavar="DIR",
                        help=f"folder of *.jsonl (repeatable) [{DEFAULT_DATASET} and {FIXTURES}]")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"write the figures as JSON here [{DEFAULT_OUT}]")
    parser.add_argument("--analyzer", action="append", default=[], metavar="ID",
                        help="score only this analyzer (repeatable; default: all)")
    parser.add_argument("--errors", action="store_true",
                        help="also list every false positive and false negative with its text")
    args = parser.parse_args()
    datasets: list[Path] = args.dataset or [DEFAULT_DATASET, FIXTURES]
    for dataset in datasets:
        if not dataset.is_dir() or not any(dataset.glob("*.jsonl")):
            print(f"eval: error: no labeled dataset at {dataset} (expected *.jsonl files; see eval/README.md)",
                  file=sys.stderr)
            sys.exit(2)
    rows, skipped = load_rows(datasets)
    anyio.run(judge_all, rows, ScanOptions(analyzers=tuple(args.analyzer)))
    result = score(rows, skipped, datasets)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
        print(f"figures written to {args.out}")
    if args.errors:
        print_errors(rows)


def print_errors(rows: list[Row]) -> None:
    """Every misjudged row: false positives, then false negatives, with name and description."""
    for title, wrong in (("FALSE POSITIVES", lambda r: r.flagged and r.label == "benign"),
                         ("FALSE NEGATIVES", lambda r: not r.flagged and r.label == "malicious")):
        picked = [r for r in rows if r.problem is None and wrong(r)]
        print(f"\n{title} ({len(picked)})")
        for row in picked:
            text = str(row.raw.get("description") or "").replace("\n", " ")
            extra = f" [{','.join(row.techniques)}]" if row.techniques else ""
            print(f"  {row.file}:{row.raw.get('name')}{extra}: {text[:160]!r}")


if __name__ == "__main__":
    main()
