"""The judge's answer: a closed schema, validated before anything in it is believed.

An answer is one JSON object ``{"verdicts": [...]}``; each verdict names one item of the request by id, an
issue type from a closed list (our technique ids, or ``none``), a severity, a confidence, an evidence quote
and a short reasoning. Fields outside the schema are ignored, never read. An answer that is not JSON, does
not match the schema, or leaves an item of the request without a verdict is invalid: the call is retried.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator

from mcts.model.finding import Confidence, Severity

MAX_EVIDENCE_CHARS = 2_000
MAX_REASONING_CHARS = 2_000
_FENCED = re.compile(r"\A```(?:json)?\s*\n(?P<body>.*)\n```\s*\Z", re.S | re.I)


class IssueType(enum.StrEnum):
    """What the judge may report: technique ids of our taxonomy, or ``none``."""

    HIDDEN_DIRECTIVE = "hidden-directive"  # tool poisoning
    INSTRUCTION_OVERRIDE = "instruction-override"  # prompt injection, attempts to instruct the judge
    TOOL_SHADOWING = "tool-shadowing"
    PREFERENCE_MANIPULATION = "preference-manipulation"
    DATA_EXFILTRATION = "data-exfiltration"
    EXCESSIVE_CAPABILITY = "excessive-capability"
    BEHAVIOUR_MISMATCH = "behaviour-mismatch"  # believed only for items sent with their handler's code
    NONE = "none"


class Verdict(BaseModel):
    """One verdict on one item: what the judge saw and the passage that shows it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    item_id: str = Field(max_length=32)
    issue_type: IssueType
    severity: Severity
    confidence: Confidence
    evidence: str = Field(default="", max_length=MAX_EVIDENCE_CHARS)
    reasoning: str = Field(default="", max_length=MAX_REASONING_CHARS)

    @field_validator("issue_type", "severity", "confidence", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def stored(self) -> dict[str, JsonValue]:
        """The verdict without its request-local item id, as kept in the cache."""
        return self.model_dump(mode="json", exclude={"item_id"})


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    verdicts: list[Verdict] = Field(max_length=2_000)


class InvalidAnswer(Exception):
    """The endpoint's answer cannot be believed; the message says why, briefly."""


@dataclass(frozen=True)
class ParsedAnswer:
    """A valid answer: verdicts by item id, and how many verdicts named an id the request did not hold."""

    by_item: dict[str, list[Verdict]]
    unknown_ids: int


def parse_answer(content: str | None, item_ids: Collection[str]) -> ParsedAnswer:
    """Validate ``content`` against the schema; every id in ``item_ids`` must have at least one verdict."""
    if content is None or not content.strip():
        raise InvalidAnswer("the answer is empty")
    text = content.strip()
    fenced = _FENCED.match(text)
    if fenced:
        text = fenced.group("body")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"the answer is not JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise InvalidAnswer("the answer is nested too deeply") from None
    try:
        answer = _Answer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidAnswer(f"the answer does not match the schema ({where}: {first['msg']})") from None
    wanted = set(item_ids)
    by_item: dict[str, list[Verdict]] = {}
    unknown = 0
    for verdict in answer.verdicts:
        if verdict.item_id in wanted:
            by_item.setdefault(verdict.item_id, []).append(verdict)
        else:
            unknown += 1
    missing = [i for i in item_ids if i not in by_item]
    if missing:
        raise InvalidAnswer(f"the answer has no verdict for {len(missing)} of {len(wanted)} items "
                            f"({', '.join(missing[:5])}{'…' if len(missing) > 5 else ''})")
    return ParsedAnswer(by_item, unknown)


def restore(stored: object) -> list[Verdict] | None:
    """Verdicts read back from the cache, or ``None`` if the entry does not validate (then it is a miss)."""
    if not isinstance(stored, list):
        return None
    try:
        return [Verdict.model_validate({**entry, "item_id": "cached"}) for entry in stored]
    except (TypeError, ValidationError):
        return None


def answer_schema() -> dict[str, Any]:
    """The JSON Schema of an answer, in the form OpenAI's strict structured outputs accept."""
    verdict = {
        "type": "object",
        "additionalProperties": False,
        "required": ["item_id", "issue_type", "severity", "confidence", "evidence", "reasoning"],
        "properties": {
            "item_id": {"type": "string", "description": "The id of the item judged, e.g. i3"},
            "issue_type": {"type": "string", "enum": [t.value for t in IssueType]},
            "severity": {"type": "string", "enum": [s.value for s in Severity]},
            "confidence": {"type": "string", "enum": [c.value for c in Confidence]},
            "evidence": {"type": "string", "description": "A passage copied exactly from the item's data"},
            "reasoning": {"type": "string", "description": "One or two sentences"},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["verdicts"],
        "properties": {"verdicts": {"type": "array", "items": verdict}},
    }
