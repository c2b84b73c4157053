"""Golden scores for examples/vulnerable-mcp-server, scanned offline from a snapshot made with ``mcts snapshot``.

The snapshot and a frozen copy of the corpus stats live in ``data/``, so the golden only changes when the
analyzers or the scoring do. After an intended change, regenerate and review the diff::

    MCTS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scoring/test_golden.py

The snapshot itself was made with (regenerate it only when the example server changes)::

    .venv/bin/mcts snapshot ".venv/bin/python examples/vulnerable-mcp-server/server.py" \
        -o tests/scoring/data/vulnerable-mcp-server.snapshot.json
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mcts.engine import scan
from mcts.options import ScanOptions
from mcts.scoring import compute_scores

DATA = Path(__file__).parent / "data"
SNAPSHOT = DATA / "vulnerable-mcp-server.snapshot.json"
GOLDEN = DATA / "vulnerable-mcp-server.scores.json"
CORPUS = DATA / "corpus_stats.json"


def _result(tmp: Path) -> dict[str, Any]:
    options = ScanOptions(corpus_stats_path=CORPUS)
    report = scan(str(SNAPSHOT), options)
    legacy, v2 = compute_scores(report.findings, report.inventory, report.target, options, tmp)
    assert v2 is not None
    return {
        "findings": sorted(f"{f.severity.value} {','.join(f.techniques)} {f.location.display()}"
                           for f in report.findings),
        "score": legacy.model_dump(mode="json"),
        "score_v2": v2.model_dump(mode="json"),
    }


def test_vulnerable_example_golden_scores(tmp_path: Path) -> None:
    result = _result(tmp_path)
    if os.environ.get("MCTS_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(result, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    assert result == json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert result["score"]["grade"] == "F"
    assert result["score_v2"]["risk_level"] == "critical"
