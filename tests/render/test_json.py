"""The JSON report: pure ASCII, documented keys, valid against the published schema, schema up to date."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mcts.engine import scan_async
from mcts.model.report import ScanReport
from mcts.model.schema import SCHEMA_ID, report_schema, schema_text
from mcts.options import ScanOptions
from mcts.render import Format, render
from mcts.render.json import render_json

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "report.schema.json"
FIXTURE = ROOT / "tests" / "analyzers" / "data" / "hidden_text.json"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def report() -> ScanReport:
    return await scan_async(str(FIXTURE), ScanOptions())


@pytest.fixture
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_schema_file_is_current() -> None:
    assert SCHEMA_FILE.is_file(), "docs/report.schema.json is missing: run make schema"
    on_disk = SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(on_disk) == report_schema(), "docs/report.schema.json is stale: run make schema"
    assert on_disk == schema_text(), "docs/report.schema.json is not in canonical form: run make schema"


def test_schema_header() -> None:
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID == "https://mcts.dev/schema/report-1.0.json"
    assert schema["title"]
    assert len(schema["anyOf"]) == 2
    assert schema_text().endswith("}\n")
    assert schema_text() == schema_text()


@pytest.mark.anyio
async def test_json_is_ascii_and_has_documented_keys(report: ScanReport) -> None:
    text = render_json([report])
    assert text.isascii()
    assert text.endswith("\n")
    assert render([report], Format.JSON) == text
    doc = json.loads(text)
    assert doc["schema_version"] == "1.0"
    assert doc["status"] == "complete"
    assert doc["target"] == {"kind": "snapshot", "value": str(FIXTURE)}
    for key in ("mcts_version", "started_at", "duration_ms", "inventory", "findings", "summary", "analyzers",
                "coverage"):
        assert key in doc, key
    inventory = doc["inventory"]
    for key in ("protocolVersion", "serverInfo", "instructions", "tools", "prompts"):
        assert key in inventory, key
    assert "inputSchema" in inventory["tools"][0]
    assert "input_schema" not in text
    assert doc["summary"]["total"] == len(doc["findings"]) > 0
    assert doc["coverage"]["transport"] == "snapshot"
    assert {a["id"]: a["status"] for a in doc["analyzers"]}["hidden-text"] == "ran"


@pytest.mark.anyio
async def test_finding_shape(report: ScanReport) -> None:
    doc = json.loads(render_json([report]))
    keys = {"id", "analyzer", "techniques", "severity", "confidence", "location", "title", "evidence", "remediation"}
    for finding in doc["findings"]:
        assert keys <= finding.keys()
        assert {"surface", "item", "field", "span"} <= finding["location"].keys()
        start, end = finding["location"]["span"]
        assert 0 <= start < end
    nested = [f for f in doc["findings"] if f["location"]["item"] == "not_ok_nested_schema"]
    assert nested[0]["location"] == {"surface": "tool", "item": "not_ok_nested_schema",
                                     "field": "inputSchema.properties.path.description", "span": [9, 37]}
    assert nested[0]["severity"] == "critical"
    assert nested[0]["techniques"] == ["hidden-unicode-tags"]


@pytest.mark.anyio
async def test_hidden_characters_reach_json_only_as_escapes(report: ScanReport) -> None:
    text = render_json([report])
    doc = json.loads(text)
    # the inventory keeps the raw text (a snapshot is data), but encoded: \udb40 for tags, \u202e, \u001b
    assert "\\udb40" in text
    assert "\\u202e" in text
    assert "\\u001b" in text
    # evidence was escaped before it was encoded: decoding the JSON gives visible escapes, not raw controls
    evidence = " ".join(f["evidence"] for f in doc["findings"])
    assert "\\x1b[8m" in evidence
    assert "\x1b" not in evidence


@pytest.mark.anyio
async def test_report_validates_against_schema(report: ScanReport, validator: Draft202012Validator) -> None:
    assert errors(validator, json.loads(render_json([report]))) == []


@pytest.mark.anyio
async def test_report_set_validates_against_schema(report: ScanReport, validator: Draft202012Validator) -> None:
    other = await scan_async(str(FIXTURE), ScanOptions(analyzers=("hidden-text",)))
    doc = json.loads(render_json([report, other]))
    assert doc["schema_version"] == "1.0"
    assert len(doc["reports"]) == 2
    assert errors(validator, doc) == []


def test_minimal_report_validates(validator: Draft202012Validator) -> None:
    """A report with every optional field absent (exclude_none) is still valid."""
    report = ScanReport.model_validate({
        "mcts_version": "0", "status": "complete", "target": {"kind": "snapshot", "value": "x.json"},
        "started_at": "2025-01-01T00:00:00Z", "duration_ms": 0, "inventory": {},
    })
    assert errors(validator, json.loads(render_json([report]))) == []


def _mutations() -> list[tuple[str, Any]]:
    return [
        ("no status", lambda d: d.pop("status")),
        ("bad status", lambda d: d.update(status="clean")),
        ("bad schema_version", lambda d: d.update(schema_version="2.0")),
        ("bad severity", lambda d: d["findings"][0].update(severity="urgent")),
        ("finding without location", lambda d: d["findings"][0].pop("location")),
        ("span of three", lambda d: d["findings"][0]["location"].update(span=[1, 2, 3])),
        ("bad analyzer status", lambda d: d["analyzers"][0].update(status="crashed")),
        ("tool without name", lambda d: d["inventory"]["tools"][0].pop("name")),
    ]


@pytest.mark.anyio
@pytest.mark.parametrize(("label", "mutate"), _mutations(), ids=[m[0] for m in _mutations()])
async def test_schema_rejects_broken_reports(
    report: ScanReport, validator: Draft202012Validator, label: str, mutate: Any
) -> None:
    doc = copy.deepcopy(json.loads(render_json([report])))
    mutate(doc)
    assert errors(validator, doc), f"{label}: accepted by the schema"
