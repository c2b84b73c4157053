"""The API's target policy: paths confined to the scan root, stdio commands allow-listed, private URLs refused.

Every refusal is asserted by type (``TargetRefused`` = 403, ``TargetError`` = 400) and by what its message says
(the setting that allows it) and does not say (file contents, userinfo, tokens). URL hosts resolve through an
injected resolver, so nothing here needs a DNS server.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from mcts.api.settings import ApiSettings
from mcts.api.target_policy import (
    MAX_TARGET_CHARS,
    TargetRefused,
    admit_path,
    admit_target,
    admit_target_async,
    admit_weights_profile,
    stdio_command_line,
)
from mcts.errors import TargetError
from mcts.model.target import HttpTarget, SnapshotTarget, SourceTarget, StdioTarget
from mcts.netguard import IPAddress, NetworkGuard

pytestmark = pytest.mark.anyio
SECRET_CONTENT = "TOP-SECRET-FILE-CONTENT"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A scan root with one file of each kind, plus a secret file and directory outside it and links to them."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text(f'{{"tools": [], "note": "{SECRET_CONTENT}"}}')
    scan_root = tmp_path / "root"
    (scan_root / "src").mkdir(parents=True)
    (scan_root / "snap.json").write_text('{"tools": []}')
    (scan_root / "src" / "server.py").write_text("print('hi')\n")
    (scan_root / "notes.txt").write_text("notes")
    (scan_root / "mcp.json").write_text('{"mcpServers": {}}')
    (scan_root / "données.json").write_text('{"tools": []}')
    (scan_root / "run.sh").write_text("#!/bin/sh\n")
    (scan_root / "run.sh").chmod(0o755)
    (scan_root / "profile.yaml").write_text("name: custom\n")
    os.mkfifo(scan_root / "pipe.json")
    (scan_root / "link_out.json").symlink_to(outside / "secret.json")
    (scan_root / "dir_out").symlink_to(outside)
    (scan_root / "link_in.json").symlink_to(scan_root / "snap.json")
    return scan_root


def _settings(root: Path, **changes: object) -> ApiSettings:
    return ApiSettings.model_validate({"scan_root": root, **changes})


def _resolver(table: Mapping[str, Sequence[str]]) -> Callable[[str], tuple[IPAddress, ...]]:
    """Answers from ``table``; any other name fails the way getaddrinfo does."""

    def resolve(host: str) -> tuple[IPAddress, ...]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return tuple(ipaddress.ip_address(a) for a in table[host])

    return resolve


def _no_dns(host: str) -> tuple[IPAddress, ...]:
    raise AssertionError(f"an IP literal or localhost name was sent to the resolver: {host}")


PUBLIC = NetworkGuard(_resolver({
    "mcp.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "xn--mnchen-3ya.de": ["93.184.216.34"],
    "rebound.example.com": ["127.0.0.1"],
    "mixed.example.com": ["93.184.216.34", "10.0.0.5"],
    "metadata.example.com": ["169.254.169.254"],
}))


# --- paths ------------------------------------------------------------------------------------------------------


def test_paths_inside_the_root_are_admitted_with_their_real_path(root: Path) -> None:
    settings = _settings(root)
    snap = admit_target("snap.json", settings)
    assert isinstance(snap, SnapshotTarget)
    assert (snap.path, snap.raw) == (root / "snap.json", "snap.json")
    absolute = str(root / "snap.json")
    assert admit_target(absolute, settings) == SnapshotTarget(raw=absolute, path=snap.path)
    assert admit_target("src/server.py", settings) == SourceTarget(raw="src/server.py", path=root / "src" / "server.py")
    assert admit_target("src", settings) == SourceTarget(raw="src", path=root / "src")
    assert admit_target(".", settings) == SourceTarget(raw=".", path=root)
    assert admit_target("src/../snap.json", settings) == SnapshotTarget(raw="src/../snap.json", path=root / "snap.json")
    assert admit_target("données.json", settings) == SnapshotTarget(raw="données.json", path=root / "données.json")
    linked = admit_target("link_in.json", settings)  # a link that stays inside is followed to its real file
    assert isinstance(linked, SnapshotTarget)
    assert linked.path == root / "snap.json"


@pytest.mark.parametrize(
    "target",
    [
        "../outside/secret.json",  # ../ escape
        "src/../../outside/secret.json",
        "link_out.json",  # symlink inside the root pointing out
        "dir_out/secret.json",  # through a linked directory
        "dir_out",
        "/etc/passwd",  # absolute path elsewhere
        "/",
        "..",
    ],
)
def test_paths_leaving_the_root_are_refused(root: Path, target: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        admit_target(target, _settings(root))
    message = str(refused.value)
    assert "outside the scan root" in message
    assert "MCTS_API_SCAN_ROOT" in message
    assert SECRET_CONTENT not in message
    assert str(root) not in message  # the server's own layout is not disclosed


def test_outside_paths_get_the_same_answer_whether_they_exist_or_not(root: Path) -> None:
    settings = _settings(root)
    answers = []
    for target in ("../outside/secret.json", "../outside/absent.json"):
        with pytest.raises(TargetRefused) as refused:
            admit_target(target, settings)
        answers.append(str(refused.value).replace(target, "X"))
    assert answers[0] == answers[1]  # no oracle for files outside the root


def test_a_target_that_is_nothing_allowed_is_refused_naming_every_option(root: Path) -> None:
    with pytest.raises(TargetRefused) as refused:
        admit_target("missing.json", _settings(root))
    message = str(refused.value)
    assert "not an existing file or directory under the scan root" in message
    for setting in ("MCTS_API_SCAN_ROOT", "MCTS_API_STDIO_ALLOW"):
        assert setting in message


def test_special_files_and_client_configs_are_refused(root: Path) -> None:
    settings = _settings(root)
    with pytest.raises(TargetRefused, match="not a regular file or a directory"):
        admit_target("pipe.json", settings)  # a FIFO: reading it would hang the scan
    with pytest.raises(TargetRefused, match="client configuration"):
        admit_target("mcp.json", settings)
    with pytest.raises(TargetError, match="does not know how to scan") as unknown:
        admit_target("notes.txt", settings)
    assert not isinstance(unknown.value, TargetRefused)


def test_an_executable_in_the_root_is_a_stdio_target_and_needs_the_allow_list(root: Path) -> None:
    with pytest.raises(TargetRefused, match="MCTS_API_STDIO_ALLOW"):
        admit_target("run.sh", _settings(root))
    admitted = admit_target("run.sh", _settings(root, stdio_allow=(f"{root}/run.sh",)))
    assert admitted == StdioTarget(raw="run.sh", command=str(root / "run.sh"))


def test_a_missing_scan_root_refuses_every_path(tmp_path: Path) -> None:
    with pytest.raises(TargetRefused, match="MCTS_API_SCAN_ROOT"):
        admit_target(".", _settings(tmp_path / "gone"))


# --- stdio ------------------------------------------------------------------------------------------------------


def test_stdio_targets_are_refused_without_an_allow_list(root: Path) -> None:
    for target in ("stdio:npx:@modelcontextprotocol/server-everything", "stdio:///usr/bin/server", "python3 x.py"):
        with pytest.raises(TargetRefused, match=r"this server starts no commands \(MCTS_API_STDIO_ALLOW is empty\)"):
            admit_target(target, _settings(root))


def test_stdio_targets_matching_a_pattern_are_admitted(root: Path) -> None:
    settings = _settings(root, stdio_allow=("npx -y @modelcontextprotocol/server-*", "/usr/bin/env node /srv/mcp.js"))
    uri = admit_target("stdio:npx:-y:@modelcontextprotocol/server-everything", settings)
    assert uri == StdioTarget(
        raw="stdio:npx:-y:@modelcontextprotocol/server-everything",
        command="npx",
        args=("-y", "@modelcontextprotocol/server-everything"),
    )
    plain = admit_target("/usr/bin/env node /srv/mcp.js", settings)  # outside the root, but an allowed command
    assert (plain.kind, plain.raw) == ("stdio", "/usr/bin/env node /srv/mcp.js")
    assert plain == StdioTarget(raw=plain.raw, command="/usr/bin/env", args=("node", "/srv/mcp.js"))
    with pytest.raises(TargetRefused, match="matches none of the patterns"):
        admit_target("/usr/bin/env node /srv/mcp.js --inspect", settings)  # no wildcard: nothing may be added
    with pytest.raises(TargetRefused):
        admit_target("NPX -y @modelcontextprotocol/server-everything", settings)  # patterns are case-sensitive


def test_one_argument_cannot_pass_for_several(root: Path) -> None:
    assert stdio_command_line(["node", "a.js b"]) == "node 'a.js b'"
    assert stdio_command_line(["npx", "-y", "pkg@1.2.3"]) == "npx -y pkg@1.2.3"
    with pytest.raises(TargetRefused):
        admit_target('node "a.js b"', _settings(root, stdio_allow=("node a.js b",)))
    admitted = admit_target('node "a.js b"', _settings(root, stdio_allow=("node 'a.js b'",)))
    assert admitted == StdioTarget(raw='node "a.js b"', command="node", args=("a.js b",))


def test_stdio_refusals_hide_secret_arguments(root: Path) -> None:
    with pytest.raises(TargetRefused) as refused:
        admit_target("stdio:node server.js --api-key sk-live-123456 TOKEN=abcdef", _settings(root))
    message = str(refused.value)
    assert "sk-live-123456" not in message
    assert "abcdef" not in message
    assert "--api-key ***" in message


# --- URLs -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/mcp", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::1]:9000/mcp", "loopback"),
        ("http://localhost:9000/mcp", "loopback"),
        ("http://LOCALHOST./mcp", "loopback"),
        ("http://api.localhost/mcp", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://017700000001/", "loopback"),
        ("http://127.0.0.1./", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "inside IPv6: loopback"),
        ("http://[64:ff9b::a9fe:a9fe]/", "inside IPv6: cloud metadata"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://100.100.100.200/", "cloud metadata"),
        ("http://0.0.0.0:8080/", "unspecified"),
        ("http://[::]:8080/", "unspecified"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::1]/", "unique local"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://224.0.0.1/", "multicast"),
        ("http://255.255.255.255/", "reserved"),
        ("https://[ff02::1]/", "multicast"),
    ],
)
def test_private_url_literals_are_refused_without_resolving(root: Path, url: str, reason: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        admit_target(url, _settings(root), guard=NetworkGuard(_no_dns))
    message = str(refused.value)
    assert reason in message
    assert "MCTS_API_ALLOW_PRIVATE_TARGETS=1" in message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://rebound.example.com/mcp", "resolves to 127.0.0.1"),  # a hostname that resolves to 127.0.0.1
        ("https://mixed.example.com/mcp", "resolves to 10.0.0.5"),  # any one bad address refuses the host
        ("https://metadata.example.com/", "cloud metadata"),
        ("https://unknown.example.com/", "cannot resolve host"),  # resolution failed: refused, not connected
    ],
)
def test_hosts_resolving_to_refused_addresses_are_refused(root: Path, url: str, reason: str) -> None:
    with pytest.raises(TargetRefused, match=re.escape(reason)):
        admit_target(url, _settings(root), guard=PUBLIC)


def test_public_urls_are_admitted(root: Path) -> None:
    settings = _settings(root)
    admitted = admit_target("https://mcp.example.com/mcp", settings, transport="sse", guard=PUBLIC)
    assert admitted == HttpTarget(raw="https://mcp.example.com/mcp", url="https://mcp.example.com/mcp", transport="sse")
    assert isinstance(admit_target("https://münchen.de/mcp", settings, guard=PUBLIC), HttpTarget)  # IDNA, resolved
    for literal in ("http://93.184.216.34/mcp", "https://[2606:4700::1111]/mcp", "http://[64:ff9b::808:808]/"):
        assert isinstance(admit_target(literal, settings, guard=NetworkGuard(_no_dns)), HttpTarget)


def test_allow_private_targets_skips_the_address_check(root: Path) -> None:
    settings = _settings(root, allow_private_targets=True)
    for url in ("http://127.0.0.1:8080/mcp", "http://localhost/mcp", "http://unknown.example.com/"):
        assert isinstance(admit_target(url, settings, guard=NetworkGuard(_no_dns)), HttpTarget)


def test_url_refusals_hide_userinfo_and_secret_query_values(root: Path) -> None:
    url = "http://admin:hunter2@127.0.0.1:8080/mcp?api_key=sk-abc123&x=1"
    with pytest.raises(TargetRefused) as refused:
        admit_target(url, _settings(root))
    message = str(refused.value)
    for secret in ("hunter2", "admin", "sk-abc123"):
        assert secret not in message
    assert "127.0.0.1:8080/mcp" in message
    with pytest.raises(TargetError) as malformed:
        admit_target("http://admin:hunter2@host:99999/", _settings(root))
    assert "hunter2" not in str(malformed.value)


async def test_admission_runs_in_a_worker_thread_from_async_code(root: Path) -> None:
    settings = _settings(root)
    assert isinstance(await admit_target_async("snap.json", settings), SnapshotTarget)
    with pytest.raises(TargetRefused, match=re.escape("resolves to 127.0.0.1")):
        await admit_target_async("https://rebound.example.com/", settings, guard=PUBLIC)


# --- malformed input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("", "empty target"),
        ("   ", "empty target"),
        ("snap.json\x00../../etc/passwd", "NUL"),
        ("snap\n.json", "control characters"),
        ("x" * (MAX_TARGET_CHARS + 1), "the limit is"),
        ("http://", "no host"),
        ("http://[::1/", "malformed URL"),
        ("http://exa mple.com/", "white space"),
        ("http://ｌｏｃａｌｈｏｓｔ/", "IDNA"),
        ("http://xn--/", "not a valid host name"),
        ("http://-bad-.example.com/", "not a valid host name"),
        ("http://a..b/", "not a valid host name"),
        ("http://1.2.3.4.5/", "not a valid one"),
        ("http://foo.123/", "not a valid one"),
        ("http://[fe80::1%25eth0]/", "zone"),
        ("http://example.com:99999/", "port"),
        ("ftp://example.com/", "unsupported URL scheme"),
        ("file:///etc/passwd", "unsupported URL scheme"),
        ("stdio:", "cannot parse the stdio target"),
        ('node "unbalanced', "cannot parse the target as a command line"),
    ],
)
def test_malformed_targets_get_a_clear_error(root: Path, target: str, says: str) -> None:
    with pytest.raises(TargetError, match=says) as error:
        admit_target(target, _settings(root), guard=NetworkGuard(_no_dns))
    assert not isinstance(error.value, TargetRefused)  # bad input (400), not a policy refusal (403)
    assert len(str(error.value)) < 500


def test_huge_path_components_do_not_crash(root: Path) -> None:
    with pytest.raises(TargetRefused, match="not an existing file"):
        admit_target("a" * 5000 + ".json", _settings(root))
    with pytest.raises(TargetRefused, match="outside the scan root"):
        admit_target("../" + "b" * 300 + "/x.json", _settings(root))


# --- path-valued fields ---------------------------------------------------------------------------------------------


def test_admit_path_confines_request_fields_to_the_root(root: Path) -> None:
    settings = _settings(root)
    assert admit_path("snap.json", settings, "corpus_stats_path") == root / "snap.json"
    assert admit_path(root / "link_in.json", settings, "assets_path") == root / "snap.json"
    for escape in ("../outside/secret.json", "link_out.json", "dir_out/secret.json", "/etc/passwd"):
        with pytest.raises(TargetRefused) as refused:
            admit_path(escape, settings, "corpus_stats_path")
        assert "corpus_stats_path" in str(refused.value)
        assert "MCTS_API_SCAN_ROOT" in str(refused.value)
        assert SECRET_CONTENT not in str(refused.value)


@pytest.mark.parametrize(
    ("value", "says"),
    [("missing.yaml", "does not exist"), ("src", "not a regular file"), ("pipe.json", "not a regular file"),
     ("", "empty"), ("a\x00b", "NUL")],
)
def test_admit_path_rejects_what_cannot_be_read(root: Path, value: str, says: str) -> None:
    with pytest.raises(TargetError, match=says) as error:
        admit_path(value, _settings(root), "assets_path")
    assert not isinstance(error.value, TargetRefused)


def test_weights_profile_names_stay_names_and_paths_are_confined(root: Path) -> None:
    settings = _settings(root)
    assert admit_weights_profile("manual_v1", settings) == "manual_v1"
    assert admit_weights_profile("profile.yaml", settings) == str(root / "profile.yaml")
    with pytest.raises(TargetRefused, match="weights_profile"):
        admit_weights_profile("../outside/secret.json", settings)
    with pytest.raises(TargetError, match="does not exist"):
        admit_weights_profile("not_a_bundled_profile", settings)
