"""Source scans of the pinned MCP reference servers, checked against ``source_findings.py``.

Each server is installed into ``.cache`` on first use (the same pinned versions the live tests start) and its
installed package directory is scanned as source, in place: nothing in it runs. Two checks per server: the
source scan extracts as many tools as the server lists live, and its MEDIUM+ findings equal the
``EXPECTED`` table (findings in ``SUSPECTED_FALSE`` fail the test on purpose until an analyzer stops
reporting them).

Run as a module to print the tables for pasting into ``source_findings.py``:
``.venv/bin/python -m tests.live.test_source_scans [SERVER ...]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from functools import cache, partial
from pathlib import Path

import anyio
import pytest

from mcts import ScanOptions, ScanReport, scan_async
from mcts.analyzers._registry import select
from mcts.model.finding import Finding, Severity
from mcts.model.report import ScanStatus
from mcts.model.target import SourceTarget
from mcts.taxonomy import load_taxonomy
from tests.live import source_findings as tables
from tests.live.show_findings import LINE_LIMIT, comment
from tests.servers import launch, reference

pytestmark = [pytest.mark.live]

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
SERVERS = ("mcp-server-time", "mcp-server-fetch", "mcp-server-git", "server-everything", "server-filesystem")
NPM_SERVERS = frozenset({"server-everything", "server-filesystem"})
LIVE_TOOLS = {
    "mcp-server-time": launch.MCP_SERVER_TIME_TOOLS,
    "mcp-server-fetch": reference.MCP_SERVER_FETCH_TOOLS,
    "mcp-server-git": reference.MCP_SERVER_GIT_TOOLS,
    "server-everything": launch.SERVER_EVERYTHING_TOOLS,
    "server-filesystem": reference.SERVER_FILESYSTEM_TOOLS,
}
"""Tools each pinned version lists when it runs: the source scan must extract the same number."""
REFRESH = ".venv/bin/python -m tests.live.test_source_scans"

PARAMS = [pytest.param(s, marks=pytest.mark.npm) if s in NPM_SERVERS else s for s in SERVERS]


def _package_of(entry: Path) -> Path:
    """The npm package directory holding the ``bin`` script ``entry`` (the nearest one with a package.json)."""
    for parent in entry.parents:
        if (parent / "package.json").is_file():
            return parent
    raise RuntimeError(f"no package.json above {entry}")


def _site_package(distribution: str) -> Path:
    """The import package directory of a PyPI reference server inside its venv under ``.cache/venvs``."""
    script = launch.ensure_pypi_server(CACHE, distribution, _PYPI_VERSIONS[distribution])
    venv = script.parent.parent
    found = sorted(venv.glob(f"lib/python*/site-packages/{distribution.replace('-', '_')}"))
    if not found:
        raise RuntimeError(f"{distribution} is installed in {venv} but its package directory is not")
    return found[-1]


_PYPI_VERSIONS = {
    "mcp-server-time": launch.MCP_SERVER_TIME_VERSION,
    "mcp-server-fetch": reference.MCP_SERVER_FETCH_VERSION,
    "mcp-server-git": reference.MCP_SERVER_GIT_VERSION,
}


def source_dir(server: str) -> Path:
    """Install ``server`` (pinned) if needed and return the directory whose source is scanned."""
    if server == "server-everything":
        return _package_of(launch.ensure_server_everything(CACHE / "npm"))
    if server == "server-filesystem":
        return _package_of(reference.ensure_server_filesystem(CACHE / "npm"))
    return _site_package(server)


@cache
def scan_source(server: str) -> ScanReport:
    """Scan the installed source of ``server`` with every analyzer (once per process)."""
    path = source_dir(server)
    target = SourceTarget(raw=str(path), path=path)
    return anyio.run(partial(scan_async, target, ScanOptions(timeout=300), cwd=path))


def format_entry(key: tables.Key, reason: str) -> str:
    """One table entry as Python source: the key (one part per line when long), then the wrapped reason."""
    one_line = f"    ({', '.join(map(json.dumps, key))}):"
    head = one_line if len(one_line) <= LINE_LIMIT else "    (\n" + "".join(
        f"        {json.dumps(part)},\n" for part in key) + "    ):"
    pieces = textwrap.wrap(reason, width=LINE_LIMIT - 12, drop_whitespace=False) or [""]
    return head + "\n" + "\n".join(f"        {json.dumps(piece)}" for piece in pieces) + ","


def finding_key(server: str, finding: Finding) -> tables.Key:
    """The table key of ``finding`` in the source scan of ``server``."""
    where = f"{finding.source.file}:{finding.source.line}" if finding.source else ""
    return (server, finding.analyzer, ",".join(finding.techniques), finding.location.display(), where)


def serious_keys(server: str, report: ScanReport) -> dict[tables.Key, Finding]:
    """The MEDIUM+ findings of ``report`` by table key (the first finding of each key)."""
    out: dict[tables.Key, Finding] = {}
    for finding in report.findings:
        if finding.severity.rank >= Severity.MEDIUM.rank:
            out.setdefault(finding_key(server, finding), finding)
    return out


@pytest.mark.parametrize("server", PARAMS)
def test_source_scan_extracts_every_listed_tool(server: str) -> None:
    report = scan_source(server)
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert report.coverage.transport == "source"
    declared = tables.TOOLS[server]
    assert len(declared) >= LIVE_TOOLS[server], "the source declares at least the tools a live listing shows"
    missed = {tool for (name, tool) in tables.MISSED_TOOLS if name == server}
    names = {tool.name for tool in report.inventory.tools}
    assert names == declared - missed, (
        f"{server}: tools not extracted: {sorted(declared - missed - names)}; extracted but not declared: "
        f"{sorted(names - declared)}; known misses now found: {sorted(missed & names)}; "
        f"warnings: {report.coverage.warnings}"
    )
    assert all(source.ref.file and source.ref.line >= 1 for source in report.inventory.sources)


@pytest.mark.parametrize("server", PARAMS)
def test_source_scan_findings(server: str) -> None:
    report = scan_source(server)
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert {run.id for run in report.analyzers} == {cls.id for cls in select(())}
    found = serious_keys(server, report)
    wanted = {key: reason for key, reason in tables.EXPECTED.items() if key[0] == server}
    problems: list[str] = []
    for key in sorted(found.keys() - wanted.keys()):
        why = tables.SUSPECTED_FALSE.get(key)
        label = f"suspected false positive ({why})" if why else "not in EXPECTED"
        problems += [f"found but {label}:", comment(found[key]), format_entry(key, why or "TODO: why it is right")]
    for key in sorted(wanted.keys() - found.keys()):
        problems += ["in EXPECTED but not found any more:", format_entry(key, wanted[key])]
    for server_, technique, location in tables.MISSED:
        now = [key for key in found if key[0] == server_ == server and technique in key[2].split(",")
               and key[3] == location]
        if now:
            problems += [f"known miss now reported (move it from MISSED to EXPECTED): {now}"]
    assert not problems, (
        f"MEDIUM+ findings in the source of {server} differ from tests/live/source_findings.py:\n"
        + "\n".join(problems) + f"\nRefresh with `{REFRESH} {server}` and write a reason for each new entry."
    )


def test_tables_are_well_formed() -> None:
    """Every key names a scanned server, a known analyzer and known techniques; every reason is written."""
    analyzers = {cls.id for cls in select(())}
    taxonomy = load_taxonomy()
    assert not tables.EXPECTED.keys() & tables.SUSPECTED_FALSE.keys()
    for (server, technique, _location), reason in tables.MISSED.items():
        assert server in SERVERS and len(reason) > 20
        taxonomy.technique(technique)
    for table in (tables.EXPECTED, tables.SUSPECTED_FALSE):
        for (server, analyzer, techniques, _location, where), reason in table.items():
            assert server in SERVERS, server
            assert analyzer in analyzers, f"{analyzer} is not an analyzer any more"
            for technique in techniques.split(","):
                taxonomy.technique(technique)
            assert where == "" or where.rsplit(":", 1)[1].isdigit(), where
            assert len(reason) > 20 and not reason.startswith("TODO"), f"write the reason for {_location}"


def main() -> None:
    """Print ``EXPECTED`` and ``SUSPECTED_FALSE`` as they stand after scanning the servers named (default all)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("servers", nargs="*", metavar="SERVER", help=f"default: {', '.join(SERVERS)}")
    args = parser.parse_args()
    if set(args.servers) - set(SERVERS):
        parser.error(f"choose from {', '.join(SERVERS)}")
    keep = {**tables.EXPECTED, **tables.SUSPECTED_FALSE}
    out: dict[str, list[str]] = {"EXPECTED": [], "SUSPECTED_FALSE": []}
    for server in args.servers or SERVERS:
        report = scan_source(server)
        if report.status is not ScanStatus.COMPLETE:
            print(f"# WARNING {server}: incomplete: {'; '.join(report.status_reasons)}", file=sys.stderr)
        print(f"# {server}: {source_dir(server)}: {len(report.inventory.tools)} tools, "
              f"warnings {list(report.coverage.warnings)}", file=sys.stderr)
        for key, finding in sorted(serious_keys(server, report).items()):
            table = "SUSPECTED_FALSE" if key in tables.SUSPECTED_FALSE else "EXPECTED"
            reason = keep.get(key, "TODO: say why this finding is right (or move it to SUSPECTED_FALSE and say why)")
            out[table] += [comment(finding), format_entry(key, reason)]
    for name, lines in out.items():
        print(f"{name}: dict[Key, str] = {{\n" + "\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    main()
