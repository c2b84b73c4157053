"""Live scans of the pinned MCP reference servers over stdio, checked against ``reference_findings.py``.

Each server is installed into ``.cache`` on first use (npm or its own venv) and started by the scanner
with a scratch directory for its state: the filesystem server's allowed root, the memory server's
``MEMORY_FILE_PATH``, a one-commit git repository. The fetch server never reaches the network (listing
tools fetches nothing, and its proxy is a closed local port). Every analyzer that exists runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mcts import ScanReport
from mcts.analyzers._registry import select
from mcts.model.finding import Finding
from mcts.model.report import ScanStatus
from mcts.taxonomy import load_taxonomy
from tests.live import reference_findings as tables
from tests.live.show_findings import REFRESH, comment, finding_key, format_entry, is_medium_or_above, scan_reference
from tests.servers import launch, reference

pytestmark = [pytest.mark.anyio, pytest.mark.live]

NPM_SERVERS = frozenset({"server-everything", "server-filesystem", "server-memory"})
EXPECTED_TOOLS = {
    "server-everything": launch.SERVER_EVERYTHING_TOOLS,
    "server-filesystem": reference.SERVER_FILESYSTEM_TOOLS,
    "server-memory": reference.SERVER_MEMORY_TOOLS,
    "mcp-server-time": launch.MCP_SERVER_TIME_TOOLS,
    "mcp-server-fetch": reference.MCP_SERVER_FETCH_TOOLS,
    "mcp-server-git": reference.MCP_SERVER_GIT_TOOLS,
}
"""Tools each pinned version lists: a changed count means a changed server, and the tables need a look."""

SERVERS = [pytest.param(s, marks=pytest.mark.npm) if s in NPM_SERVERS else s for s in reference.REFERENCE_SERVERS]


def _for(server: str, table: dict[tables.Key, str]) -> dict[tables.Key, str]:
    return {key: reason for key, reason in table.items() if key[0] == server}


def _table_diff(name: str, found: dict[tables.Key, Finding], wanted: dict[tables.Key, str]) -> list[str]:
    """Lines explaining how ``found`` differs from the table ``wanted`` (empty when they match)."""
    lines: list[str] = []
    for key in sorted(found.keys() - wanted.keys()):
        why = tables.SUSPECTED_FALSE.get(key)
        label = f"suspected false positive ({why})" if why else f"not in {name}"
        lines += [f"found but {label}:", comment(found[key]), format_entry(key, why or "TODO: why it is right")]
    for key in sorted(wanted.keys() - found.keys()):
        lines += [f"in {name} but not found any more:", format_entry(key, wanted[key])]
    return lines


@pytest.mark.parametrize("server", SERVERS)
async def test_reference_server_findings(server: str, tmp_path: Path) -> None:
    report: ScanReport = await scan_reference(server, tmp_path)

    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert report.coverage.transport == "stdio"
    tools = report.coverage.listings["tools"]
    assert tools.status == "listed", tools
    assert len(report.inventory.tools) == tools.items == EXPECTED_TOOLS[server]
    ran = {run.id for run in report.analyzers}
    assert ran == {cls.id for cls in select(())}, "every analyzer that exists is run (or skipped with a reason)"

    keyed: dict[tables.Key, Finding] = {}
    for finding in report.findings:
        keyed.setdefault(finding_key(server, finding), finding)
    serious = {k: f for k, f in keyed.items() if is_medium_or_above(f)}
    weak = {k: f for k, f in keyed.items() if not is_medium_or_above(f)}
    problems = _table_diff("EXPECTED", serious, _for(server, tables.EXPECTED))
    problems += _table_diff("LOW_INFO", weak, _for(server, tables.LOW_INFO))
    assert not problems, (
        f"findings on {server} differ from tests/live/reference_findings.py:\n" + "\n".join(problems)
        + f"\nRefresh the tables with `{REFRESH} {server}` and write a reason for each new entry."
    )


def test_tables_are_well_formed() -> None:
    """Every key names a reference server, a known analyzer and known techniques; every reason is written."""
    analyzers = {cls.id for cls in select(())}
    taxonomy = load_taxonomy()
    assert not tables.EXPECTED.keys() & tables.SUSPECTED_FALSE.keys()
    assert not tables.EXPECTED.keys() & tables.LOW_INFO.keys()
    for table in (tables.EXPECTED, tables.LOW_INFO, tables.SUSPECTED_FALSE):
        for (server, analyzer, techniques, location), reason in table.items():
            assert server in reference.REFERENCE_SERVERS, server
            assert analyzer in analyzers, f"{analyzer} is not an analyzer any more"
            for technique in techniques.split(","):
                taxonomy.technique(technique)
            assert location.split(":", 1)[0].split(".", 1)[0] in {
                "server", "instructions", "tool", "prompt", "resource", "resource_template"
            }, location
            assert len(reason) > 20 and not reason.startswith("TODO"), f"write the reason for {location}"
