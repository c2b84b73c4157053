"""The mcts command end to end, as a subprocess: formats, files, several targets, exit codes, errors."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import bad_server, rich_server_argv
from tests.servers import rich_server as rich

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-mcp-server" / "server.py"


def mcts(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mcts", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, check=False)


def test_version() -> None:
    result = mcts("version")
    assert result.returncode == 0
    assert result.stdout.startswith("mcts ")


def test_snapshot_then_offline_scan(tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    made = mcts("snapshot", shlex.join(rich_server_argv()), "-o", str(snap))
    assert made.returncode == 0, made.stderr
    wire = json.loads(snap.read_text())
    assert len(wire["tools"]) == rich.EXPECTED_TOOLS
    assert {"protocolVersion", "serverInfo", "capabilities", "instructions", "resourceTemplates"} <= wire.keys()
    out = tmp_path / "report.json"
    scanned = mcts("scan", str(snap), "--format", "json", "-o", str(out), "-q")
    assert scanned.returncode == 0, scanned.stderr
    report = json.loads(out.read_text())
    assert report["status"] == "complete"
    assert report["target"]["kind"] == "snapshot"
    assert len(report["inventory"]["tools"]) == rich.EXPECTED_TOOLS


def test_bare_tool_list_snapshot(tmp_path: Path) -> None:
    snap = tmp_path / "tools.json"
    snap.write_text(json.dumps([{"name": "t", "description": "hi\u200bthere", "inputSchema": {"type": "object"}}]))
    result = mcts("scan", str(snap), "-f", "json", "--fail-on", "medium", "-q")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [f["techniques"] for f in report["findings"]] == [["hidden-zero-width"]]


def test_example_server_findings_fail_the_build() -> None:
    result = mcts("scan", f"{sys.executable} {EXAMPLE}", "-f", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "complete"
    assert report["summary"]["critical"] >= 1
    assert "[1/1]" in result.stderr  # progress on stderr
    assert mcts("scan", f"{sys.executable} {EXAMPLE}", "--fail-on", "none", "-q").returncode == 0


def test_several_targets_concurrently_in_order(tmp_path: Path) -> None:
    snap = tmp_path / "one.json"
    snap.write_text(json.dumps({"tools": [{"name": "only", "inputSchema": {"type": "object"}}]}))
    targets = [shlex.join(rich_server_argv()), str(snap), f"{sys.executable} {EXAMPLE}"]
    result = mcts("scan", *targets, "--format", "json", "--fail-on", "none")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == "1.0"
    assert [r["target"]["kind"] for r in doc["reports"]] == ["stdio", "snapshot", "stdio"]
    assert [len(r["inventory"]["tools"]) for r in doc["reports"]] == [rich.EXPECTED_TOOLS, 1, 11]
    assert result.stderr.count("mcts: [") == 3


def test_unreachable_server_exits_3_within_the_deadline() -> None:
    result = mcts("scan", bad_server("never_handshake"), "--timeout", "2", "-f", "json", "-q", timeout=30)
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["status"] == "incomplete"
    assert report["status_reasons"]


def test_findings_outrank_incomplete(tmp_path: Path) -> None:
    result = mcts("scan", bad_server("never_handshake"), f"{sys.executable} {EXAMPLE}", "--timeout", "2", "-q",
                  "-f", "json", timeout=60)
    assert result.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", ""], "empty target"),
        (["scan", "ftp://example.com/x"], "unsupported URL scheme"),
        (["scan", "http://"], "has no host"),
        (["scan", 'node "unterminated'], "cannot parse command line"),
        (["scan", "missing-snapshot.json"], "no such file"),
        (["scan", "surely-not-a-command-mcts"], "not a file, a URL, or a command"),
        (["scan", "x.json", "--format", "xml"], "--format must be one of"),
        (["scan", "x.json", "--fail-on", "catastrophic"], "--fail-on must be one of"),
        (["scan", "x.json", "--header", "no-colon"], "must look like NAME:VALUE"),
        (["scan", "x.json", "--timeout", "-1"], "timeout"),
        (["scan", "x.json", "--analyzer", "nope"], "unknown analyzer"),
        (["snapshot", "x.json", "-o", "y.json"], "snapshot needs a live server"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "x.json").write_text('{"tools": []}')
    result = mcts(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "odd.json").write_text('{"hello": 1}')
    (tmp_path / "noname.json").write_text('{"tools": [{"description": "no name"}]}')
    for name, message in [("bad.json", "not valid JSON"), ("odd.json", "no MCP inventory keys"),
                          ("noname.json", "tools.0.name")]:
        result = mcts("scan", name, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr


def test_config_file_and_unknown_key(tmp_path: Path) -> None:
    (tmp_path / ".mcts").mkdir()
    (tmp_path / "one.json").write_text(json.dumps({"tools": [{"name": "t", "description": "a\u200bb"}]}))
    (tmp_path / ".mcts" / "config.yaml").write_text("fail_on: medium\n")
    assert mcts("scan", "one.json", "-q", cwd=tmp_path).returncode == 1
    assert mcts("scan", "one.json", "-q", "--fail-on", "high", cwd=tmp_path).returncode == 0  # flags win
    (tmp_path / ".mcts" / "config.yaml").write_text("fial_on: medium\n")
    result = mcts("scan", "one.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown setting 'fial_on'" in result.stderr
