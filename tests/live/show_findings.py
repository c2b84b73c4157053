"""Print what the analyzers find today on each MCP reference server, in the format of ``reference_findings.py``.

Scans each pinned reference server over stdio (installing it into ``.cache`` first if needed) exactly the
way ``test_reference_servers.py`` does, and prints the ``EXPECTED`` (MEDIUM and above), ``LOW_INFO`` and
``SUSPECTED_FALSE`` tables. Reasons already in the tables are kept; a new finding gets a ``TODO`` reason
to replace with why the finding is right (or move it to ``SUSPECTED_FALSE`` and say why it looks false).
A comment above each entry shows its severity, title and evidence.

Usage: ``.venv/bin/python tests/live/show_findings.py [SERVER ...]`` (default: every reference server).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import textwrap
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` importable
    sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402

from mcts import ScanOptions, ScanReport, scan_async  # noqa: E402
from mcts.model.finding import Finding, Severity  # noqa: E402
from tests.live import reference_findings as tables  # noqa: E402
from tests.servers import reference  # noqa: E402

CACHE = ROOT / ".cache"
SCAN_TIMEOUT_SECONDS = 120.0
REFRESH = ".venv/bin/python tests/live/show_findings.py"
LINE_LIMIT = 120

Key = tables.Key


def finding_key(server: str, finding: Finding) -> Key:
    """The table key of ``finding`` on ``server``: (server, analyzer, techniques joined by ",", location)."""
    return (server, finding.analyzer, ",".join(finding.techniques), finding.location.display())


def is_medium_or_above(finding: Finding) -> bool:
    """True for the findings that go in ``EXPECTED`` (or ``SUSPECTED_FALSE``) rather than ``LOW_INFO``."""
    return finding.severity.rank >= Severity.MEDIUM.rank


async def scan_reference(server: str, scratch: Path) -> ScanReport:
    """Install and scan reference ``server`` over stdio with every analyzer; ``scratch`` is an empty directory."""
    spec = await anyio.to_thread.run_sync(reference.reference_server, server, CACHE, scratch)
    return await scan_async(shlex.join(spec.argv), ScanOptions(timeout=SCAN_TIMEOUT_SECONDS, env=spec.env))


def comment(finding: Finding) -> str:
    """A one-line comment for the reviewer: severity, title and the start of the (already escaped) evidence."""
    evidence = finding.evidence if len(finding.evidence) <= 60 else finding.evidence[:57] + "..."
    line = f"    # {finding.severity.value}: {finding.title} | evidence {evidence!r}"
    return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 3] + "..."


def _literal(text: str) -> str:
    """A double-quoted Python string literal of ``text`` (JSON string syntax is valid Python, ASCII only)."""
    return json.dumps(text)


def format_entry(key: Key, reason: str) -> str:
    """One dict entry, wrapped to the line limit: the key, then the reason as implicitly joined strings."""
    one_line = f"    ({', '.join(map(_literal, key))}):"
    if len(one_line) <= LINE_LIMIT:
        head = one_line
    else:
        head = "    (\n" + "".join(f"        {_literal(part)},\n" for part in key) + "    ):"
    pieces = textwrap.wrap(reason, width=LINE_LIMIT - 12, drop_whitespace=False) or [""]
    body = "\n".join(f"        {_literal(p)}" for p in pieces)
    return f"{head}\n{body},"


def render_table(name: str, entries: Iterable[tuple[Key, str, Finding | None]]) -> str:
    """A ``NAME: dict[Key, str] = {...}`` block from (key, reason, a finding for the comment) entries."""
    lines = [f"{name}: dict[Key, str] = {{"]
    for key, reason, finding in sorted(entries, key=lambda e: e[0]):
        if finding is not None:
            lines.append(comment(finding))
        lines.append(format_entry(key, reason))
    lines.append("}")
    return "\n".join(lines)


def reason_for(key: Key, finding: Finding) -> tuple[str, str]:
    """(table name, reason): the table the finding belongs in now and the reason already written for it, if any."""
    written = {**tables.LOW_INFO, **tables.EXPECTED, **tables.SUSPECTED_FALSE}
    reason = written.get(key, "TODO: say why this finding is right (or move it to SUSPECTED_FALSE and say why)")
    if not is_medium_or_above(finding):
        return "LOW_INFO", reason
    return ("SUSPECTED_FALSE" if key in tables.SUSPECTED_FALSE else "EXPECTED"), reason


async def current_entries(servers: list[str]) -> dict[str, list[tuple[Key, str, Finding | None]]]:
    """Scan ``servers`` and sort their findings into the three tables."""
    out: dict[str, list[tuple[Key, str, Finding | None]]] = {"EXPECTED": [], "LOW_INFO": [], "SUSPECTED_FALSE": []}
    for server in servers:
        with tempfile.TemporaryDirectory(prefix=f"mcts-{server}-") as scratch:
            report = await scan_reference(server, Path(scratch))
        if report.status.value != "complete":
            print(f"# WARNING {server}: scan incomplete: {'; '.join(report.status_reasons)}", file=sys.stderr)
        seen: set[Key] = set()
        for finding in report.findings:
            key = finding_key(server, finding)
            if key not in seen:
                seen.add(key)
                table, reason = reason_for(key, finding)
                out[table].append((key, reason, finding))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("servers", nargs="*", metavar="SERVER",
                        help=f"reference servers to scan (default all: {', '.join(reference.REFERENCE_SERVERS)})")
    args = parser.parse_args()
    unknown = sorted(set(args.servers) - set(reference.REFERENCE_SERVERS))
    if unknown:
        parser.error(f"unknown server(s) {', '.join(unknown)}; choose from {', '.join(reference.REFERENCE_SERVERS)}")
    servers = list(args.servers or reference.REFERENCE_SERVERS)
    entries = anyio.run(current_entries, servers)
    print(f"# Findings on {', '.join(servers)}; paste into tests/live/reference_findings.py. Refresh: {REFRESH}\n")
    for name in ("EXPECTED", "LOW_INFO", "SUSPECTED_FALSE"):
        print(render_table(name, entries[name]) + "\n")


if __name__ == "__main__":
    main()
