"""What the CLI commands share: option declarations, argument parsing helpers and output.

Names keep their leading underscore: they are the commands' helpers, not a public API.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

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

ProbeOpt = Annotated[
    bool, typer.Option("--protocol-probe", help="URL targets: also run the active, read-only HTTP security checks "
                       "(Origin/Host validation, CORS, auth metadata, sessions, rate limiting).", show_default=False),
]
LlmPromptsOnlyOpt = Annotated[
    bool, typer.Option("--llm-prompts-only", help="LLM judge: put the requests it would send in the report and "
                       "call nothing.", show_default=False),
]
SurfaceOpt = Annotated[
    list[str] | None, typer.Option("--surface", help="Scan only this surface: tools, prompts, resources, "
                                   "resource_templates, instructions (repeatable).", show_default=False),
]
ToolFilterOpt = Annotated[
    list[str] | None, typer.Option("--tool", help="Scan only tools with this name or shell-style glob (repeatable).",
                                   show_default=False),
]
ReadResourcesOpt = Annotated[
    bool, typer.Option("--read-resources", help="Live targets: read resource contents of the allowed MIME types "
                       "(text/plain, text/html; capped at 1 MiB each) and scan them too.", show_default=False),
]
SaveOpt = Annotated[
    bool, typer.Option("--save", help="Save the scan to the history store (MCTS_DB_URL, default a SQLite file in "
                       "the user data directory).", show_default=False),
]
LockOpt = Annotated[
    Path | None, typer.Option("--lock", help="Lockfile written by 'mcts pin': exit 1 and show the diff when a "
                              "server's items drifted from it.", show_default=False),
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


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
