"""Protocol hygiene: malformed JSON (PRB014) and non-JSON-RPC (PRB015) refused, bursts throttled (PRB016).

The invalid messages are sent in the main session (so a refusal cannot be for a missing session) and ask
for nothing but ``ping``. The burst is ``BURST`` pings at most, ``CONCURRENCY`` at a time, in that session;
it stops at the first throttled answer and is cut to what the request budget leaves.
"""

from __future__ import annotations

import json
from collections import Counter

import anyio

from mcts.model.finding import Confidence, Severity
from mcts.probe._channel import Answer
from mcts.probe._context import ProbeContext
from mcts.probe._http import ProbeNetworkError, Reply

MALFORMED = b'{"jsonrpc": "2.0", "id": 9001, "method": "ping", "params": {'
"""Truncated JSON: no parser can accept it."""
NOT_JSONRPC = (
    ("without a jsonrpc member", {"id": 9002, "method": "ping"}),
    ("without a method", {"jsonrpc": "2.0", "id": 9003, "params": {}}),
)
BURST = 30
CONCURRENCY = 5
MIN_BURST = 10
RATE_HEADERS = ("ratelimit", "ratelimit-policy", "ratelimit-limit", "x-ratelimit-limit", "x-rate-limit-limit")


def verdict(answer: Answer) -> str:
    """``refused`` (an HTTP error or a JSON-RPC error), ``processed`` (a result) or ``accepted`` (2xx, nothing)."""
    if not answer.reply.ok or answer.error:
        return "refused"
    return "processed" if answer.result else "accepted"


async def check_malformed(ctx: ProbeContext) -> None:
    """PRB014: truncated JSON."""
    if ctx.lacks_control("PRB014"):
        return
    assert ctx.state.main is not None
    answer = await ctx.channel.post_raw(ctx.state.main, MALFORMED, 9001)
    outcome = verdict(answer)
    if outcome == "refused":
        ctx.passed("PRB014", f"truncated JSON was refused: {answer.describe()}")
    elif outcome == "processed":
        ctx.failed("PRB014", severity=Severity.MEDIUM, evidence="truncated JSON was answered with a JSON-RPC result",
                   detail="The server guessed at a message it could not parse; answer -32700 Parse error.")
    else:
        ctx.failed("PRB014", severity=Severity.LOW, confidence=Confidence.MEDIUM,
                   evidence=f"truncated JSON was accepted with HTTP {answer.reply.status} and no error",
                   detail="A parse failure should be answered with HTTP 400 and JSON-RPC error -32700.")


async def check_invalid(ctx: ProbeContext) -> None:
    """PRB015: well-formed JSON that is not a JSON-RPC 2.0 request (no ``jsonrpc``; no ``method``)."""
    if ctx.lacks_control("PRB015"):
        return
    assert ctx.state.main is not None
    outcomes: list[tuple[str, str, Answer]] = []
    for label, message in NOT_JSONRPC:
        answer = await ctx.channel.post_raw(ctx.state.main, json.dumps(message).encode(), message["id"])
        outcomes.append((label, verdict(answer), answer))
    bad = [(label, outcome, answer) for label, outcome, answer in outcomes if outcome != "refused"]
    if not bad:
        ctx.passed("PRB015", "; ".join(f"a message {label} was refused: {answer.describe()}"
                                       for label, _, answer in outcomes))
        return
    processed = any(outcome == "processed" for _, outcome, _ in bad)
    ctx.failed(
        "PRB015",
        severity=Severity.MEDIUM if processed else Severity.LOW,
        confidence=Confidence.HIGH if processed else Confidence.MEDIUM,
        evidence="; ".join(
            f"a message {label} was " + ("answered with a result" if outcome == "processed"
                                          else f"accepted with HTTP {answer.reply.status} and no error")
            for label, outcome, answer in bad
        ),
        detail="Invalid requests should be answered with JSON-RPC error -32600 Invalid Request (HTTP 400). A "
        "server that acts on them is lenient where hostile input arrives.",
    )


def _advertised(reply: Reply) -> str | None:
    for name in RATE_HEADERS:
        value = reply.headers.get(name)
        if value:
            return f"{name}: {value}"
    return None


async def check_rate_limit(ctx: ProbeContext) -> None:
    """PRB016: a burst of pings; a 429 (or a 503 with Retry-After), or advertised limits, pass."""
    if ctx.http.throttled:
        ctx.passed("PRB016", f"the server already throttled the probe: {ctx.http.throttled}")
        return
    if ctx.lacks_control("PRB016"):
        return
    assert ctx.state.main is not None
    session = ctx.state.main
    size = min(BURST, ctx.http.remaining - ctx.channel.cleanup_cost() - 1)
    if size < MIN_BURST:
        ctx.errored("PRB016", f"only {max(size, 0)} requests are left of the probe's budget: too few for a burst")
        return
    statuses: Counter[str] = Counter()
    stop: list[Reply] = []
    advertised: list[str] = []
    limiter = anyio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with limiter:
            if stop:
                return
            try:
                answer = await ctx.channel.call(session, "ping", {}, wait=False, allow_throttle=True)
            except ProbeNetworkError:
                statuses["no answer"] += 1
                return
            reply = answer.reply
            statuses[f"HTTP {reply.status}"] += 1
            if reply.status == 429 or (reply.status == 503 and reply.headers.get("retry-after")):
                stop.append(reply)
            elif (header := _advertised(reply)) is not None:
                advertised.append(header)

    async with anyio.create_task_group() as tg:
        for _ in range(size):
            tg.start_soon(one)
    sent = sum(statuses.values())
    counts = ", ".join(f"{key} ×{n}" for key, n in sorted(statuses.items()))
    if stop:
        retry = stop[0].headers.get("retry-after")
        ctx.passed("PRB016", f"throttled within a burst of {sent} pings ({counts})"
                   + (f"; Retry-After: {retry}" if retry else ""))
    elif advertised:
        ctx.passed("PRB016", f"a burst of {sent} pings was served ({counts}), and the server advertises a limit "
                   f"({advertised[0]})")
    elif statuses.get("HTTP 200", 0) + statuses.get("HTTP 202", 0) < sent / 2:
        ctx.skipped("PRB016", f"most of the burst's pings were not served ({counts}), so throttling could not be "
                    "measured")
    else:
        ctx.failed("PRB016", severity=Severity.LOW, confidence=Confidence.LOW,
                   evidence=f"a burst of {sent} pings, {CONCURRENCY} at a time, was served without throttling",
                   detail=f"{counts}; no 429 and no rate-limit headers. Limit requests per client and credential "
                   "(or in a gateway in front of the server) and answer over-limit requests with 429.")
