"""``mcts history`` and ``mcts diff``: saved scans listed, shown and compared; ``mcts scan --save`` saves them.

``mcts history`` lists and shows saved scans, ``mcts diff`` shows what changed between two, and
``save_reports`` saves the reports of ``mcts scan --save`` (or ``save: true`` in the config file).

The store is ``--db-url``, else ``MCTS_DB_URL`` or ``db_url`` in the config file, else the SQLite file in the
user's data directory. Every string a scanned server sent is escaped before it reaches the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from mcts.cli._common import FORMATS, ConfigOpt, _choice, _emit, _fail, _options
from mcts.cli.lock_cmd import (
    SENSITIVITIES,
    IgnoreDescriptionsOpt,
    IgnoreFieldOpt,
    IgnoreSchemasOpt,
    SensitivityOpt,
)

if TYPE_CHECKING:
    from mcts.history import HistoryStore, ScanRow, StoredScan
    from mcts.history.changes import ChangeSummary
    from mcts.model.report import ScanReport
    from mcts.options import ScanOptions

T = TypeVar("T")
LIST_FORMATS = ("table", "json")
DIFF_FORMATS = ("text", "json")

DbUrlOpt = Annotated[
    str | None, typer.Option("--db-url", help="History store URL [MCTS_DB_URL, or db_url in the config file, or a "
                             "SQLite file in the user data directory]. Prefer MCTS_DB_URL for a URL with a password: "
                             "command lines are visible to other users.", show_default=False),
]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000, help="Show at most N scans.")]
OffsetOpt = Annotated[int, typer.Option("--offset", min=0, help="Skip the N newest scans first.")]
ServerOpt = Annotated[
    str | None, typer.Option("--server", help="Only scans whose server identity or target contains TEXT.",
                             show_default=False),
]
ListFormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


def register(app: typer.Typer) -> None:
    """Add ``mcts history`` (``list``, ``show``) and ``mcts diff`` to ``app`` (once)."""
    if any(group.name == "history" for group in app.registered_groups):
        return
    history = typer.Typer(name="history", help="List and show saved scans (mcts scan --save).",
                          no_args_is_help=False, rich_markup_mode=None)
    history.callback(invoke_without_command=True)(history_main)
    history.command(name="list")(history_list)
    history.command(name="show")(history_show)
    app.add_typer(history)
    app.command(name="diff")(diff)


def history_main(ctx: typer.Context, limit: LimitOpt = 20, offset: OffsetOpt = 0, server: ServerOpt = None,
                 fmt: ListFormatOpt = "table", db_url: DbUrlOpt = None, config: ConfigOpt = None) -> None:
    """List saved scans, newest first (the same as `mcts history list`)."""
    if ctx.invoked_subcommand is None:
        history_list(limit=limit, offset=offset, server=server, fmt=fmt, db_url=db_url, config=config)


def history_list(limit: LimitOpt = 20, offset: OffsetOpt = 0, server: ServerOpt = None,
                 fmt: ListFormatOpt = "table", db_url: DbUrlOpt = None, config: ConfigOpt = None) -> None:
    """List saved scans, newest first."""
    _choice(fmt, LIST_FORMATS, "--format")
    rows = _with_store(_url(db_url, config), lambda store: store.list_scans(limit=limit, offset=offset, search=server))
    if fmt == "json":
        sys.stdout.write(json.dumps([_row_json(row) for row in rows], indent=2, ensure_ascii=True) + "\n")
    elif rows:
        sys.stdout.write(_table(rows))
    else:
        typer.echo("mcts: no saved scans" + (" match" if server or offset else "") + " (save with mcts scan --save)",
                   err=True)


def history_show(
    scan_id: Annotated[str, typer.Argument(help="A scan id, or a unique prefix of one (at least 4 characters).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, sarif, markdown or html.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    db_url: DbUrlOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show a saved scan's report, as `mcts scan` rendered it."""
    from mcts.render import Format, render

    _choice(fmt, FORMATS, "--format")
    url = _url(db_url, config)
    stored = _get(url, scan_id)
    color = output is None and fmt == "table" and sys.stdout.isatty()
    _emit(render([stored.report], Format(fmt), color=color), output)


