"""Live collection against real MCP servers over stdio, streamable HTTP and SSE (127.0.0.1 only)."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pytest

from mcts.engine import scan_async
from mcts.model.report import ScanStatus
from mcts.options import ScanOptions
from tests.conftest import rich_server_argv
from tests.servers import launch
from tests.servers import rich_server as rich

pytestmark = pytest.mark.anyio
HERE = Path(__file__).resolve().parent


def _cmd(argv: list[str]) -> str:
    return shlex.join(argv)


def _assert_rich(report, transport: str) -> None:
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert report.coverage.transport == transport
    assert report.inventory.counts() == {
        "tools": rich.EXPECTED_TOOLS,
        "prompts": rich.EXPECTED_PROMPTS,
        "resources": rich.EXPECTED_RESOURCES,
        "resourceTemplates": rich.EXPECTED_TEMPLATES,
    }
    tools = report.coverage.listings["tools"]
    assert (tools.status, tools.pages, tools.items) == ("listed", rich.EXPECTED_TOOL_PAGES, rich.EXPECTED_TOOLS)
    assert rich.EXPECTED_TOOL_PAGES > 1
    assert report.inventory.instructions == rich.INSTRUCTIONS
    assert report.inventory.server_info is not None
    assert report.inventory.server_info.name == rich.SERVER_NAME
    assert report.inventory.protocol_version
    names = [t.name for t in report.inventory.tools]
    assert len(set(names)) == rich.EXPECTED_TOOLS  # every page read once, no duplicates
    assert report.findings == ()


async def test_rich_server_over_stdio() -> None:
    report = await scan_async(_cmd(rich_server_argv()), ScanOptions(timeout=30))
    _assert_rich(report, "stdio")
    assert report.inventory.protocol_version == "2026-07-28"  # the SDK's discovery succeeded


async def test_rich_server_over_http(rich_http: tuple[str, str]) -> None:
    transport, url = rich_http
    report = await scan_async(url, ScanOptions(timeout=30, transport=transport))  # type: ignore[arg-type]
    _assert_rich(report, transport)


async def test_auto_transport_falls_back_to_sse() -> None:
    port = launch.free_port()
    with launch.run_http_server(rich_server_argv("sse", "--port", str(port)), port, "/sse") as url:
        report = await scan_async(url, ScanOptions(timeout=30))
    _assert_rich(report, "sse")
    assert any("streamable-http failed" in w for w in report.coverage.warnings)


@pytest.mark.parametrize("transport", ["stdio", "streamable-http", "sse"])
async def test_server_everything(server_everything_entry: Path, transport: str) -> None:
    argv = launch.server_everything_argv(server_everything_entry, transport)  # type: ignore[arg-type]
    options = ScanOptions(timeout=60)
    if transport == "stdio":
        report = await scan_async(_cmd(argv), options)
    else:
        port = launch.free_port()
        path = launch.SERVER_EVERYTHING_HTTP_PATHS[transport]  # type: ignore[index]
        with launch.run_http_server(argv, port, path, env={"PORT": str(port)}) as url:
            report = await scan_async(url, options.model_copy(update={"transport": transport}))
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert report.coverage.transport == transport
    assert report.inventory.counts() == {
        "tools": launch.SERVER_EVERYTHING_TOOLS,
        "prompts": launch.SERVER_EVERYTHING_PROMPTS,
        "resources": launch.SERVER_EVERYTHING_RESOURCES,
        "resourceTemplates": launch.SERVER_EVERYTHING_TEMPLATES,
    }
    assert report.inventory.protocol_version == launch.SERVER_EVERYTHING_PROTOCOL_VERSION


async def test_mcp_server_time(time_server_argv: list[str]) -> None:
    report = await scan_async(_cmd(time_server_argv), ScanOptions(timeout=60))
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert len(report.inventory.tools) == launch.MCP_SERVER_TIME_TOOLS
    assert report.inventory.protocol_version == launch.MCP_SERVER_TIME_PROTOCOL_VERSION


async def test_stdio_server_gets_a_scrubbed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCTS_TEST_SECRET", "hunter2")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "also-secret")
    target = _cmd([sys.executable, str(HERE / "env_server.py")])
    report = await scan_async(target, ScanOptions(timeout=30, env={"GIVEN_ON_PURPOSE": "1"}))
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    names = set((report.inventory.instructions or "").removeprefix("ENV:").split(","))
    assert "GIVEN_ON_PURPOSE" in names
    assert "PATH" in names
    assert not {"MCTS_TEST_SECRET", "AWS_SECRET_ACCESS_KEY"} & names


async def test_bearer_token_reaches_http_server_but_not_the_report() -> None:
    port = launch.free_port()
    token = "tok-" + "x" * 20
    argv = [sys.executable, str(HERE / "auth_server.py"), str(port), token]
    with launch.run_http_server(argv, port, "/mcp") as url:
        refused = await scan_async(url, ScanOptions(timeout=20, transport="streamable-http"))
        allowed = await scan_async(url, ScanOptions(timeout=20, bearer_token=token))  # type: ignore[arg-type]
        by_header = await scan_async(url, ScanOptions(timeout=20, headers={"Authorization": f"Bearer {token}"}))
    assert refused.status is ScanStatus.INCOMPLETE
    assert refused.status_reasons
    for report in (allowed, by_header):
        assert report.status is ScanStatus.COMPLETE, report.status_reasons
        assert [t.name for t in report.inventory.tools] == ["secret_thing"]
        assert token not in report.model_dump_json()


def test_unreachable_url_is_incomplete_quickly() -> None:
    import anyio

    port = launch.free_port()  # nothing listens there
    t0 = time.monotonic()
    report = anyio.run(scan_async, f"http://127.0.0.1:{port}/mcp", ScanOptions(timeout=20))
    assert time.monotonic() - t0 < 20
    assert report.status is ScanStatus.INCOMPLETE
    assert any("connect" in r.lower() for r in report.status_reasons), report.status_reasons

