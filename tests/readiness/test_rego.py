"""Rego policies evaluated with the real regopy: bundled, user directories, broken files, regopy missing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from mcts.collect.result import Collected
from mcts.model.finding import Severity
from mcts.model.inventory import Inventory
from mcts.model.readiness import CheckStatus, ReadinessStatus
from mcts.model.report import TargetInfo
from mcts.options import ScanOptions
from mcts.readiness import ReadinessSettings, assess
from mcts.readiness.rego import BUNDLED_DIR, PolicyError, discover, evaluate, load_regopy

regopy = load_regopy()
pytestmark = pytest.mark.skipif(regopy is None, reason="regopy (mcts[opa]) is part of the dev extra")

ANNOTATED = {"readOnlyHint": True}


def collected(wire: dict[str, Any]) -> Collected:
    return Collected(inventory=Inventory.model_validate(wire), transport="snapshot")


def run(wire: dict[str, Any], settings: ReadinessSettings | None = None) -> Any:
    return assess(collected(wire), TargetInfo(kind="snapshot", value="snap.json"), ScanOptions(),
                  settings or ReadinessSettings())


def policy(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_bundled_policies_compile_and_pass_a_clean_server() -> None:
    policies = discover([BUNDLED_DIR])
    assert {p.check_id for p in policies} >= {"policy:annotations", "policy:server"}
    checks = evaluate(policies, {"inventory": {"protocolVersion": "2025-06-18", "tools": []}}, regopy)
    assert {c.status for c in checks} == {CheckStatus.PASS}
    assert all(c.source == "policy" for c in checks)


@pytest.mark.parametrize(("tool", "rule"), [
    ({"name": "delete_repository", "annotations": {"readOnlyHint": True}}, "POL002"),      # NOT OK
    ({"name": "drop-table", "annotations": {"destructiveHint": False}}, "POL002"),         # NOT OK
    ({"name": "sync", "annotations": {"readOnlyHint": True, "destructiveHint": True}}, "POL001"),  # NOT OK
    ({"name": "delete_branch", "annotations": {"destructiveHint": True}}, None),           # OK
    ({"name": "list_deleted_items", "annotations": {"readOnlyHint": True}}, None),         # OK: 'deleted' != 'delete'
    ({"name": "read_file", "annotations": {"readOnlyHint": True}}, None),                  # OK
])
def test_bundled_annotation_policy(tool: dict[str, Any], rule: str | None) -> None:
    report = run({"protocolVersion": "2025-06-18", "tools": [{**tool, "description": "x"}]})
    check = {c.id: c for c in report.checks}["policy:annotations"]
    if rule is None:
        assert check.status is CheckStatus.PASS
        return
    assert check.status is CheckStatus.FAIL
    assert check.severity is Severity.HIGH
    assert [v.id for v in check.violations] == [rule]
    assert check.items == (tool["name"],)
    assert tool["name"] in check.violations[0].message


def test_bundled_server_policy() -> None:
    wire = {"protocolVersion": "2024-11-05",
            "tools": [{"name": f"t{i}", "annotations": ANNOTATED} for i in range(11)]}
    check = {c.id: c for c in run(wire).checks}["policy:server"]
    assert check.status is CheckStatus.FAIL
    assert [v.id for v in check.violations] == ["POL010", "POL011"]
    assert check.severity is Severity.MEDIUM
    ok = {c.id: c for c in run({**wire, "protocolVersion": "2025-06-18", "instructions": "Use t0 first."}).checks}
    assert ok["policy:server"].status is CheckStatus.PASS


USER_POLICY = """\
    package mcts.readiness.naming
    import rego.v1

    title := "Tools use the team prefix"

    violations contains v if {
        some tool in input.inventory.tools
        not startswith(tool.name, "acme_")
        v := {"id": "ACME001", "severity": "medium", "message": sprintf("%s lacks the acme_ prefix", [tool.name]),
              "item": tool.name}
    }

    # the input also carries the heuristic results
    violations contains v if {
        some check in input.checks
        check.id == "RDY001"
        check.status == "fail"
        v := {"id": "ACME002", "severity": "critical", "message": "every tool must be described"}
    }
