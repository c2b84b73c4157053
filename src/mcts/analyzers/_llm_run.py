"""One judge run: the batches sent concurrently (at most ``llm_concurrency`` at once), answers validated.

An invalid answer (not JSON, off the schema, an item left without a verdict) is asked for again, up to
``llm_max_retries`` times, then the batch is failed. The run stops early, leaving the rest unjudged, when
the endpoint refuses the request (bad key, wrong URL), when the deadline passes, or when the first calls all
fail in a row (a dead endpoint is not called a thousand times). What was judged is handed to ``on_judged``
as it arrives, so it survives a stop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import anyio
import anyio.lowlevel

from mcts.analyzers._llm_answer import InvalidAnswer, Verdict, parse_answer
from mcts.analyzers._llm_client import CallFailed, ChatClient, EndpointRefused, OutOfTime
from mcts.analyzers._llm_items import JudgeItem
from mcts.analyzers._llm_prompt import Batch, Fence, request_body

FAILURES_BEFORE_STOP = 3  # failed batches in a row, with none succeeding, that stop the run

OnJudged = Callable[[JudgeItem, list[Verdict]], Awaitable[None]]


@dataclass
class RunResult:
    """What happened besides the verdicts: failures, a stop, and answer counters."""

    failures: list[str] = field(default_factory=list)
    stopped: str | None = None
    cache_error: str | None = None  # set by the caller's on_judged when a verdict could not be stored
    invalid_answers: int = 0
    unknown_item_verdicts: int = 0
    succeeded: int = 0
    failed_in_a_row: int = 0


class JudgeRun:
    """Sends batches through one client and hands every validated verdict to ``on_judged``."""

    def __init__(self, client: ChatClient, fence: Fence, model: str, *, concurrency: int, max_retries: int,
                 on_judged: OnJudged, result: RunResult | None = None) -> None:
        self._client = client
        self._fence = fence
        self._model = model
        self._concurrency = concurrency
        self._max_retries = max_retries
        self._on_judged = on_judged
        self.result = result if result is not None else RunResult()

    async def run(self, batches: Sequence[Batch]) -> RunResult:
        """Judge ``batches``; returns when all are done or the run stopped."""
        limiter = anyio.CapacityLimiter(self._concurrency)
        async with anyio.create_task_group() as group:
            for batch in batches:
                group.start_soon(self._one, batch, limiter, group.cancel_scope)
        return self.result

    async def _one(self, batch: Batch, limiter: anyio.CapacityLimiter, scope: anyio.CancelScope) -> None:
        async with limiter:  # released before the verdicts are stored: the next call need not wait for that
            if self.result.stopped is not None:
                return
            try:
                verdicts = await self._judge(batch)
            except (EndpointRefused, OutOfTime) as exc:
                self._stop(str(exc), scope)
                return
            except CallFailed as exc:
                self.result.failures.append(str(exc))
                self.result.failed_in_a_row += 1
                if not self.result.succeeded and self.result.failed_in_a_row >= FAILURES_BEFORE_STOP:
                    self._stop(f"{FAILURES_BEFORE_STOP} calls failed in a row and none succeeded; the last: {exc}",
                               scope)
                return
        self.result.succeeded += 1
        self.result.failed_in_a_row = 0
        await anyio.lowlevel.checkpoint()  # let the next batch's request go out before storing these verdicts
        for item, found in zip(batch.items, verdicts, strict=True):
            await self._on_judged(item, found)

    async def _judge(self, batch: Batch) -> list[list[Verdict]]:
        last = ""
        for attempt in range(self._max_retries + 1):
            if attempt:
                self._client.stats.retries += 1
            try:
                content = await self._client.complete(
                    lambda mode: request_body(batch, self._fence, self._model, mode))
                parsed = parse_answer(content, batch.ids)
            except InvalidAnswer as exc:
                self.result.invalid_answers += 1
                last = str(exc)
                continue
            self.result.unknown_item_verdicts += parsed.unknown_ids
            return [parsed.by_item[item_id] for item_id in batch.ids]
        raise CallFailed(f"no valid answer after {self._max_retries + 1} attempts: {last}")

    def _stop(self, reason: str, scope: anyio.CancelScope) -> None:
        if self.result.stopped is None:
            self.result.stopped = reason
        scope.cancel()
