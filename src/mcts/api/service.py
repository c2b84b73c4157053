"""From a request to a scan and from a report to a response; no scanning logic of its own.

A request becomes ``ScanOptions`` through ``resolve_options`` (defaults < config file in the scan root <
``MCTS_*`` environment < request body), then the API's own settings are imposed on top: the network policy
(``block_private_addresses``), deadlines no longer than the server's scan timeout, the resource size cap,
and credentials from the request only (the operator's bearer token or headers never go to a caller's URL).
The target passes the target policy before anything is opened, started or connected to.

Single-item endpoints scan the whole (surface-filtered) inventory, so that findings across items are not
missed, then restrict the report to the item and finalize it again so its scores and gates are the item's.
Batch endpoints return the report plus one page of per-item results.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import Request
from starlette.responses import Response

from mcts.api.limits import api_state
from mcts.api.models import AnalysisFields, ApiError, ItemKind, ItemResult, TargetFields
from mcts.api.security import require_live_consent, scrub
from mcts.api.settings import ApiSettings
from mcts.api.target_policy import TargetRefused, admit_path, admit_target_async, admit_weights_profile
from mcts.errors import MctsError
from mcts.model.finding import Finding, Surface
from mcts.model.report import ScanReport, Summary
from mcts.model.target import Target
from mcts.options import SURFACE_NAMES, ScanOptions, SurfaceName, resolve_options
from mcts.policy import finalize
from mcts.text.escape import escape_text

LIVE_KINDS = frozenset({"stdio", "http"})
SURFACES_OF: dict[ItemKind, Surface] = {
    "tool": Surface.TOOL, "prompt": Surface.PROMPT, "resource": Surface.RESOURCE,
    "resource_template": Surface.RESOURCE_TEMPLATE,
}
NAMES_SHOWN = 20
"""Item names listed in a 404 for an unknown item."""


@dataclass(frozen=True)
class PreparedScan:
    """A request the policy admitted: the target and the options to scan it with."""

    target: Target
    options: ScanOptions
    secrets: tuple[str, ...]


@contextmanager
def api_errors() -> Iterator[None]:
    """Answer the target policy's refusals with 403 and mcts's own errors (bad target, config, gate) with 400."""
    try:
        yield
    except TargetRefused as exc:
        raise ApiError(403, "target_refused", str(exc)) from None
    except MctsError as exc:
        raise ApiError(400, "bad_request", str(exc)) from None


def check_consent_upfront(request: Request, body: TargetFields) -> None:
    """Consent checks that need no parsing (``url`` or ``live: true``), before a scan slot is taken."""
    if body.url is not None:
        if "target" in body.model_fields_set and body.target != ".":
            raise ApiError(400, "bad_request", "give either target or url, not both")
        if not body.url.lower().startswith(("http://", "https://")):
            raise ApiError(400, "bad_request", "url must be an http:// or https:// URL (use target for other kinds)")
        require_live_consent(request, body.understand_live_risk, "the url")
    elif body.live:
        require_live_consent(request, body.understand_live_risk, "the target (live: true)")


async def admit(request: Request, body: TargetFields) -> Target:
    """The request's target, through the target policy; consent checked once its kind is known."""
    settings = api_state(request).settings
    raw = body.url if body.url is not None else body.target
    transport = body.transport or "auto"
    with api_errors():
        target: Target = await admit_target_async(raw, settings, transport=transport)
    if target.kind in LIVE_KINDS:
        shown = escape_text(target.display(), limit=200)
        require_live_consent(request, body.understand_live_risk, f"the target {shown}")
    elif body.live:
        raise ApiError(400, "bad_request", f"live is true but the target is a {target.kind} path, not a server: give "
                       "the command that starts the server (allow-listed by the operator) or its URL")
    return target


async def save_history(request: Request, target: Target, report: ScanReport) -> None:
    """Save the scan to the history store (the API saves every scan); a store error is logged, not answered."""
    from mcts.api.history import save_scan_report

    await save_scan_report(request.app, target, report)


def scan_options(body: TargetFields, settings: ApiSettings, **flags: Any) -> ScanOptions:
    """ScanOptions for ``body``: the fields it sets and ``flags`` over the config file and environment."""
    values: dict[str, Any] = dict(flags)
    if body.transport is not None:
        values["transport"] = body.transport
    if isinstance(body, AnalysisFields):
        values.update(_analysis_flags(body, settings))
    with api_errors():
        options = resolve_options(values, env=os.environ, cwd=settings.scan_root)
    limits = options.limits.model_copy(
        update={"max_resource_bytes": min(options.limits.max_resource_bytes, settings.max_resource_bytes)}
    )
    return options.model_copy(update={
        "block_private_addresses": not settings.allow_private_targets,
        "bearer_token": body.bearer_token,
        "headers": {},
        "timeout": min(options.timeout, settings.scan_timeout_seconds),
        "request_timeout": min(options.request_timeout, settings.scan_timeout_seconds),
        "limits": limits,
        "save": False,
    })