def diff(
    scan_a: Annotated[str, typer.Argument(help="The older scan: an id or a unique prefix.")],
    scan_b: Annotated[str, typer.Argument(help="The newer scan: an id or a unique prefix.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    sensitivity: SensitivityOpt = "moderate",
    ignore_field: IgnoreFieldOpt = None,
    ignore_schemas: IgnoreSchemasOpt = False,
    ignore_descriptions: IgnoreDescriptionsOpt = False,
    db_url: DbUrlOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show what a server changed between two saved scans: items added, removed and modified, with diffs.

    Exit codes: 0 nothing changed, 1 something changed, 2 usage error or unknown scan.
    """
    from pydantic import ValidationError

    from mcts.history.changes import ChangeSettings, compare

    _choice(fmt, DIFF_FORMATS, "--format")
    try:
        settings = ChangeSettings(sensitivity=_choice(sensitivity, SENSITIVITIES, "--sensitivity"),
                                  ignore_fields=tuple(ignore_field or ()), compare_schemas=not ignore_schemas,
                                  compare_descriptions=not ignore_descriptions)
    except ValidationError as exc:
        raise _fail("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None
    url = _url(db_url, config)
    old, new = _get(url, scan_a), _get(url, scan_b)
    summary = compare(old.inventory, new.inventory, settings)
    if fmt == "json":
        document = {"old": _row_json(old), "new": _row_json(new), "sensitivity": settings.sensitivity,
                    **summary.to_json(include_diff=True)}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=True) + "\n")
    else:
        sys.stdout.write(_diff_text(old, new, summary, settings.sensitivity))
    raise typer.Exit(1 if summary.changed else 0)


def save_reports(reports: list[ScanReport], options: ScanOptions, quiet: bool) -> None:
    """Save ``reports`` to the history store named by ``options.db_url`` (or the default SQLite file).

    Each report is saved under its server's identity (``mcts.history.identity.identity_for``); a store that
    cannot be opened or written is an error (exit 2) after the report has been printed.
    """
    from mcts.history.identity import identity_for
    from mcts.text.escape import escape_text

    def identity(report: ScanReport) -> str:
        info = report.inventory.server_info
        return identity_for(report.target.kind, report.target.value, info.name if info else None)

    async def save_all(store: HistoryStore) -> list[str]:
        return [await store.save_scan(report, identity=identity(report), source="cli") for report in reports]

    ids = _with_store(options.db_url or None, save_all, doing="save the scan")
    if not quiet:
        for report, scan_id in zip(reports, ids, strict=True):
            typer.echo(f"mcts: saved scan {scan_id} of {escape_text(report.target.value, limit=80)}", err=True)


def _url(flag: str | None, config: Path | None) -> str | None:
    if flag:
        return flag
    url: str | None = _options(config).db_url
    return url


def _with_store(url: str | None, work: Callable[[HistoryStore], Awaitable[T]], doing: str = "read history") -> T:
    """Open the store, run ``work`` with it, close it; a store error is a clean exit 2."""
    import anyio

    from mcts.errors import MctsError
    from mcts.history import HistoryStore

    async def run() -> T:
        async with await HistoryStore.open(url) as store:
            return await work(store)

    try:
        return anyio.run(run)
    except MctsError as exc:
        raise _fail(f"cannot {doing}: {exc}") from None


def _get(url: str | None, scan_id: str) -> StoredScan:
    async def get(store: HistoryStore) -> tuple[StoredScan | None, str]:
        return await store.get_scan(scan_id), store.url

    stored, shown = _with_store(url, get)
    if stored is None:
        from mcts.text.escape import escape_text

        raise _fail(f"no scan {escape_text(scan_id, limit=80)!r} in the history store {shown} (see mcts history)")
    return stored


def _row_json(row: ScanRow) -> dict[str, Any]:
    return {"id": row.id, "created_at": row.created_at.isoformat(), "identity": row.identity, "target": row.target,
            "target_kind": row.target_kind, "status": row.status.value, "source": row.source,
            "summary": row.summary.model_dump(), "max_severity": row.max_severity.value if row.max_severity else None,
            "score": row.score, "security_score": row.security_score, "risk_level": row.risk_level,
            "inventory_hash": row.inventory_hash}


def _when(row: ScanRow) -> str:
    return row.created_at.strftime("%Y-%m-%d %H:%M:%SZ")


def _table(rows: list[ScanRow]) -> str:
    from mcts.text.escape import escape_text

    header = f"{'ID':<12}  {'SAVED (UTC)':<20}  {'STATUS':<10}  {'CRIT':>4}  {'HIGH':>4}  {'MED':>4}  {'LOW':>4}  " \
             f"{'SCORE':>5}  TARGET"
    lines = [header]
    for row in rows:
        s = row.summary
        score = "-" if row.score is None else str(row.score)
        lines.append(f"{row.id[:12]:<12}  {_when(row):<20}  {row.status.value:<10}  {s.critical:>4}  {s.high:>4}  "
                     f"{s.medium:>4}  {s.low:>4}  {score:>5}  {_shorten(escape_text(row.target), 70)}")
    return "\n".join(lines) + "\n"


def _shorten(text: str, width: int) -> str:
    """``text`` cut in the middle to ``width`` characters: a command's program and a path's file name both stay."""
    if len(text) <= width:
        return text
    head = (width - 1) * 2 // 5
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def _diff_text(old: StoredScan, new: StoredScan, summary: ChangeSummary, sensitivity: str) -> str:
    from mcts.text.escape import escape_text

    def describe(scan: StoredScan) -> str:
        return f"{scan.id[:12]} ({_when(scan)}, {_shorten(escape_text(scan.target), 70)})"

    lines = [f"diff {describe(old)} -> {describe(new)}"]
    if old.identity != new.identity:
        lines.append(f"note: different servers: {escape_text(old.identity, limit=80)} and "
                     f"{escape_text(new.identity, limit=80)}")
    counts = summary.counts
    if not summary.changed:
        lines.append(f"no changes ({counts['unchanged']} item(s) compared, sensitivity {sensitivity})")
        return "\n".join(lines) + "\n"
    lines.append(f"{counts['modified']} modified, {counts['added']} added, {counts['removed']} removed, "
                 f"{counts['unchanged']} unchanged (sensitivity {sensitivity})")
    for change in summary.changes():
        fields = f" ({', '.join(change.fields)})" if change.change == "modified" and change.fields else ""
        lines += ["", f"{change.change} {change.kind}/{escape_text(change.name, limit=200)}{fields}"]
        lines += [f"  {escape_text(line)}" for line in change.diff.splitlines()]
    return "\n".join(lines) + "\n"
