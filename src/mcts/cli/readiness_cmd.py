"""``mcts readiness TARGET``: production-readiness checks, Rego policies and a readiness score.

Registered on the main app by ``register(app)``; collection flags and helpers are the ``scan`` command's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mcts.cli._common import (
    SEVERITIES,
    TRANSPORTS,
    BearerOpt,
    ConfigOpt,
    EnvOpt,
    HeaderOpt,
    RequestTimeoutOpt,
    TimeoutOpt,
    TransportOpt,
    _choice,
    _emit,
    _fail,
    _options,
    _pairs,
    _targets,
)

FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    """Add the ``readiness`` command to ``app`` (once: registering again changes nothing)."""
    if not any(command.name == "readiness" for command in app.registered_commands):
        app.command(name="readiness")(readiness)


def readiness(
    target: Annotated[str, typer.Argument(help="A command, http(s) URL, stdio: URI or snapshot .json.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    policy_dir: Annotated[
        list[Path] | None,
        typer.Option("--policy-dir", help="Directory of your own .rego policies (repeatable); needs mcts[opa]."),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled-policies", help="Do not evaluate the bundled Rego policies.")
    ] = False,
    min_score: Annotated[
        int | None, typer.Option("--min-score", min=0, max=100, help="Exit 1 when the readiness score is lower.")
    ] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 on a failing check at or above: critical, high, medium, low, "
                          "info, none.")
    ] = "high",
    timeout: TimeoutOpt = None,
    request_timeout: RequestTimeoutOpt = None,
    transport: TransportOpt = None,
    header: HeaderOpt = None,
    bearer_token: BearerOpt = None,
    env: EnvOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Check whether an MCP server is ready for production use by agents.

    Exit codes: 0 ready (or partial: some checks unavailable, e.g. Rego without mcts[opa]); 1 not ready: a
    check failed at or above --fail-on, or the score is below --min-score; 2 usage, configuration or policy
    error (a policy that does not compile, --policy-dir without mcts[opa]); 3 the inventory could not be
    fully collected.
    """
    from mcts.model.finding import Severity
    from mcts.readiness import ReadinessSettings

    _choice(fmt, FORMATS, "--format")
    threshold = _choice(fail_on, SEVERITIES, "--fail-on")
    options = _options(
        config, timeout=timeout, request_timeout=request_timeout,
        transport=_choice(transport, TRANSPORTS, "--transport"), headers=_pairs(header, ":", "--header"),
        bearer_token=bearer_token, env=_pairs(env, "=", "--env"),
    )
    settings = ReadinessSettings(
        policy_dirs=tuple(policy_dir or ()), bundled=not no_bundled, min_score=min_score,
        fail_on=None if threshold in (None, "none") else Severity(threshold),
    )
    (parsed,) = _targets([target], options.transport)
    report = _run(parsed, options, settings)
    color = output is None and fmt == "table" and sys.stdout.isatty()
    _emit(_render(report, fmt, color), output)
    raise typer.Exit(_exit_code(report))


def _run(target: Any, options: Any, settings: Any) -> Any:
    import anyio

    from mcts.errors import MctsError
    from mcts.readiness import readiness_async

    try:
        return anyio.run(readiness_async, target, options, settings)
    except MctsError as exc:
        raise _fail(str(exc), exc.exit_code) from None


def _render(report: Any, fmt: str, color: bool) -> str:
    from mcts.render.readiness import render_readiness_json, render_readiness_table

    if fmt == "json":
        return render_readiness_json(report)
    width = 120
    if color:
        import shutil

        width = shutil.get_terminal_size((120, 40)).columns
    return render_readiness_table(report, color=color, width=width)


def _exit_code(report: Any) -> int:
    from mcts.model.readiness import ReadinessStatus

    return {ReadinessStatus.NOT_READY: 1, ReadinessStatus.INCOMPLETE: 3}.get(report.status, 0)
