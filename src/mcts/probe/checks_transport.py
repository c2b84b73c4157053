"""Transport checks: TLS to remote hosts (PRB001), foreign Origin (PRB004) and Host (PRB005), CORS (PRB006).

A foreign ``Origin`` or ``Host`` is sent on the opening request with the operator's credentials, so that a
refusal can only be the header's doing; it counts as a refusal only when the same request without it was
accepted (the main session). CORS is read from a preflight sent like a browser's (no credentials) and from
the answer to the foreign-origin request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mcts.model.finding import Severity
from mcts.probe._context import HOSTILE_HOST, HOSTILE_ORIGIN, ProbeContext

PREFLIGHT_HEADERS = "authorization, content-type, mcp-session-id, mcp-protocol-version"


async def check_plaintext(ctx: ProbeContext) -> None:
    """PRB001: plain http to a host other than this machine (no request is needed)."""
    scheme = urlsplit(ctx.url).scheme.lower()
    if scheme == "https":
        ctx.passed("PRB001", "https: the connection is encrypted with TLS")
    elif ctx.loopback:
        ctx.passed("PRB001", f"plain http, but to {ctx.host}, a loopback address: nothing leaves this machine")
    else:
        ctx.failed(
            "PRB001",
            severity=Severity.HIGH,
            evidence=f"the server is reached over plain http at {ctx.host}",
            detail="Every message, bearer token and session id crosses the network readable and alterable by "
            "anyone on the path. Serve MCP over https on any host but loopback.",
        )


async def check_origin(ctx: ProbeContext) -> None:
    """PRB004: the opening request with ``Origin: https://attacker.example``."""
    if ctx.lacks_control("PRB004"):
        return
    opened = ctx.state.keep(
        await ctx.channel.open(anonymous=False, headers={"Origin": HOSTILE_ORIGIN}, handshake=False)
    )
    ctx.state.origin_reply = opened.reply
    sent = f"{ctx.channel.opening} with Origin: {HOSTILE_ORIGIN}"
    if opened.session is None:
        ctx.passed("PRB004", f"{sent} was refused: {opened.reply.describe()}")
        return
    open_door = ctx.state.unauthenticated
    ctx.failed(
        "PRB004",
        severity=Severity.HIGH if open_door else Severity.MEDIUM,
        evidence=f"{sent} was accepted (HTTP {opened.reply.status})",
        detail="The server does not validate the Origin header, which the MCP transport specification requires "
        "against DNS rebinding: a web page the user visits can reach it through the browser. "
        + ("It also answers without credentials (PRB002), so such a page can drive every tool."
           if open_door else "A page would still need a valid credential to use it."),
    )


def hostile_host(url: str) -> str:
    """``attacker.example``, with the target's port when the URL names one (as a rebinding browser sends it)."""
    port = urlsplit(url).port
    return f"{HOSTILE_HOST}:{port}" if port else HOSTILE_HOST


async def check_host(ctx: ProbeContext) -> None:
    """PRB005: the opening request with ``Host: attacker.example``."""
    if ctx.lacks_control("PRB005"):
        return
    host = hostile_host(ctx.url)
    opened = ctx.state.keep(await ctx.channel.open(anonymous=False, headers={"Host": host}, handshake=False))
    sent = f"{ctx.channel.opening} with Host: {host}"
    if opened.session is None:
        ctx.passed("PRB005", f"{sent} was refused: {opened.reply.describe()}")
        return
    ctx.failed(
        "PRB005",
        severity=Severity.MEDIUM if ctx.loopback else Severity.LOW,
        evidence=f"{ctx.channel.opening} with a foreign Host header ({HOSTILE_HOST}) was accepted "
        f"(HTTP {opened.reply.status})",
        detail=f"Sent Host: {host}. The server answers requests addressed to any host name. After DNS rebinding "
        "a browser sends the attacker's name as Host; checking Host against the names the server serves stops that. "
        + ("On a loopback server this is a main defence." if ctx.loopback
           else "Behind a reverse proxy this is a weaker signal: the proxy may already route by name."),
    )


async def check_cors(ctx: ProbeContext) -> None:
    """PRB006: ``Access-Control-Allow-Origin: *`` or the foreign origin echoed back."""
    preflight = await ctx.http.send(
        "OPTIONS", ctx.url, anonymous=True, reserve=ctx.channel.cleanup_cost(),
        headers={"Origin": HOSTILE_ORIGIN, "Access-Control-Request-Method": ctx.channel.method,
                 "Access-Control-Request-Headers": PREFLIGHT_HEADERS},
    )
    seen: list[str] = []
    severity = Severity.HIGH if ctx.state.unauthenticated else Severity.MEDIUM
    answers = [("the preflight (OPTIONS)", preflight)]
    if ctx.state.origin_reply is not None:
        answers.append((f"the answer to {ctx.channel.opening} from that origin", ctx.state.origin_reply))
    for where, reply in answers:
        allowed = reply.headers.get("access-control-allow-origin", "").strip()
        credentials = reply.headers.get("access-control-allow-credentials", "").strip().lower() == "true"
        if allowed == "*":
            seen.append(f"Access-Control-Allow-Origin: * on {where}")
        elif allowed.lower() == HOSTILE_ORIGIN:
            with_credentials = " with Access-Control-Allow-Credentials: true" if credentials else ""
            seen.append(f"the foreign origin echoed in Access-Control-Allow-Origin on {where}{with_credentials}")
            if credentials:
                severity = Severity.HIGH
    if not seen:
        said = ", ".join(
            f"{where}: {reply.headers.get('access-control-allow-origin') or 'no Access-Control-Allow-Origin'}"
            for where, reply in answers
        )
        ctx.passed("PRB006", f"no CORS grant for {HOSTILE_ORIGIN} ({said})")
        return
    ctx.failed(
        "PRB006",
        severity=severity,
        evidence="; ".join(seen),
        detail="Scripts on any web site may read this endpoint's answers. "
        + ("It also answers without credentials (PRB002): any page the user opens can list and call its tools "
           "and read the results." if ctx.state.unauthenticated
           else "Allow only the exact origins of the browser clients you serve, or send no CORS headers."),
    )
