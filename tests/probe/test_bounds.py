"""The probe is bounded against servers that misbehave at the HTTP level: body cap, request deadline, request
budget, overall deadline; whatever happens, every check is recorded and nothing raises."""

from __future__ import annotations

import pytest

from mcts.options import ScanOptions
from mcts.probe import CHECKS, probe_server
from mcts.probe._http import MAX_BODY_BYTES, BudgetSpent, ProbeHttp, ProbeNetworkError
from tests.probe.conftest import statuses, target

pytestmark = pytest.mark.anyio


async def test_a_huge_body_is_cut_at_the_cap(misbehaving_url: str) -> None:
    http = ProbeHttp(ScanOptions(request_timeout=10))
    try:
        reply = await http.send("GET", misbehaving_url + "/huge")
    finally:
        await http.aclose()
    assert reply.status == 200
    assert reply.truncated
    assert len(reply.body) == MAX_BODY_BYTES
    assert reply.messages == ()  # a cut JSON body is not parsed


async def test_an_answer_that_never_comes_hits_the_request_deadline(misbehaving_url: str) -> None:
    http = ProbeHttp(ScanOptions(request_timeout=1))
    try:
        with pytest.raises(ProbeNetworkError, match="no complete answer within 1s") as raised:
            await http.send("POST", misbehaving_url + "/endless", body=b"{}", until_id=1)
    finally:
        await http.aclose()
    assert raised.value.timed_out


async def test_the_request_budget_is_enforced(misbehaving_url: str) -> None:
    http = ProbeHttp(ScanOptions(request_timeout=10))
    http.budget = 3
    try:
        for _ in range(2):
            await http.send("POST", misbehaving_url + "/garbage", body=b"{}")
        with pytest.raises(BudgetSpent):
            await http.send("POST", misbehaving_url + "/garbage", body=b"{}", reserve=1)  # one kept for clean-up
        await http.send("POST", misbehaving_url + "/garbage", body=b"{}")
        with pytest.raises(BudgetSpent, match="budget of 3 requests is spent"):
            await http.send("POST", misbehaving_url + "/garbage", body=b"{}")
    finally:
        await http.aclose()
    assert http.sent == 3


async def test_a_server_that_never_answers_makes_every_check_an_error(misbehaving_url: str) -> None:
    result, findings = await probe_server(target(misbehaving_url + "/endless", "streamable-http"),
                                          ScanOptions(request_timeout=1, timeout=30))
    assert findings == []
    assert [c.id for c in result.checks] == [spec.id for spec in CHECKS]
    got = {c.id: (c.status, c.detail or "") for c in result.checks}
    assert got.pop("PRB001")[0] == "pass"
    assert all(status == "error" and "no complete answer within 1s" in detail for status, detail in got.values())
    assert result.requests == 1


async def test_the_overall_deadline_cuts_the_probe(misbehaving_url: str) -> None:
    result, _ = await probe_server(target(misbehaving_url + "/endless", "streamable-http"),
                                   ScanOptions(request_timeout=60, timeout=1))
    got = {c.id: (c.status, c.detail or "") for c in result.checks}
    assert got.pop("PRB001")[0] == "pass"
    assert all(status == "error" and "deadline of 1s passed" in detail for status, detail in got.values())


@pytest.mark.parametrize("transport", ["streamable-http", "auto"])
async def test_a_server_that_is_not_mcp(misbehaving_url: str, transport: str) -> None:
    """200 with a body that is not JSON: no session opens (auto also tries SSE); checks say so, no crash."""
    result, findings = await probe_server(target(misbehaving_url + "/garbage", transport),  # type: ignore[arg-type]
                                          ScanOptions(request_timeout=10))
    got = statuses(result)
    assert findings == []
    assert got["PRB001"] == "pass"
    for check_id in ("PRB002", "PRB004", "PRB005", "PRB011", "PRB014", "PRB016"):
        assert got[check_id] == "error", check_id
    detail = next(c.detail or "" for c in result.checks if c.id == "PRB004")
    assert "no MCP session could be opened: initialize (POST) was answered HTTP 200" in detail
    assert "\\x00" in detail  # the server's bytes are shown escaped, never raw


async def test_credentials_a_server_echoes_are_never_shown(misbehaving_url: str) -> None:
    token, key = "tok-" + "s" * 40, "key-" + "k" * 20
    options = ScanOptions(bearer_token=token, headers={"X-Api-Key": key}, request_timeout=10)
    result, findings = await probe_server(target(misbehaving_url + "/echo", "streamable-http"), options)
    shown = result.model_dump_json() + "".join(f.model_dump_json() for f in findings)
    assert "you sent" in shown  # the echo is reported…
    assert "***" in shown
    assert token not in shown and key not in shown and token[:12] not in shown  # …without the credentials
