"""One target of the Ramparts surface: admit, list, compare with the baseline, analyze or reuse, save.

The server is listed once: the listing is compared with the baseline and, unless nothing changed, analyzed
as is (a second listing could differ: a rug-pull server changes between listings). Baselines:

- a server without a baseline gets its first complete scan as baseline;
- unchanged since the baseline (under the request's ``change_detection``), listing complete, no
  ``force_scan`` and no ``return_prompts``: no analysis runs; the result is the baseline's stored report
  (``scan_skipped``, ``cache_hit``);
- changed: a full scan, with one ``rug-pull`` finding per changed item; the baseline is *not* moved, so the
  change is reported again until ``/refresh-tools`` accepts it;
- ``reference_mcp_url``: compared with that server's live listing instead; baselines are not touched.

Every analyzed scan is saved to the history store. ``Outcome`` carries what the routes shape into answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mcts.api.history import history_state, save_report
from mcts.api.models import ApiError
from mcts.api.ramparts_changes import (
    Comparison,
    compare_listings,
    listing_complete,
    listing_reached,
    unseen_kinds,
)
from mcts.api.ramparts_models import ScanFields
from mcts.api.ramparts_options import RequestContext, admit, options_for, same_origin
from mcts.collect.result import Collected
from mcts.errors import MctsError
from mcts.history import HistoryError
from mcts.history.identity import server_identity
from mcts.model.finding import Finding
from mcts.model.report import ScanReport, ScanStatus
from mcts.model.target import HttpTarget, Target
from mcts.options import ScanOptions
from mcts.policy import check_policy

if TYPE_CHECKING:
    from mcts.history.store import HistoryStore


@dataclass
class Outcome:
    """What happened to one target; ``report`` is ``None`` when it was refused before anything ran."""

    url: str
    report: ScanReport | None = None
    error: str | None = None
    status: int = 200
    error_code: str | None = None
    refresh_happened: bool = False
    changes_detected: bool = False
    comparison: Comparison | None = None
    scan_skipped: bool = False
    cache_hit: bool = False
    scan_id: str | None = None
    baseline_scan_id: str | None = None
    baseline_updated: bool = False
    identity: str | None = None
    reference_error: str | None = None
    elapsed_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def refuse(self, exc: ApiError) -> Outcome:
        """Record a refusal (policy, consent, bad input, store down) and return the outcome."""
        self.status, self.error_code, self.error = exc.status, exc.error, exc.detail
        return self


@contextmanager
def _refusals(out: Outcome) -> Iterator[None]:
    """Turn what refuses one target (policy, store, a bad target) into that target's failed result."""
    try:
        yield
    except ApiError as exc:
        out.refuse(exc)
    except HistoryError as exc:
        out.refuse(_store_error(exc))
    except MctsError as exc:
        out.refuse(ApiError(400, "bad_request", str(exc)))


async def scan_target(ctx: RequestContext, url: str, fields: ScanFields) -> Outcome:
    """Scan ``url`` as the Ramparts surface does (module docstring); never raises for a bad target."""
    outcome = Outcome(url=url)
    t0 = time.perf_counter()
    with _refusals(outcome):
        await _scan(ctx, url, fields, outcome, t0)
    outcome.elapsed_ms = (time.perf_counter() - t0) * 1000
    return outcome


