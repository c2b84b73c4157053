"""Readiness checks on each tool: descriptions, names, input and output schemas, annotations, errors."""

from __future__ import annotations

import json
import re
from collections import Counter

from mcts.model.finding import Severity
from mcts.model.inventory import JsonObject, Tool
from mcts.model.readiness import CheckResult
from mcts.readiness.subject import Check, Subject, per_item, unavailable

MIN_DESCRIPTION_CHARS = 15
MIN_DESCRIPTION_WORDS = 3
MAX_NAME_CHARS = 128
_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_WORD = re.compile(r"[^\W_]+")
_TYPING_KEYS = ("type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const")
_ANNOTATION_HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
_ERROR_WORDS = re.compile(
    r"\b(?:errors?|fail(?:s|ed|ure|ures)?|exceptions?|invalid|not[ _-]?found|is_?error|raises?|throws?|"
    r"rejects?|rejected|returns? (?:null|none|nothing|an empty)|unless|if (?:the |no |it )\w+ (?:does not|doesn't)"
    r" exist)\b",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _properties(tool: Tool) -> JsonObject | None:
    """The tool's parameter schemas by name, or ``None`` when ``properties`` is not an object."""
    props = tool.input_schema.get("properties", {})
    return props if isinstance(props, dict) else None


def _described(text: str | None) -> bool:
    return bool(text and text.strip())


def _tools(subject: Subject, check: Check) -> CheckResult | None:
    """``None`` when the tools were listed; otherwise the unavailable result to return."""
    reason = subject.unlisted("tools")
    return unavailable(check, reason) if reason else None


def descriptions_present(subject: Subject, check: Check) -> CheckResult:
    """RDY001: every tool has a non-blank description."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if not _described(t.description)]
    return _tools(subject, check) or per_item(check, failing, len(tools), "tools", "have no description",
                                              "all {n} tools are described")


def _shallow(tool: Tool) -> bool:
    text = (tool.description or "").strip()
    if not text:
        return False  # RDY001 reports it
    words = _words(text)
    if words in (_words(tool.name), _words(tool.title or "")):
        return True
    return len(text) < MIN_DESCRIPTION_CHARS or len(words) < MIN_DESCRIPTION_WORDS


def descriptions_meaningful(subject: Subject, check: Check) -> CheckResult:
    """RDY002: descriptions say more than the name: not a copy of it, at least a short sentence."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if _shallow(t)]
    return _tools(subject, check) or per_item(
        check, failing, len(tools), "tools",
        f"have a description that repeats the name or is under {MIN_DESCRIPTION_WORDS} words / "
        f"{MIN_DESCRIPTION_CHARS} characters", "all {n} tool descriptions say more than the name")


def names_valid(subject: Subject, check: Check) -> CheckResult:
    """RDY004: tool names are unique, 1-128 characters of A-Z a-z 0-9 _ - . (the MCP naming guidance)."""
    tools = subject.inventory.tools
    seen = Counter(t.name for t in tools)
    failing = [name for name in seen if seen[name] > 1 or len(name) > MAX_NAME_CHARS or not _NAME.fullmatch(name)]
    return _tools(subject, check) or per_item(check, failing, len(seen), "tool names",
                                              "are duplicated or use characters clients reject",
                                              "all {n} tool names are unique and portable")


def _untyped(schema: JsonObject) -> bool:
    if schema.get("type") != "object":
        return True
    props = schema.get("properties", {})
    if not isinstance(props, dict):
        return True
    return any(not isinstance(p, dict) or not any(k in p for k in _TYPING_KEYS) for p in props.values())


def input_schemas_typed(subject: Subject, check: Check) -> CheckResult:
    """RDY010: each input schema is an object schema whose every parameter has a type."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if _untyped(t.input_schema)]
    return _tools(subject, check) or per_item(check, failing, len(tools), "tools",
                                              "have an input schema that is not an object or has untyped parameters",
                                              "all {n} input schemas are typed objects")


def _required_wrong(tool: Tool) -> bool:
    props = _properties(tool)
    if not props:
        return False  # no parameters: nothing to require (untyped schemas are RDY010's)
    required = tool.input_schema.get("required")
    if not isinstance(required, list):
        return True
    return any(not isinstance(name, str) or name not in props for name in required)


def required_declared(subject: Subject, check: Check) -> CheckResult:
    """RDY011: tools with parameters list the required ones (``required``, naming declared parameters)."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if _required_wrong(t)]
    return _tools(subject, check) or per_item(
        check, failing, len(tools), "tools",
        "take parameters but have no valid `required` list (use [] when all are optional)",
        "all {n} tools declare their required parameters")


def _undocumented_params(tool: Tool) -> bool:
    props = _properties(tool) or {}
    return any(not isinstance(p, dict) or not _described(str(p.get("description") or "")) for p in props.values())


def parameters_described(subject: Subject, check: Check) -> CheckResult:
    """RDY012: every parameter has a description."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if _undocumented_params(t)]
    return _tools(subject, check) or per_item(check, failing, len(tools), "tools", "have undescribed parameters",
                                              "every parameter of the {n} tools is described")


def output_schemas(subject: Subject, check: Check) -> CheckResult:
    """RDY020: tools declare an output schema, so clients can validate structured results."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if not isinstance(t.output_schema, dict) or not t.output_schema]
    return _tools(subject, check) or per_item(check, failing, len(tools), "tools", "declare no output schema",
                                              "all {n} tools declare an output schema")


def annotations_present(subject: Subject, check: Check) -> CheckResult:
    """RDY030: tools carry behaviour hints (readOnlyHint, destructiveHint, idempotentHint, openWorldHint)."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if not any(h in (t.annotations or {}) for h in _ANNOTATION_HINTS)]
    return _tools(subject, check) or per_item(check, failing, len(tools), "tools",
                                              "carry no behaviour hints (readOnlyHint, destructiveHint, …)",
                                              "all {n} tools carry behaviour hints")


def _errors_documented(tool: Tool) -> bool:
    if _ERROR_WORDS.search(tool.description or ""):
        return True
    if isinstance(tool.output_schema, dict) and tool.output_schema:
        return bool(_ERROR_WORDS.search(json.dumps(tool.output_schema, ensure_ascii=False)[:100_000]))
    return False


def errors_documented(subject: Subject, check: Check) -> CheckResult:
    """RDY040: tools say how they fail (errors, invalid input, not found) in their description or output schema."""
    tools = subject.inventory.tools
    failing = [t.name for t in tools if not _errors_documented(t)]
    return _tools(subject, check) or per_item(check, failing, len(tools), "tools",
                                              "do not document how they fail",
                                              "all {n} tools document their errors")


TOOL_CHECKS = (
    Check("RDY001", "Every tool has a description", Severity.HIGH, descriptions_present),
    Check("RDY002", "Tool descriptions are meaningful", Severity.MEDIUM, descriptions_meaningful),
    Check("RDY004", "Tool names are unique and portable", Severity.HIGH, names_valid),
    Check("RDY010", "Input schemas are typed", Severity.MEDIUM, input_schemas_typed),
    Check("RDY011", "Required parameters are declared", Severity.LOW, required_declared),
    Check("RDY012", "Parameters are described", Severity.LOW, parameters_described),
    Check("RDY020", "Tools declare output schemas", Severity.LOW, output_schemas),
    Check("RDY030", "Tools carry behaviour annotations", Severity.MEDIUM, annotations_present),
    Check("RDY040", "Error behaviour is documented", Severity.LOW, errors_documented),
)
"""The per-tool checks, in report order."""
