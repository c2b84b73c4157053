"""What the readiness checks look at, and the helpers they share to build results."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from mcts.model.finding import Severity
from mcts.model.inventory import Inventory
from mcts.model.readiness import CheckResult, CheckStatus
from mcts.model.report import Listing
from mcts.text.escape import escape_text

MAX_ITEMS_SHOWN = 200
"""Failing items kept per check; the detail always gives the full count."""


@dataclass(frozen=True)
class Subject:
    """A collected server, as the checks see it.

    ``listings`` is how each kind of item was listed (``pages`` is 0 for a snapshot, where it is unknown);
    ``credentials_sent`` is whether the operator reached the server with an Authorization or key header.
    """

    inventory: Inventory
    target_kind: str
    listings: Mapping[str, Listing] = field(default_factory=dict)
    credentials_sent: bool = False

    def unlisted(self, key: str) -> str | None:
        """Why ``key`` (tools, prompts, …) could not be listed at all, or ``None`` when it was."""
        listing = self.listings.get(key)
        if listing is not None and listing.status == "failed":
            return f"{key} could not be listed: {listing.error or 'unknown error'}"
        return None


@dataclass(frozen=True)
class Check:
    """A heuristic check: stable id, title, the severity of a failure, and the function that runs it."""

    id: str
    title: str
    severity: Severity
    run: Callable[[Subject, Check], CheckResult]


def result(
    check: Check,
    status: CheckStatus,
    detail: str,
    items: Iterable[str] = (),
    applicable: int = 0,
) -> CheckResult:
    """A result of ``check``; item names are escaped and at most ``MAX_ITEMS_SHOWN`` are kept."""
    names = list(items)
    shown = tuple(escape_text(name, limit=120) for name in names[:MAX_ITEMS_SHOWN])
    return CheckResult(id=check.id, title=check.title, severity=check.severity, status=status, detail=detail,
                       items=shown, failed=len(names), applicable=applicable)


def per_item(check: Check, failing: list[str], total: int, kind: str, problem: str, passed: str) -> CheckResult:
    """Pass when ``failing`` is empty; else fail naming how many of ``total`` ``kind`` items have ``problem``."""
    if not total:
        return result(check, CheckStatus.PASS, f"no {kind} listed")
    if not failing:
        return result(check, CheckStatus.PASS, passed.format(n=total), applicable=total)
    return result(check, CheckStatus.FAIL, f"{len(failing)} of {total} {kind} {problem}", failing, total)


def unavailable(check: Check, reason: str) -> CheckResult:
    """A result saying ``check`` could not be evaluated, and why."""
    return result(check, CheckStatus.UNAVAILABLE, reason)
