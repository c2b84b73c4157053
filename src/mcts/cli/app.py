"""Typer application: ``mcts scan``, ``mcts snapshot``, ``mcts version``.

Heavy modules (the MCP SDK, pydantic models, the engine) are imported inside the commands so ``--help``
and ``version`` stay fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mcts import __version__

app = typer.Typer(
    name="mcts",
    help="Model Context Threat Scanner: find what an MCP server can do to the agent that connects to it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FORMATS = ("table", "json", "sarif", "markdown", "html")  # mcts.render.Format (a test keeps them equal)
SEVERITIES = ("critical", "high", "medium", "low", "info", "none")
TRANSPORTS = ("auto", "streamable-http", "sse")
SCORING_MODES = ("legacy", "v2", "both")

TimeoutOpt = Annotated[float | None, typer.Option("--timeout", help="Overall deadline per target, seconds [60].")]
RequestTimeoutOpt = Annotated[
    float | None, typer.Option("--request-timeout", help="Deadline per MCP request, seconds [30].")
]
TransportOpt = Annotated[
    str | None, typer.Option("--transport", help="For http(s) targets: auto, streamable-http or sse [auto].")
]
HeaderOpt = Annotated[
    list[str] | None, typer.Option("--header", "-H", help="HTTP header 'Name: value' (repeatable).")
]
BearerOpt = Annotated[
    str | None,
    typer.Option("--bearer-token", help="Sent as 'Authorization: Bearer …' (or set MCTS_BEARER_TOKEN).",
                 show_default=False),
]
EnvOpt = Annotated[
    list[str] | None,
    typer.Option("--env", "-e", help="KEY=VALUE for a stdio server's environment (repeatable). The server "
                 "otherwise gets only PATH, HOME and locale."),
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Config file (default: .mcts/config.yaml).")]
MinScoreOpt = Annotated[
    int | None, typer.Option("--min-security-score", help="Gate: exit 1 when the v2 security score is below N.",
                             show_default=False),
]
MaxRiskOpt = Annotated[
    float | None, typer.Option("--max-absolute-risk", help="Gate: exit 1 when the v2 absolute risk is above X.",
                               show_default=False),
]
MaxLevelOpt = Annotated[
    str | None, typer.Option("--max-risk-level", help="Gate: exit 1 when the v2 risk level is above LEVEL "
                             "(a band of the weights profile: none, low, medium, high, critical).", show_default=False),
]
MinCategoryOpt = Annotated[
    list[str] | None, typer.Option("--min-category-score", help="Gate: KEY=N, exit 1 when that tile (MCP01..MCP10, "
                                   "injection, exfiltration, privilege, supply_chain, protocol) is below N "
                                   "(repeatable).", show_default=False),
]
MaxCriticalOpt = Annotated[
    int | None, typer.Option("--max-critical", help="Gate: most unsuppressed critical findings allowed.",
                             show_default=False),
]
MaxHighOpt = Annotated[
    int | None, typer.Option("--max-high", help="Gate: most unsuppressed high findings allowed.", show_default=False),
]
ScoringModeOpt = Annotated[
    str | None, typer.Option("--scoring-mode", help="Scores: legacy, v2 or both [both].", show_default=False),
]
WeightsOpt = Annotated[
    str | None, typer.Option("--weights-profile", help="v2 weights: a bundled profile name or a YAML file "
                             "[manual_v1].", show_default=False),
]
PipAuditOpt = Annotated[
    bool, typer.Option("--pip-audit", help="Source scans: look Python dependencies up in advisory databases with "
                       "pip-audit (needs pip-audit and network; a lookup that cannot complete makes the scan "
                       "incomplete).", show_default=False),
]
NpmAuditOpt = Annotated[
    bool, typer.Option("--npm-audit", help="Source scans: run 'npm audit' on each package-lock.json (needs npm and "
                       "network; a lookup that cannot complete makes the scan incomplete).", show_default=False),
]
IgnoreOpt = Annotated[
    Path | None, typer.Option("--ignore-file", help="Suppressions file (default: .mcts/ignore.yaml when present).",
                              show_default=False),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"mcts: error: {message}", err=True)
    return typer.Exit(code)


def _pairs(values: list[str] | None, sep: str, what: str) -> dict[str, str] | None:
    if not values:
        return None
    out: dict[str, str] = {}
    for value in values:
        key, found, rest = value.partition(sep)
        if not found or not key.strip():
            raise _fail(f"{what} {value!r} must look like NAME{sep}VALUE")
        out[key.strip()] = rest.strip() if sep == ":" else rest
    return out


def _choice(value: str | None, allowed: tuple[str, ...], flag: str) -> str | None:
    if value is not None and value.lower() not in allowed:
        raise _fail(f"{flag} must be one of {', '.join(allowed)}, not {value!r}")
    return value.lower() if value is not None else None


def _categories(values: list[str] | None) -> dict[str, Any] | None:
    from mcts.errors import ConfigError
    from mcts.options import category_pairs

    if not values:
        return None
    try:
        return category_pairs(values, "--min-category-score")
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _options(config: Path | None, **flags: Any) -> Any:
    from mcts.errors import MctsError
    from mcts.options import resolve_options

    try:
        return resolve_options(flags, env=os.environ, config_path=config)
    except MctsError as exc:
        raise _fail(str(exc)) from None


def _targets(raw: list[str], transport: str) -> list[Any]:
    from mcts.errors import TargetError
    from mcts.model.target import parse_target

    try:
        return [parse_target(t, transport=transport) for t in raw]  # type: ignore[arg-type]
    except TargetError as exc:
        raise _fail(str(exc)) from None


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
    )
    parsed = _targets(targets, options.transport)
    reports = _run_scans(parsed, options, quiet)
    color = output is None and fmt == "table" and sys.stdout.isatty()
    _emit(_render(reports, Format(fmt), color), output)
    from mcts.policy.gates import exit_code

    raise typer.Exit(int(exit_code(reports, options.fail_on)))


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


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None


from mcts.cli.readiness_cmd import register as register_readiness  # noqa: E402 -- uses the helpers defined above

register_readiness(app)
