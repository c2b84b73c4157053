"""The heuristic readiness checks: server-wide ones here, per-tool ones in ``tool_checks``; ``run_checks`` runs all.

Ids are stable: a check keeps its id for ever, and a retired id is never reused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcts.model.finding import Severity
from mcts.model.readiness import CheckResult, CheckStatus
from mcts.readiness.subject import Check, Subject, per_item, result, unavailable
from mcts.readiness.tool_checks import TOOL_CHECKS

MAX_TOOLS = 50
"""More tools than this crowd an agent's context and exceed several clients' tool limits."""
PAGE_THRESHOLD = 100
"""A listing longer than this should be paginated (``nextCursor``)."""
_PLACEHOLDER_VERSIONS = frozenset({"", "0", "0.0.0", "unknown", "none", "null", "n/a", "undefined", "version"})
_AUTH_HINTS = re.compile(
    r"\b(?:o?auth(?:entication|enticate[sd]?|orization|orize[sd]?|orisation|2(?:\.\d)?)?|bearer|api[ _-]?keys?|"
    r"access[ _-]?tokens?|credentials?|sign[ _-]?in|log[ _-]?in|login)\b",
    re.IGNORECASE,
)


def other_descriptions(subject: Subject, check: Check) -> CheckResult:
    """RDY003: prompts, resources and resource templates are described too."""
    inv = subject.inventory
    reasons = [r for key in ("prompts", "resources", "resourceTemplates") if (r := subject.unlisted(key))]
    items = [
        *(f"prompt:{p.name}" for p in inv.prompts if not (p.description or "").strip()),
        *(f"resource:{r.uri}" for r in inv.resources if not (r.description or "").strip()),
        *(f"template:{t.uri_template}" for t in inv.resource_templates if not (t.description or "").strip()),
    ]
    total = len(inv.prompts) + len(inv.resources) + len(inv.resource_templates)
    if reasons and not total:
        return unavailable(check, "; ".join(reasons))
    return per_item(check, items, total, "prompts, resources and templates", "have no description",
                    "all {n} prompts, resources and templates are described")


def _auth_text(subject: Subject) -> Iterator[str]:
    inv = subject.inventory
    if inv.instructions:
        yield inv.instructions
    if inv.server_info is not None:
        yield from (v for v in (inv.server_info.description, inv.server_info.title) if v)
    for tool in inv.tools:
        if tool.description:
            yield tool.description


def auth_documented(subject: Subject, check: Check) -> CheckResult:
    """RDY050: an HTTP server is reached with credentials or says how to authenticate (snapshots: when documented)."""
    if subject.target_kind == "stdio":
        return result(check, CheckStatus.PASS, "not applicable: a stdio server is not network-exposed")
    if subject.credentials_sent and subject.target_kind == "http":
        return result(check, CheckStatus.PASS, "the server was reached with credentials (Authorization or key header)")
    for text in _auth_text(subject):
        match = _AUTH_HINTS.search(text[:100_000])
        if match:
            return result(check, CheckStatus.PASS, f"the server documents authentication ({match.group(0)!r})")
    if subject.target_kind != "http":
        return unavailable(check, f"a {subject.target_kind} does not say whether the server is network-exposed, and "
                           "documents no authentication; check the live URL")
    return result(check, CheckStatus.FAIL, "an HTTP server answered without credentials and documents no "
                  "authentication (OAuth, bearer token, API key) in its instructions, serverInfo or tools")


def version_info(subject: Subject, check: Check) -> CheckResult:
    """RDY060: ``serverInfo`` names the server and a real version."""
    info = subject.inventory.server_info
    if info is None:
        if subject.target_kind == "snapshot":
            return unavailable(check, "the snapshot holds no serverInfo (a bare tool list?)")
        return result(check, CheckStatus.FAIL, "the server sent no serverInfo")
    missing = [what for what, value in (("name", info.name), ("version", info.version)) if not (value or "").strip()]
    if missing:
        return result(check, CheckStatus.FAIL, f"serverInfo has no {' or '.join(missing)}")
    if (info.version or "").strip().lower().lstrip("v") in _PLACEHOLDER_VERSIONS:
        return result(check, CheckStatus.FAIL, f"serverInfo.version {info.version!r} is a placeholder")
    return result(check, CheckStatus.PASS, "serverInfo gives a name and a version")


def pagination(subject: Subject, check: Check) -> CheckResult:
    """RDY070: listings longer than ``PAGE_THRESHOLD`` items come in pages."""
    counts = subject.inventory.counts()
    large = {key: n for key, n in counts.items() if n > PAGE_THRESHOLD}
    if not large:
        return result(check, CheckStatus.PASS, f"no listing is longer than {PAGE_THRESHOLD} items")
    unknown = [key for key in large if (subject.listings.get(key) is None or not subject.listings[key].pages)]
    if unknown:
        return unavailable(check, f"{', '.join(unknown)}: page counts are unknown (snapshot); scan the live server")
    single = [f"{key} ({large[key]} items)" for key in large if subject.listings[key].pages == 1]
    if single:
        return result(check, CheckStatus.FAIL, f"returned in a single page: {', '.join(single)}; use nextCursor",
                      single, len(large))
    return result(check, CheckStatus.PASS, "long listings are paginated", applicable=len(large))


def tool_count(subject: Subject, check: Check) -> CheckResult:
    """RDY080: the server exposes at most ``MAX_TOOLS`` tools."""
    if reason := subject.unlisted("tools"):
        return unavailable(check, reason)
    count = len(subject.inventory.tools)
    if count > MAX_TOOLS:
        return result(check, CheckStatus.FAIL, f"{count} tools (more than {MAX_TOOLS}): split the server or let "
                      "clients enable groups of tools", applicable=count)
    return result(check, CheckStatus.PASS, f"{count} tools", applicable=count)


CHECKS: tuple[Check, ...] = (
    *TOOL_CHECKS,
    Check("RDY003", "Prompts and resources are described", Severity.LOW, other_descriptions),
    Check("RDY050", "Authentication is documented (HTTP servers)", Severity.HIGH, auth_documented),
    Check("RDY060", "The server reports its name and version", Severity.MEDIUM, version_info),
    Check("RDY070", "Large listings are paginated", Severity.LOW, pagination),
    Check("RDY080", "The tool count is reasonable", Severity.MEDIUM, tool_count),
)
"""Every heuristic check, in report order (per-tool checks first)."""


def run_checks(subject: Subject) -> tuple[CheckResult, ...]:
    """Run every heuristic check on ``subject``, sorted by id."""
    return tuple(sorted((check.run(subject, check) for check in CHECKS), key=lambda r: r.id))
