"""Table tests of the probe's pure parts: session-id judgement, challenge parsing, metadata URLs, tool choice,
SSE parsing, loopback detection, the catalog, and PRB001 (which sends nothing)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from mcts.analyzers._registry import all_analyzers, select
from mcts.analyzers.protocol_probe import ProtocolProbe
from mcts.model.finding import Severity
from mcts.options import ScanOptions
from mcts.probe import CHECKS
from mcts.probe._channel import forge_id
from mcts.probe._context import ProbeContext, is_loopback
from mcts.probe._http import ProbeHttp
from mcts.probe._sse import SseParser
from mcts.probe.checks_auth import parse_challenge, read_only_tool
from mcts.probe.checks_metadata import (
    authorization_server_urls,
    follow_refusal,
    names_resource,
    prm_problems,
    protected_resource_urls,
)
from mcts.probe.checks_session import id_shape, session_id_problems
from mcts.probe.checks_transport import check_plaintext
from tests.probe.conftest import target

ROOT = Path(__file__).resolve().parents[2]
HEX32 = "3f9c2a7be1d04c5f8a6b9d2e7c1f0a4b"


@pytest.mark.parametrize(("ids", "problems"), [
    ([str(uuid.uuid4()), str(uuid.uuid4())], []),                                  # OK: 122 random bits
    ([HEX32, "a81e4f0c9b2d7e6a5c3f1b0d8e9a7c6b"], []),                              # OK: 128 bits
    (["Xk3_pQ9-vL2mZr8TbW5nYa", "c7Hq0_Ls4-Pw9eRt2Yu6Io"], []),                     # OK: base64url, 22 chars
    (["3f9c2a7be1d04c5f", "8a6b9d2e7c1f0a4b"], []),                                  # OK: 16 hex digits, 64 bits
    (["12345", "12346"], ["they are 5 characters long",                             # NOT OK: a counter
                          "5 characters from a 10-symbol alphabet hold at most 17 bits",
                          "consecutive sessions got numerically close ids"]),
    (["session-0000000000000041", "session-0000000000000042"],                      # NOT OK: shared prefix
     ["ids of consecutive sessions share half their characters or more"]),
    ([HEX32, HEX32], ["two sessions got the same id"]),                             # NOT OK: reuse
    (["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"], ["they use only 2 distinct characters"]),  # NOT OK: low variety
    ([str(uuid.uuid1()), str(uuid.uuid1())],                                         # NOT OK: time-based
     ["they are time-based UUIDs (version 1)", "ids of consecutive sessions share half their characters or more"]),
])
def test_session_id_problems(ids: list[str], problems: list[str]) -> None:
    assert session_id_problems(ids) == problems


def test_id_shape_counts_hex_and_ignores_uuid_dashes() -> None:
    assert id_shape(str(uuid.uuid4())).length == 32
    assert id_shape(HEX32).alphabet == 16
    assert id_shape(HEX32.upper()).alphabet == 16
    assert id_shape("Zz09").alphabet == 62
    assert id_shape(HEX32).bits == 128


@pytest.mark.parametrize(("values", "expected"), [
    (['Bearer error="invalid_token", resource_metadata="https://a.example/.well-known/x"'],
     (True, "https://a.example/.well-known/x")),
    (["Bearer resource_metadata=https://a.example/m, realm=x"], (True, "https://a.example/m")),
    (['Basic realm="x"', 'Bearer realm="mcp"'], (True, None)),
    (['Basic realm="bearer-like"'], (False, None)),
    ([], (False, None)),
])
def test_parse_challenge(values: list[str], expected: tuple[bool, str | None]) -> None:
    assert parse_challenge(values) == expected


@pytest.mark.parametrize(("resource", "url", "ok"), [
    ("https://mcp.example/mcp", "https://mcp.example/mcp", True),
    ("https://mcp.example/mcp/", "https://MCP.example:443/mcp", True),
    ("https://mcp.example", "https://mcp.example/mcp", True),           # a parent path names it too
    ("https://mcp.example/mc", "https://mcp.example/mcp", False),       # not on a segment boundary
    ("https://other.example/mcp", "https://mcp.example/mcp", False),
    ("http://mcp.example/mcp", "https://mcp.example/mcp", False),
    ("https://mcp.example:8443/mcp", "https://mcp.example/mcp", False),
])
def test_names_resource(resource: str, url: str, ok: bool) -> None:
    assert names_resource(resource, url) is ok


def test_prm_problems() -> None:
    url = "https://mcp.example/mcp"
    assert prm_problems({"resource": url, "authorization_servers": ["https://as.example"]}, url) == []
    assert prm_problems({"authorization_servers": []}, url) == [
        "it has no resource field", "it lists no authorization server URL (authorization_servers)"]
    assert prm_problems({"resource": "https://evil.example/", "authorization_servers": ["ftp://x"]}, url) == [
        "its resource 'https://evil.example/' does not identify this server",
        "it lists no authorization server URL (authorization_servers)"]


def test_well_known_urls() -> None:
    assert protected_resource_urls("https://u:p@mcp.example:8443/v1/mcp/?q=1") == [
        "https://mcp.example:8443/.well-known/oauth-protected-resource/v1/mcp",
        "https://mcp.example:8443/.well-known/oauth-protected-resource",
    ]
    assert protected_resource_urls("https://mcp.example/") == ["https://mcp.example/.well-known/oauth-protected-resource"]
    assert authorization_server_urls("https://as.example/tenant1") == [
        "https://as.example/.well-known/oauth-authorization-server/tenant1",
        "https://as.example/.well-known/openid-configuration/tenant1",
        "https://as.example/tenant1/.well-known/openid-configuration",
    ]
    assert authorization_server_urls("https://as.example") == [
        "https://as.example/.well-known/oauth-authorization-server",
        "https://as.example/.well-known/openid-configuration",
    ]


@pytest.mark.parametrize(("url", "refusal"), [
    ("http://127.0.0.1:9/anything", None),                     # the target's own host, any port
    ("https://auth.example.com/tenant", None),                 # another host over https
    ("http://auth.example.com/", "it is on another host over plain http"),
    ("https://169.254.169.254/latest", "it is a non-public address on another host"),
    ("https://[fd00::1]/", "it is a non-public address on another host"),
    ("file:///etc/passwd", "it is not an http(s) URL"),
])
def test_follow_refusal(url: str, refusal: str | None) -> None:
    ctx = ProbeContext(target("http://127.0.0.1:8000/mcp"), ScanOptions(), ProbeHttp(ScanOptions()))
    assert follow_refusal(ctx, url) == refusal


def _tool(name: str, annotations: dict[str, object] | None, required: list[str] | None = None) -> dict[str, object]:
    schema: dict[str, object] = {"type": "object", **({"required": required} if required else {})}
    return {"name": name, "inputSchema": schema, **({"annotations": annotations} if annotations is not None else {})}


@pytest.mark.parametrize(("tools", "chosen"), [
    ([_tool("b", {"readOnlyHint": True}), _tool("a", {"readOnlyHint": True})], "a"),           # OK: first by name
    ([_tool("a", {"readOnlyHint": True}, ["x"])], None),                                       # NOT OK: needs args
    ([_tool("a", None)], None),                                                                # NOT OK: no annotations
    ([_tool("a", {"readOnlyHint": False})], None),                                             # NOT OK: writes
    ([_tool("a", {"readOnlyHint": "true"})], None),                                            # NOT OK: not a boolean
    ([_tool("a", {"readOnlyHint": True, "openWorldHint": True})], None),                       # NOT OK: reaches out
    ([_tool("a", {"readOnlyHint": True, "destructiveHint": True})], None),                     # NOT OK: contradicts
    ([_tool("a", {"readOnlyHint": True, "openWorldHint": False}), {"name": 3}], "a"),
])
def test_read_only_tool(tools: list[dict[str, object]], chosen: str | None) -> None:
    picked = read_only_tool(tools)
    assert (picked["name"] if picked else None) == chosen


def test_sse_parser_handles_split_chunks_crlf_and_comments() -> None:
    parser = SseParser()
    events = []
    for chunk in (b": ping\r", b"\n\r\nevent: endpoint\r", b"\ndata: /m?sid=1\r\n\r\n", b"data: {\"a\":\n", b"data: 1}",
                  b"\n\n", "data: \u00e9t\u00e9".encode()[:-1], "data: \u00e9t\u00e9".encode()[-1:] + b"\n\n"):
        events += parser.feed(chunk)
    assert [(e.event, e.data) for e in events] == [
        ("endpoint", "/m?sid=1"), ("message", '{"a":\n1}'), ("message", "\u00e9t\u00e9")]


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("api.localhost", True), ("LOCALHOST.", True), ("10.0.0.1", False), ("mcp.example.com", False), ("", False),
    (None, False), ("localhost.example.com", False),
])
def test_is_loopback(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_forged_ids_keep_the_shape() -> None:
    real = str(uuid.uuid4())
    forged = forge_id(real)
    assert forged != real and uuid.UUID(forged)
    assert re.fullmatch(r"[0-9a-f]{32}", forge_id(HEX32))
    assert len(forge_id("abc")) == 32  # short ids get a full-length random one


@pytest.mark.anyio
@pytest.mark.parametrize(("url", "status", "severity"), [
    ("https://mcp.example.com/mcp", "pass", None),
    ("http://localhost:8000/mcp", "pass", None),
    ("http://[::1]:8000/mcp", "pass", None),
    ("http://mcp.example.com/mcp", "fail", Severity.HIGH),
    ("http://10.1.2.3:8000/mcp", "fail", Severity.HIGH),
])
async def test_plaintext_needs_no_request(url: str, status: str, severity: Severity | None) -> None:
    http = ProbeHttp(ScanOptions())
    ctx = ProbeContext(target(url), ScanOptions(), http)
    await check_plaintext(ctx)
    await http.aclose()
    [result] = ctx.checks()
    assert (result.id, result.status, http.sent) == ("PRB001", status, 0)
    assert [f.severity for f in ctx.findings] == ([severity] if severity else [])
    if severity:
        assert ctx.findings[0].techniques == ("plaintext-transport",)


def test_catalog_matches_the_analyzer_and_the_docs() -> None:
    ids = [spec.id for spec in CHECKS]
    assert ids == [f"PRB{n:03d}" for n in range(1, len(ids) + 1)]
    assert {spec.technique for spec in CHECKS} == set(ProtocolProbe.techniques)
    assert len({spec.field for spec in CHECKS}) == len(CHECKS)
    page = (ROOT / "docs" / "probe.md").read_text(encoding="utf-8")
    for spec in CHECKS:
        assert f"### {spec.id}" in page, spec.id
        assert f"`{spec.technique}`" in page
    assert "--protocol-probe" in page and '"protocol_probe": true' in page


def test_the_registry_lists_the_probe_but_the_engine_does_not_run_it() -> None:
    assert ProtocolProbe in all_analyzers()
    assert ProtocolProbe.stage == "probe"
    assert ProtocolProbe not in select(())
    assert select(("protocol-probe",)) == ()
