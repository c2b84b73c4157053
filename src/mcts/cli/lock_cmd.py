"""``mcts pin`` (write a lockfile of content hashes) and ``mcts scan --lock`` (fail on drift from it).

``pin`` lists each target (no analysis) and writes ``mcts.history.lockfile``'s format atomically; it writes
nothing when a listing was incomplete, unless told to. ``check_lock`` is called by ``mcts scan --lock`` after
the scans: it prints, on stderr, each server's drift as rug-pull findings with their diffs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mcts.cli._common import (
    TRANSPORTS,
    BearerOpt,
    ConfigOpt,
    EnvOpt,
    HeaderOpt,
    RequestTimeoutOpt,
    TimeoutOpt,
    TransportOpt,
    _choice,
    _fail,
    _options,
    _pairs,
    _targets,
)

if TYPE_CHECKING:
    from mcts.collect.result import Collected
    from mcts.errors import MctsError
    from mcts.history.changes import ChangeSettings
    from mcts.history.lockfile import LockCheck, LockedServer
    from mcts.model.report import ScanReport
    from mcts.options import ScanOptions

SENSITIVITIES = ("strict", "moderate", "loose")
SensitivityOpt = Annotated[
    str, typer.Option("--sensitivity", help="strict (every field), moderate (names, descriptions, schemas) or loose "
                      "(additions, removals, descriptions).")
]
IgnoreFieldOpt = Annotated[
    list[str] | None, typer.Option("--ignore-field", help="Dotted field path left out of the hashes, e.g. "
                                   "annotations.title or _meta; '*' matches any key (repeatable).")
]
IgnoreSchemasOpt = Annotated[
    bool, typer.Option("--ignore-schemas", help="Do not compare schemas (their nested descriptions still count).")
]
IgnoreDescriptionsOpt = Annotated[
    bool, typer.Option("--ignore-descriptions", help="Do not compare descriptions and instructions.")
]
MergeOpt = Annotated[bool, typer.Option("--merge", help="Keep the lockfile's entries of servers not pinned now.")]
AllowIncompleteOpt = Annotated[
    bool, typer.Option("--allow-incomplete", help="Write the lockfile even when a listing was incomplete (still "
                       "exits 3).")
]
_DIFF_LINES = 80  # printed per changed item; the finding and the hashes are always shown
_LISTING_KINDS = {"tools": "tools", "prompts": "prompts", "resources": "resources",
                  "resourceTemplates": "resource_templates"}


def register(app: typer.Typer) -> None:
    """Add ``mcts pin`` to ``app`` (once: registering again changes nothing)."""
    if not any(command.name == "pin" for command in app.registered_commands):
        app.command(name="pin")(pin)


def pin(
    targets: Annotated[list[str], typer.Argument(help="Commands, http(s) URLs, stdio: URIs or snapshot files.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Lockfile to write ('-' for stdout).")],
    sensitivity: SensitivityOpt = "moderate",
    ignore_field: IgnoreFieldOpt = None,
    ignore_schemas: IgnoreSchemasOpt = False,
    ignore_descriptions: IgnoreDescriptionsOpt = False,
    merge: MergeOpt = False,
    allow_incomplete: AllowIncompleteOpt = False,
    timeout: TimeoutOpt = None,
    request_timeout: RequestTimeoutOpt = None,
    transport: TransportOpt = None,
    header: HeaderOpt = None,
    bearer_token: BearerOpt = None,
    env: EnvOpt = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Targets listed at once [4].")] = None,
    config: ConfigOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
) -> None:
    """Pin MCP servers: write a lockfile of the content hash of every tool, prompt, resource and template.

    Commit the lockfile; `mcts scan TARGET --lock FILE` then exits 1 and shows the diff when a server's items
    drift from it (a rug pull). Exit codes: 0 written, 2 usage or configuration error (or an unreadable
    lockfile with --merge), 3 a listing was incomplete: nothing is written unless --allow-incomplete.
    """
    from mcts.history.lockfile import LockfileError, build_lockfile, lockfile_text, read_lockfile, write_lockfile

    settings = _settings(sensitivity, ignore_field, ignore_schemas, ignore_descriptions)
    options = _options(
        config, timeout=timeout, request_timeout=request_timeout,
        transport=_choice(transport, TRANSPORTS, "--transport"), headers=_pairs(header, ":", "--header"),
        bearer_token=bearer_token, env=_pairs(env, "=", "--env"), concurrency=concurrency,
    )
    parsed = _targets(targets, options.transport)
    to_stdout = str(output) == "-"
    try:
        keep = read_lockfile(output) if merge and not to_stdout and output.exists() else None
    except LockfileError as exc:
        raise _fail(str(exc)) from None
    entries, problems, code = _pin_entries(_collect_all(parsed, options), settings, quiet)
    if problems and not allow_incomplete:
        raise _fail(f"{problems} target(s) could not be listed completely: nothing written to {output} "
                    "(fix the target, or pass --allow-incomplete to pin what was listed)", code)
    lock = build_lockfile(entries, keep=keep)
    if to_stdout:
        sys.stdout.write(lockfile_text(lock))
    else:
        try:
            write_lockfile(lock, output)
        except LockfileError as exc:
            raise _fail(str(exc)) from None
    items = sum(len(named) for server in lock.servers for named in server.items.values())
    typer.echo(f"mcts: pinned {len(lock.servers)} server(s), {items} item(s) ({settings.sensitivity}) to {output}",
               err=True)
    raise typer.Exit(code if problems else 0)


def _settings(
    sensitivity: str, ignore_fields: list[str] | None, ignore_schemas: bool, ignore_descriptions: bool
) -> ChangeSettings:
    from pydantic import ValidationError

    from mcts.history.changes import ChangeSettings

    try:
        return ChangeSettings(sensitivity=_choice(sensitivity, SENSITIVITIES, "--sensitivity"),
                              ignore_fields=tuple(ignore_fields or ()), compare_schemas=not ignore_schemas,
                              compare_descriptions=not ignore_descriptions)
    except ValidationError as exc:
        raise _fail("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None


def _pin_entries(
    results: list[tuple[Any, Collected | MctsError]], settings: ChangeSettings, quiet: bool
) -> tuple[list[LockedServer], int, int]:
    """The lockfile entries of the targets listed, how many targets had problems, and the exit code they call for.

    A target that raised a usage or configuration error (a bad snapshot, an unsupported target) calls for 2,
    an incomplete listing for 3.
    """
    from mcts.errors import MctsError
    from mcts.history.lockfile import pin_entry
    from mcts.text.escape import escape_text

    entries: list[LockedServer] = []
    problems, code = 0, 3
    for target, collected in results:
        if isinstance(collected, MctsError):
            reasons, counts = [str(collected)], "nothing"
            code = min(code, collected.exit_code)
        else:
            reasons = [*collected.errors, *(f"cap {c.cap} cut {c.where}" for c in collected.caps_hit)]
            entries.append(pin_entry(target.kind, target.display(), collected.inventory, settings))
            counts = ", ".join(f"{n} {k}" for k, n in collected.inventory.counts().items())
        problems += bool(reasons)
        if not quiet or reasons:
            shown = escape_text(target.display(), limit=120)
            typer.echo(f"mcts: {'incomplete' if reasons else 'listed'} {shown}: {counts}", err=True)
        for reason in reasons:
            typer.echo(f"mcts:   {escape_text(reason, limit=500)}", err=True)
    return entries, problems, code


def _collect_all(targets: list[Any], options: ScanOptions) -> list[tuple[Any, Collected | MctsError]]:
    """List every target (at most ``options.concurrency`` at once); an error is kept as that target's result."""
    import anyio

    from mcts.engine import collect
    from mcts.errors import MctsError

    results: list[Collected | MctsError | None] = [None] * len(targets)
    limiter = anyio.CapacityLimiter(options.concurrency)

    async def one(index: int) -> None:
        async with limiter:
            try:
                results[index] = await collect(targets[index], options)
            except MctsError as exc:
                results[index] = exc

    async def run() -> None:
        async with anyio.create_task_group() as group:
            for index in range(len(targets)):
                group.start_soon(one, index)

    anyio.run(run)
    return [(t, r) for t, r in zip(targets, results, strict=True) if r is not None]


