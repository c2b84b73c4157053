"""Typer application: ``mcts scan``, ``mcts snapshot``, ``mcts version``.

Heavy modules (the MCP SDK, pydantic models, the engine) are imported inside the commands so ``--help``
and ``version`` stay fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mcts import __version__
from mcts.cli._common import (
    FORMATS,
    SCORING_MODES,
    SEVERITIES,
    TRANSPORTS,
    BearerOpt,
    ConfigOpt,
    EnvOpt,
    HeaderOpt,
    IgnoreOpt,
    LlmPromptsOnlyOpt,
    LockOpt,
    MaxCriticalOpt,
    MaxHighOpt,
    MaxLevelOpt,
    MaxRiskOpt,
    MinCategoryOpt,
    MinScoreOpt,
    NpmAuditOpt,
    PipAuditOpt,
    ProbeOpt,
    ReadResourcesOpt,
    RequestTimeoutOpt,
    SaveOpt,
    ScoringModeOpt,
    SurfaceOpt,
    TimeoutOpt,
    ToolFilterOpt,
    TransportOpt,
    WeightsOpt,
    _categories,
    _choice,
    _emit,
    _fail,
    _options,
    _pairs,
    _targets,
)

app = typer.Typer(
    name="mcts",
    help="Model Context Threat Scanner: find what an MCP server can do to the agent that connects to it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)



@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"mcts {__version__}")


@app.command()
def scan(
    targets: Annotated[list[str], typer.Argument(help="Commands, http(s) URLs, stdio: URIs or snapshot files.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, sarif, markdown or html.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="Exit 1 on a finding at or above: critical, high [default], "
                                 "medium, low, info, none.")
    ] = None,
    timeout: TimeoutOpt = None,
    request_timeout: RequestTimeoutOpt = None,
    transport: TransportOpt = None,
    header: HeaderOpt = None,
    bearer_token: BearerOpt = None,
    env: EnvOpt = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Targets scanned at once [4].")] = None,
    analyzer: Annotated[list[str] | None, typer.Option("--analyzer", help="Run only this analyzer id.")] = None,
    config: ConfigOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    min_security_score: MinScoreOpt = None,
    max_absolute_risk: MaxRiskOpt = None,
    max_risk_level: MaxLevelOpt = None,
    min_category_score: MinCategoryOpt = None,
    max_critical: MaxCriticalOpt = None,
    max_high: MaxHighOpt = None,
    scoring_mode: ScoringModeOpt = None,
    weights_profile: WeightsOpt = None,
    ignore_file: IgnoreOpt = None,
    pip_audit: PipAuditOpt = False,
    npm_audit: NpmAuditOpt = False,
    protocol_probe: ProbeOpt = False,
    surface: SurfaceOpt = None,
    tool: ToolFilterOpt = None,
    read_resources: ReadResourcesOpt = False,
    llm_prompts_only: LlmPromptsOnlyOpt = False,
    save: SaveOpt = False,
    lock: LockOpt = None,
) -> None:
    """Scan MCP servers and report what they could do to an agent.

    Exit codes: 0 pass, 1 unsuppressed findings at or above --fail-on or a gate violated, 2 usage or
    configuration error, 3 scan incomplete (unreachable target, failed analyzer, coverage cut by a cap).
    """
    from mcts.render import Format

    _choice(fmt, FORMATS, "--format")
    options = _options(
        config, timeout=timeout, request_timeout=request_timeout, fail_on=_choice(fail_on, SEVERITIES, "--fail-on"),
        transport=_choice(transport, TRANSPORTS, "--transport"), headers=_pairs(header, ":", "--header"),
        bearer_token=bearer_token, env=_pairs(env, "=", "--env"), concurrency=concurrency,
        analyzers=tuple(analyzer) if analyzer else None, min_security_score=min_security_score,
        max_absolute_risk=max_absolute_risk, max_risk_level=max_risk_level,
        min_category_score=_categories(min_category_score), max_critical=max_critical, max_high=max_high,
        scoring_mode=_choice(scoring_mode, SCORING_MODES, "--scoring-mode"), weights_profile=weights_profile,
        ignore_path=ignore_file, pip_audit=pip_audit or None, npm_audit=npm_audit or None,
        protocol_probe=protocol_probe or None, surfaces=tuple(surface) if surface else None,
        tool_filter=tuple(tool) if tool else None, read_resources=read_resources or None,
        llm_prompts_only=llm_prompts_only or None, save=save or None,
    )
    parsed = _targets(targets, options.transport)
    reports = _run_scans(parsed, options, quiet)
    drifted = False
    if lock is not None:
        from mcts.cli.lock_cmd import check_lock

        reports, drifted = check_lock(reports, lock, options=options)  # prints the diff on stderr
    color = output is None and fmt == "table" and sys.stdout.isatty()
    _emit(_render(reports, Format(fmt), color), output)
    from mcts.policy.gates import exit_code

    code = int(exit_code(reports, options.fail_on))
    if drifted and code != 3:
        code = max(code, 1)
    if options.save:
        from mcts.cli.history_cmd import save_reports

        save_reports(reports, options, quiet)
    raise typer.Exit(code)


@app.command()
def snapshot(
    target: Annotated[str, typer.Argument(help="A command, http(s) URL or stdio: URI of a live server.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write ('-' for stdout).")],
    timeout: TimeoutOpt = None,
    request_timeout: RequestTimeoutOpt = None,
    transport: TransportOpt = None,
    header: HeaderOpt = None,
    bearer_token: BearerOpt = None,
    env: EnvOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Save what a live server lists (MCP wire JSON) for offline scans: `mcts scan FILE.json`.

    Exits 3 (after writing what was listed) when the listing was incomplete.
    """
    import anyio

    from mcts.collect.live import collect_live
    from mcts.collect.snapshot import snapshot_json, write_snapshot
    from mcts.errors import MctsError

    options = _options(
        config, timeout=timeout, request_timeout=request_timeout,
        transport=_choice(transport, TRANSPORTS, "--transport"), headers=_pairs(header, ":", "--header"),
        bearer_token=bearer_token, env=_pairs(env, "=", "--env"),
    )
    (parsed,) = _targets([target], options.transport)
    if parsed.kind not in ("stdio", "http"):
        raise _fail(f"snapshot needs a live server (a command or a URL), not a {parsed.kind} target")
    collected = anyio.run(collect_live, parsed, options)
    try:
        if str(output) == "-":
            sys.stdout.write(snapshot_json(collected.inventory))
        else:
            write_snapshot(collected.inventory, output)
    except MctsError as exc:
        raise _fail(str(exc)) from None
    problems = [*collected.errors, *(f"cap {c.cap} cut {c.where}" for c in collected.caps_hit)]
    counts = ", ".join(f"{n} {k}" for k, n in collected.inventory.counts().items())
    typer.echo(f"mcts: {'incomplete' if problems else 'wrote'} snapshot of {parsed.display()}: {counts}", err=True)
    for problem in problems:
        typer.echo(f"mcts:   {problem}", err=True)
    raise typer.Exit(3 if problems else 0)


