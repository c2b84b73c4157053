"""parse_target: every accepted form, every malformed form, and redaction of secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcts.errors import TargetError
from mcts.model.target import (
    ClientConfigTarget,
    HttpTarget,
    SnapshotTarget,
    SourceTarget,
    StdioTarget,
    parse_target,
    redact_argv,
    redact_url,
)


@pytest.mark.parametrize(
    ("raw", "transport", "url"),
    [
        ("http://localhost:8000/mcp", "auto", "http://localhost:8000/mcp"),
        ("https://mcp.example.com/mcp", "streamable-http", "https://mcp.example.com/mcp"),
        ("https://mcp.example.com/sse", "sse", "https://mcp.example.com/sse"),
        ("  HTTPS://Example.com:8443/x  ", "auto", "HTTPS://Example.com:8443/x"),
    ],
)
def test_http_urls(raw: str, transport: str, url: str) -> None:
    target = parse_target(raw, transport=transport)  # type: ignore[arg-type]
    assert isinstance(target, HttpTarget)
    assert target.kind == "http"
    assert target.url == url
    assert target.transport == transport


@pytest.mark.parametrize(
    ("raw", "command", "args"),
    [
        # Ramparts forms
        ("stdio:///usr/local/bin/server", "/usr/local/bin/server", ()),
        ("stdio:///usr/local/bin/server --port 3", "/usr/local/bin/server", ("--port", "3")),
        ("stdio:npx:pkg:arg", "npx", ("pkg", "arg")),
        ("stdio:npx:-y:@modelcontextprotocol/server-everything", "npx",
         ("-y", "@modelcontextprotocol/server-everything")),
        # stdio: followed by a command line with spaces
        ("stdio:node server.js", "node", ("server.js",)),
        ("stdio:node 'my server.js' --flag", "node", ("my server.js", "--flag")),
        # plain command lines
        ("node /path/server.js --config c.json", "node", ("/path/server.js", "--config", "c.json")),
        ("npx -y @modelcontextprotocol/server-everything", "npx", ("-y", "@modelcontextprotocol/server-everything")),
        ('python3 -m "my server"', "python3", ("-m", "my server")),
    ],
)
def test_stdio_forms(raw: str, command: str, args: tuple[str, ...], tmp_path: Path) -> None:
    target = parse_target(raw, cwd=tmp_path)
    assert isinstance(target, StdioTarget)
    assert target.kind == "stdio"
    assert target.command == command
    assert target.args == args
    assert target.raw == raw.strip()


def test_single_word_command_on_path(tmp_path: Path) -> None:
    target = parse_target("sh", cwd=tmp_path)
    assert isinstance(target, StdioTarget)
    assert target.command == "sh"
    assert target.args == ()


def test_snapshot_json(tmp_path: Path) -> None:
    snap = tmp_path / "inventory.json"
    snap.write_text('{"tools": []}', encoding="utf-8")
    absolute = parse_target(str(snap))
    relative = parse_target("inventory.json", cwd=tmp_path)
    for target in (absolute, relative):
        assert isinstance(target, SnapshotTarget)
        assert target.kind == "snapshot"
        assert target.path == snap


@pytest.mark.parametrize("name", ["server.py", "index.ts", "main.js", "mod.mjs"])
def test_source_files(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text("", encoding="utf-8")
    target = parse_target(name, cwd=tmp_path)
    assert isinstance(target, SourceTarget)
    assert target.kind == "source"
    assert target.path == tmp_path / name


def test_source_directory(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    target = parse_target("repo", cwd=tmp_path)
    assert isinstance(target, SourceTarget)
    assert target.path == tmp_path / "repo"


@pytest.mark.parametrize("name", ["mcp.json", "claude_desktop_config.json", ".mcp.json"])
def test_client_config(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text('{"mcpServers": {}}', encoding="utf-8")
    target = parse_target(name, cwd=tmp_path)
    assert isinstance(target, ClientConfigTarget)
    assert target.kind == "client-config"


def test_executable_file_is_stdio(tmp_path: Path) -> None:
    server = tmp_path / "server"
    server.write_text("#!/bin/sh\n", encoding="utf-8")
    server.chmod(0o755)
    target = parse_target(str(server))
    assert isinstance(target, StdioTarget)
    assert target.command == str(server)


def test_unknown_file_kind(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    with pytest.raises(TargetError, match="does not know how to scan"):
        parse_target("notes.txt", cwd=tmp_path)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty target"),
        ("   \t\n ", "empty target"),
        ("ftp://x", "unsupported URL scheme 'ftp'"),
        ("http://", "has no host"),
        ("https://:8080/mcp", "has no host"),
        ("http://exa mple.com", "white space"),
        ("http://example.com:99999/", "malformed URL"),
        ('node "server.js', "cannot parse command line"),
        ("missing.json", "no such file"),
        ("src/missing.py", "no such file"),
        ("definitely-not-a-command-mcts-xyz", "not a file, a URL, or a command found on PATH"),
        ("node\x00server.js", "NUL byte"),
        ("stdio:", "names no command"),
        ("stdio://", "names no command"),
    ],
)
def test_malformed_targets(raw: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(TargetError, match=message) as info:
        parse_target(raw, cwd=tmp_path)
    assert str(info.value)  # a message a person can act on, never empty


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (("server", "--api-key", "X"), ["server", "--api-key", "***"]),
        (("server", "--token=X"), ["server", "--token=***"]),
        (("API_KEY=X", "server"), ["API_KEY=***", "server"]),
        (("server", "--password", "hunter2", "--port", "8080"), ["server", "--password", "***", "--port", "8080"]),
        (("server", "--verbose", "file.txt"), ["server", "--verbose", "file.txt"]),  # OK: nothing secret
    ],
)
def test_redact_argv(argv: tuple[str, ...], shown: list[str]) -> None:
    assert redact_argv(argv) == shown


def test_stdio_display_redacts() -> None:
    target = parse_target("stdio:server --api-key sk-live-123 --token=abc")
    assert isinstance(target, StdioTarget)
    shown = target.display()
    assert "sk-live-123" not in shown
    assert "abc" not in shown
    assert shown == "server --api-key '***' '--token=***'"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa55@mcp.example.com/mcp", "https://mcp.example.com/mcp"),
        (
            "https://mcp.example.com/mcp?token=abc&api_key=def&page=2&q=x",
            "https://mcp.example.com/mcp?token=***&api_key=***&page=2&q=x",
        ),
        ("http://h:8000/sse?region=eu", "http://h:8000/sse?region=eu"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_http_display_redacts() -> None:
    target = parse_target("https://me:secret@mcp.example.com/mcp?access_token=zzz&page=1")
    shown = target.display()
    assert "secret" not in shown
    assert "zzz" not in shown
    assert "page=1" in shown


@pytest.mark.parametrize("raw", ["http://user:pa55word@[::1", "ftp://user:pa55word@host/", "http://user:pa55word@/p",
                                 "http://user:pa55word@host/a b", "https://h/?token=pa55word&x=1 y"])
def test_target_errors_never_repeat_credentials(raw: str) -> None:
    with pytest.raises(TargetError) as caught:
        parse_target(raw)
    assert "pa55word" not in str(caught.value)
