"""The analyzer contract: declare metadata once, override the hooks for the data you inspect.

An analyzer subclasses ``Analyzer`` in its own module in this package; the registry finds it. It declares
``id``, ``title``, ``techniques`` (ids from ``taxonomy/techniques.yaml``) and default ``severity`` and
``confidence``, and builds every finding with ``self.finding(...)``, which fills that metadata in, escapes
the evidence and computes a stable id. ``load`` may raise ``SkipAnalyzer`` with a reason (a missing
dependency, no configuration): the report shows it as skipped. Anything an analyzer raises while running
marks it failed and the scan incomplete; it never turns into "no findings".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from mcts.collect.result import SourceFiles
from mcts.model.finding import Confidence, Finding, Location, Severity, SourceRef, finding_id
from mcts.model.inventory import Inventory, JsonObject, Prompt, Resource, ResourceTemplate, Tool
from mcts.options import ScanOptions
from mcts.taxonomy import load_taxonomy
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

EVIDENCE_LIMIT = 600
Stage = Literal["inventory", "probe", "history"]


class SkipAnalyzer(Exception):
    """Raised by ``Analyzer.load`` when the analyzer cannot or need not run; the message is the reason."""


class AnalyzerIncomplete(Exception):
    """Raised by an analyzer that could not finish its work (an audit that could not run, say).

    The analyzer is reported failed, so the scan is incomplete and never clean, and ``findings`` (what it did
    find, including a finding that says what it could not do) are kept in the report.
    """

    def __init__(self, reason: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(reason)
        self.findings = tuple(findings)


@dataclass(frozen=True)
class AnalyzerContext:
    """What an analyzer may know about the scan besides the inventory."""

    options: ScanOptions
    target_kind: str
    files: SourceFiles | None = None  # the files a source scan read (handlers, manifests); None for other targets


class Analyzer:
    """Base class of every analyzer. Override only the ``check_*`` hooks you need."""

    id: ClassVar[str]
    title: ClassVar[str]
    techniques: ClassVar[tuple[str, ...]]
    severity: ClassVar[Severity] = Severity.MEDIUM
    confidence: ClassVar[Confidence] = Confidence.MEDIUM
    stage: ClassVar[Stage] = "inventory"
    """``inventory``: run by the engine over every inventory. ``probe`` (the protocol probe, over HTTP) and
    ``history`` (change detection against a baseline) build their findings elsewhere with this class's
    metadata; the registry lists them for documentation and the taxonomy, the engine does not run them."""

    def __init__(self, context: AnalyzerContext) -> None:
        self.context = context
        self.metrics: dict[str, float] = {}  # counters shown in the report's analyzer run (calls, tokens, …)
        self.attachments: dict[str, list[JsonObject]] = {}  # structured output besides findings

    @classmethod
    def time_budget(cls, options: ScanOptions) -> float:
        """Seconds this analyzer may run in one scan (``analyzer_timeout``; the LLM judge has its own)."""
        return options.analyzer_timeout

    @classmethod
    def load(cls, context: AnalyzerContext) -> Self:
        """Build the analyzer for one scan; raise ``SkipAnalyzer(reason)`` if it should not run."""
        return cls(context)

    # Hooks: each returns the findings for one piece of the inventory.
    def check_inventory(self, inventory: Inventory) -> Iterable[Finding]:
        """Look at the whole inventory (cross-item checks: shadowing, duplicates, …)."""
        return ()

    def check_text(self, location: Location, text: str) -> Iterable[Finding]:
        """Look at one string from ``Inventory.texts()``: called for every string a model could read."""
        return ()

    def check_tool(self, tool: Tool) -> Iterable[Finding]:
        """Look at one tool."""
        return ()

    def check_prompt(self, prompt: Prompt) -> Iterable[Finding]:
        """Look at one prompt."""
        return ()

    def check_resource(self, resource: Resource) -> Iterable[Finding]:
        """Look at one resource."""
        return ()

    def check_resource_template(self, template: ResourceTemplate) -> Iterable[Finding]:
        """Look at one resource template."""
        return ()

    def check_instructions(self, instructions: str) -> Iterable[Finding]:
        """Look at the server's instructions."""
        return ()

    def analyze(self, inventory: Inventory) -> list[Finding]:
        """Run every hook this analyzer overrides over ``inventory``; findings are deduplicated by id."""
        findings: dict[str, Finding] = {}
        for finding in self._run_hooks(inventory):
            findings.setdefault(finding.id, finding)
        return list(findings.values())

    def _run_hooks(self, inventory: Inventory) -> Iterator[Finding]:
        if self._overrides("check_inventory"):
            yield from self.check_inventory(inventory)
        if self._overrides("check_text"):
            for location, text in inventory.texts():
                yield from self.check_text(location, text)
        per_item: list[tuple[str, Iterable[object], Callable[..., Iterable[Finding]]]] = [
            ("check_tool", inventory.tools, self.check_tool),
            ("check_prompt", inventory.prompts, self.check_prompt),
            ("check_resource", inventory.resources, self.check_resource),
            ("check_resource_template", inventory.resource_templates, self.check_resource_template),
        ]
        for hook, items, check in per_item:
            if self._overrides(hook):
                for item in items:
                    yield from check(item)
        if self._overrides("check_instructions") and inventory.instructions:
            yield from self.check_instructions(inventory.instructions)

    def _overrides(self, hook: str) -> bool:
        return getattr(type(self), hook) is not getattr(Analyzer, hook)

    def finding(
        self,
        location: Location,
        evidence: str,
        *,
        title: str | None = None,
        technique: str | None = None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        detail: str | None = None,
        source: SourceRef | None = None,
    ) -> Finding:
        """Build a finding carrying this analyzer's metadata; ``evidence`` is escaped and secrets in it masked."""
        techniques = (technique,) if technique else self.techniques
        shown = escape_text(redact_secrets(evidence), limit=EVIDENCE_LIMIT)
        taxonomy = load_taxonomy()
        owasp = dict.fromkeys(key for t in techniques for key in taxonomy.technique(t).owasp)
        return Finding(
            id=finding_id(self.id, location, shown),
            analyzer=self.id,
            techniques=techniques,
            owasp=tuple(owasp),
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            location=location,
            title=title or self.title,
            evidence=shown,
            detail=escape_text(redact_secrets(detail)) if detail else None,
            remediation=taxonomy.technique(techniques[0]).remediation,
            source=source,
        )