def check_lock(
    reports: list[ScanReport], lock: Path, *, options: ScanOptions | None = None
) -> tuple[list[ScanReport], bool]:
    """Compare ``reports``' inventories with the lockfile and print the diff on stderr.

    Returns the reports with a rug-pull finding per drifted item added (re-finalized, so summaries, scores and
    gates count them) and whether any server drifted. ``options`` (the scan's) lets the comparison skip the
    items ``--surface`` and ``--tool`` left out; without it, kinds whose listing was incomplete or filtered are
    not checked for removals. An unreadable or malformed lockfile exits 2.
    """
    from mcts.history.changes import rug_pull_findings
    from mcts.history.lockfile import LockfileError, check_against, read_lockfile
    from mcts.options import ScanOptions
    from mcts.policy import finalize

    try:
        lockfile = read_lockfile(lock)
    except LockfileError as exc:
        raise _fail(str(exc)) from None
    scan_options = options or ScanOptions()
    selected = _selection(options)
    drifted = 0
    checked: list[ScanReport] = []
    for report in reports:
        check = check_against(lockfile, report.target.kind, report.target.value, report.inventory,
                              selected=selected, unseen=_unseen(report, filtered=options is None))
        drifted += check.drifted
        _print_check(report, check, lock, scan_options)
        found = rug_pull_findings(check.summary, scan_options)
        with_drift = report.model_copy(update={"findings": (*report.findings, *found)})
        checked.append(finalize(with_drift, scan_options, Path.cwd()) if found else report)
    if drifted:
        typer.echo(f"mcts: lock: {drifted} of {len(reports)} server(s) drifted from {lock}. If a change is intended, "
                   f"review it and re-pin: mcts pin TARGET… -o {lock}", err=True)
    return checked, bool(drifted)


