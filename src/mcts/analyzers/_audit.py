"""Known-vulnerability audits through ``pip-audit`` and ``npm audit``, run only when the operator asks.

Each tool runs without a shell, under a deadline, in a fresh temporary directory holding only what it needs (a
requirements file of exact pins, or a copy of package.json and its lockfile): never in the scanned tree, so
a project's ``.npmrc`` or ``pip.conf`` cannot redirect it, and never installing anything, so no package code
runs. Its environment keeps only what reaching a registry needs (PATH, HOME, locale, proxies, CA bundles),
never tokens or keys. An audit that cannot run raises ``AuditError`` with the reason; one that ran but
skipped packages returns them in ``AuditResult.skipped``: neither may be read as "no known vulnerabilities".
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcts.analyzers.base import AnalyzerIncomplete

_ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "HTTP_PROXY",
             "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR",
             "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")
_OUTPUT_CAP = 32 * 1024 * 1024


class AuditError(Exception):
    """An audit that could not run or whose output could not be read; the message is the reason."""


class AuditIncomplete(AnalyzerIncomplete):
    """Raised by the analyzer after an audit was unavailable or partial; carries the findings made before it.

    The engine marks the analyzer failed (the scan is then incomplete, never clean) and keeps ``findings``.
    """


@dataclass(frozen=True, slots=True)
class Advisory:
    """One published vulnerability: its id, aliases, what fixes it and, from npm, its severity."""

    id: str
    aliases: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()
    summary: str = ""
    severity: str | None = None


@dataclass(frozen=True, slots=True)
class VulnerablePackage:
    """A dependency the audit matched to advisories; ``version`` is a version (pip) or a range (npm)."""

    name: str
    version: str
    advisories: tuple[Advisory, ...]
    severity: str | None = None
    fix: str = ""


@dataclass(frozen=True, slots=True)
class AuditResult:
    """What one audit run found, and which packages it could not look up (with the tool's reason)."""

    tool: str
    vulnerable: tuple[VulnerablePackage, ...]
    skipped: tuple[tuple[str, str], ...]
    audited: int


def scrubbed_env() -> dict[str, str]:
    """The current environment reduced to what reaching a registry needs: no tokens, keys or passwords."""
    return {key: os.environ[key] for key in _ENV_KEEP if key in os.environ}


def run_tool(argv: Sequence[str], cwd: Path, timeout: float) -> tuple[int, str, str]:
    """Run ``argv`` without a shell under ``timeout``; kill its whole process group when the time is up."""
    try:
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=scrubbed_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise AuditError(f"{argv[0]} could not be started: {exc.strerror or exc}") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise AuditError(f"{Path(argv[0]).name} did not finish within {timeout:g}s") from None
    return process.returncode, out[:_OUTPUT_CAP].decode("utf-8", "replace"), err[-65536:].decode("utf-8", "replace")


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()


def pip_audit_command() -> list[str] | None:
    """``pip-audit`` on PATH, else ``python -m pip_audit`` when this interpreter has it, else None."""
    found = shutil.which("pip-audit", path=os.environ.get("PATH"))
    if found:
        return [found]
    if importlib.util.find_spec("pip_audit") is not None:
        return [sys.executable, "-m", "pip_audit"]
    return None


def run_pip_audit(pins: Sequence[tuple[str, str]], timeout: float) -> AuditResult:
    """Audit exact ``(name, version)`` pins with pip-audit, without resolving or installing anything."""
    command = pip_audit_command()
    if command is None:
        raise AuditError("pip-audit is not installed (neither on PATH nor importable); install it with "
                         "'pip install pip-audit'")
    with tempfile.TemporaryDirectory(prefix="mcts-pip-audit-") as scratch:
        requirements = Path(scratch) / "requirements.txt"
        requirements.write_text("".join(f"{name}=={version}\n" for name, version in pins), encoding="utf-8")
        argv = [*command, "-r", str(requirements), "-f", "json", "--progress-spinner", "off", "--no-deps",
                "--disable-pip", "--desc", "on", "--aliases", "on", "--timeout", str(max(1, int(timeout / 2)))]
        code, out, err = run_tool(argv, Path(scratch), timeout)
    if code not in (0, 1):
        raise AuditError(f"pip-audit exited with status {code}: {_last_error(err)}")
    result = parse_pip_audit(out, stderr=err)
    asked = {_pep503(name) for name, _ in pins}
    seen = {_pep503(p.name) for p in result.vulnerable} | {_pep503(n) for n, _ in result.skipped}
    missing = tuple((name, "absent from pip-audit's output") for name in sorted(asked - seen - _clean_names(out)))
    return AuditResult(result.tool, result.vulnerable, result.skipped + missing, result.audited)


def parse_pip_audit(stdout: str, *, stderr: str = "") -> AuditResult:
    """Read pip-audit's JSON (``{"dependencies": [{"name", "version", "vulns": [...]}], "fixes": [...]}``)."""
    data = _json(stdout, "pip-audit", stderr)
    deps = data.get("dependencies")
    if not isinstance(deps, list):
        raise AuditError("pip-audit output has no 'dependencies' list (an older or unknown output format)")
    vulnerable: list[VulnerablePackage] = []
    skipped: list[tuple[str, str]] = []
    for dep in deps:
        if not isinstance(dep, dict) or not isinstance(dep.get("name"), str):
            raise AuditError("pip-audit output has a dependency without a name")
        if "skip_reason" in dep:
            skipped.append((dep["name"], str(dep["skip_reason"])))
            continue
        vulns = dep.get("vulns")
        if not isinstance(vulns, list):
            raise AuditError(f"pip-audit output for {dep['name']} has no 'vulns' list")
        advisories = tuple(_pip_advisory(v) for v in vulns if isinstance(v, dict))
        if advisories:
            vulnerable.append(VulnerablePackage(dep["name"], str(dep.get("version", "")), advisories))
    return AuditResult("pip-audit", tuple(vulnerable), tuple(skipped), len(deps) - len(skipped))


def _pip_advisory(vuln: dict[str, Any]) -> Advisory:
    return Advisory(
        id=str(vuln.get("id", "?")),
        aliases=tuple(str(a) for a in vuln.get("aliases") or () if isinstance(a, str)),
        fix_versions=tuple(str(v) for v in vuln.get("fix_versions") or () if isinstance(v, str)),
        summary=" ".join(str(vuln.get("description") or "").split())[:200],
    )


def run_npm_audit(package_json: str, lock_name: str, lock_text: str, timeout: float) -> AuditResult:
    """Audit one package-lock.json with ``npm audit --package-lock-only`` (nothing is installed)."""
    npm = shutil.which("npm", path=os.environ.get("PATH"))
    if npm is None:
        raise AuditError("npm is not installed (not on PATH)")
    with tempfile.TemporaryDirectory(prefix="mcts-npm-audit-") as scratch:
        Path(scratch, "package.json").write_text(package_json, encoding="utf-8")
        Path(scratch, lock_name).write_text(lock_text, encoding="utf-8")
        argv = [npm, "audit", "--json", "--package-lock-only", "--ignore-scripts", "--no-update-notifier"]
        code, out, err = run_tool(argv, Path(scratch), timeout)
    if code not in (0, 1):
        raise AuditError(f"npm audit exited with status {code}: {_last_error(err)}")
    return parse_npm_audit(out, stderr=err)


def parse_npm_audit(stdout: str, *, stderr: str = "") -> AuditResult:
    """Read ``npm audit --json`` (report version 2: ``{"vulnerabilities": {name: {...}}, "metadata": {...}}``)."""
    data = _json(stdout, "npm audit", stderr)
    if "statusCode" in data or ("message" in data and "vulnerabilities" not in data):
        raise AuditError(f"npm audit failed: the registry answered {str(data.get('message', '?'))[:200]}")
    error = data.get("error")
    if isinstance(error, dict) or "error" in data:
        detail = error if isinstance(error, dict) else {"summary": error}
        reason = f"{detail.get('code') or ''} {detail.get('summary') or ''}".strip() or "no reason given"
        raise AuditError(f"npm audit failed: {reason[:300]}")
    if "advisories" in data:
        raise AuditError("npm audit printed the old report format (npm 6); use npm 7 or later")
    table = data.get("vulnerabilities")
    if not isinstance(table, dict):
        raise AuditError("npm audit output has no 'vulnerabilities' object")
    vulnerable: list[VulnerablePackage] = []
    for name, body in sorted(table.items()):
        if not isinstance(body, dict):
            raise AuditError(f"npm audit output for {name} is not an object")
        vulnerable.append(_npm_package(str(name), body))
    totals = data.get("metadata", {}).get("dependencies", {}) if isinstance(data.get("metadata"), dict) else {}
    audited = totals.get("total", 0) if isinstance(totals, dict) else 0
    return AuditResult("npm audit", tuple(vulnerable), (), audited if isinstance(audited, int) else 0)


def _npm_package(name: str, body: dict[str, Any]) -> VulnerablePackage:
    advisories: list[Advisory] = []
    through: list[str] = []
    for via in body.get("via") or ():
        if isinstance(via, dict):
            url = str(via.get("url") or "")
            ident = url.rsplit("/", 1)[-1] if "/advisories/" in url else str(via.get("source", "?"))
            advisories.append(Advisory(id=ident, summary=str(via.get("title") or "")[:200],
                                       severity=str(via.get("severity") or "") or None))
        elif isinstance(via, str):
            through.append(via)
    if not advisories and through:
        advisories.append(Advisory(id="via " + ", ".join(sorted(set(through))), summary="a vulnerable dependency"))
    fix = body.get("fixAvailable")
    if isinstance(fix, dict):
        fix_text = f"{fix.get('name')}@{fix.get('version')}" + (" (major)" if fix.get("isSemVerMajor") else "")
    else:
        fix_text = "available" if fix is True else "none"
    return VulnerablePackage(name, str(body.get("range") or ""), tuple(advisories),
                             str(body.get("severity") or "") or None, fix_text)


def _json(stdout: str, tool: str, stderr: str) -> dict[str, Any]:
    if not stdout.strip():
        raise AuditError(f"{tool} printed nothing: {_last_error(stderr)}")
    try:
        data = json.loads(stdout)
    except ValueError:
        raise AuditError(f"{tool} output is not JSON: {stdout.strip()[:120]!r}") from None
    if not isinstance(data, dict):
        raise AuditError(f"{tool} output is not a JSON object")
    return data


def _clean_names(stdout: str) -> set[str]:
    """Names pip-audit listed with no vulnerabilities (looked up and clean)."""
    try:
        deps = json.loads(stdout).get("dependencies", [])
    except (ValueError, AttributeError):
        return set()
    return {_pep503(d["name"]) for d in deps if isinstance(d, dict) and isinstance(d.get("name"), str)}


def _pep503(name: str) -> str:
    return "-".join(name.lower().replace("_", "-").replace(".", "-").split("-"))


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["no error message"])[-1][:300]
