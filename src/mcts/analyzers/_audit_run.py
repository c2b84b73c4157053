"""Turn a tree's manifests into audit runs and the runs' results into findings.

pip-audit gets exact pins: a Python lockfile's registry packages, else the exact pins of the manifests.
Anything it cannot look up (an open version, a git or URL dependency, a package the index does not know)
is listed as not audited. npm audit runs once per ``package-lock.json`` (or ``npm-shrinkwrap.json``) next to
its ``package.json``; a package.json with dependencies and no such lockfile cannot be audited. Build
requirements (``[build-system] requires``) and the tree's own local packages are not audited.
"""

from __future__ import annotations

import posixpath
import re
import time
from collections.abc import Callable, Iterator

from mcts.analyzers._audit import AuditError, AuditResult, VulnerablePackage, run_npm_audit, run_pip_audit
from mcts.analyzers._manifest_tree import Tree
from mcts.analyzers._manifests import Ecosystem, Origin, Pin, Scope
from mcts.model.finding import Finding, Severity

MakeFinding = Callable[..., Finding]
_TECHNIQUE = "known-vulnerable-dependency"
_NPM_SEVERITY = {"critical": Severity.CRITICAL, "high": Severity.HIGH, "moderate": Severity.MEDIUM,
                 "low": Severity.LOW, "info": Severity.INFO}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


