"""``mcts pin`` and ``mcts scan --lock`` end to end, as subprocesses, against a real rug-pull server."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import bad_server
from tests.servers import launch
from tests.servers import rug_pull_server as rug

RUG = Path(rug.__file__).resolve()


def mcts(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mcts", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, check=False)


def rug_command(*args: str) -> str:
    return shlex.join([sys.executable, str(RUG), "stdio", *args])


def snapshot(path: Path, description: str = "Get the forecast.", **extra: Any) -> Path:
    path.write_text(json.dumps({
        "serverInfo": {"name": "snap", "version": "1"},
        "tools": [{"name": "get_forecast", "description": description, "inputSchema": {"type": "object"},
                   "annotations": {"title": "Forecast"}}],
        **extra,
    }))
    return path


def test_stdio_rug_pull_is_caught_by_the_lockfile(tmp_path: Path) -> None:
    target = rug_command("--after", "1", "--state", str(tmp_path / "listings"))
    lock = tmp_path / "mcts.lock"
    pinned = mcts("pin", target, "-o", str(lock))
    assert pinned.returncode == 0, pinned.stderr
    assert "pinned 1 server(s), 3 item(s) (moderate)" in pinned.stderr
    doc = json.loads(lock.read_text())
    [server] = doc["servers"]
    assert server["identity"] == f"stdio:{target}#{rug.SERVER_NAME}"
    assert server["items"]["tools"][rug.CHANGED_TOOL]["content"]["description"] == rug.BENIGN_DESCRIPTION

    scanned = mcts("scan", target, "--lock", str(lock), "--fail-on", "none", "-q", "-f", "json")
    assert scanned.returncode == 1, scanned.stderr  # drift alone fails the run: findings do not count here
    report = json.loads(scanned.stdout)
    assert report["inventory"]["tools"][0]["description"] == rug.POISONED_DESCRIPTION
    # The rug pull is in the report itself (JSON, SARIF, …), counted in its summary, not only on stderr.
    rug_pulls = [f for f in report["findings"] if f["analyzer"] == "rug-pull"]
    assert [(f["severity"], f["location"]["item"]) for f in rug_pulls] == [("high", rug.CHANGED_TOOL)]
    assert report["summary"]["high"] >= 1
    err = scanned.stderr
    assert "DRIFT from" in err and "1 modified, 0 added, 0 removed" in err
    assert f"[high] tool:{rug.CHANGED_TOOL}.description: Tool changed since its baseline (description)" in err
    assert f'    -  "description": "{rug.BENIGN_DESCRIPTION}",' in err
    assert f'    +  "description": "{rug.POISONED_DESCRIPTION}",' in err
    assert "1 of 1 server(s) drifted" in err and "re-pin: mcts pin TARGET" in err
    assert (tmp_path / "listings").read_text().strip() == "2"


def test_an_honest_server_matches_its_lockfile(tmp_path: Path) -> None:
    target = rug_command("--after", "5", "--state", str(tmp_path / "listings"))
    lock = tmp_path / "mcts.lock"
    assert mcts("pin", target, "-o", str(lock), "-q").returncode == 0
    before = lock.read_bytes()
    assert mcts("pin", target, "-o", str(lock), "-q").returncode == 0
    assert lock.read_bytes() == before  # pinning an unchanged server gives the same bytes
    scanned = mcts("scan", target, "--lock", str(lock), "--fail-on", "none", "-q")
    assert scanned.returncode == 0, scanned.stderr
    assert f"matches {lock} (3 item(s))" in scanned.stderr


def test_http_rug_pull_is_caught_and_no_secret_is_pinned(tmp_path: Path) -> None:
    port = launch.free_port()
    argv = [sys.executable, str(RUG), "streamable-http", "--port", str(port), "--after", "1"]
    with launch.run_http_server(argv, port, rug.HTTP_PATH) as url:
        secret_url = url.replace("http://", "http://alice:pa55word@") + "?token=tok-s3cr3t"
        lock = tmp_path / "mcts.lock"
        pinned = mcts("pin", secret_url, "-o", str(lock), "--bearer-token", "bearer-s3cr3t")
        assert pinned.returncode == 0, pinned.stderr
        text = lock.read_text()
        for secret in ("pa55word", "tok-s3cr3t", "bearer-s3cr3t", "alice"):
            assert secret not in text
        assert json.loads(text)["servers"][0]["identity"] == f"http://127.0.0.1:{port}/mcp?token=***"
        scanned = mcts("scan", secret_url, "--lock", str(lock), "--fail-on", "none", "-q")
    assert scanned.returncode == 1, scanned.stderr
    assert f"[high] tool:{rug.CHANGED_TOOL}.description" in scanned.stderr
    assert "<IMPORTANT>" in scanned.stderr


def test_a_server_that_went_away_is_not_a_clean_match(tmp_path: Path) -> None:
    port = launch.free_port()
    argv = [sys.executable, str(RUG), "streamable-http", "--port", str(port), "--after", "9"]
    lock = tmp_path / "mcts.lock"
    with launch.run_http_server(argv, port, rug.HTTP_PATH) as url:
        assert mcts("pin", url, "-o", str(lock), "-q").returncode == 0
    gone = mcts("scan", url, "--lock", str(lock), "--fail-on", "none", "-q", "--timeout", "10")
    assert gone.returncode == 3, gone.stderr  # incomplete, never "matches"
    assert f"no drift from {lock} in what could be listed (0 item(s) unchanged)" in gone.stderr
    assert "the scan was incomplete: what could not be listed was not compared" in gone.stderr
    assert "matches" not in gone.stderr


def test_incomplete_listing_writes_nothing(tmp_path: Path) -> None:
    lock = tmp_path / "mcts.lock"
    result = mcts("pin", bad_server("never_handshake"), "-o", str(lock), "--timeout", "2", timeout=60)
    assert result.returncode == 3
    assert "nothing written" in result.stderr and "--allow-incomplete" in result.stderr
    assert not lock.exists()
    allowed = mcts("pin", bad_server("never_handshake"), "-o", str(lock), "--timeout", "2", "--allow-incomplete",
                   timeout=60)
    assert allowed.returncode == 3
    assert json.loads(lock.read_text())["servers"][0]["items"] == {}


def test_snapshot_drift_and_sensitivity(tmp_path: Path) -> None:
    snap = snapshot(tmp_path / "snap.json")
    strict, loose = tmp_path / "strict.lock", tmp_path / "loose.lock"
    assert mcts("pin", str(snap), "-o", str(strict), "--sensitivity", "strict", "-q").returncode == 0
    assert mcts("pin", str(snap), "-o", str(loose), "--sensitivity", "loose", "-q").returncode == 0
    doc = json.loads(snap.read_text())
    doc["tools"][0]["annotations"] = {"title": "Forecast v2"}  # only a strict pin compares annotations
    snap.write_text(json.dumps(doc))
    assert mcts("scan", str(snap), "--lock", str(loose), "-q", "--fail-on", "none").returncode == 0
    drift = mcts("scan", str(snap), "--lock", str(strict), "-q", "--fail-on", "none")
    assert drift.returncode == 1
    assert "[medium] tool:get_forecast.annotations: Tool changed since its baseline (annotations)" in drift.stderr


def test_ignore_field_and_merge(tmp_path: Path) -> None:
    one, two = snapshot(tmp_path / "one.json"), snapshot(tmp_path / "two.json", "Other.")
    lock = tmp_path / "mcts.lock"
    assert mcts("pin", str(one), "-o", str(lock), "--sensitivity", "strict", "--ignore-field", "annotations.title",
                "-q").returncode == 0
    assert mcts("pin", str(two), "-o", str(lock), "--merge", "-q").returncode == 0
    servers = json.loads(lock.read_text())["servers"]
    assert [s["target"] for s in servers] == [str(one), str(two)]
    assert servers[0]["change_detection"]["ignore_fields"] == ["annotations.title"]
    doc = json.loads(one.read_text())
    doc["tools"][0]["annotations"] = {"title": "Renamed"}
    one.write_text(json.dumps(doc))
    both = mcts("scan", str(one), str(two), "--lock", str(lock), "-q", "--fail-on", "none")
    assert both.returncode == 0, both.stderr
    assert both.stderr.count("matches") == 2


def test_a_server_missing_from_the_lock_is_drift(tmp_path: Path) -> None:
    lock = tmp_path / "mcts.lock"
    assert mcts("pin", str(snapshot(tmp_path / "one.json")), "-o", str(lock), "-q").returncode == 0
    other = snapshot(tmp_path / "other.json")
    result = mcts("scan", str(other), "--lock", str(lock), "-q", "--fail-on", "none")
    assert result.returncode == 1
    assert f"{other}: not in {lock}" in result.stderr and "not in the lockfile: review it, then pin it" in result.stderr


def test_pin_to_stdout(tmp_path: Path) -> None:
    result = mcts("pin", str(snapshot(tmp_path / "one.json")), "-o", "-", "-q")
    assert result.returncode == 0
    assert json.loads(result.stdout)["lockfile_version"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "is not valid JSON"),
        ('{"lockfile_version": 9, "servers": []}', "has version 9"),
        (None, "does not exist: write one with 'mcts pin TARGET -o"),
    ],
)
def test_bad_lockfile_exits_2_with_a_clear_error(tmp_path: Path, content: str | None, message: str) -> None:
    lock = tmp_path / "bad.lock"
    if content is not None:
        lock.write_text(content)
    result = mcts("scan", str(snapshot(tmp_path / "one.json")), "--lock", str(lock), "-q", "--fail-on", "none")
    assert result.returncode == 2
    assert "mcts: error: lockfile" in result.stderr and message in result.stderr
    merged = mcts("pin", str(tmp_path / "one.json"), "-o", str(lock), "--merge", "-q")
    assert merged.returncode == (2 if content is not None else 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sensitivity", "paranoid"], "--sensitivity must be one of strict, moderate, loose"),
        (["--ignore-field", "a..b"], "must be a dotted path like 'annotations.title'"),
        (["--transport", "carrier-pigeon"], "--transport must be one of"),
    ],
)
def test_pin_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    lock = tmp_path / "mcts.lock"
    result = mcts("pin", str(snapshot(tmp_path / "one.json")), "-o", str(lock), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert not lock.exists()


def test_long_diffs_are_cut_on_stderr(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(60)}}
    snap = snapshot(tmp_path / "one.json")
    doc = json.loads(snap.read_text())
    doc["tools"][0]["inputSchema"] = schema
    snap.write_text(json.dumps(doc))
    lock = tmp_path / "mcts.lock"
    assert mcts("pin", str(snap), "-o", str(lock), "-q").returncode == 0
    doc["tools"][0]["inputSchema"] = {**schema, "properties": {k: {"type": "integer"} for k in schema["properties"]}}
    snap.write_text(json.dumps(doc))
    result = mcts("scan", str(snap), "--lock", str(lock), "-q", "--fail-on", "none")
    assert result.returncode == 1
    assert "[high] tool:get_forecast.inputSchema" in result.stderr
    assert "more line(s) of diff" in result.stderr
    assert result.stderr.count("\n    ") <= 81


def test_check_lock_skips_what_scan_options_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mcts.cli.lock_cmd import check_lock
    from mcts.engine import scan
    from mcts.options import ScanOptions

    snap = snapshot(tmp_path / "one.json", prompts=[{"name": "brief", "description": "A brief."}])
    doc = json.loads(snap.read_text())
    doc["tools"].append({"name": "add", "description": "Adds.", "inputSchema": {"type": "object"}})
    snap.write_text(json.dumps(doc))
    lock = tmp_path / "mcts.lock"
    assert mcts("pin", str(snap), "-o", str(lock), "-q").returncode == 0

    options = ScanOptions(surfaces=("tools",), tool_filter=("get_*",))
    reports = [scan(str(snap), options)]
    assert [t.name for t in reports[0].inventory.tools] == ["get_forecast"] and not reports[0].inventory.prompts
    assert check_lock(reports, lock, options=options)[1] is False
    assert f"matches {lock} (1 item(s))" in capsys.readouterr().err
    # Without the options, the check sees that listings were filtered and does not call the rest removed.
    assert check_lock(reports, lock)[1] is False
    err = capsys.readouterr().err
    assert "removals not checked for prompts, tools" in err and "matches" in err
    # A real removal among what was looked at is still drift.
    doc["tools"] = doc["tools"][1:]
    snap.write_text(json.dumps(doc))
    assert check_lock([scan(str(snap), ScanOptions(surfaces=("tools",)))], lock,
                      options=ScanOptions(surfaces=("tools",)))[1] is True
    assert "0 modified, 0 added, 1 removed" in capsys.readouterr().err


def test_pin_of_a_bad_snapshot_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    good = snapshot(tmp_path / "good.json")
    lock = tmp_path / "mcts.lock"
    result = mcts("pin", str(good), str(bad), "-o", str(lock))
    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr and "nothing written" in result.stderr
    assert not lock.exists()
