"""Rego policies over a readiness input document, evaluated in-process with ``regopy`` (the ``mcts[opa]`` extra).

A policy is a ``.rego`` file whose package defines ``violations``: a set of objects
``{"id": str, "severity": "critical"|"high"|"medium"|"low"|"info", "message": str, "item": str (optional)}``,
and optionally ``title`` (a string). Each package becomes one check, ``policy:<package>`` (without a leading
``mcts.readiness.``), that passes when ``violations`` is empty. The bundled policies live in
``mcts/rules/rego/``; ``--policy-dir`` adds the user's. All modules share one interpreter, so a user's
policies may import helpers from each other.

Without ``regopy`` installed every policy check is ``unavailable`` ("install mcts[opa]"), never passed. A file
that does not compile, or a package that fails or returns malformed violations, is a ``PolicyError`` naming
the file.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcts.errors import MctsError
from mcts.model.finding import Severity
from mcts.model.readiness import CheckResult, CheckStatus, PolicyViolation
from mcts.text.escape import escape_text

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "rules" / "rego"
INSTALL_HINT = "install mcts[opa] (pip install 'mcts[opa]') to evaluate Rego policies"
MAX_POLICY_BYTES = 1024 * 1024
_PACKAGE = re.compile(r"^[ \t]*package[ \t]+([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)[ \t]*(?:#.*)?$", re.MULTILINE)
_ID_PREFIX = "mcts.readiness."
_SEVERITIES = frozenset(s.value for s in Severity)


class PolicyError(MctsError):
    """A policy file cannot be read or compiled, or a policy fails or returns malformed violations."""


@dataclass(frozen=True)
class Policy:
    """One policy file and the package it declares."""

    path: Path
    package: str
    source: str

    @property
    def check_id(self) -> str:
        """The id of the check this policy's package reports as."""
        return "policy:" + self.package.removeprefix(_ID_PREFIX)


def load_regopy() -> Any | None:
    """The ``regopy`` module, or ``None`` when the ``opa`` extra is not installed."""
    try:
        return importlib.import_module("regopy")
    except ImportError:
        return None


def discover(dirs: Sequence[Path]) -> list[Policy]:
    """The ``*.rego`` files of ``dirs`` (not recursive, sorted by name), each with its package."""
    policies: list[Policy] = []
    for folder in dirs:
        if not folder.is_dir():
            raise PolicyError(f"policy directory {folder} does not exist or is not a directory")
        for path in sorted(folder.glob("*.rego")):
            policies.append(_read(path))
    return policies


def _read(path: Path) -> Policy:
    try:
        if path.stat().st_size > MAX_POLICY_BYTES:
            raise PolicyError(f"policy file {path} is larger than {MAX_POLICY_BYTES} bytes")
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from None
    match = _PACKAGE.search(source)
    if match is None:
        raise PolicyError(f"policy file {path} declares no package (expected e.g. 'package mcts.readiness.mine')")
    return Policy(path=path, package=match.group(1), source=source)


def unavailable_checks(policies: Sequence[Policy], reason: str = INSTALL_HINT) -> tuple[CheckResult, ...]:
    """One ``unavailable`` check per policy package: what would have been evaluated, and why it was not."""
    by_package = _by_package(policies)
    return tuple(
        CheckResult(id=group[0].check_id, title=_files(group), severity=Severity.INFO,
                    status=CheckStatus.UNAVAILABLE, detail=reason, source="policy")
        for group in by_package.values()
    )


def compile_policies(policies: Sequence[Policy], regopy: Any) -> Any:
    """An interpreter holding ``policies``; a file that does not parse is a ``PolicyError`` naming it."""
    interpreter = regopy.Interpreter()
    interpreter.log_level = regopy.LogLevel.NONE  # rego-cpp otherwise prints compile errors on stdout
    for policy in policies:
        try:
            interpreter.add_module(str(policy.path), policy.source)
        except regopy.RegoError as exc:
            raise PolicyError(f"policy file {policy.path} does not compile: {_first_error(str(exc))}") from None
    return interpreter


