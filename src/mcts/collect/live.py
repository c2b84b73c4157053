"""Live collection with the official MCP SDK client: stdio, streamable HTTP and SSE.

The SDK negotiates the protocol: the 2026-07-28 ``server/discover`` probe first, then the ``initialize``
handshake for older servers; the negotiated version is recorded. Every listing is read page by page up to
``max_pages`` with the SDK's response cache off, a repeated cursor ends a listing as an error, and the whole
collection runs under one deadline: when it passes, what was listed so far is kept, the reason is recorded,
and the server's process tree is killed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp import Client
from mcp.client import Transport

from mcts import __version__
from mcts.collect.normalize import build_inventory
from mcts.collect.result import Collected
from mcts.collect.stdio import StdioStats, scrubbed_environment, stdio_transport
from mcts.errors import SnapshotError, describe
from mcts.model.report import CapHit, Listing
from mcts.model.target import HttpTarget, StdioTarget
from mcts.options import ScanOptions

# (wire key, capability that advertises it, client method, result attribute)
_LISTINGS = (
    ("tools", "tools", "list_tools", "tools"),
    ("prompts", "prompts", "list_prompts", "prompts"),
    ("resources", "resources", "list_resources", "resources"),
    ("resourceTemplates", "resources", "list_resource_templates", "resource_templates"),
)


@dataclass
class _State:
    """What has been learned so far; kept when the deadline cuts the collection short."""

    phase: str = "starting the server"
    transport: str = ""
    wire: dict[str, Any] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)
    caps: list[CapHit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


async def collect_live(target: StdioTarget | HttpTarget, options: ScanOptions) -> Collected:
    """Connect to ``target``, list everything it exposes, and disconnect; never raises for a bad server."""
    state = _State()
    stats = StdioStats(max_stderr_bytes=options.limits.max_stderr_bytes)
    with anyio.move_on_after(options.timeout) as deadline:
        if isinstance(target, StdioTarget):
            state.transport = "stdio"
            env = scrubbed_environment(options.env)
            argv = [target.command, *target.args]
            await _session(stdio_transport(argv, env, options.limits.max_message_bytes, stats), options, state)
        else:
            await _collect_http(target, options, state)
    if deadline.cancelled_caught:
        state.errors.append(f"deadline of {options.timeout:g}s reached while {state.phase}")
    _account_stdio(stats, options, state)
    for key, *_ in _LISTINGS:
        state.listings.setdefault(key, Listing(status="failed", error=f"not reached: {state.phase}"))
    try:
        inventory, caps = build_inventory(state.wire, options.limits)
    except SnapshotError as exc:  # the server sent something the model rejects: say so, keep nothing
        state.errors.append(f"server data rejected: {exc}")
        inventory, caps = build_inventory({}, options.limits)
    return Collected(
        inventory=inventory,
        transport=state.transport,
        listings=state.listings,
        caps_hit=[*state.caps, *caps],
        errors=state.errors,
        warnings=state.warnings,
        server_stderr=stats.stderr_text(),
        server_stderr_truncated=stats.stderr_truncated,
    )


async def _collect_http(target: HttpTarget, options: ScanOptions, state: _State) -> None:
    transport = target.transport if target.transport != "auto" else options.transport
    kinds = ["streamable-http", "sse"] if transport == "auto" else [transport]
    for kind in kinds:
        state.transport = kind
        errors_before = len(state.errors)
        async with AsyncExitStack() as stack:
            connected = await _session(await _http_transport(kind, target.url, options, stack), options, state)
        if connected or kind == kinds[-1]:
            return
        state.warnings.append(f"{kind} failed ({'; '.join(state.errors[errors_before:])}); trying SSE")
        del state.errors[errors_before:]


async def _http_transport(kind: str, url: str, options: ScanOptions, stack: AsyncExitStack) -> Transport:
    import httpx2
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    from mcts.net import http_client, mcp_client_factory

    if kind == "sse":
        return sse_client(url, headers=options.http_headers(), timeout=options.request_timeout,
                          sse_read_timeout=options.timeout, httpx_client_factory=mcp_client_factory(options))
    timeout = httpx2.Timeout(options.request_timeout, read=options.timeout)
    http = await stack.enter_async_context(http_client(options, timeout=timeout))
    return streamable_http_client(url, http_client=http)


async def _session(transport: Transport, options: ScanOptions, state: _State) -> bool:
    """Handshake and list over ``transport``; return whether the handshake succeeded."""
    from mcp_types import Implementation

    connected = False
    state.phase = f"connecting over {state.transport}"
    try:
        client = Client(transport, cache=None, read_timeout_seconds=options.request_timeout,
                        client_info=Implementation(name="mcts", version=__version__))
        async with client:
            connected = True
            _record_server(client, state)
            for key, capability, method, attr in _LISTINGS:
                if state.wire["capabilities"].get(capability) is None:
                    state.listings[key] = Listing(status="not_advertised")
                    continue
                await _list(key, getattr(client, method), attr, options, state)
            if options.read_resources:
                await _read_resources(client, options, state)
            state.phase = "disconnecting"
    except Exception as exc:  # noqa: BLE001 -- a broken server is a finding about coverage, recorded below
        state.errors.append(f"{state.phase}: {describe(exc)}")
    return connected


def _record_server(client: Client, state: _State) -> None:
    state.wire["protocolVersion"] = client.protocol_version
    state.wire["capabilities"] = client.server_capabilities.model_dump(by_alias=True, exclude_none=True, mode="json")
    if client.server_info is not None:
        state.wire["serverInfo"] = client.server_info.model_dump(by_alias=True, exclude_none=True, mode="json")
    if client.instructions is not None:
        state.wire["instructions"] = client.instructions


async def _list(
    key: str, fetch: Callable[..., Awaitable[Any]], attr: str, options: ScanOptions, state: _State
) -> None:
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    cursor: str | None = None
    pages = 0
    status: str = "listed"
    error: str | None = None
    finished = False
    limits = options.limits
    try:
        while True:
            if pages >= limits.max_pages:
                state.caps.append(CapHit(cap="max_pages", limit=limits.max_pages, where=f"{key} listing"))
                status = "partial"
                break
            state.phase = f"listing {key} (page {pages + 1})"
            result = await fetch(cursor=cursor)
            pages += 1
            items.extend(i.model_dump(by_alias=True, exclude_none=True, mode="json") for i in getattr(result, attr))
            if len(items) > limits.max_items:
                state.caps.append(CapHit(cap="max_items", limit=limits.max_items, observed=len(items), where=key))
                items, status = items[: limits.max_items], "partial"
                break
            cursor = result.next_cursor
            if not cursor:
                break
            if cursor in seen:
                status, error = "partial", f"the server repeated cursor {cursor[:60]!r} on page {pages}"
                state.errors.append(f"listing {key}: {error}")
                break
            seen.add(cursor)
        finished = True
    except Exception as exc:  # noqa: BLE001 -- recorded as a listing failure, the scan becomes incomplete
        status, error, finished = ("partial" if items else "failed"), describe(exc), True
        state.errors.append(f"listing {key} (page {pages + 1}): {error}")
    finally:
        # Also reached when the deadline cancels the listing: what was read so far is kept.
        if not finished:
            status, error = ("partial" if items else "failed"), f"cut short while {state.phase}"
        state.wire[key] = items
        state.listings[key] = Listing(status=status, items=len(items), pages=pages, error=error)
    if key == "tools" and not items and status == "listed":
        state.warnings.append("the server advertises tools but listed none: suspicious, not safe")


async def _read_resources(client: Client, options: ScanOptions, state: _State) -> None:
    """Read the text contents of listed resources whose MIME type is allowed, each up to ``max_resource_bytes``.

    A resource that declares no MIME type is read, and only contents whose own type is allowed are kept.
    Contents are stored under the resource's ``contents`` (an mcts extension of the wire form).
    """
    allowed = {m.lower() for m in options.resource_mime_allowlist}
    cap = options.limits.max_resource_bytes
    for resource in state.wire.get("resources", []):
        declared = str(resource.get("mimeType") or "").lower()
        if declared and declared not in allowed:
            continue
        uri = str(resource["uri"])
        state.phase = f"reading resource {uri[:80]}"
        try:
            result = await client.read_resource(uri)
        except Exception as exc:  # noqa: BLE001 -- an unreadable resource is a coverage gap, recorded
            state.errors.append(f"reading resource {uri[:200]}: {describe(exc)}")
            continue
        kept: list[dict[str, Any]] = []
        for part in result.contents:
            text = getattr(part, "text", None)
            mime = str(part.mime_type or declared).lower()
            if text is None or mime not in allowed:
                continue
            raw = text.encode("utf-8")
            if len(raw) > cap:
                state.caps.append(CapHit(cap="max_resource_bytes", limit=cap, observed=len(raw),
                                         where=f"resource:{uri[:200]}"))
                text = raw[:cap].decode("utf-8", errors="ignore")
            kept.append({"uri": part.uri, "mimeType": mime, "text": text})
        resource["contents"] = kept


def _account_stdio(stats: StdioStats, options: ScanOptions, state: _State) -> None:
    if stats.garbage_lines:
        state.warnings.append(
            f"the server wrote {stats.garbage_lines} line(s) to stdout that are not JSON-RPC "
            f"(first: {stats.first_garbage!r})"
        )
    if stats.oversized_messages:
        state.caps.append(CapHit(cap="max_message_bytes", limit=options.limits.max_message_bytes,
                                 observed=None, where=f"{stats.oversized_messages} stdio message(s) dropped"))
    if stats.returncode is not None and stats.returncode > 0 and state.errors:
        # A negative code is the signal mcts sent while stopping it; only the server's own exits are news.
        state.errors.append(f"the server process exited with code {stats.returncode}")
