"""Servers that misbehave: every scan ends within the deadline plus 5 s, incomplete, with a reason,
and leaves no process behind."""

from __future__ import annotations

import re
import time

import psutil
import pytest

from mcts.engine import scan_async
from mcts.model.report import ScanStatus
from mcts.options import ScanOptions
from tests.conftest import SERVERS, bad_server
from tests.servers.bad import ansi_and_tags

pytestmark = pytest.mark.anyio
DEADLINE = 3.0

CASES = [
    # (script, what the status reasons must mention, listings status of tools)
    ("never_handshake", r"deadline of 3s reached while connecting", "failed"),
    ("hang_on_list", r"deadline of 3s reached while listing tools \(page 1\)", "failed"),
    ("exit_mid_listing", r"listing tools \(page 2\): .*Connection closed", "partial"),
    ("garbage_stdout", r"deadline of 3s reached while connecting", "failed"),
    ("endless_cursor", r"cap max_pages=5 cut tools listing", "partial"),
    ("huge_description", r"cap max_field_chars=65536 cut tool:\S+\.description", "listed"),
    ("ignores_sigterm", r"deadline of 3s reached while listing tools", "failed"),
]


def _leftovers(marker: str) -> list[psutil.Process]:
    out = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in part for part in proc.info["cmdline"] or []):
                out.append(proc)
        except psutil.Error:
            continue
    return out


@pytest.mark.parametrize(("script", "reason", "tools_status"), CASES, ids=[c[0] for c in CASES])
async def test_bad_server_is_incomplete_and_bounded(script: str, reason: str, tools_status: str) -> None:
    options = ScanOptions(timeout=DEADLINE, request_timeout=DEADLINE, limits={"max_pages": 5})  # type: ignore[arg-type]
    t0 = time.monotonic()
    report = await scan_async(bad_server(script), options)
    elapsed = time.monotonic() - t0
    assert elapsed < DEADLINE + 5, f"took {elapsed:.1f}s"
    assert report.status is ScanStatus.INCOMPLETE
    assert any(re.search(reason, r) for r in report.status_reasons), report.status_reasons
    assert report.coverage.listings["tools"].status == tools_status
    assert not _leftovers(str(SERVERS / "bad" / f"{script}.py")), "server process left behind"


async def test_garbage_on_stdout_is_reported() -> None:
    report = await scan_async(bad_server("garbage_stdout"), ScanOptions(timeout=2))
    assert any("not JSON-RPC" in w for w in report.coverage.warnings), report.coverage.warnings


async def test_huge_description_is_capped_not_dropped() -> None:
    report = await scan_async(bad_server("huge_description"), ScanOptions(timeout=DEADLINE))
    (tool,) = report.inventory.tools
    assert len(tool.description or "") == 65536
    (cap,) = [c for c in report.coverage.caps_hit if c.cap == "max_field_chars"]
    assert cap.observed is not None and cap.observed >= 5_000_000


async def test_sigterm_ignoring_server_and_its_child_are_killed() -> None:
    report = await scan_async(bad_server("ignores_sigterm"), ScanOptions(timeout=DEADLINE))
    match = re.search(r"CHILD_PID=(\d+)", report.coverage.server_stderr or "")
    assert match, report.coverage.server_stderr
    child = int(match.group(1))
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


async def test_ansi_and_tag_characters_are_flagged_and_escaped() -> None:
    report = await scan_async(bad_server("ansi_and_tags"), ScanOptions(timeout=10))
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    techniques = {t for f in report.findings for t in f.techniques}
    expected = {"terminal-escape-injection", "hidden-unicode-tags", "hidden-bidi-control", "hidden-zero-width"}
    assert expected <= techniques
    tags = next(f for f in report.findings if "hidden-unicode-tags" in f.techniques)
    assert ansi_and_tags.HIDDEN_TEXT in tags.evidence
    assert tags.severity.value == "critical"

    def hidden(text: str) -> list[str]:
        return [c for c in text if 0xE0000 <= ord(c) <= 0xE007F or c in "\x1b\u202e\u200b"]

    for finding in report.findings:
        assert not hidden(finding.evidence)
    from mcts.render import Format, render

    for fmt in Format:
        output = render([report], fmt, color=True)
        assert ansi_and_tags.ANSI_TOOL_NAME not in output
        assert "\\x1b[31mred_tool" in output  # shown escaped, not obeyed
        assert not [c for c in hidden(output) if c != "\x1b"]  # with color on, ESC is only our own styling
        if fmt is Format.JSON:
            assert "\x1b" not in output