class AuditRunner:
    """Runs the requested audits within one time budget; ``incomplete`` collects why an audit fell short."""

    def __init__(self, make: MakeFinding, tree: Tree, budget: float) -> None:
        self.make = make
        self.tree = tree
        self.deadline = time.monotonic() + budget
        self.incomplete: list[str] = []

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left < 1.0:
            raise AuditError("the analyzer's time budget was used up before the audit could run")
        return left

    def _fail(self, tool: str, file: str | None, reason: str) -> Finding:
        self.incomplete.append(f"{tool} unavailable: {reason}")
        return self.make(file, 1, f"{tool} unavailable: {reason}", _TECHNIQUE, Severity.INFO,
                         f"{tool} unavailable: known vulnerabilities were not checked",
                         "The audit was requested but could not run; the scan is incomplete.")

    def _partial(self, tool: str, file: str | None, skipped: list[tuple[str, str]]) -> Finding:
        names = ", ".join(f"{name} ({why})" for name, why in skipped[:30])
        more = f" and {len(skipped) - 30} more" if len(skipped) > 30 else ""
        self.incomplete.append(f"{tool} partial: {len(skipped)} package(s) not audited")
        return self.make(file, 1, f"not audited: {names}{more}", _TECHNIQUE, Severity.INFO,
                         f"{tool} partial: {len(skipped)} package(s) not audited",
                         "Known vulnerabilities of these packages were not checked; the scan is incomplete.")

    # -- pip-audit ------------------------------------------------------------------------------------------

    def pip(self) -> Iterator[Finding]:
        """Audit the Python dependencies; findings for vulnerable, unavailable and skipped packages."""
        pins, skipped, anchor = self._python_pins()
        if not pins and not skipped:
            yield self.make(anchor, 1, "pip-audit: no Python dependencies in the scanned tree", _TECHNIQUE,
                            Severity.INFO, "pip-audit: nothing to audit", "No Python manifest lists a dependency.")
            return
        results: list[AuditResult] = []
        try:
            for batch in _batches(pins):
                results.append(run_pip_audit(batch, self._remaining()))
        except AuditError as exc:
            yield self._fail("pip-audit", anchor, str(exc))
            return
        for result in results:
            skipped.extend(result.skipped)
            for package in result.vulnerable:
                yield self._vulnerable(Ecosystem.PYPI, package, None)
        if skipped:
            yield self._partial("pip-audit", anchor, skipped)

    def _python_pins(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str | None]:
        pins: dict[tuple[str, str], None] = {}
        skipped: list[tuple[str, str]] = []
        for package in self.tree.python_locked:
            if package.origin == "registry":
                pins[(package.name, package.version)] = None
            elif package.origin == "remote":
                skipped.append((package.name, "not from a package index"))
        locked = {_canonical(p.name) for p in self.tree.python_locked}
        deps = [d for d in self.tree.manifests.dependencies if d.ecosystem is Ecosystem.PYPI and d.scope is not
                Scope.BUILD]
        for dep in deps:
            if _canonical(dep.name) in locked:
                continue
            if dep.origin is Origin.REGISTRY and dep.pin is Pin.EXACT:
                pins[(dep.name, dep.spec.lstrip("=").strip())] = None
            elif dep.origin is Origin.REGISTRY:
                skipped.append((dep.name, f"version not pinned: {dep.spec or 'any'}"))
            elif dep.origin is not Origin.PATH:
                skipped.append((dep.name, "not from a package index"))
        files = [d.file for d in deps] + [p.file for p in self.tree.python_locked]
        return list(pins), _unique(skipped), (min(files) if files else None)

    # -- npm audit ------------------------------------------------------------------------------------------

    def npm(self) -> Iterator[Finding]:
        """Audit each npm lockfile; a package.json with dependencies and no npm lockfile is unavailable."""
        lock_dirs = [posixpath.dirname(lock) for lock in self.tree.npm_locks]
        for lock, entries in sorted(self.tree.npm_locks.items()):
            manifest = posixpath.join(posixpath.dirname(lock), "package.json")
            if manifest not in self.tree.package_jsons:
                yield self._fail("npm audit", lock, f"no package.json next to {lock}")
                continue
            try:
                result = run_npm_audit(self.tree.package_jsons[manifest], posixpath.basename(lock),
                                       self._lock_text(lock), self._remaining())
            except AuditError as exc:
                yield self._fail("npm audit", lock, f"{lock}: {exc}")
                continue
            for package in result.vulnerable:
                yield self._vulnerable(Ecosystem.NPM, package, lock)
            skipped = [(e.name, "not from the registry") for e in entries
                       if e.resolved and not e.resolved.lower().startswith(("https://", "http://"))]
            if skipped:
                yield self._partial("npm audit", lock, skipped)
        for manifest in sorted(self.tree.package_jsons):
            folder = posixpath.dirname(manifest)
            covered = any(not d or folder == d or folder.startswith(d + "/") for d in lock_dirs)
            has_deps = any(d.file == manifest for d in self.tree.manifests.dependencies)
            if has_deps and not covered:
                yield self._fail("npm audit", manifest, f"no package-lock.json for {manifest}: npm audit needs one "
                                 "(yarn.lock and pnpm-lock.yaml are not read, and mcts never installs to create one)")
        if not self.tree.package_jsons:
            yield self.make(None, 1, "npm audit: no package.json in the scanned tree", _TECHNIQUE,
                            Severity.INFO, "npm audit: nothing to audit", "No npm manifest lists a dependency.")

    def _lock_text(self, lock: str) -> str:
        from_tree = self.tree.lock_texts.get(lock)
        if from_tree is None:
            raise AuditError(f"{lock} could not be read")
        return from_tree

    # -- findings -------------------------------------------------------------------------------------------

    def _vulnerable(self, ecosystem: Ecosystem, package: VulnerablePackage, lock: str | None) -> Finding:
        file, line = self._where(ecosystem, package.name, lock)
        ids = ", ".join(a.id + (f" ({', '.join(a.aliases[:3])})" if a.aliases else "") for a in package.advisories)
        fixes = sorted({v for a in package.advisories for v in a.fix_versions})
        summary = "; ".join(a.summary for a in package.advisories if a.summary)[:400]
        fix = f"fixed in {', '.join(fixes)}" if fixes else (f"fix: {package.fix}" if package.fix else "no fix listed")
        severity = _NPM_SEVERITY.get(package.severity or "", Severity.MEDIUM)
        return self.make(file, line, f"{package.name} {package.version}: {ids}", _TECHNIQUE, severity,
                         f"Known vulnerability in {package.name} {package.version}".strip(),
                         f"{summary} ({fix})" if summary else fix)

    def _where(self, ecosystem: Ecosystem, name: str, lock: str | None) -> tuple[str, int]:
        wanted = _canonical(name)
        for dep in self.tree.manifests.dependencies:
            if dep.ecosystem is ecosystem and _canonical(dep.name) == wanted:
                return dep.file, dep.line
        for entry in self.tree.npm_locks.get(lock or "", ()):
            if entry.name == name:
                return entry.file, entry.line
        for package in self.tree.python_locked:
            if _canonical(package.name) == wanted:
                return package.file, 1
        return lock or "requirements.txt", 1


def _batches(pins: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Split pins so that no batch names a package twice (pip-audit refuses double requirements)."""
    batches: list[dict[str, tuple[str, str]]] = []
    for name, version in pins:
        key = _canonical(name)
        target = next((b for b in batches if key not in b), None)
        if target is None:
            target = {}
            batches.append(target)
        target[key] = (name, version)
    return [list(b.values()) for b in batches]


def _unique(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(items))
