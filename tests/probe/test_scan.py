"""The probe through the engine and the CLI: report.probe filled, findings merged, bad targets and down servers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mcts.engine import scan_async
from mcts.errors import ConfigError
from mcts.model.report import ScanStatus
from mcts.options import ScanOptions
from mcts.probe import CHECKS, probe_server
from mcts.probe._http import MAX_REQUESTS
from tests.probe.conftest import TOKEN, open_sessions, target
from tests.servers import launch

pytestmark = pytest.mark.anyio


def mcts(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mcts", *args], capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.mark.npm
def test_cli_scan_with_protocol_probe(everything_http: str) -> None:
    result = mcts("scan", everything_http, "--protocol-probe", "-f", "json", "-q", "--request-timeout", "10")
    assert result.returncode == 1, result.stderr  # high findings (foreign Origin, wildcard CORS)
    report = json.loads(result.stdout)
    assert report["status"] == "complete", report["status_reasons"]
    probe = report["probe"]
    assert probe["url"] == everything_http
    assert [c["id"] for c in probe["checks"]] == [spec.id for spec in CHECKS]
    assert 0 < probe["requests"] <= MAX_REQUESTS
    probed = [f for f in report["findings"] if f["analyzer"] == "protocol-probe"]
    failed = {c["id"]: c["finding_id"] for c in probe["checks"] if c["status"] == "fail"}
    assert {f["id"] for f in probed} == set(failed.values())
    assert {"PRB004", "PRB006"} <= failed.keys()
    assert {t for f in probed for t in f["techniques"]} >= {"origin-validation-missing", "cors-wildcard"}
    assert report["inventory"]["tools"]  # the inventory scan ran as usual
    assert "protocol-probe" not in {run["id"] for run in report["analyzers"]}  # not an inventory analyzer


def test_cli_scan_of_the_hardened_server(hardened_url: str) -> None:
    result = mcts("scan", hardened_url, "--protocol-probe", "--bearer-token", TOKEN, "-f", "json", "-q")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == []
    assert report["status"] == "complete", report["status_reasons"]
    assert {c["status"] for c in report["probe"]["checks"]} == {"pass"}
    assert not [f for f in report["findings"] if f["analyzer"] == "protocol-probe"]
    assert TOKEN not in result.stdout + result.stderr
    assert open_sessions(hardened_url) == 0  # the collector's session and the probe's are all closed


async def test_a_down_server_is_recorded_as_errors_not_a_crash() -> None:
    url = f"http://127.0.0.1:{launch.free_port()}/mcp"  # nothing listens there
    report = await scan_async(url, ScanOptions(protocol_probe=True, timeout=20, request_timeout=5))
    assert report.status is ScanStatus.INCOMPLETE
    assert report.probe is not None
    got = {c.id: (c.status, c.detail or "") for c in report.probe.checks}
    assert got.pop("PRB001")[0] == "pass"  # plain http to loopback needs no request
    assert {status for status, _ in got.values()} == {"error"}
    assert all("could not be reached" in detail and "ConnectError" in detail for _, detail in got.values())
    assert report.probe.requests == 1  # one attempt, then nothing more is sent to a server that is not there
    assert not [f for f in report.findings if f.analyzer == "protocol-probe"]


async def test_the_probe_needs_a_url_target(tmp_path: Path) -> None:
    snapshot = tmp_path / "inventory.json"
    snapshot.write_text(json.dumps({"tools": []}))
    with pytest.raises(ConfigError, match="needs an http\\(s\\) URL target, not a snapshot target"):
        await scan_async(str(snapshot), ScanOptions(protocol_probe=True))
    result = mcts("scan", str(snapshot), "--protocol-probe", "-q")
    assert result.returncode == 2
    assert "needs an http(s) URL target" in result.stderr


async def test_the_network_policy_applies_to_every_probe_request(hardened_url: str) -> None:
    """With the API's private-address policy on, the probe connects nowhere it forbids (here: loopback)."""
    result, findings = await probe_server(target(hardened_url), ScanOptions(block_private_addresses=True))
    got = {c.id: (c.status, c.detail or "") for c in result.checks}
    assert got.pop("PRB001")[0] == "pass"
    assert all(status == "error" and "BlockedAddressError" in detail and "MCTS_API_ALLOW_PRIVATE_TARGETS" in detail
               for status, detail in got.values())
    assert findings == []


def test_a_probe_check_that_could_not_run_makes_the_report_incomplete(tmp_path: Path) -> None:
    from mcts.engine import scan, with_probe
    from mcts.model.probe import ProbeCheck, ProbeResult
    from mcts.model.report import ScanStatus

    snapshot = tmp_path / "s.json"
    snapshot.write_text('{"tools": [{"name": "add", "description": "Adds two numbers."}]}')
    report = scan(str(snapshot))
    assert report.status is ScanStatus.COMPLETE
    passed = ProbeResult(url="http://h/mcp", checks=(ProbeCheck(id="PRB001", title="t", status="pass"),))
    assert with_probe(report, passed).status is ScanStatus.COMPLETE
    broken = ProbeResult(url="http://h/mcp", checks=(
        ProbeCheck(id="PRB001", title="t", status="pass"),
        ProbeCheck(id="PRB004", title="t", status="error", detail="connection reset"),
        ProbeCheck(id="PRB016", title="t", status="skipped", detail="no session"),
    ))
    done = with_probe(report, broken)
    assert done.status is ScanStatus.INCOMPLETE
    assert done.status_reasons == ("protocol probe: 1 check(s) could not run (PRB004): connection reset",)
    assert done.probe == broken


def test_table_and_markdown_show_the_probe(hardened_url: str) -> None:
    table = mcts("scan", hardened_url, "--protocol-probe", "-q")  # no token: session checks are skipped
    assert "Protocol probe: 16 checks:" in table.stdout, table.stdout
    assert "skipped" in table.stdout and "--bearer-token" in table.stdout  # why they were skipped
    markdown = mcts("scan", hardened_url, "--protocol-probe", "--bearer-token", TOKEN, "-q", "-f", "markdown")
    assert "<summary>Protocol probe: 16 checks: 16 pass</summary>" in markdown.stdout, markdown.stdout
    assert "| PRB004 " in markdown.stdout
    assert TOKEN not in table.stdout + markdown.stdout
