"""Server identity: one key per server, the same from a target and from a report, never carrying a secret."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mcts.history.identity import identity_for, normalize_command, normalize_url, server_identity
from mcts.model.target import HttpTarget, SnapshotTarget, StdioTarget, parse_target


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("https://Example.COM/mcp", "https://example.com/mcp"),
        ("HTTPS://example.com/mcp", "https://example.com/mcp"),
        ("https://example.com:443/mcp", "https://example.com/mcp"),
        ("http://example.com:80/mcp", "http://example.com/mcp"),
        ("http://example.com:8080/mcp", "http://example.com:8080/mcp"),
        ("https://example.com:80/mcp", "https://example.com:80/mcp"),
        ("https://example.com/mcp/", "https://example.com/mcp"),
        ("https://example.com/mcp//", "https://example.com/mcp"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com/mcp#section", "https://example.com/mcp"),
        ("https://alice:pa55@example.com/mcp", "https://example.com/mcp"),
        ("https://example.com/mcp?b=2&a=1", "https://example.com/mcp?a=1&b=2"),
        ("https://example.com/mcp?api_key=s3cr3t&tenant=acme", "https://example.com/mcp?api_key=***&tenant=acme"),
        ("https://example.com/mcp?token=s3cr3t", "https://example.com/mcp?token=***"),
        ("https://example.com/mcp?q=a%20b", "https://example.com/mcp?q=a+b"),
        ("http://[::1]:8000/mcp", "http://[::1]:8000/mcp"),
        ("http://Example.com./mcp", "http://example.com/mcp"),
    ],
)
def test_url_normalization(url: str, identity: str) -> None:
    assert normalize_url(url) == identity
    assert normalize_url(identity) == identity  # idempotent
    target = parse_target(url)
    assert server_identity(target, "ignored-for-urls") == identity


def test_url_identity_never_keeps_a_secret() -> None:
    target = parse_target("https://bob:hunter2@MCP.example.com:443/v1/?access_token=tok-123&sig=abc#x")
    identity = server_identity(target, None)
    assert identity == "https://mcp.example.com/v1?access_token=***&sig=***"
    for secret in ("bob", "hunter2", "tok-123", "abc"):
        assert secret not in identity


def test_stdio_identity_is_the_redacted_command_and_the_server_name() -> None:
    target = StdioTarget(raw="x", command="npx", args=("-y", "@acme/weather@1.2.0", "--api-key", "s3cr3t"))
    assert server_identity(target, "weather") == "stdio:npx -y @acme/weather@1.2.0 --api-key '***'#weather"
    assert server_identity(target, None) == "stdio:npx -y @acme/weather@1.2.0 --api-key '***'"
    assert server_identity(target, "other") != server_identity(target, "weather")


def test_stdio_identity_masks_credentials_in_any_argument() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    target = StdioTarget(raw="x", command="server", args=(f"--header=Authorization: Bearer {token}", token,
                                                          "GITHUB_TOKEN=abc"))
    identity = server_identity(target, "gh")
    assert token not in identity and "abc" not in identity
    assert "GITHUB_TOKEN=***" in identity
    assert identity.endswith("#gh")


def test_stdio_forms_of_the_same_command_share_an_identity() -> None:
    forms = ["stdio:npx:pkg:arg", "stdio:npx pkg arg", "stdio:  npx   pkg arg"]
    identities = {server_identity(parse_target(f), "s") for f in forms}
    plain = StdioTarget(raw="npx pkg arg", command="npx", args=("pkg", "arg"))
    assert identities == {server_identity(plain, "s")} == {"stdio:npx pkg arg#s"}


def test_arguments_with_spaces_and_quotes_round_trip() -> None:
    target = StdioTarget(raw="x", command=sys.executable, args=("-c", "print('a b')", "--token", "it's secret"))
    identity = server_identity(target, None)
    assert "it's secret" not in identity
    assert normalize_command(target.display()) == identity.removeprefix("stdio:")


@pytest.mark.parametrize(
    "target",
    [
        HttpTarget(raw="u", url="https://u:p@Host.example:443/a/?key=k&x=1"),
        StdioTarget(raw="c", command="node", args=("server.js", "--password", "pw", "TOKEN=t", "--config", "c.json")),
        StdioTarget(raw="c", command="/opt/my server/bin", args=("a b", "'quoted'", '"double"', "$HOME")),
        SnapshotTarget(raw="s", path=Path("/tmp/snap.json")),
    ],
)
def test_identity_from_a_report_equals_identity_from_the_target(target: HttpTarget | StdioTarget) -> None:
    """A report keeps only the displayed target: recomputing the identity from it must give the same key."""
    for name in (None, "srv", "name with #hash"):
        assert identity_for(target.kind, target.display(), name) == server_identity(target, name)


def test_path_targets_use_the_resolved_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snap = tmp_path / "snap.json"
    snap.write_text('{"tools": []}')
    monkeypatch.chdir(tmp_path)
    relative = parse_target("snap.json")
    assert relative.kind == "snapshot"
    assert server_identity(relative, None) == f"snapshot:{snap.resolve()}"
    assert server_identity(parse_target(str(snap)), "x") == f"snapshot:{snap.resolve()}#x"


def test_different_servers_have_different_identities() -> None:
    identities = {
        normalize_url("https://a.example/mcp"), normalize_url("https://b.example/mcp"),
        normalize_url("https://a.example/other"), normalize_url("http://a.example/mcp"),
        normalize_url("https://a.example:8443/mcp"), identity_for("stdio", "node a.js", None),
        identity_for("stdio", "node b.js", None), identity_for("stdio", "node a.js", "x"),
    }
    assert len(identities) == 8


def test_malformed_inputs_do_not_raise() -> None:
    assert normalize_command("unbalanced 'quote --token abc") == "unbalanced 'quote --token abc"
    assert normalize_url("http://host:99999999/x").startswith("http://host:99999999")
