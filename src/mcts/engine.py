"""The scan pipeline: resolve the target -> collect -> analyze -> finalize (suppressions, scores, gates) -> ScanReport.

Async; one report per target. Every report returned here has been finalized by ``mcts.policy.finalize``.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import anyio
import anyio.to_thread

from mcts import __version__
from mcts.analyzers._registry import select
from mcts.analyzers.base import Analyzer, AnalyzerContext, AnalyzerIncomplete, SkipAnalyzer
from mcts.collect.result import Collected, SourceFiles
from mcts.collect.snapshot import read_snapshot
from mcts.errors import ConfigError, MctsError, TargetError, describe
from mcts.model.finding import Finding
from mcts.model.inventory import Inventory
from mcts.model.probe import ProbeResult
from mcts.model.report import (
    AnalyzerRun,
    AnalyzerStatus,
    Coverage,
    ScanReport,
    ScanStatus,
    Summary,
    TargetInfo,
)
from mcts.model.target import HttpTarget, SnapshotTarget, SourceTarget, StdioTarget, Target, parse_target
from mcts.options import SURFACE_NAMES, ScanOptions
from mcts.policy import check_policy, finalize

Progress = Callable[[str, str, ScanReport | None], None]
"""Called with ("start" | "done", the target as displayed, the report when done)."""


def scan(target: str | Target, options: ScanOptions | None = None) -> ScanReport:
    """Scan one target and return its report (blocking)."""
    return anyio.run(scan_async, target, options or ScanOptions())


async def scan_async(target: str | Target, options: ScanOptions, *, cwd: Path | None = None) -> ScanReport:
    """Scan one target: collect its inventory, run the analyzers, build the report and finalize it.

    ``cwd`` (default: the current directory) is where relative targets and ``.mcts/`` policy files are found.
    """
    base = cwd or Path.cwd()
    check_policy(options, base)  # a bad gate or ignore file fails before any server is started
    resolved = parse_target(target, transport=options.transport, cwd=cwd) if isinstance(target, str) else target
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    collected = await collect(resolved, options)
    return await report_collected(resolved, collected, options, cwd=base, started_at=started_at, t0=t0)


async def report_collected(
    target: Target,
    collected: Collected,
    options: ScanOptions,
    *,
    cwd: Path,
    started_at: datetime,
    t0: float,
    extra: Sequence[Finding] = (),
    via: Target | None = None,
) -> ScanReport:
    """The pipeline after collection: select, analyze, probe, build the report and finalize it.

    For callers that list a server themselves (to compare the listing with a baseline first). ``extra``
    findings (rug pulls) are counted by scores and gates; ``via`` is the target actually contacted when it
    differs from the one reported (its kind decides the analyzers' view, and the probe goes to it).
    """
    contacted = via or target
    inventory = select_items(collected.inventory, options)
    findings, runs = await analyze(inventory, options, contacted.kind, files=collected.files)
    probe = None
    if options.protocol_probe:
        probe, probe_findings = await _probe(contacted, options)
        findings.extend(probe_findings)
    if extra or probe is not None:
        findings = sorted([*findings, *extra], key=_finding_order)
    collected.inventory = inventory
    report = _report(target, collected, findings, runs, started_at, (time.perf_counter() - t0) * 1000)
    if probe is not None:
        report = with_probe(report, probe)
    return await anyio.to_thread.run_sync(finalize, report, options, cwd)


def with_probe(report: ScanReport, probe: ProbeResult) -> ScanReport:
    """``report`` with the probe's record; a check that could not run makes it incomplete (a gap, never a pass)."""
    report = report.model_copy(update={"probe": probe})
    failed = [c for c in probe.checks if c.status == "error"]
    if not failed:
        return report
    ids = ", ".join(c.id for c in failed[:8]) + (", …" if len(failed) > 8 else "")
    reason = f"protocol probe: {len(failed)} check(s) could not run ({ids}): {failed[0].detail or 'error'}"
    return report.model_copy(update={"status": ScanStatus.INCOMPLETE, "status_reasons": (*report.status_reasons,
                                                                                           reason)})


async def _probe(target: Target, options: ScanOptions) -> tuple[ProbeResult, list[Finding]]:
    if not isinstance(target, HttpTarget):
        raise ConfigError(f"the protocol probe needs an http(s) URL target, not a {target.kind} target")
    from mcts.probe import probe_server  # httpx and the checks are imported only when probing

    return await probe_server(target, options)


def select_items(inventory: Inventory, options: ScanOptions) -> Inventory:
    """``inventory`` restricted to the surfaces and tools ``options`` asks for (unchanged when it asks for all)."""
    if not options.surfaces and not options.tool_filter:
        return inventory
    wanted = set(options.surfaces or SURFACE_NAMES)
    tools = inventory.tools if "tools" in wanted else ()
    if options.tool_filter:
        tools = tuple(t for t in tools if any(fnmatch.fnmatchcase(t.name, p) for p in options.tool_filter))
    return inventory.with_items(**{
        "tools": tools,
        "prompts": inventory.prompts if "prompts" in wanted else (),
        "resources": inventory.resources if "resources" in wanted else (),
        "resource_templates": inventory.resource_templates if "resource_templates" in wanted else (),
        "instructions": inventory.instructions if "instructions" in wanted else None,
    })


async def scan_many(
    targets: Sequence[Target], options: ScanOptions, *, on_progress: Progress | None = None, cwd: Path | None = None
) -> list[ScanReport]:
    """Scan several targets concurrently (at most ``options.concurrency`` at once); reports in target order."""
    _selected(options)  # a bad analyzer id, target kind or policy fails before any server is started
    check_policy(options, cwd or Path.cwd())
    for target in targets:
        _check_supported(target)
    reports: list[ScanReport | None] = [None] * len(targets)
    limiter = anyio.CapacityLimiter(options.concurrency)

    async def one(index: int, target: Target) -> None:
        async with limiter:
            if on_progress:
                on_progress("start", target.display(), None)
            reports[index] = await scan_async(target, options, cwd=cwd)
            if on_progress:
                on_progress("done", target.display(), reports[index])

    try:
        async with anyio.create_task_group() as tg:
            for index, target in enumerate(targets):
                tg.start_soon(one, index, target)
    except BaseExceptionGroup as group:
        raise _first_mcts_error(group) or group from None
    return [r for r in reports if r is not None]


def _first_mcts_error(group: BaseExceptionGroup[BaseException]) -> MctsError | None:
    for exc in group.exceptions:
        found = _first_mcts_error(exc) if isinstance(exc, BaseExceptionGroup) else exc
        if isinstance(found, MctsError):
            return found
    return None


def _check_supported(target: Target) -> None:
    if target.kind == "client-config":
        raise TargetError(
            f"{target.display()}: {target.kind} targets are recognised but not scanned by this version of mcts; "
            "scan a live server (command or URL) or a snapshot .json"
        )


def _selected(options: ScanOptions) -> tuple[type[Analyzer], ...]:
    try:
        return select(options.analyzers)
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from None


async def collect(target: Target, options: ScanOptions) -> Collected:
    """The target's inventory and coverage, from the collector for its kind (live, snapshot or source)."""
    _check_supported(target)
    if isinstance(target, StdioTarget | HttpTarget):
        from mcts.collect.live import collect_live  # the MCP SDK is imported only for live targets

        return await collect_live(target, options)
    if isinstance(target, SourceTarget):
        from mcts.collect.source import collect_source

        # abandoned on cancel (an API deadline): the walk stops answering, the caller does not wait for it
        return await anyio.to_thread.run_sync(collect_source, target, options, abandon_on_cancel=True)
    assert isinstance(target, SnapshotTarget)
    return await anyio.to_thread.run_sync(read_snapshot, target.path, options.limits)


async def analyze(
    inventory: Inventory,
    options: ScanOptions,
    target_kind: str,
    *,
    classes: Sequence[type[Analyzer]] | None = None,
    files: SourceFiles | None = None,
) -> tuple[list[Finding], list[AnalyzerRun]]:
    """Run the selected analyzers over ``inventory``, each in a worker thread under its time budget.

    ``classes`` runs exactly these analyzer classes instead of the registry's selection by ``options.analyzers``.
    ``files`` are the files a source scan read. Findings on an item declared in source get its file and line
    when the analyzer did not give a more precise one.
    """
    if classes is None:
        classes = _selected(options)
    context = AnalyzerContext(options=options, target_kind=target_kind, files=files)
    findings: list[Finding] = []
    runs: list[AnalyzerRun] = []
    for cls in classes:
        t0 = time.perf_counter()
        status, reason, found = AnalyzerStatus.RAN, None, []
        analyzer: Analyzer | None = None
        budget = cls.time_budget(options)
        try:
            analyzer = cls.load(context)
            with anyio.fail_after(budget):
                found = await anyio.to_thread.run_sync(analyzer.analyze, inventory, abandon_on_cancel=True)
        except SkipAnalyzer as exc:
            status, reason = AnalyzerStatus.SKIPPED, str(exc) or "skipped"
        except TimeoutError:
            status, reason = AnalyzerStatus.FAILED, f"exceeded its time budget of {budget:g}s"
        except AnalyzerIncomplete as exc:  # failed, but what it found is kept
            status, reason, found = AnalyzerStatus.FAILED, describe(exc), list(exc.findings)
        except Exception as exc:  # noqa: BLE001 -- a crashed analyzer is reported as failed, never as clean
            status, reason = AnalyzerStatus.FAILED, describe(exc)
        duration = round((time.perf_counter() - t0) * 1000, 3)
        metrics = analyzer.metrics if analyzer is not None else {}
        attachments = {k: tuple(v) for k, v in analyzer.attachments.items()} if analyzer is not None else {}
        runs.append(AnalyzerRun(id=cls.id, status=status, reason=reason, duration_ms=duration, findings=len(found),
                                metrics=metrics, attachments=attachments))
        findings.extend(found)
    if inventory.sources:
        findings = [_with_source(f, inventory) for f in findings]
    findings.sort(key=_finding_order)
    return findings, runs


def _finding_order(f: Finding) -> tuple[int, str, str, str, str]:
    return (-f.severity.rank, f.location.surface.value, f.location.item or "", f.location.field, f.id)


def _with_source(finding: Finding, inventory: Inventory) -> Finding:
    if finding.source is not None:
        return finding
    declared = inventory.source_of(finding.location.surface, finding.location.item)
    return finding if declared is None else finding.model_copy(update={"source": declared.ref})


def _report(
    target: Target,
    collected: Collected,
    findings: list[Finding],
    runs: list[AnalyzerRun],
    started_at: datetime,
    duration_ms: float,
) -> ScanReport:
    reasons = [*collected.errors]
    reasons += [f"cap {c.cap}={c.limit} cut {c.where}" for c in collected.caps_hit]
    reasons += [f"analyzer {r.id} failed: {r.reason}" for r in runs if r.status is AnalyzerStatus.FAILED]
    coverage = Coverage(
        transport=collected.transport,
        listings=collected.listings,
        caps_hit=tuple(collected.caps_hit),
        errors=tuple(collected.errors),
        warnings=tuple(collected.warnings),
        server_stderr=collected.server_stderr,
        server_stderr_truncated=collected.server_stderr_truncated,
    )
    return ScanReport(
        mcts_version=__version__,
        status=ScanStatus.INCOMPLETE if reasons else ScanStatus.COMPLETE,
        status_reasons=tuple(reasons),
        target=TargetInfo(kind=target.kind, value=target.display()),
        started_at=started_at,
        duration_ms=round(duration_ms, 3),
        inventory=collected.inventory,
        findings=tuple(findings),
        summary=Summary.of(tuple(findings)),
        analyzers=tuple(runs),
        coverage=coverage,
    )
