"""Run the probe: open the main session, run every check in order, close the sessions, account for the rest.

Each step records its own checks. A step that hits the network's limits records its pending checks as
errors (a throttled answer makes them skipped, with the reason); if the main session cannot even be
attempted, the server is unreachable and every later check is an error without another request. Anything
else a step raises is a probe bug: its checks are errors (the scan is then incomplete), never passes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

from mcts.errors import describe
from mcts.model.finding import Finding
from mcts.model.probe import ProbeResult
from mcts.model.target import HttpTarget
from mcts.options import ScanOptions
from mcts.probe._catalog import CHECKS
from mcts.probe._channel import StreamableChannel
from mcts.probe._context import ProbeContext
from mcts.probe._http import BudgetSpent, ProbeHttp, ProbeNetworkError, Reply, Throttled
from mcts.probe._legacy_sse import SseChannel
from mcts.probe.checks_auth import check_challenge, check_unauthenticated_call, check_unauthenticated_listing
from mcts.probe.checks_metadata import check_authorization_server, check_protected_resource
from mcts.probe.checks_protocol import check_invalid, check_malformed, check_rate_limit
from mcts.probe.checks_session import check_session_entropy, check_session_url, check_unknown_session
from mcts.probe.checks_transport import check_cors, check_host, check_origin, check_plaintext

CLEANUP_SECONDS = 10.0
"""Time given to closing the probe's sessions, even after the deadline."""

Step = Callable[[ProbeContext], Awaitable[None]]


def _speaks_mcp(reply: Reply) -> bool:
    return bool(reply.messages) or reply.status in (401, 403)


async def open_main(ctx: ProbeContext) -> None:
    """Open the session every "refused" verdict is compared with: the operator's headers, the target's transport.

    ``auto`` tries streamable HTTP, then legacy SSE when the POST got no MCP answer at all.
    """
    assert ctx.task_group is not None
    transport = ctx.target.transport if ctx.target.transport != "auto" else ctx.options.transport
    if transport == "sse":
        ctx.channel = SseChannel(ctx.http, ctx.url, ctx.task_group)
        opened = await ctx.channel.open(anonymous=False)
    else:
        ctx.channel = StreamableChannel(ctx.http, ctx.url)
        opened = await ctx.channel.open(anonymous=False)
        if transport == "auto" and opened.session is None and not _speaks_mcp(opened.reply):
            sse = SseChannel(ctx.http, ctx.url, ctx.task_group)
            try:
                trial = await sse.open(anonymous=False)
            except ProbeNetworkError:
                trial = None
            if trial is not None and trial.session is not None:
                ctx.channel, opened = sse, trial
    ctx.state.main_opening = ctx.state.keep(opened)
    ctx.state.main = opened.session


STEPS: tuple[tuple[tuple[str, ...], Step], ...] = (
    (("PRB001",), check_plaintext),
    ((), open_main),
    (("PRB002",), check_unauthenticated_listing),
    (("PRB003",), check_unauthenticated_call),
    (("PRB004",), check_origin),
    (("PRB005",), check_host),
    (("PRB006",), check_cors),
    (("PRB007",), check_challenge),
    (("PRB008",), check_protected_resource),
    (("PRB009", "PRB010"), check_authorization_server),
    (("PRB011",), check_unknown_session),
    (("PRB012",), check_session_entropy),
    (("PRB013",), check_session_url),
    (("PRB014",), check_malformed),
    (("PRB015",), check_invalid),
    (("PRB016",), check_rate_limit),
)


async def _run_step(ctx: ProbeContext, ids: tuple[str, ...], step: Step) -> None:
    if ctx.state.unreachable is not None:
        for check_id in ctx.pending(ids):
            ctx.errored(check_id, ctx.state.unreachable)
        return
    try:
        await step(ctx)
    except Throttled as exc:
        for check_id in ctx.pending(ids):
            ctx.skipped(check_id, f"the server throttled the probe ({exc}) before this check could be judged; "
                        "run the probe again later")
    except ProbeNetworkError as exc:
        if not ids:
            ctx.state.unreachable = f"the server could not be reached: {exc}"
        for check_id in ctx.pending(ids):
            ctx.errored(check_id, f"network failure: {exc}")
    except BudgetSpent as exc:
        for check_id in ctx.pending(ids):
            ctx.errored(check_id, str(exc))
    except Exception as exc:  # noqa: BLE001 -- a probe bug leaves its checks as errors (scan incomplete), never passes
        for check_id in ctx.pending(ids):
            ctx.errored(check_id, f"probe error: {describe(exc)}")
    for check_id in ctx.pending(ids):
        ctx.errored(check_id, "the check recorded no verdict (probe error)")


async def probe_server(target: HttpTarget, options: ScanOptions) -> tuple[ProbeResult, list[Finding]]:
    """Run every probe check against ``target``; a failed check is a finding, every check is recorded.

    Never raises for a bad or unreachable server: what could not be checked is recorded as an error.
    """
    http = ProbeHttp(options)
    ctx = ProbeContext(target, options, http)
    try:
        async with anyio.create_task_group() as tg:
            ctx.task_group = tg
            try:
                with anyio.move_on_after(options.timeout) as deadline:
                    for ids, step in STEPS:
                        await _run_step(ctx, ids, step)
            finally:  # even when the scan itself is cancelled: close what the probe opened
                with anyio.move_on_after(CLEANUP_SECONDS, shield=True):
                    if ctx.has_channel:
                        await ctx.channel.close_all()
                tg.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await http.aclose()
    late = f"the probe's deadline of {options.timeout:g}s passed before this check was judged"
    for spec in CHECKS:
        if ctx.pending((spec.id,)):
            ctx.errored(spec.id, late if deadline.cancelled_caught else "not run (probe error)")
    return ProbeResult(url=target.display(), checks=ctx.checks(), requests=http.sent), ctx.findings
