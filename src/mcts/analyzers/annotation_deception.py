"""Annotation deception: tool annotations that claim a safer tool than its name and description describe.

**Threat.** MCP tool annotations are hints a client uses to decide whether to ask the user before a call:
``readOnlyHint: true`` says the tool changes nothing, ``destructiveHint: false`` that it only adds,
``openWorldHint: false`` that it does not reach outside systems. A server that marks ``delete_repository``
or ``run_shell_command`` as read-only gets it auto-approved by clients that trust the hint. The spec says
annotations are untrusted unless the server is; this analyzer checks them against what the tool's own name,
description and schema say it does (see the capability classifier).

Severity follows the evidence: ``readOnlyHint: true`` on a tool whose name or leading description verbs say
it deletes, overwrites or executes is HIGH; one that writes or sends is MEDIUM; when only the input schema
or a passing phrase suggests it, LOW. ``destructiveHint: false`` on an explicitly destructive tool (delete,
drop, wipe, kill, overwrite) or one that runs arbitrary commands is MEDIUM, weaker evidence LOW;
``openWorldHint: false`` on a tool that fetches the web or sends messages is LOW. Annotations that are not
booleans are ignored (the spec defines booleans; a client cannot rely on anything else).

**Example.** A tool ``delete_file``, described as "Delete a file from the workspace.", annotated
``readOnlyHint: true`` (HIGH): a client may run it without asking.

**Fix.** Make the annotations match the behaviour: ``readOnlyHint: false`` for anything that changes state,
``destructiveHint: true`` for deletes and overwrites, ``openWorldHint: true`` for tools that reach the
network. Clients should not auto-approve calls on annotations from servers they have not vetted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mcts.analyzers._capabilities import Capability, Reason, Source, Strength, ToolCapabilities, classify
from mcts.analyzers.base import Analyzer
from mcts.model.finding import Confidence, Finding, Location, Severity, Surface
from mcts.model.inventory import Tool

_PLAIN = (Source.NAME, Source.DESCRIPTION)  # what the tool plainly says it does
_HINTED = (Source.MENTION, Source.SCHEMA)  # weaker: a passing phrase, a schema property
_CHANGES = (Capability.DESTRUCTIVE, Capability.EXECUTE, Capability.EGRESS, Capability.WRITE)
_SEVERE = (Capability.DESTRUCTIVE, Capability.EXECUTE)
_VERB = {
    Capability.DESTRUCTIVE: "deletes or overwrites",
    Capability.EXECUTE: "executes commands or code",
    Capability.WRITE: "changes state",
    Capability.EGRESS: "sends data out",
    Capability.UNTRUSTED_INPUT: "reaches the open web or outside content",
}


class AnnotationDeceptionAnalyzer(Analyzer):
    """Reports readOnlyHint / destructiveHint / openWorldHint values the tool's own words contradict."""

    id = "annotations"
    title = "Tool annotations contradict what the tool does"
    techniques = ("annotation-deception",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM

    def check_tool(self, tool: Tool) -> Iterator[Finding]:
        """At most one finding per contradicted annotation."""
        annotations = tool.annotations
        if not isinstance(annotations, Mapping) or not annotations:
            return
        caps = classify(tool)
        read_only = annotations.get("readOnlyHint") is True
        if read_only:
            yield from self._read_only(tool, caps)
        elif annotations.get("destructiveHint") is False:
            yield from self._not_destructive(tool, caps)
        if annotations.get("openWorldHint") is False:
            yield from self._closed_world(tool, caps)

    def _read_only(self, tool: Tool, caps: ToolCapabilities) -> Iterator[Finding]:
        severe = _evidence(caps, _SEVERE, _PLAIN, Strength.MEDIUM)
        if severe is not None:
            sure = Confidence.HIGH if severe.strength is Strength.STRONG else Confidence.MEDIUM
            yield self._finding(tool, "readOnlyHint", True, severe, Severity.HIGH, sure)
            return
        plain = _evidence(caps, (Capability.EGRESS, Capability.WRITE), _PLAIN, Strength.MEDIUM)
        if plain is not None:
            yield self._finding(tool, "readOnlyHint", True, plain, Severity.MEDIUM, Confidence.MEDIUM)
            return
        hinted = _evidence(caps, _CHANGES, _HINTED, Strength.WEAK)
        if hinted is not None:
            yield self._finding(tool, "readOnlyHint", True, hinted, Severity.LOW, Confidence.LOW)

    def _not_destructive(self, tool: Tool, caps: ToolCapabilities) -> Iterator[Finding]:
        plain = _evidence(caps, _SEVERE, _PLAIN, Strength.STRONG)
        if plain is not None:
            yield self._finding(tool, "destructiveHint", False, plain, Severity.MEDIUM, Confidence.MEDIUM)
            return
        hinted = (_evidence(caps, (Capability.DESTRUCTIVE,), _PLAIN, Strength.MEDIUM)
                  or _evidence(caps, _SEVERE, (Source.MENTION,), Strength.STRONG))
        if hinted is not None:
            yield self._finding(tool, "destructiveHint", False, hinted, Severity.LOW, Confidence.LOW)

    def _closed_world(self, tool: Tool, caps: ToolCapabilities) -> Iterator[Finding]:
        reach = (Capability.EGRESS, Capability.UNTRUSTED_INPUT)
        found = _evidence(caps, reach, (*_PLAIN, Source.MENTION), Strength.STRONG)
        if found is not None:
            yield self._finding(tool, "openWorldHint", False, found, Severity.LOW, Confidence.LOW)

    def _finding(self, tool: Tool, hint: str, claimed: bool, reason: Reason, severity: Severity,
                 confidence: Confidence) -> Finding:
        value = "true" if claimed else "false"
        return self.finding(
            Location(surface=Surface.TOOL, item=tool.name, field=f"annotations.{hint}"),
            f"{hint}: {value}; {reason.source.value} says it {_VERB[reason.capability]}: {reason.word!r}",
            title=f"{hint}: {value} on a tool that {_VERB[reason.capability]}",
            technique="annotation-deception",
            severity=severity,
            confidence=confidence,
            detail=f"The tool's {reason.source.value} ({reason.word!r}) says it {_VERB[reason.capability]}, "
                   f"but its annotations claim {hint}={value}; a client trusting the hint may skip confirmation.",
        )


def _evidence(caps: ToolCapabilities, capabilities: tuple[Capability, ...], sources: tuple[Source, ...],
              minimum: Strength) -> Reason | None:
    """The strongest reason for any of ``capabilities`` from ``sources`` at ``minimum`` strength or more."""
    best: Reason | None = None
    for capability in capabilities:  # earlier capabilities win ties: destructive before write
        for reason in caps.reasons_for(capability, sources):
            if reason.strength >= minimum and (best is None or reason.strength > best.strength):
                best = reason
    return best


__all__ = ["AnnotationDeceptionAnalyzer"]
