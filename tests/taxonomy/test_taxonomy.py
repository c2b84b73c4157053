"""The taxonomy is complete and consistent, every technique has a page, and the generated docs are current."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from mcts.analyzers._registry import all_analyzers
from mcts.taxonomy import Technique, load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
OWASP_KEY = re.compile(r"^MCP(0[1-9]|10)$")
CWE_ID = re.compile(r"^CWE-\d+$")
TECHNIQUE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_analyzer_docs", ROOT / "docs" / "gen_analyzer_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_categories_are_the_owasp_mcp_top_ten() -> None:
    assert sorted(load_taxonomy().categories) == [f"MCP{n:02d}" for n in range(1, 11)]


@pytest.mark.parametrize("technique", load_taxonomy().techniques.values(), ids=lambda t: t.id)
def test_technique_entry_is_complete(technique: Technique) -> None:
    assert TECHNIQUE_ID.match(technique.id)
    assert technique.owasp and all(OWASP_KEY.match(key) for key in technique.owasp)
    assert all(CWE_ID.match(cwe) for cwe in technique.cwe)
    assert len(technique.title) > 10 and len(technique.description) > 60 and len(technique.remediation) > 40
    page = ROOT / "docs" / "techniques" / f"{technique.id}.md"
    assert page.is_file(), f"{page} is missing: run .venv/bin/python docs/gen_analyzer_docs.py"


def test_every_analyzer_technique_exists() -> None:
    known = set(load_taxonomy().techniques)
    for cls in all_analyzers():
        assert cls.techniques, f"{cls.id} declares no technique"
        assert set(cls.techniques) <= known, f"{cls.id}: {set(cls.techniques) - known}"


def test_every_technique_is_reported_by_some_analyzer() -> None:
    declared = {t for cls in all_analyzers() for t in cls.techniques}
    orphans = sorted(set(load_taxonomy().techniques) - declared)
    assert not orphans, f"techniques no analyzer reports: {orphans}"


def test_generated_docs_are_current() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, text in _generator().pages().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"stale generated docs, run .venv/bin/python docs/gen_analyzer_docs.py: {stale}"


def test_no_orphan_pages() -> None:
    expected = set(_generator().pages())
    on_disk = {p for d in ("analyzers", "techniques") for p in (ROOT / "docs" / d).glob("*.md")}
    assert on_disk <= expected, f"pages with no analyzer or technique behind them: {sorted(on_disk - expected)}"
