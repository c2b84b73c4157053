"""Session checks: an unknown id answered 404 (PRB011), unpredictable ids (PRB012), ids kept out of URLs (PRB013).

Session ids are secrets: a verdict describes their shape (length, alphabet, shared structure) and shows at
most their first characters, never a whole id.
"""

from __future__ import annotations

import itertools
import math
import re
import string
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from mcts.model.finding import Severity
from mcts.probe._context import ProbeContext
from mcts.probe._http import ProbeNetworkError
from mcts.probe._legacy_sse import session_param
from mcts.text.redact import mask_secret

MIN_BITS = 64
"""Fewer estimated bits than this is guessable (OWASP's floor for session ids; 128 is what to aim for)."""
MIN_LENGTH = 16
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@dataclass(frozen=True)
class IdShape:
    """What a session id's characters allow: its length (separators of a UUID aside) and alphabet size."""

    length: int
    alphabet: int
    distinct: int

    @property
    def bits(self) -> float:
        """At most this many bits of randomness (length × log2 alphabet)."""
        return self.length * math.log2(max(self.alphabet, 2))


def id_shape(value: str) -> IdShape:
    """The shape of one session id: a UUID's dashes are not counted, hex letters count as hex."""
    core = value.replace("-", "") if _UUID.match(value) else value
    lower = {c for c in core if c in string.ascii_lowercase}
    upper = {c for c in core if c in string.ascii_uppercase}
    alphabet = 10 if any(c in string.digits for c in core) else 0
    alphabet += 6 if lower and lower <= set("abcdef") and not upper else (26 if lower else 0)
    alphabet += 6 if upper and upper <= set("ABCDEF") and not lower else (26 if upper else 0)
    alphabet += len({c for c in core if not c.isascii() or not c.isalnum()})
    return IdShape(len(core), alphabet, len(set(core)))


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _shared(a: str, b: str) -> int:
    """The longer of the common prefix and the common suffix of two ids."""
    return max(_common_prefix(a, b), _common_prefix(a[::-1], b[::-1]))


def _sequence_problem(earlier: str, later: str) -> str | None:
    if earlier == later:
        return "two sessions got the same id"
    if earlier.isdigit() and later.isdigit() and abs(int(later) - int(earlier)) < 1_000_000:
        return "consecutive sessions got numerically close ids"
    if _shared(earlier, later) * 2 >= max(len(earlier), len(later)):
        return "ids of consecutive sessions share half their characters or more"
    return None


def session_id_problems(ids: list[str]) -> list[str]:
    """What makes these session ids (issued one after the other) guessable; empty when nothing does."""
    problems = []
    shape = id_shape(ids[0])
    if shape.length < MIN_LENGTH:
        problems.append(f"they are {shape.length} characters long")
    if shape.bits < MIN_BITS:
        problems.append(f"{shape.length} characters from a {shape.alphabet}-symbol alphabet hold at most "
                        f"{shape.bits:.0f} bits")
    if shape.length >= 8 and shape.distinct < min(8, shape.length // 2):
        problems.append(f"they use only {shape.distinct} distinct characters")
    version = _UUID.match(ids[0])
    if version and version.group(1) == "1":
        problems.append("they are time-based UUIDs (version 1)")
    sequence = (_sequence_problem(a, b) for a, b in itertools.pairwise(ids))
    found = next((p for p in sequence if p is not None), None)
    return [*problems, found] if found else problems


async def check_unknown_session(ctx: ProbeContext) -> None:
    """PRB011: a ``ping`` in a session the server never issued must be answered 404."""
    if ctx.lacks_control("PRB011"):
        return
    assert ctx.state.main is not None
    forged = ctx.channel.forged(ctx.state.main)
    if forged is None:
        ctx.skipped("PRB011", "the server issued no session id (a stateless server): there is no session to guess")
        return
    sent = "a ping with an unknown session id"
    try:
        answer = await ctx.channel.call(forged, "ping", {}, wait=False)
    except ProbeNetworkError as exc:
        if not exc.timed_out:
            raise
        ctx.failed("PRB011", severity=Severity.LOW, evidence=f"{sent} was never answered",
                   detail=f"{exc}. The MCP transport specification asks for 404, so a client knows to start anew.")
        return
    status = answer.reply.status
    if status == 404:
        ctx.passed("PRB011", f"{sent} was answered HTTP 404")
    elif answer.reply.ok and not answer.error:
        ctx.failed("PRB011", severity=Severity.MEDIUM, evidence=f"{sent} was accepted (HTTP {status})",
                   detail="The server does not check session ids: any id, guessed or expired, is served.")
    else:
        ctx.failed("PRB011", severity=Severity.LOW, evidence=f"{sent} was answered HTTP {status}, not 404",
                   detail=f"{answer.describe()}. The request was refused, but the MCP transport specification asks "
                   "for 404 Not Found so that a client knows its session is gone and starts a new one.")


async def check_session_entropy(ctx: ProbeContext) -> None:
    """PRB012: the ids of (at least) two sessions, judged for length, alphabet and shared structure."""
    if ctx.lacks_control("PRB012"):
        return
    ids = ctx.state.session_ids
    if not ids:
        ctx.skipped("PRB012", "the server issued no session id (a stateless server)")
        return
    if len(ids) < 2:
        ctx.state.keep(await ctx.channel.open(anonymous=False, handshake=False))
    problems = session_id_problems(ids)
    shape = id_shape(ids[0])
    seen = f"{len(ids)} session ids, e.g. {mask_secret(ids[0])}"
    if not problems:
        ctx.passed("PRB012", f"{seen}: {shape.length} characters from a {shape.alphabet}-symbol alphabet (at most "
                   f"{shape.bits:.0f} bits), no structure shared between sessions")
        return
    ctx.failed("PRB012", severity=Severity.MEDIUM, evidence="session ids are guessable: " + "; ".join(problems),
               detail=f"{seen}. Another client that guesses a live id acts in that session; issue ids of 128 "
               "random bits from a cryptographically secure generator.")


async def check_session_url(ctx: ProbeContext) -> None:
    """PRB013: a session id in the target URL, or (legacy SSE) in the message endpoint the server hands out."""
    severity = Severity.LOW if ctx.loopback else Severity.MEDIUM
    risk = ("URLs end up in logs, proxies, browser history and Referer headers, where another party reads the "
            "session id.")
    query = [name for name, _ in parse_qsl(urlsplit(ctx.url).query) if "session" in name.lower() or name == "sid"]
    if query or any(sid in ctx.url for sid in ctx.state.session_ids):
        named = ", ".join(query) or "the issued session id"
        ctx.failed("PRB013", severity=severity, evidence=f"the target URL carries a session id ({named})",
                   detail=risk)
        return
    if ctx.channel.kind != "sse":
        shown = ("the session id travels only in the Mcp-Session-Id header" if ctx.state.session_ids
                 else "no session id was issued, and the target URL carries none")
        ctx.passed("PRB013", shown)
        return
    if ctx.lacks_control("PRB013"):
        return
    assert ctx.state.main is not None
    found = session_param(ctx.state.main.endpoint or "")
    if found is None:
        ctx.passed("PRB013", "the SSE message endpoint carries no session id in its query")
        return
    path = urlsplit(ctx.state.main.endpoint or "").path
    ctx.failed("PRB013", severity=severity,
               evidence=f"the SSE endpoint event hands out {path}?{found[0]}=… with the session id in the URL",
               detail=f"{risk} This is how the legacy SSE transport works: move to streamable HTTP, whose "
               "Mcp-Session-Id header keeps the id out of URLs.")
