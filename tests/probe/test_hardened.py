"""Negative cases: the hardened server passes every check; without (valid) credentials the probe says what it
could not check and why; weakened variants fail the discovery checks they should."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest

from mcts.model.finding import Severity
from mcts.options import ScanOptions
from mcts.probe import CHECKS, probe_server
from mcts.probe._http import MAX_REQUESTS
from tests.probe.conftest import TOKEN, check, hardened, open_sessions, statuses, target
from tests.servers import launch

pytestmark = pytest.mark.anyio
ALL_PASS = {spec.id: "pass" for spec in CHECKS}
NEEDS_SESSION = ("PRB004", "PRB005", "PRB011", "PRB012", "PRB014", "PRB015", "PRB016")
AUTH_SERVER = Path(__file__).resolve().parents[1] / "collect" / "auth_server.py"


async def test_every_check_passes(hardened_url: str) -> None:
    result, findings = await probe_server(target(hardened_url), ScanOptions(bearer_token=TOKEN))

    assert statuses(result) == ALL_PASS, [c for c in result.checks if c.status != "pass"]
    assert findings == []
    assert all(c.finding_id is None for c in result.checks)
    assert "HTTP 401" in (check(result, "PRB002").detail or "")
    assert "'server_time'" in (check(result, "PRB003").detail or "")  # the read-only tool, refused without a token
    assert "HTTP 403" in (check(result, "PRB004").detail or "")
    assert "HTTP 421" in (check(result, "PRB005").detail or "")
    assert "/.well-known/oauth-protected-resource/mcp" in (check(result, "PRB007").detail or "")
    assert "['S256']" in (check(result, "PRB010").detail or "")
    assert "HTTP 404" in (check(result, "PRB011").detail or "")
    assert "32 characters from a 16-symbol alphabet (at most 128 bits)" in (check(result, "PRB012").detail or "")
    assert "HTTP 429" in (check(result, "PRB016").detail or "")
    assert "Retry-After" in (check(result, "PRB016").detail or "")
    assert result.requests <= MAX_REQUESTS
    assert open_sessions(hardened_url) == 0  # every session the probe opened was DELETEd
    assert TOKEN not in result.model_dump_json()


async def test_without_credentials_the_session_checks_say_what_to_do(hardened_url: str) -> None:
    result, findings = await probe_server(target(hardened_url), ScanOptions())

    got = statuses(result)
    assert findings == []
    assert {k: got[k] for k in ("PRB001", "PRB002", "PRB006", "PRB007", "PRB008", "PRB009", "PRB010", "PRB013")} == {
        k: "pass" for k in ("PRB001", "PRB002", "PRB006", "PRB007", "PRB008", "PRB009", "PRB010", "PRB013")
    }
    for check_id in (*NEEDS_SESSION, "PRB003"):
        assert got[check_id] == "skipped", check_id
        assert "requires authorization" in (check(result, check_id).detail or "")
        assert "--bearer-token" in (check(result, check_id).detail or "")


async def test_a_wrong_token_is_reported_as_refused_and_never_shown(hardened_url: str) -> None:
    wrong = "wrong-token-" + "9" * 30
    result, _ = await probe_server(target(hardened_url), ScanOptions(bearer_token=wrong))
    for check_id in NEEDS_SESSION:
        assert check(result, check_id).status == "skipped"
        assert "refused the given credentials" in (check(result, check_id).detail or "")
    assert wrong not in result.model_dump_json()


@pytest.mark.parametrize(("methods", "severity", "said"), [
    ("plain", Severity.HIGH, "offers PKCE methods ['plain'] but not S256"),
    ("none", Severity.MEDIUM, "does not list code_challenge_methods_supported"),
])
async def test_authorization_server_without_s256(methods: str, severity: Severity, said: str) -> None:
    with hardened("--pkce-methods", methods) as url:
        result, findings = await probe_server(target(url), ScanOptions(bearer_token=TOKEN))
    assert {k: v for k, v in statuses(result).items() if v != "pass"} == {"PRB010": "fail"}
    [finding] = findings
    assert finding.techniques == ("pkce-not-supported",)
    assert finding.severity is severity
    assert said in finding.evidence


async def test_401_without_a_challenge_or_metadata() -> None:
    """tests/collect/auth_server.py: a bare 401 (no WWW-Authenticate) and no RFC 9728 metadata anywhere."""
    port = launch.free_port()
    token = "tok-" + "a" * 24
    with launch.run_http_server([sys.executable, str(AUTH_SERVER), str(port), token], port, "/mcp") as url:
        result, findings = await probe_server(target(url), ScanOptions(bearer_token=token))
    got = statuses(result)
    assert (got["PRB007"], got["PRB008"], got["PRB009"], got["PRB010"]) == ("fail", "fail", "skipped", "skipped")
    found = {c.id: f for c in result.checks for f in findings if f.id == c.finding_id}
    assert found["PRB007"].evidence == (
        "PRB007: a request without credentials was refused with HTTP 401 and no WWW-Authenticate header")
    assert found["PRB007"].severity is Severity.MEDIUM
    assert found["PRB008"].techniques == ("auth-discovery-missing",)
    assert "/.well-known/oauth-protected-resource/mcp: HTTP 401" in (found["PRB008"].detail or "")
    assert "see PRB008" in (check(result, "PRB009").detail or "")
    # Behind the token the SDK app validates Origin and Host itself (127.0.0.1 binding).
    assert (got["PRB004"], got["PRB005"], got["PRB002"]) == ("pass", "pass", "pass")


async def test_a_throttled_answer_is_never_judged() -> None:
    """One request per window without a session: the probe's later session-less requests get 429."""
    with hardened("--address-limit", "1", "--window", "600") as url:
        result, findings = await probe_server(target(url), ScanOptions(bearer_token=TOKEN))
    got = statuses(result)
    assert findings == []
    assert "error" not in got.values()
    assert got["PRB002"] == "skipped"
    assert "the server throttled the probe (HTTP 429" in (check(result, "PRB002").detail or "")
    assert got["PRB008"] == "skipped"
    assert "see PRB002" in (check(result, "PRB008").detail or "")
    assert got["PRB016"] == "pass"
    assert "already throttled" in (check(result, "PRB016").detail or "")
    assert got["PRB004"] == got["PRB005"] == got["PRB011"] == "pass"  # the guard and the SDK answer before the limit


@pytest.mark.parametrize("after", [0.05, 0.15, 0.3])
async def test_a_cancelled_probe_still_closes_its_sessions(hardened_url: str, after: float) -> None:
    """The API cancels a scan at its deadline: the probe's sessions are DELETEd all the same."""
    with anyio.move_on_after(after):
        await probe_server(target(hardened_url), ScanOptions(bearer_token=TOKEN))
    assert open_sessions(hardened_url) == 0
