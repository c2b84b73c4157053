"""Finding ids are stable hashes of analyzer, location and evidence; severities are ordered."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from mcts.model.finding import Location, Severity, Surface, finding_id

BASE = Location(surface=Surface.TOOL, item="read_file", field="description", span=(3, 9))


def test_id_format() -> None:
    assert re.fullmatch(r"MCTS-[0-9a-f]{16}", finding_id("hidden-text", BASE, "evidence"))


def test_id_is_stable_within_a_run() -> None:
    assert finding_id("hidden-text", BASE, "evidence") == finding_id("hidden-text", BASE, "evidence")
    same = Location(surface=Surface.TOOL, item="read_file", field="description", span=(3, 9))
    assert finding_id("hidden-text", same, "evidence") == finding_id("hidden-text", BASE, "evidence")


def test_id_is_stable_across_processes() -> None:
    """Unlike ``hash()``, the id does not depend on PYTHONHASHSEED: two fresh interpreters agree."""
    code = (
        "from mcts.model.finding import Location, Surface, finding_id;"
        "print(finding_id('hidden-text', Location(surface=Surface.TOOL, item='read_file', field='description',"
        " span=(3, 9)), 'evidence'))"
    )
    ids = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("1", "2")
    }
    assert ids == {finding_id("hidden-text", BASE, "evidence")}


@pytest.mark.parametrize(
    ("analyzer", "location", "evidence"),
    [
        ("other-analyzer", BASE, "evidence"),
        ("hidden-text", BASE, "other evidence"),
        ("hidden-text", BASE.with_span(3, 10), "evidence"),
        ("hidden-text", BASE.without_span(), "evidence"),
        ("hidden-text", dataclasses.replace(BASE, field="title"), "evidence"),
        ("hidden-text", dataclasses.replace(BASE, item="write_file"), "evidence"),
        ("hidden-text", dataclasses.replace(BASE, item=None), "evidence"),
        ("hidden-text", dataclasses.replace(BASE, surface=Surface.PROMPT), "evidence"),
    ],
)
def test_any_difference_changes_the_id(analyzer: str, location: Location, evidence: str) -> None:
    assert finding_id(analyzer, location, evidence) != finding_id("hidden-text", BASE, "evidence")


def test_id_accepts_lone_surrogates() -> None:
    assert finding_id("hidden-text", BASE, "\ud800").startswith("MCTS-")


def test_severity_order() -> None:
    ranks = [s.rank for s in (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)]
    assert ranks == [0, 1, 2, 3, 4]


def test_location_display() -> None:
    assert BASE.display() == "tool:read_file.description"
    assert Location(surface=Surface.INSTRUCTIONS, field="instructions").display() == "instructions.instructions"