def _run_scans(targets: list[Any], options: Any, quiet: bool) -> list[Any]:
    import anyio

    from mcts.engine import scan_many
    from mcts.errors import MctsError
    from mcts.model.report import ScanReport
    from mcts.text.escape import escape_text

    total = len(targets)
    done = 0

    def progress(event: str, target: str, report: ScanReport | None) -> None:
        nonlocal done
        if quiet:
            return
        shown = escape_text(target, limit=80)
        if report is None:
            typer.echo(f"mcts: scanning {shown} …", err=True)
            return
        done += 1
        s = report.summary
        extra = f", {s.suppressed} suppressed" if s.suppressed else ""
        gates = f"; {len(report.gate_violations)} gate(s) violated" if report.gate_violations else ""
        typer.echo(f"mcts: [{done}/{total}] {shown}: {report.status.value}, {s.total} finding(s) "
                   f"({s.critical} critical, {s.high} high{extra}) in {report.duration_ms / 1000:.1f}s{gates}",
                   err=True)

    try:
        return anyio.run(lambda: scan_many(targets, options, on_progress=progress))
    except MctsError as exc:
        raise _fail(str(exc), exc.exit_code) from None


def _render(reports: list[Any], fmt: Any, color: bool) -> str:
    from mcts.render import render

    width = 120
    if color:
        import shutil

        width = shutil.get_terminal_size((120, 40)).columns
    return render(reports, fmt, color=color, width=width)


from mcts.cli import history_cmd, lock_cmd, readiness_cmd, serve_cmd  # noqa: E402 -- they use the helpers above

for _module in (readiness_cmd, serve_cmd, history_cmd, lock_cmd):
    _module.register(app)