"""


def test_user_policy_dir(tmp_path: Path) -> None:
    policy(tmp_path / "policies", "naming.rego", USER_POLICY)
    settings = ReadinessSettings(policy_dirs=(tmp_path / "policies",), bundled=False)
    report = run({"tools": [{"name": "acme_ok", "description": "A described tool here."}, {"name": "other"}]},
                 settings)
    (check,) = [c for c in report.checks if c.source == "policy"]
    assert check.id == "policy:naming"
    assert check.title == "Tools use the team prefix"
    assert check.status is CheckStatus.FAIL
    assert check.severity is Severity.CRITICAL
    assert [(v.id, v.item) for v in check.violations] == [("ACME002", None), ("ACME001", "other")]
    assert report.status is ReadinessStatus.NOT_READY
    assert any("policy:naming failed (critical)" in r for r in report.status_reasons)
    assert report.score.penalties["policy:naming"] == 40.0


def test_user_policies_share_an_interpreter(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    policy(folder, "lib.rego", "package acme.lib\nimport rego.v1\nbad(name) if contains(name, \"tmp\")\n")
    policy(folder, "use.rego", """\
        package acme.use
        import rego.v1
        import data.acme.lib
        violations contains {"id": "U1", "severity": "low", "message": t.name} if {
            some t in input.inventory.tools
            lib.bad(t.name)
        }
    """)
    report = run({"tools": [{"name": "tmp_tool"}]}, ReadinessSettings(policy_dirs=(folder,), bundled=False))
    checks = {c.id: c for c in report.checks if c.source == "policy"}
    assert checks["policy:acme.use"].status is CheckStatus.FAIL
    assert checks["policy:acme.lib"].status is CheckStatus.PASS  # a library package has no violations


def test_policy_that_does_not_compile_names_the_file(tmp_path: Path) -> None:
    bad = policy(tmp_path / "p", "broken.rego", "package x\nviolations contains v if {\n")
    with pytest.raises(PolicyError, match=r"broken\.rego does not compile"):
        run({}, ReadinessSettings(policy_dirs=(tmp_path / "p",), bundled=False))
    assert bad.exists()


def test_policy_calling_an_unknown_function_names_the_file(tmp_path: Path) -> None:
    policy(tmp_path / "p", "unknown.rego", "package y\nimport rego.v1\nviolations contains v if { v := nope(1) }\n")
    with pytest.raises(PolicyError, match=r"unknown\.rego.*nope"):
        run({}, ReadinessSettings(policy_dirs=(tmp_path / "p",), bundled=False))


@pytest.mark.parametrize(("body", "message"), [
    ('violations contains "just a string"', "must be an object"),
    ('violations contains {"id": "A", "severity": "urgent", "message": "m"}', "severity 'urgent'"),
    ('violations contains {"id": 3, "severity": "low", "message": "m"}', "string id and message"),
    ('violations := 7', "set or array"),
])
def test_malformed_violations(tmp_path: Path, body: str, message: str) -> None:
    policy(tmp_path / "p", "odd.rego", f"package z\nimport rego.v1\n{body}\n")
    with pytest.raises(PolicyError, match=message):
        run({}, ReadinessSettings(policy_dirs=(tmp_path / "p",), bundled=False))


def test_missing_package_or_dir(tmp_path: Path) -> None:
    policy(tmp_path / "p", "nopkg.rego", "# nothing here\n")
    with pytest.raises(PolicyError, match="declares no package"):
        discover([tmp_path / "p"])
    with pytest.raises(PolicyError, match="does not exist"):
        discover([tmp_path / "nowhere"])


def test_violation_text_from_the_server_is_escaped() -> None:
    report = run({"tools": [{"name": "delete\u202eevil\x1b[2J", "annotations": {"readOnlyHint": True}}]})
    check = {c.id: c for c in report.checks}["policy:annotations"]
    assert check.status is CheckStatus.FAIL
    text = json.dumps(check.model_dump(mode="json"), ensure_ascii=False)
    assert "\u202e" not in text
    assert "\x1b" not in text


MISSING = """
import sys
sys.modules["regopy"] = None
import json
from pathlib import Path
from mcts.collect.result import Collected
from mcts.errors import MctsError
from mcts.model.inventory import Inventory
from mcts.model.report import TargetInfo
from mcts.options import ScanOptions
from mcts.readiness import ReadinessSettings, assess, readiness
inv = Inventory.model_validate({"protocolVersion": "2025-06-18", "serverInfo": {"name": "s", "version": "1.0"},
    "tools": [{"name": "t", "description": "Return the current time in a given zone; errors on a bad zone.",
               "inputSchema": {"type": "object"}, "outputSchema": {"type": "object"},
               "annotations": {"readOnlyHint": True}}]})
report = assess(Collected(inventory=inv, transport="snapshot"), TargetInfo(kind="snapshot", value="s.json"),
                ScanOptions(), ReadinessSettings())
try:
    readiness(sys.argv[1], settings=ReadinessSettings(policy_dirs=(Path(sys.argv[2]),)))
    explicit = "no error"
except MctsError as exc:
    explicit = str(exc)
print(json.dumps({"report": report.model_dump(mode="json"), "explicit": explicit}))
"""


def test_without_regopy_policies_are_unavailable_never_passed(tmp_path: Path) -> None:
    snap = tmp_path / "s.json"
    snap.write_text('{"tools": []}')
    result = subprocess.run([sys.executable, "-c", MISSING, str(snap), str(BUNDLED_DIR)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    report = out["report"]
    policies = [c for c in report["checks"] if c["source"] == "policy"]
    assert {c["id"] for c in policies} >= {"policy:annotations", "policy:server"}
    assert {c["status"] for c in policies} == {"unavailable"}
    assert all("install mcts[opa]" in c["detail"] for c in policies)
    assert report["status"] == "partial"
    assert any("install mcts[opa]" in r for r in report["status_reasons"])
    assert report["score"]["value"] == 100  # heuristics all pass; unavailable policies neither pass nor cost
    assert "--policy-dir was given" in out["explicit"]
    assert "install mcts[opa]" in out["explicit"]