_RENAMED = {"analyzer_filter": "analyzers", "min_category_score_v2": "min_category_score"}
_PASSED = ("analyzer_filter", "pip_audit", "protocol_probe", "scoring_mode", "min_security_score",
           "max_absolute_risk", "max_risk_level", "min_category_score_v2")


def _analysis_flags(body: AnalysisFields, settings: ApiSettings) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    for name in _PASSED:
        value = getattr(body, name)
        if name in body.model_fields_set and value is not None:
            flags[_RENAMED.get(name, name)] = tuple(value) if isinstance(value, list) else value
    with api_errors():
        for name in ("corpus_stats_path", "assets_path"):
            value = getattr(body, name)
            if value is not None:
                flags[name] = admit_path(value, settings, name)
        if body.weights_profile is not None:
            flags["weights_profile"] = admit_weights_profile(body.weights_profile, settings)
    return flags


def surfaces_for(own: Sequence[SurfaceName], requested: Sequence[SurfaceName] | None) -> tuple[SurfaceName, ...]:
    """The endpoint's own surfaces plus the requested ones, in canonical order (empty ``own``: all or requested)."""
    wanted = {*own, *(requested or ())}
    return tuple(s for s in SURFACE_NAMES if s in wanted)


def surface_flags(body: Any, own: Sequence[SurfaceName]) -> dict[str, Any]:
    """``surfaces`` and ``tool_filter`` flags of a request with surface fields."""
    flags: dict[str, Any] = {"surfaces": surfaces_for(own, body.surfaces) or None}
    if body.tool_filter is not None:
        flags["tool_filter"] = tuple(body.tool_filter)
    return flags


def resource_flags(body: Any) -> dict[str, Any]:
    """Resource endpoints read contents, within the MIME allowlist and the size cap."""
    flags: dict[str, Any] = {"read_resources": True}
    if body.resource_mime_allowlist is not None:
        flags["resource_mime_allowlist"] = tuple(body.resource_mime_allowlist)
    return flags


def secrets_of(body: TargetFields, settings: ApiSettings) -> tuple[str, ...]:
    """Strings that must never appear in a response: the caller's bearer token and the server's API keys."""
    keys = tuple(k.get_secret_value() for k in settings.api_keys())
    token = (body.bearer_token.get_secret_value(),) if body.bearer_token is not None else ()
    return (*token, *keys)


# Reports to responses


def item_names(report: ScanReport, kind: ItemKind) -> list[str]:
    """Names (URIs for resources and templates) of the items of ``kind`` in the report's inventory."""
    inventory = report.inventory
    if kind == "tool":
        return [t.name for t in inventory.tools]
    if kind == "prompt":
        return [p.name for p in inventory.prompts]
    if kind == "resource":
        return [r.uri for r in inventory.resources]
    return [t.uri_template for t in inventory.resource_templates]


class FindingIndex:
    """Findings by item; tool-chain findings of the whole server (toxic flows) go to every tool they name."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self._by_item: dict[tuple[Surface, str], list[Finding]] = {}
        self._chains: list[Finding] = []
        for finding in findings:
            where = finding.location
            if where.item is not None:
                self._by_item.setdefault((where.surface, where.item), []).append(finding)
            elif where.surface is Surface.SERVER and where.field == "tools":
                self._chains.append(finding)

    def of(self, kind: ItemKind, name: str) -> tuple[Finding, ...]:
        """The findings of one item, in report order."""
        own = self._by_item.get((SURFACES_OF[kind], name), [])
        if kind != "tool" or not self._chains:
            return tuple(own)
        named = re.compile(rf"(?<![\w.-]){re.escape(escape_text(name))}(?![\w.-])")
        return (*own, *(f for f in self._chains if named.search(f.evidence)))


def item_result(index: FindingIndex, kind: ItemKind, name: str) -> ItemResult:
    """One item's findings, summary and most severe finding."""
    findings = index.of(kind, name)
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=None)
    return ItemResult(kind=kind, name=name, findings=findings, summary=Summary.of(findings), max_severity=worst)


