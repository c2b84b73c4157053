"""A finding: one thing an analyzer saw, where it saw it, and what to do about it."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Severity(enum.StrEnum):
    """How bad a finding is if it is real. Ordered: ``Severity.rank`` compares them."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


class Confidence(enum.StrEnum):
    """How sure the analyzer is that the finding is real."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Surface(enum.StrEnum):
    """Which part of what a server exposes a location points into."""

    SERVER = "server"
    INSTRUCTIONS = "instructions"
    TOOL = "tool"
    PROMPT = "prompt"
    RESOURCE = "resource"
    RESOURCE_TEMPLATE = "resource_template"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where a string lives: the surface, the item's name (or URI), the field path and a character span.

    ``field`` is a dotted path into the item in MCP wire names, e.g.
    ``inputSchema.properties.path.description`` or ``arguments[0].description``.
    ``span`` is a half-open ``[start, end)`` range of characters in that field's (capped) value.
    """

    # A plain frozen dataclass, validated by pydantic inside a Finding: Inventory.texts() builds one for every
    # string of an inventory (hundreds of thousands on a large server), so construction must be cheap.

    surface: Surface
    item: Annotated[str | None, Field(description="Name or URI of the tool, prompt or resource; none server-wide")] = (
        None
    )
    field: Annotated[str, Field(description="Dotted path of the field in MCP wire names")]
    span: Annotated[tuple[int, int] | None, Field(description="Half-open character range in the field's value")] = None

    def with_span(self, start: int, end: int) -> Location:
        """The same location narrowed to ``[start, end)``."""
        return dataclasses.replace(self, span=(start, end))

    def without_span(self) -> Location:
        """The same location for the whole field."""
        return dataclasses.replace(self, span=None)

    def display(self) -> str:
        """A short human form: ``tool:read_file.inputSchema.properties.path.description``."""
        item = f":{self.item}" if self.item is not None else ""
        return f"{self.surface.value}{item}.{self.field}"


class SourceRef(BaseModel):
    """A place in a source file: a path relative to the scanned root (``/`` separators) and 1-based lines."""

    model_config = ConfigDict(frozen=True)

    file: str = Field(description="Path relative to the scanned root, with / separators")
    line: int = Field(ge=1, description="1-based line")
    column: int | None = Field(default=None, ge=1, description="1-based column")
    end_line: int | None = Field(default=None, ge=1)


class Suppression(BaseModel):
    """Why a finding is accepted: it stays in the report, marked, and no longer counts for scores or gates."""

    model_config = ConfigDict(frozen=True)

    reason: str
    expires: datetime.date | None = None
    source: str = Field(description="The ignore file and entry that matched")


class Finding(BaseModel):
    """One result of one analyzer. Built through ``Analyzer.finding`` so its metadata cannot be wrong."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable hash of analyzer, location and evidence")
    analyzer: str
    techniques: tuple[str, ...]
    owasp: tuple[str, ...] = Field(default=(), description="OWASP MCP Top 10 keys (MCP01..MCP10) of the techniques")
    severity: Severity
    confidence: Confidence
    location: Location
    title: str
    evidence: str = Field(description="What was seen, escaped: safe to print anywhere")
    detail: str | None = Field(default=None, description="What the evidence means, when the title is not enough")
    remediation: str
    suppressed: Suppression | None = Field(default=None, description="Set when an ignore entry accepts this finding")
    source: SourceRef | None = Field(default=None, description="File and line, for findings of a source scan")


def finding_id(analyzer: str, location: Location, evidence: str) -> str:
    """A stable id: the same analyzer, location and evidence always give the same id (unlike ``hash()``)."""
    span = "" if location.span is None else f"{location.span[0]}-{location.span[1]}"
    key = "\x1f".join((analyzer, location.surface.value, location.item or "", location.field, span, evidence))
    return "MCTS-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
