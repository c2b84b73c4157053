"""Readiness renderers: table and JSON, with hostile server text escaped."""

from __future__ import annotations

import json

from mcts.collect.result import Collected
from mcts.model.inventory import Inventory
from mcts.model.readiness import ReadinessReport
from mcts.model.report import TargetInfo
from mcts.options import ScanOptions
from mcts.readiness import ReadinessSettings, assess
from mcts.render.readiness import render_readiness_json, render_readiness_table

HOSTILE = "evil\x1b[2J\u202egnp.exe"


def report() -> ReadinessReport:
    inv = Inventory.model_validate({"serverInfo": {"name": HOSTILE, "version": "1\x07"},
                                    "tools": [{"name": HOSTILE}, {"name": f"delete_{HOSTILE}",
                                                                  "annotations": {"readOnlyHint": True}}]})
    return assess(Collected(inventory=inv, transport="stdio"), TargetInfo(kind="stdio", value="srv"),
                  ScanOptions(), ReadinessSettings())


def test_table_escapes_server_text() -> None:
    for color in (False, True):
        text = render_readiness_table(report(), color=color, width=200)
        assert "\x1b[2J" not in text
        assert "\u202e" not in text
        assert "\x07" not in text
        assert "evil\\x1b[2J\\u202egnp.exe" in text
        assert "NOT READY" in text
        assert "RDY001" in text


def test_json_round_trips_and_is_ascii() -> None:
    original = report()
    text = render_readiness_json(original)
    assert text.isascii()
    data = json.loads(text)
    assert data["schema_version"] == "1.0"
    assert "\u202e" not in json.dumps(data["checks"], ensure_ascii=False)
    assert data["server_name"] == "evil\\x1b[2J\\u202egnp.exe"
    assert ReadinessReport.model_validate(data).score == original.score
