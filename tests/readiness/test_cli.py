"""``mcts readiness`` end to end, as a subprocess: snapshots, the rich server over stdio and HTTP, exit codes."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import bad_server, rich_server_argv
from tests.servers import launch
from tests.servers import rich_server as rich

# Registers the command on the app whether or not cli/app.py already does (register is idempotent).
ENTRY = "import sys; from mcts.cli.app import app; from mcts.cli.readiness_cmd import register; register(app); app()"

GOOD = {
    "protocolVersion": "2025-06-18",
    "serverInfo": {"name": "notes-server", "version": "1.4.2"},
    "instructions": "Notes of the user; sign in with OAuth first.",
    "tools": [{
        "name": "search_notes",
        "description": "Search the user's notes by keyword; returns an error if the query is empty.",
        "inputSchema": {"type": "object", "properties": {"query": {"type": "string", "description": "Keywords."}},
                        "required": ["query"]},
        "outputSchema": {"type": "object", "properties": {"notes": {"type": "array"}}},
        "annotations": {"readOnlyHint": True, "openWorldHint": False},
    }],
}


def mcts(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", ENTRY, "readiness", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def snapshot(tmp_path: Path, wire: Any, name: str = "snap.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(wire), encoding="utf-8")
    return str(path)


def test_ready_snapshot_json(tmp_path: Path) -> None:
    result = mcts(snapshot(tmp_path, GOOD), "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema_version"] == "1.0"
    assert report["status"] == "ready"
    assert report["score"]["value"] == 100
    assert report["server_name"] == "notes-server"
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["policy:annotations"] == "pass"
    assert {s for k, s in statuses.items() if k.startswith("RDY")} == {"pass"}


def test_not_ready_snapshot_table_and_output_file(tmp_path: Path) -> None:
    bare = [{"name": "run", "inputSchema": {}}, {"name": "run", "description": "run"}]
    out = tmp_path / "r.txt"
    result = mcts(snapshot(tmp_path, bare), "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    text = out.read_text()
    assert "NOT READY" in text
    assert "RDY001" in text
    assert "RDY004" in text
    assert "RDY001 failed (high)" in text


def test_min_score_and_fail_on(tmp_path: Path) -> None:
    wire = {**GOOD, "tools": [{**GOOD["tools"][0], "annotations": None}]}  # RDY030 (medium) fails
    snap = snapshot(tmp_path, wire)
    assert mcts(snap).returncode == 0          # medium is below the default threshold (high)
    assert mcts(snap, "--fail-on", "medium").returncode == 1
    report = json.loads(mcts(snap, "--min-score", "95", "-f", "json").stdout)
    assert report["score"]["value"] == 90
    assert report["status"] == "not_ready"
    assert "readiness score 90 is below the minimum 95" in report["status_reasons"]
    assert mcts(snap, "--min-score", "90").returncode == 0


def test_usage_errors(tmp_path: Path) -> None:
    snap = snapshot(tmp_path, GOOD)
    assert mcts(snap, "-f", "xml").returncode == 2
    assert mcts(snap, "--fail-on", "severe").returncode == 2
    assert mcts(snap, "--min-score", "101").returncode == 2
    missing = mcts(str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_bad_policy_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "oops.rego").write_text("package mine\nviolations contains v if {\n")
    result = mcts(snapshot(tmp_path, GOOD), "--policy-dir", str(folder))
    assert result.returncode == 2
    assert "oops.rego does not compile" in result.stderr
    assert result.stdout == ""


def test_user_policy_dir_fails_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "owner.rego").write_text(
        'package mcts.readiness.owner\nimport rego.v1\n'
        'violations contains {"id": "OWN1", "severity": "high", "message": "instructions must name an owner"} '
        'if not contains(input.inventory.instructions, "owner:")\n')
    result = mcts(snapshot(tmp_path, GOOD), "--policy-dir", str(folder), "--no-bundled-policies", "-f", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [c["id"] for c in report["checks"] if c["source"] == "policy"] == ["policy:owner"]
    assert report["checks"][-1]["violations"][0]["id"] == "OWN1"


def test_rich_server_over_stdio() -> None:
    result = mcts(shlex.join(rich_server_argv()), "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "ready"
    assert report["counts"]["tools"] == rich.EXPECTED_TOOLS
    assert report["coverage"]["listings"]["tools"]["pages"] == rich.EXPECTED_TOOL_PAGES
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["RDY050"]["detail"].startswith("not applicable")
    assert checks["RDY030"]["status"] == "fail"        # the rich server declares no annotations
    assert checks["RDY030"]["failed"] == rich.EXPECTED_TOOLS
    assert checks["RDY001"]["status"] == "pass"


def test_rich_server_over_http_without_auth_hints() -> None:
    port = launch.free_port()
    with launch.run_http_server(rich_server_argv("streamable-http", "--port", str(port)), port, "/mcp") as url:
        open_server = mcts(url, "-f", "json")
        with_token = mcts(url, "-f", "json", "-H", "Authorization: Bearer test-token")
    assert open_server.returncode == 1, open_server.stderr
    checks = {c["id"]: c for c in json.loads(open_server.stdout)["checks"]}
    assert checks["RDY050"]["status"] == "fail"
    assert with_token.returncode == 0, with_token.stderr
    assert "test-token" not in with_token.stdout
    assert {c["id"]: c for c in json.loads(with_token.stdout)["checks"]}["RDY050"]["status"] == "pass"


@pytest.mark.parametrize("server", ["exit_mid_listing", "never_handshake"])
def test_incomplete_collection_exits_3(server: str) -> None:
    result = mcts(bad_server(server), "-f", "json", "--timeout", "5", "--fail-on", "none")
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "incomplete"
    assert report["coverage"]["errors"]


def test_broken_policy_fails_before_the_server_starts(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "oops.rego").write_text("package mine\nviolations contains v if {\n")
    marker = tmp_path / "started"
    server = shlex.join([sys.executable, "-c", f"open({str(marker)!r}, 'w').close()"])
    result = mcts(server, "--policy-dir", str(folder))
    assert result.returncode == 2
    assert "oops.rego does not compile" in result.stderr
    assert not marker.exists()