async def restrict(report: ScanReport, kinds: Sequence[ItemKind], name: str, options: ScanOptions,
                   cwd: Path) -> ScanReport:
    """The report of one item (its findings, an inventory holding only it) finalized again; 404 if absent."""
    kind = next((k for k in kinds if name in item_names(report, k)), None)
    if kind is None:
        raise ApiError(404, "not_found", _unknown_item(report, kinds, name, cwd))
    inventory = report.inventory
    keep = {k: k == kind for k in SURFACES_OF}
    restricted = inventory.with_items(
        tools=tuple(t for t in inventory.tools if keep["tool"] and t.name == name),
        prompts=tuple(p for p in inventory.prompts if keep["prompt"] and p.name == name),
        resources=tuple(r for r in inventory.resources if keep["resource"] and r.uri == name),
        resource_templates=tuple(
            t for t in inventory.resource_templates if keep["resource_template"] and t.uri_template == name
        ),
        instructions=None,
    )
    findings = FindingIndex(report.findings).of(kind, name)
    single = report.model_copy(update={"inventory": restricted, "findings": findings})
    with api_errors():
        return await anyio.to_thread.run_sync(finalize, single, options, cwd)


def _unknown_item(report: ScanReport, kinds: Sequence[ItemKind], name: str, scan_root: Path) -> str:
    names = [n for k in kinds for n in item_names(report, k)]
    what = " or ".join(k.replace("_", " ") for k in kinds)
    shown = ", ".join(f"'{escape_text(n, limit=80)}'" for n in names[:NAMES_SHOWN])
    more = f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    listed = f"it lists {len(names)}: {shown}{more}" if names else "it lists none"
    reasons = "; ".join(report.status_reasons)[:300]
    incomplete = f" (the scan was incomplete: {reasons})" if reasons else ""
    target = shown_target(report.target.kind, report.target.value, scan_root)
    return f"no {what} '{escape_text(name, limit=200)}' on {target}: {listed}{incomplete}"


def fanout(report: ScanReport, kinds: Sequence[ItemKind], body: Any, cap: int) -> dict[str, Any]:
    """The batch fields of a response: one page of per-item results and how to get the rest."""
    index = FindingIndex(report.findings)
    results = [item_result(index, kind, name) for kind in kinds for name in item_names(report, kind)]
    visible = [r for r in results if r.summary.total > 0] if body.hide_safe else results
    limit = min(body.fanout_limit or cap, cap)
    offset = body.fanout_offset
    page = visible[offset : offset + limit]
    truncated = offset + len(page) < len(visible)
    warning = None
    if truncated:
        capped = f" (pages hold at most {cap} items: the server's MCTS_API_MAX_FANOUT_ITEMS)" if (
            body.fanout_limit or 0) > cap else ""
        warning = (f"{len(visible)} items; this page holds items {offset + 1} to {offset + len(page)}{capped}; ask "
                   f"again with fanout_offset={offset + len(page)} for the next page")
    return {
        "items": [r.model_dump(mode="json", exclude_none=True) for r in page],
        "total_items": len(visible), "safe_items_hidden": len(results) - len(visible),
        "fanout_offset": offset, "fanout_limit": limit, "truncated": truncated, "truncation_warning": warning,
    }


def report_response(report: ScanReport, options: ScanOptions, settings: ApiSettings, secrets: Sequence[str],
                    extra: dict[str, Any] | None = None) -> Response:
    """The JSON response: the report as ``mcts scan -f json`` prints it, the scoring mode, and ``extra`` fields."""
    data = report.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["target"]["value"] = shown_target(report.target.kind, report.target.value, settings.scan_root)
    data["scoring_mode"] = options.scoring_mode
    if report.score_v2 is not None:
        data["scoring_version"] = report.score_v2.scoring_version
    data.update({k: v for k, v in (extra or {}).items() if v is not None})
    return json_response(data, secrets)


def json_response(data: dict[str, Any], secrets: Sequence[str], status: int = 200) -> Response:
    """Compact ASCII JSON (a server's control characters stay escaped) with every secret scrubbed."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return Response(scrub(text, secrets), status_code=status, media_type="application/json")


def shown_target(kind: str, value: str, scan_root: Path) -> str:
    """Paths under the scan root are shown relative to it: callers need not learn the server's file layout."""
    if kind not in {"source", "snapshot", "client-config"}:
        return value
    try:
        relative = Path(value).resolve().relative_to(scan_root.resolve())
    except (ValueError, OSError):
        return value
    return relative.as_posix() or "."
