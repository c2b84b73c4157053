"""Positive cases: server-everything (pinned) fails the checks it really fails, over streamable HTTP and SSE.

Verified by hand first: it accepts any Origin and Host, sends ``Access-Control-Allow-Origin: *``, needs no
credentials (and has read-only tools taking no argument), answers an unknown session id with 400 over
streamable HTTP and never over SSE, puts the SSE session id in the message URL, refuses invalid JSON-RPC,
and serves a burst without throttling.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mcts.model.finding import Severity, Surface
from mcts.options import ScanOptions
from mcts.probe import CHECKS, probe_server
from mcts.probe._catalog import BY_ID
from mcts.probe._http import MAX_REQUESTS
from tests.probe.conftest import check, everything, statuses, target
from tests.servers import rich_server
from tests.servers.launch import free_port, python_server_argv, run_http_server

pytestmark = [pytest.mark.anyio, pytest.mark.npm]

NO_AUTH = {"PRB007": "skipped", "PRB008": "skipped", "PRB009": "skipped", "PRB010": "skipped"}


async def test_streamable_http_failures(everything_http: str) -> None:
    result, findings = await probe_server(target(everything_http, "streamable-http"), ScanOptions(request_timeout=10))

    assert statuses(result) == {
        "PRB001": "pass", "PRB002": "fail", "PRB003": "fail", "PRB004": "fail", "PRB005": "fail", "PRB006": "fail",
        **NO_AUTH, "PRB011": "fail", "PRB012": "pass", "PRB013": "pass", "PRB014": "pass", "PRB015": "pass",
        "PRB016": "fail",
    }
    assert 0 < result.requests <= MAX_REQUESTS
    assert result.url == everything_http
    by_id = {f.id: f for f in findings}
    assert len(by_id) == len(findings) == 7
    found = {c.id: by_id[c.finding_id] for c in result.checks if c.finding_id}
    assert set(found) == {c.id for c in result.checks if c.status == "fail"}
    for check_id, finding in found.items():
        spec = BY_ID[check_id]
        assert finding.analyzer == "protocol-probe"
        assert finding.techniques == (spec.technique,)
        assert finding.title == spec.failure
        assert (finding.location.surface, finding.location.field) == (Surface.SERVER, spec.field)
        assert finding.evidence.startswith(f"{check_id}: ")
        assert finding.owasp  # the taxonomy maps every probe technique
    # Loopback: no credentials needed is low; a foreign Origin and wildcard CORS on top of it are high.
    assert found["PRB002"].severity is Severity.LOW
    assert "13 tools" in found["PRB002"].evidence
    assert found["PRB003"].evidence == (
        "PRB003: tools/call of the read-only tool 'get-env' without credentials was executed")
    assert found["PRB004"].severity is Severity.HIGH
    assert "Origin: https://attacker.example was accepted (HTTP 200)" in found["PRB004"].evidence
    assert found["PRB005"].severity is Severity.MEDIUM
    assert found["PRB006"].severity is Severity.HIGH
    assert "Access-Control-Allow-Origin: * on the preflight (OPTIONS)" in found["PRB006"].evidence
    assert "answered HTTP 400, not 404" in found["PRB011"].evidence
    assert found["PRB016"].severity is Severity.LOW
    assert "HTTP 200 ×30" in (found["PRB016"].detail or "")
    assert "does not require authorization" in (check(result, "PRB007").detail or "")
    assert "-32700" in (check(result, "PRB014").detail or "")
    assert "32 characters from a 16-symbol alphabet" in (check(result, "PRB012").detail or "")  # UUIDs, dashes aside


async def test_the_same_server_gives_the_same_finding_ids(everything_http: str) -> None:
    options = ScanOptions(request_timeout=10)
    first = await probe_server(target(everything_http, "streamable-http"), options)
    second = await probe_server(target(everything_http), options)  # auto: streamable HTTP answers first
    assert sorted(f.id for f in first[1]) == sorted(f.id for f in second[1])
    assert [c.id for c in first[0].checks] == [spec.id for spec in CHECKS]


async def test_legacy_sse_failures(server_everything_entry: Path) -> None:
    options = ScanOptions(request_timeout=4)  # the unknown-session POST is never answered: it waits this long
    with everything(server_everything_entry, "sse") as url:
        result, findings = await probe_server(target(url), options)  # auto falls back to SSE
    assert statuses(result) == {
        "PRB001": "pass", "PRB002": "fail", "PRB003": "fail", "PRB004": "fail", "PRB005": "fail", "PRB006": "fail",
        **NO_AUTH, "PRB011": "fail", "PRB012": "pass", "PRB013": "fail", "PRB014": "pass", "PRB015": "pass",
        "PRB016": "fail",
    }
    found = {c.id: f for c in result.checks for f in findings if f.id == c.finding_id}
    assert found["PRB002"].evidence.startswith("PRB002: the SSE stream (GET) without credentials was accepted")
    assert "was never answered" in found["PRB011"].evidence
    assert found["PRB013"].evidence == (
        "PRB013: the SSE endpoint event hands out /message?sessionId=… with the session id in the URL")
    assert found["PRB013"].severity is Severity.LOW  # loopback
    assert "HTTP 202 ×30" in (found["PRB016"].detail or "")
    assert result.requests <= MAX_REQUESTS


async def test_sdk_sse_server_validates_origin_and_host() -> None:
    """The SDK's SSE transport on 127.0.0.1 checks Origin and Host and answers unknown sessions 404."""
    port = free_port()
    argv = python_server_argv(Path(rich_server.__file__), "sse", "--port", str(port))
    with run_http_server(argv, port, "/sse") as url:
        result, findings = await probe_server(target(url, "sse"), ScanOptions(request_timeout=10))
    got = statuses(result)
    assert {k: got[k] for k in ("PRB004", "PRB005", "PRB006", "PRB011", "PRB012", "PRB013")} == {
        "PRB004": "pass", "PRB005": "pass", "PRB006": "pass", "PRB011": "pass", "PRB012": "pass", "PRB013": "fail",
    }
    assert "HTTP 403" in (check(result, "PRB004").detail or "")
    assert "HTTP 421" in (check(result, "PRB005").detail or "")
    assert got["PRB003"] == "skipped"  # no tool is annotated read-only: nothing is called
    assert "readOnlyHint" in (check(result, "PRB003").detail or "")
    assert "on its first page" in next(f.evidence for f in findings if f.evidence.startswith("PRB002"))
