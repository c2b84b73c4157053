"""What the analyzers must find on each pinned MCP reference server (``test_reference_servers.py`` checks it).

Keys are ``(server, analyzer id, technique ids joined by ",", location.display())``; each value is the
reason the finding is right, written for a security engineer. ``EXPECTED`` holds the findings at MEDIUM and
above, ``LOW_INFO`` the weaker ones; both must match what a scan finds today, exactly, so any change is
noticed. ``SUSPECTED_FALSE`` holds MEDIUM+ findings that look false, with why: they are not expected, so
while an analyzer still reports them the test fails on purpose.

Refresh after an analyzer change: ``.venv/bin/python tests/live/show_findings.py`` prints all three tables
with the reasons written here kept and ``TODO`` for new entries.
"""

from __future__ import annotations

Key = tuple[str, str, str, str]
"""(server, analyzer id, technique ids joined by ",", location as ``Location.display()``)."""

EXPECTED: dict[Key, str] = {
}

LOW_INFO: dict[Key, str] = {
}

SUSPECTED_FALSE: dict[Key, str] = {
}