def evaluate(policies: Sequence[Policy], document: Mapping[str, Any], regopy: Any) -> tuple[CheckResult, ...]:
    """Compile ``policies`` into one interpreter and evaluate each package's ``violations`` on ``document``."""
    interpreter = compile_policies(policies, regopy)
    interpreter.set_input_term(json.dumps(document, ensure_ascii=False))
    out: list[CheckResult] = []
    for package, group in _by_package(policies).items():
        raw = _query(regopy, interpreter, f"data.{package}.violations", group)
        title = _query(regopy, interpreter, f"data.{package}.title", group)
        violations = _violations(raw, group)
        out.append(_check(group, title if isinstance(title, str) else None, violations))
    return tuple(out)


def _by_package(policies: Sequence[Policy]) -> dict[str, list[Policy]]:
    groups: dict[str, list[Policy]] = {}
    for policy in policies:
        groups.setdefault(policy.package, []).append(policy)
    return groups


def _files(group: Sequence[Policy]) -> str:
    return ", ".join(p.path.name for p in group)


def _query(regopy: Any, interpreter: Any, query: str, group: Sequence[Policy]) -> Any:
    """The value of ``query``, ``None`` when undefined; an evaluation error is a ``PolicyError``."""
    shared = importlib.import_module("regopy.rego_shared")
    output = shared.rego_query(interpreter._impl, query)  # the wrapper's Output loses the error text
    try:
        text = shared.rego_output_string(output)
        ok = shared.rego_output_ok(output)
    finally:
        shared.rego_free_output(output)
    if ok and text.strip() == "undefined":
        return None
    try:
        parsed = json.loads(text) if ok else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("expressions"), list):
        where = " / ".join(str(p.path) for p in group)
        raise PolicyError(f"policy {where} failed evaluating {query}: {_first_error(text)}")
    expressions = parsed["expressions"]
    return expressions[0] if expressions else None


def _first_error(text: str) -> str:
    messages = re.findall(r"\(errormsg \d+:([^)\n]*)", text)
    return "; ".join(dict.fromkeys(m.strip() for m in messages))[:500] or text.strip()[:500]


def _violations(raw: Any, group: Sequence[Policy]) -> tuple[PolicyViolation, ...]:
    where = " / ".join(str(p.path) for p in group)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise PolicyError(f"policy {where}: violations must be a set or array of objects, got {type(raw).__name__}")
    out: list[PolicyViolation] = []
    for entry in raw:
        out.append(_violation(entry, where))
    return tuple(sorted(out, key=lambda v: (-v.severity.rank, v.id, v.item or "", v.message)))


def _violation(entry: Any, where: str) -> PolicyViolation:
    if not isinstance(entry, dict):
        raise PolicyError(f"policy {where}: a violation must be an object with id, severity and message")
    ident, severity, message, item = (entry.get(k) for k in ("id", "severity", "message", "item"))
    if not isinstance(ident, str) or not ident or not isinstance(message, str):
        raise PolicyError(f"policy {where}: a violation needs a string id and message, got {escape_text(str(entry))}")
    if not isinstance(severity, str) or severity.lower() not in _SEVERITIES:
        raise PolicyError(f"policy {where}: violation {escape_text(ident)} has severity {severity!r}; "
                          f"use one of {', '.join(s.value for s in Severity)}")
    return PolicyViolation(id=escape_text(ident, limit=80), severity=Severity(severity.lower()),
                           message=escape_text(message, limit=500),
                           item=escape_text(item, limit=120) if isinstance(item, str) else None)


def _check(group: Sequence[Policy], title: str | None, violations: tuple[PolicyViolation, ...]) -> CheckResult:
    shown_title = escape_text(title, limit=200) if title else _files(group)
    if not violations:
        return CheckResult(id=group[0].check_id, title=shown_title, severity=Severity.INFO, status=CheckStatus.PASS,
                           detail="no violations", source="policy")
    worst = max((v.severity for v in violations), key=lambda s: s.rank)
    items = tuple(dict.fromkeys(v.item for v in violations if v.item))
    detail = "; ".join(f"{v.id}: {v.message}" for v in violations[:5])
    if len(violations) > 5:
        detail += f"; … {len(violations) - 5} more"
    return CheckResult(id=group[0].check_id, title=shown_title, severity=worst, status=CheckStatus.FAIL,
                       detail=detail, items=items[:200], source="policy", violations=violations)
