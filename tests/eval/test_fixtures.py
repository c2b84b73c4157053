"""Our hard-family fixtures: every malicious row is flagged at MEDIUM or above, no benign look-alike is."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest

from mcts.options import ScanOptions

ROOT = Path(__file__).resolve().parents[2]


def _score_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", ROOT / "eval" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


SCORE = _score_module()
ROWS, _ = SCORE.load_rows([ROOT / "eval" / "fixtures"])


@pytest.fixture(scope="module")
def judged() -> dict[str, Any]:
    anyio.run(SCORE.judge_all, ROWS, ScanOptions())
    return {row.id: row for row in ROWS}


def test_every_family_has_both_labels() -> None:
    families: dict[str, set[str]] = {}
    for row in ROWS:
        families.setdefault(row.family, set()).add(row.label)
    assert len(families) >= 10
    assert all(labels == {"malicious", "benign"} for labels in families.values()), families


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.family}-{r.label}-{r.raw.get('name') or 'instructions'}")
def test_fixture_is_judged_right(row: Any, judged: dict[str, Any]) -> None:
    result = judged[row.id]
    assert result.problem is None, result.problem
    expected = result.label == "malicious"
    assert result.flagged is expected, (
        f"{'missed' if expected else 'false positive'}: {result.raw.get('description')!r}"
    )