async def _scan(ctx: RequestContext, url: str, fields: ScanFields, out: Outcome, t0: float) -> None:
    headers = ctx.headers
    options = options_for(ctx.settings, timeout=fields.timeout, http_timeout=fields.http_timeout, headers=headers,
                          return_prompts=fields.return_prompts)
    check_policy(options, ctx.settings.scan_root)  # a bad gate or ignore file fails before anything is started
    target = await admit(ctx, url, "url")
    via = await admit(ctx, fields.javelin_mcp_url, "javelin_mcp_url") if fields.javelin_mcp_url else target
    reference = await admit(ctx, fields.reference_mcp_url, "reference_mcp_url") if fields.reference_mcp_url else None
    started = datetime.now(UTC)
    collected = await _collect(via, options)
    from mcts.engine import select_items

    inventory = select_items(collected.inventory, options)
    info = inventory.server_info
    out.identity = identity = server_identity(target, info.name if info else None)
    out.refresh_happened = listing_reached(collected.listings)
    settings = fields.change_settings()
    baseline = None
    if reference is not None:
        ref_headers = headers if same_origin(via, reference) else {}
        ref_options = options.model_copy(update={"headers": ref_headers})
        ref_collected = await _collect(reference, ref_options)
        if not listing_complete(ref_collected):
            reasons = [*ref_collected.errors, *(f"cap {c.cap} cut {c.where}" for c in ref_collected.caps_hit)]
            out.reference_error = ("reference_mcp_url could not be listed completely, so the comparison is "
                                   f"partial: {'; '.join(reasons)[:1000]}")
        out.comparison = compare_listings(select_items(ref_collected.inventory, options), inventory, settings,
                                          compared_with="reference", old_unseen=unseen_kinds(ref_collected.listings),
                                          new_unseen=unseen_kinds(collected.listings))
    elif settings.enabled:
        store = await _store(ctx)
        baseline = await store.get_baseline(identity)
        if baseline is not None:
            out.baseline_scan_id = baseline.scan_id
            out.comparison = compare_listings(baseline.inventory, inventory, settings, compared_with="baseline",
                                              new_unseen=unseen_kinds(collected.listings))
    out.changes_detected = out.comparison is not None and out.comparison.changed
    if (baseline is not None and not out.changes_detected and listing_complete(collected) and not fields.force_scan
            and not fields.return_prompts):
        out.report, out.scan_id, out.scan_skipped, out.cache_hit = baseline.report, baseline.scan_id, True, True
        return
    extra: list[Finding] = []
    if out.comparison is not None and out.comparison.changed:
        from mcts.history.changes import rug_pull_findings

        extra = rug_pull_findings(out.comparison.summary, options)
    if via is not target:
        collected.warnings.append(f"reached through javelin_mcp_url {via.display()}")
    out.report = await analyze_collected(ctx, target, via, collected, options, started, t0=t0, extra=extra)
    out.scan_id, problem = await save_report(ctx.app, out.report, identity)
    if problem:
        out.warnings.append(problem)
    if (baseline is None and reference is None and settings.enabled and out.scan_id is not None
            and out.report.status is ScanStatus.COMPLETE):
        try:
            await (await _store(ctx)).set_baseline(identity, out.scan_id)
        except HistoryError as exc:
            out.warnings.append(f"the scan was saved but could not become the baseline: {exc}")
        else:
            out.baseline_scan_id, out.baseline_updated = out.scan_id, True


async def refresh_target(ctx: RequestContext, url: str, fields: ScanFields) -> Outcome:
    """List, analyze and save ``url``, then make that scan its baseline (when complete); what changed since."""
    out = Outcome(url=url)
    t0 = time.perf_counter()
    with _refusals(out):
        options = options_for(ctx.settings, timeout=fields.timeout, http_timeout=fields.http_timeout,
                              headers=ctx.headers)
        check_policy(options, ctx.settings.scan_root)
        target = await admit(ctx, url, "url")
        started = datetime.now(UTC)
        collected = await _collect(target, options)
        from mcts.engine import select_items

        inventory = select_items(collected.inventory, options)
        info = inventory.server_info
        out.identity = identity = server_identity(target, info.name if info else None)
        out.refresh_happened = listing_reached(collected.listings)
        store = await _store(ctx)
        previous = await store.get_baseline(identity)
        if previous is not None:
            out.baseline_scan_id = previous.scan_id
            out.comparison = compare_listings(previous.inventory, inventory, fields.change_settings(),
                                              compared_with="previous_baseline",
                                              new_unseen=unseen_kinds(collected.listings))
            out.changes_detected = out.comparison.changed
        out.report = await analyze_collected(ctx, target, target, collected, options, started, t0=t0, extra=[])
        out.scan_id, problem = await save_report(ctx.app, out.report, identity)
        if problem:
            out.warnings.append(problem)
        if out.scan_id is not None and out.report.status is ScanStatus.COMPLETE:
            try:
                await store.set_baseline(identity, out.scan_id)
            except HistoryError as exc:
                out.warnings.append(f"the baseline was not updated: {exc}")
            else:
                out.baseline_updated = True
        elif out.report.status is not ScanStatus.COMPLETE:
            out.warnings.append("the baseline was not updated: the listing or the analysis was incomplete")
    out.elapsed_ms = (time.perf_counter() - t0) * 1000
    return out


async def analyze_collected(ctx: RequestContext, target: Target, via: Target, collected: Collected,
                            options: ScanOptions, started: datetime, *, t0: float, extra: list[Finding]) -> ScanReport:
    """The engine's pipeline after collection, on this listing: analyze, probe, report, finalize.

    ``extra`` findings (rug pulls) are added before finalizing, so scores and gates count them. The caller
    checked the policy files (``check_policy``) before collecting.
    """
    from mcts.engine import report_collected

    if options.protocol_probe and not isinstance(via, HttpTarget):
        collected.warnings.append(f"protocol probe not run: it needs an http(s) URL, not a {via.kind} target")
        options = options.model_copy(update={"protocol_probe": False})
    return await report_collected(target, collected, options, cwd=ctx.settings.scan_root, started_at=started, t0=t0,
                                  extra=extra, via=via)


async def _collect(target: Target, options: ScanOptions) -> Collected:
    from mcts.engine import collect

    return await collect(target, options)


async def _store(ctx: RequestContext) -> HistoryStore:
    return await history_state(ctx.app).store()


def _store_error(exc: HistoryError) -> ApiError:
    return ApiError(503, "history_unavailable", f"the history store cannot be used: {exc}; the operator must fix "
                    "MCTS_DB_URL (baselines and change detection need it)")
