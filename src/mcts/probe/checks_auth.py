"""Authentication checks: listing (PRB002) and calling (PRB003) without credentials, the 401 challenge (PRB007).

The requests "without credentials" carry none of the operator's headers, whatever the options hold. The
only tool ever called is one whose annotations say ``readOnlyHint: true`` (and not destructive, not open
world) and whose input schema requires no argument; its result is not kept.
"""

from __future__ import annotations

import re
from typing import Any

from mcts.model.finding import Severity
from mcts.probe._channel import Session
from mcts.probe._context import ProbeContext

_BEARER = re.compile(r"(?:^|,)\s*bearer(?:\s|,|$)", re.IGNORECASE)
_RESOURCE_METADATA = re.compile(r'resource_metadata\s*=\s*(?:"([^"]*)"|([^\s,]+))', re.IGNORECASE)


def read_only_tool(tools: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first tool (by name) that is safe to call, or None.

    Safe means annotated ``readOnlyHint: true``, not destructive or open-world, and taking no required argument.
    """
    candidates = []
    for tool in tools:
        annotations = tool.get("annotations")
        schema = tool.get("inputSchema")
        if not isinstance(tool.get("name"), str) or not isinstance(annotations, dict):
            continue
        if annotations.get("readOnlyHint") is not True:
            continue
        if annotations.get("destructiveHint") is True or annotations.get("openWorldHint") is True:
            continue
        if isinstance(schema, dict) and schema.get("required"):
            continue
        candidates.append(tool)
    return min(candidates, key=lambda t: str(t["name"])) if candidates else None


def _tool_list(result: Any) -> list[dict[str, Any]]:
    tools = result.get("tools") if isinstance(result, dict) else None
    return [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []


def _exposure(ctx: ProbeContext) -> tuple[Severity, str]:
    if ctx.loopback:
        return Severity.LOW, (
            f"{ctx.host} is a loopback address: only programs on this machine (and web pages, if the server also "
            "accepts foreign origins: PRB004) reach it, so this is rated low; on a network address it is high."
        )
    return Severity.HIGH, f"Anyone who can reach {ctx.host} can use the server's tools."


async def check_unauthenticated_listing(ctx: ProbeContext) -> None:
    """PRB002: ``initialize`` and ``tools/list`` with no credentials."""
    if ctx.http.has_credentials:
        opened = ctx.state.keep(await ctx.channel.open(anonymous=True))
    elif ctx.state.main_opening is not None:
        opened = ctx.state.main_opening  # without credentials to give, the main session is the anonymous one
    else:
        ctx.lacks_control("PRB002")
        return
    ctx.state.anonymous = opened
    sent = f"{ctx.channel.opening} without credentials"
    if opened.session is None:
        if opened.reply.status in (401, 403) or ctx.state.main is not None:
            ctx.passed("PRB002", f"{sent} was refused: {opened.reply.describe()}")
        else:
            ctx.lacks_control("PRB002")
        return
    answer = await ctx.channel.call(opened.session, "tools/list", {})
    if not answer.result or answer.message is None:
        ctx.passed("PRB002", f"{sent} was accepted, but tools/list was refused: {answer.describe()}")
        return
    result = answer.message.get("result")
    tools = _tool_list(result)
    more = isinstance(result, dict) and result.get("nextCursor") is not None
    ctx.state.unauthenticated = True
    ctx.state.tools = tools
    severity, exposure = _exposure(ctx)
    given = " The credentials the scan was given were not needed." if ctx.http.has_credentials else ""
    ctx.failed(
        "PRB002",
        severity=severity,
        evidence=f"{sent} was accepted and tools/list answered with {len(tools)} tools"
        + (" on its first page" if more else ""),
        detail=f"{exposure}{given}",
    )


async def check_unauthenticated_call(ctx: ProbeContext) -> None:
    """PRB003: ``tools/call`` of a read-only tool taking no argument, with no credentials."""
    tools = ctx.state.tools
    if tools is None and ctx.state.main is not None:
        listed = await ctx.channel.call(ctx.state.main, "tools/list", {})
        tools = _tool_list(listed.message.get("result")) if listed.result and listed.message else None
    if tools is None:
        why = ctx.no_control()
        ctx.skipped("PRB003", "no tool listing was obtained, so there is no tool to try" + (f": {why}" if why else ""))
        return
    tool = read_only_tool(tools)
    if tool is None:
        ctx.skipped("PRB003", "no listed tool is annotated readOnlyHint: true with no required argument; the probe "
                    "calls no other tool")
        return
    name = str(tool["name"])
    anonymous = ctx.state.anonymous
    if anonymous is not None and anonymous.session is not None:
        session = anonymous.session
    elif ctx.channel.kind == "streamable-http":
        version = ctx.state.main.protocol_version if ctx.state.main is not None else None
        session = Session(anonymous=True, id=None, protocol_version=version)
    else:
        ctx.passed("PRB003", "the SSE stream cannot be opened without credentials, so nothing can be called")
        return
    answer = await ctx.channel.call(session, "tools/call", {"name": name, "arguments": {}})
    if not answer.result or answer.message is None:
        ctx.passed("PRB003", f"tools/call of the read-only tool {name!r} without credentials was refused: "
                   f"{answer.describe()}")
        return
    result = answer.message.get("result")
    outcome = "an error from the tool" if isinstance(result, dict) and result.get("isError") is True else "a result"
    severity, exposure = _exposure(ctx)
    ctx.failed(
        "PRB003",
        severity=severity,
        evidence=f"tools/call of the read-only tool {name!r} without credentials was executed",
        detail=f"The server answered with {outcome} (not kept in this report). {exposure}",
    )


def parse_challenge(values: list[str]) -> tuple[bool, str | None]:
    """Whether ``WWW-Authenticate`` offers a Bearer challenge, and its ``resource_metadata`` URL."""
    text = ", ".join(values)
    found = _RESOURCE_METADATA.search(text)
    return bool(_BEARER.search(text)), (found.group(1) or found.group(2)) if found else None


def requires_auth(ctx: ProbeContext) -> bool:
    """The server refused the opening without credentials with 401 or 403."""
    opened = ctx.state.anonymous
    return opened is not None and opened.session is None and opened.reply.status in (401, 403)


async def check_challenge(ctx: ProbeContext) -> None:
    """PRB007: the refusal of a request without credentials says where to authorize."""
    opened = ctx.state.anonymous
    if opened is None:
        ctx.skipped("PRB007", "no request without credentials was answered (see PRB002)")
        return
    if not requires_auth(ctx):
        ctx.skipped("PRB007", "the server does not require authorization: "
                    f"{ctx.channel.opening} without credentials was answered {opened.reply.describe()}")
        return
    status = opened.reply.status
    values = opened.reply.headers.get_list("www-authenticate")
    bearer, metadata = parse_challenge(values)
    refused = f"a request without credentials was refused with HTTP {status}"
    if not values:
        ctx.failed("PRB007", severity=Severity.MEDIUM, evidence=f"{refused} and no WWW-Authenticate header",
                   detail="Clients cannot learn how to authorize: MCP servers must answer 401 with a "
                   "WWW-Authenticate challenge naming their protected-resource metadata.")
    elif not bearer:
        ctx.failed("PRB007", severity=Severity.LOW, evidence=f"{refused} and a WWW-Authenticate with no Bearer "
                   "challenge", detail=f"WWW-Authenticate: {', '.join(values)}")
    elif metadata is None:
        ctx.failed("PRB007", severity=Severity.LOW, evidence=f"{refused} and a Bearer challenge without "
                   "resource_metadata", detail="Clients must then guess the RFC 9728 well-known URL; name it in "
                   "the challenge: WWW-Authenticate: Bearer resource_metadata=\"https://…\".")
    else:
        ctx.state.resource_metadata = metadata
        ctx.passed("PRB007", f"HTTP {status} with a Bearer challenge, resource_metadata=\"{metadata}\"")
