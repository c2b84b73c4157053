"""What a SOURCE scan must find in each pinned MCP reference server (``test_source_scans.py`` checks it).

The scanned source is the installed package: ``mcp_server_time``, ``mcp_server_fetch``, ``mcp_server_git``
(their package directories in the venvs under ``.cache/venvs``) and ``server-everything``,
``server-filesystem`` (their npm package directories under ``.cache/npm``: ``dist/`` and ``package.json``).

Keys are ``(server, analyzer id, technique ids joined by ",", location.display(), "file:line")`` where the
file is relative to the scanned package directory (empty when the finding has no source line); each value is
the reason the finding is right, written for a security engineer. ``EXPECTED`` holds every finding at MEDIUM
and above and must match a scan exactly, so any change is noticed. ``SUSPECTED_FALSE`` holds MEDIUM+
findings that look false, with why: they are not expected, so while an analyzer still reports them the test
fails on purpose (and the lead hears about them).

Refresh after an analyzer change: ``.venv/bin/python -m tests.live.test_source_scans [SERVER ...]`` prints
both tables with the reasons written here kept and ``TODO`` for new entries.
"""

from __future__ import annotations

TOOLS: dict[str, frozenset[str]] = {
    "mcp-server-time": frozenset({"convert_time", "get_current_time"}),
    "mcp-server-fetch": frozenset({"fetch"}),
    "mcp-server-git": frozenset({
        "git_add", "git_branch", "git_checkout", "git_commit", "git_create_branch", "git_diff", "git_diff_staged",
        "git_diff_unstaged", "git_log", "git_reset", "git_show", "git_status",
    }),
    # 12 tools registered at start-up (``registerTools``) and 7 registered once the client's capabilities are
    # known (``registerConditionalTools``: roots, elicitation, sampling, tasks); a live listing shows only the
    # ones the scanning client qualifies for, the source shows every tool the server can expose.
    "server-everything": frozenset({
        "echo", "get-annotated-message", "get-env", "get-resource-links", "get-resource-reference",
        "get-structured-content", "get-sum", "get-tiny-image", "gzip-file-as-resource", "toggle-simulated-logging",
        "toggle-subscriber-updates", "trigger-long-running-operation",
        "get-roots-list", "trigger-elicitation-request", "trigger-url-elicitation", "trigger-sampling-request",
        "simulate-research-query", "trigger-sampling-request-async", "trigger-elicitation-request-async",
    }),
    "server-filesystem": frozenset({
        "create_directory", "directory_tree", "edit_file", "get_file_info", "list_allowed_directories",
        "list_directory", "list_directory_with_sizes", "move_file", "read_file", "read_media_file",
        "read_multiple_files", "read_text_file", "search_files", "write_file",
    }),
}
"""Every tool each pinned server declares in its source (read by hand from the installed package)."""

MISSED_TOOLS: dict[tuple[str, str], str] = {
    ("server-everything", "simulate-research-query"):
        "registered with server.experimental.tasks.registerToolTask(name, config, handler) "
        "(dist/tools/simulate-research-query.js:168), a registration form the TypeScript extractor does not read yet",
}
"""Tools in ``TOOLS`` the source scan does not extract today, with why: the test fails once one is found."""

Key = tuple[str, str, str, str, str]
"""(server, analyzer id, technique ids joined by ",", ``Location.display()``, ``file:line`` or "")."""

EXPECTED: dict[Key, str] = {
}
"""Empty today, and rightly so for four of the five: mcp-server-time has no sink; mcp-server-fetch fetches any
public URL by design and refuses private, loopback and link-local destinations (``_refuse_private_destination``);
mcp-server-git checks every ref, branch and timestamp for a leading ``-`` and keeps ``repo_path`` and added files
inside the repository (``validate_repo_path``, ``resolve()`` + ``relative_to``); server-filesystem resolves and
checks every path against its allowed roots (``validatePath``). See ``MISSED`` for the fifth."""

SUSPECTED_FALSE: dict[Key, str] = {
}

MISSED: dict[tuple[str, str, str], str] = {
    ("server-everything", "ssrf-sink", "tool:gzip-file-as-resource.handler"):
        "The model's `data` argument (a URL) goes through validateDataURI, which only checks the protocol "
        "(http, https, data) and the host against GZIP_ALLOWED_DOMAINS, empty by default, i.e. every host allowed; "
        "then fetchSafely calls fetch(url) (dist/tools/gzip-file-as-resource.js:141) and the body comes back "
        "to the model as a resource: http://169.254.169.254/ or a localhost admin port is fetched from the "
        "server's network. The taint is lost at `const url = validateDataURI(dataUri)`: the helper returns "
        "`new URL(dataUri)` after a protocol check, and its result is not treated as tainted (a one-helper flow "
        "and the Schema.parse destructuring alone are followed).",
}
"""MEDIUM+ findings a security engineer expects that the scan does not report today, keyed by (server,
technique, ``Location.display()``), with why. The test fails once one is reported, so it moves to ``EXPECTED``."""
