"""From verdicts to findings: what the judge said is believed only when its quote is found in the item.

``Verdicts`` collects every verdict of a run (from the endpoint or the cache), decides for each whether it
is believed, and keeps a per-item account for the report (``attachments["verdicts"]``: what the Ramparts
surface shows as ``llm_analysis``). A believed verdict becomes a finding located on the field (and span) the
quote was found in, or on the description with the handler's file and line when the quote is from the
handler's code. Its severity is capped at high, its confidence at medium unless the quote was verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import JsonValue

from mcts.analyzers._llm_answer import IssueType, Verdict
from mcts.analyzers._llm_evidence import Grounded, ground
from mcts.analyzers._llm_items import JudgeItem
from mcts.model.finding import Confidence, Finding, Location, Severity, SourceRef
from mcts.model.inventory import JsonObject
from mcts.taxonomy import load_taxonomy
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

SEVERITY_CAP = Severity.HIGH
REASONING_SHOWN = 400

FindingBuilder = Callable[..., Finding]


@dataclass
class Verdicts:
    """Every verdict of one run, believed or not, and the findings made of the believed ones."""

    model: str
    build: FindingBuilder  # Analyzer.finding of the judge
    findings: dict[str, Finding] = field(default_factory=dict)
    accounts: list[JsonObject] = field(default_factory=list)
    rejected_quotes: int = 0
    rejected_verdicts: int = 0

    def add(self, item: JudgeItem, verdicts: list[Verdict], origin: str) -> None:
        """Judge ``verdicts`` on ``item`` (``origin``: ``endpoint`` or ``cache``) and keep the account."""
        shown: list[JsonValue] = []
        for verdict in verdicts:
            why_not = self._add_one(item, verdict)
            shown.append({
                "issue_type": verdict.issue_type.value,
                "severity": verdict.severity.value,
                "confidence": verdict.confidence.value,
                "evidence": _safe(verdict.evidence, 300),
                "reasoning": _safe(verdict.reasoning, REASONING_SHOWN),
                "believed": why_not is None and verdict.issue_type is not IssueType.NONE,
                "not_believed_because": why_not,
            })
        account: JsonObject = {"surface": item.surface.value, "item": item.key, "from": origin, "verdicts": shown}
        if item.part is not None:
            account["part"] = f"{item.part[0]} of {item.part[1]}"
        self.accounts.append(account)

    def _add_one(self, item: JudgeItem, verdict: Verdict) -> str | None:
        if verdict.issue_type is IssueType.NONE:
            return None
        if verdict.issue_type is IssueType.BEHAVIOUR_MISMATCH and item.handler is None:
            self.rejected_verdicts += 1
            return "behaviour-mismatch needs the handler's code, which was not sent for this item"
        grounded = ground(verdict.evidence, item)
        if grounded is None:
            self.rejected_quotes += 1
            return "the evidence quote does not occur in the item"
        finding = self._finding(item, verdict, grounded)
        held = self.findings.get(finding.id)
        if held is None or finding.severity.rank > held.severity.rank:
            self.findings[finding.id] = finding
        return None

    def _finding(self, item: JudgeItem, verdict: Verdict, grounded: Grounded) -> Finding:
        technique = load_taxonomy().technique(verdict.issue_type.value)
        severity = verdict.severity if verdict.severity.rank <= SEVERITY_CAP.rank else SEVERITY_CAP
        confidence = verdict.confidence
        if not grounded.verbatim and confidence is Confidence.HIGH:
            confidence = Confidence.MEDIUM
        path = grounded.field if grounded.field is not None else _described_field(item)
        location = Location(surface=item.surface, item=item.key, field=path, span=grounded.span)
        where = "" if grounded.source is None else f" (handler code, {grounded.source.file}:{grounded.source.line})"
        how = "quoted exactly" if grounded.verbatim else "quoted approximately"
        detail = f"the judge (model {self.model}) reports {technique.title.lower()}{where}, {how}: {verdict.reasoning}"
        source: SourceRef | None = grounded.source
        return self.build(location, grounded.text, title=f"LLM judge: {technique.title}",
                          technique=verdict.issue_type.value, severity=severity, confidence=confidence,
                          detail=detail[:800], source=source)


def _described_field(item: JudgeItem) -> str:
    paths = [f.path for f in item.fields]
    return "description" if "description" in paths else (paths[0] if paths else "name")


def _safe(text: str, limit: int) -> str:
    return escape_text(redact_secrets(text), limit=limit)