def _print_check(report: ScanReport, check: LockCheck, lock: Path, options: ScanOptions) -> None:
    from mcts.history.changes import rug_pull_findings
    from mcts.text.escape import escape_text
    from mcts.text.redact import redact_secrets

    def say(text: str) -> None:
        typer.echo(escape_text(redact_secrets(text)), err=True)

    shown = report.target.value[:120]
    counts = check.summary.counts
    incomplete = report.status.value != "complete"
    if check.entry is None:
        state = f"not in {lock}"
    elif check.drifted:
        state = (f"DRIFT from {lock}: {counts['modified']} modified, {counts['added']} added, "
                 f"{counts['removed']} removed")
    elif incomplete:
        state = f"no drift from {lock} in what could be listed ({counts['unchanged']} item(s) unchanged)"
    else:
        state = f"matches {lock} ({counts['unchanged']} item(s))"
    say(f"mcts: lock: {shown}: {state}")
    for note in check.notes:
        say(f"mcts:   {note}")
    if incomplete and check.entry is not None:
        say("mcts:   the scan was incomplete: what could not be listed was not compared")
    for finding, change in zip(rug_pull_findings(check.summary, options), check.summary.changes(), strict=True):
        say(f"mcts:   [{finding.severity.value}] {finding.location.display()}: {finding.title}")
        lines = change.diff.splitlines()
        for line in lines[:_DIFF_LINES]:
            say(f"    {line}")
        if len(lines) > _DIFF_LINES:
            say(f"    … {len(lines) - _DIFF_LINES} more line(s) of diff")


def _selection(options: ScanOptions | None) -> Any:
    """``selected(kind, name)`` for the items the scan's ``--surface`` and ``--tool`` kept, or ``None`` for all."""
    import fnmatch

    from mcts.options import SURFACE_NAMES

    if options is None or not (options.surfaces or options.tool_filter):
        return None
    wanted = set(options.surfaces or SURFACE_NAMES)
    patterns = options.tool_filter

    def selected(kind: str, name: str) -> bool:
        if kind != "tools" or not patterns:
            return kind in wanted
        return kind in wanted and any(fnmatch.fnmatchcase(name, p) for p in patterns)

    return selected


def _unseen(report: ScanReport, *, filtered: bool) -> frozenset[Any]:
    """Kinds whose listing did not see everything (failed, partial, absent from a snapshot; or filtered)."""
    unseen: set[str] = set()
    listings = report.coverage.listings
    for key, kind in _LISTING_KINDS.items():
        listing = listings.get(key)
        if listing is None or listing.status in ("failed", "partial", "not_applicable"):
            unseen.add(kind)
        elif filtered and len(getattr(report.inventory, kind)) < listing.items:
            unseen.add(kind)  # --surface or --tool left items out, and this call was not told which
    if any(listing.status == "failed" for listing in listings.values()) or (filtered and not listings):
        unseen.add("instructions")
    return frozenset(unseen)
