"""What the LLM judge judges: one item per tool, prompt, resource, template, the instructions and serverInfo.

An item holds every string of that piece of the inventory that a model could read (``Inventory.texts()``,
minus JSON-schema plumbing such as ``"type": "string"``), keyed by field path, and for a source scan a
bounded snippet of the handler's code. Credentials in either are masked (``redact_secrets``) before anything
is sent: the model provider is not told a secret the server leaked. An item too large for one call is split
into parts, long fields into overlapping chunks, so that every character is judged and a quote can still be
mapped back to its field.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass

from mcts.collect.result import SourceFiles
from mcts.model.finding import SourceRef, Surface
from mcts.model.inventory import Inventory, JsonObject
from mcts.text.redact import redact_secrets

HANDLER_MAX_LINES = 80
HANDLER_MAX_CHARS = 4_000
CHUNK_OVERLAP = 256  # characters shared by neighbouring chunks, so a quote across a cut is still found whole
_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
_PROPERTY_KEY = re.compile(r'(?:^|\.)properties(?:\.[^.\[\]#]+|\["(?:[^"\\]|\\.)*"\])#key$')
_TOP_LEVEL_KEY = re.compile(r'^(?:[^.\[\]#]+|\["(?:[^"\\]|\\.)*"\])#key$')
_REQUIRED_ENTRY = re.compile(r"\.required\[\d+\]$")  # property names again: already sent as keys
_NEXT_DEFINITION = re.compile(r"\s*(?:@|def |async def |class |function |export |server\.|mcp\.)")


@dataclass(frozen=True)
class FieldText:
    """One string of an item, or one chunk of it: ``text`` starts at character ``offset`` of the field's value."""

    path: str
    text: str
    offset: int = 0
    total: int = 0  # length of the whole value; 0 when ``text`` is the whole value
    redacted: bool = False  # credentials in the value were masked before sending: positions no longer match

    @property
    def key(self) -> str:
        """The key this text has in the request: the field path, plus the character range for a chunk."""
        if not self.total:
            return self.path
        return f"{self.path} (characters {self.offset}-{self.offset + len(self.text)} of {self.total})"


@dataclass(frozen=True)
class HandlerSnippet:
    """The first lines of the handler's code: ``code`` starts at ``line`` of ``file``."""

    file: str
    line: int
    code: str
    lines_exact: bool = True  # False when masking a multi-line secret changed the line count

    def ref_at(self, index: int) -> SourceRef:
        """The file and line of character ``index`` of ``code`` (the first line when lines are not exact)."""
        offset = self.code.count("\n", 0, index) if self.lines_exact else 0
        return SourceRef(file=self.file, line=self.line + offset)


@dataclass(frozen=True)
class JudgeItem:
    """One thing judged in one call: an item of the inventory, or one part of a large one."""

    surface: Surface
    key: str | None  # Location.item: the name or URI; None for the instructions and serverInfo
    fields: tuple[FieldText, ...]
    handler: HandlerSnippet | None = None
    part: tuple[int, int] | None = None  # (n, of) when the item was split
    annotations: str | None = None  # a tool's annotations as JSON: context for the model, not a field to quote

    def content(self) -> JsonObject:
        """What is sent for this item (its id is added per request) and hashed for the cache."""
        body: JsonObject = {"surface": self.surface.value, "name": self.key}
        if self.part is not None:
            body["part"] = f"{self.part[0]} of {self.part[1]}"
        body["fields"] = {f.key: f.text for f in self.fields}
        if self.annotations is not None:
            body["annotations"] = self.annotations
        if self.handler is not None:
            body["handler"] = {"file": self.handler.file, "line": self.handler.line, "code": self.handler.code}
        return body

    @functools.cached_property
    def rendered(self) -> str:
        """``content()`` as JSON, computed once: what is sent, measured and hashed."""
        return json.dumps(self.content(), ensure_ascii=False)

    def size(self) -> int:
        """Characters of this item as sent (its JSON form)."""
        return len(self.rendered)

    def digest(self, model: str, prompt_version: str) -> str:
        """The cache key: sha256 of the prompt version, the model and this item's content."""
        canonical = "\x1f".join((prompt_version, model, self.rendered))
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def build_items(inventory: Inventory, files: SourceFiles | None, max_chars: int) -> list[JudgeItem]:
    """Every item of ``inventory`` to judge, in inventory order, each part at most about ``max_chars``."""
    grouped: dict[tuple[Surface, str | None], list[FieldText]] = {}
    for location, text in inventory.texts():
        if _is_plumbing(location.field, text):
            continue
        shown = redact_secrets(text)  # a credential in metadata is not ours to send to a model provider
        grouped.setdefault((location.surface, location.item), []).append(
            FieldText(location.field, shown, redacted=shown != text))
    annotations = {t.name: json.dumps(t.annotations, ensure_ascii=False, sort_keys=True)
                   for t in inventory.tools if t.annotations}
    items: list[JudgeItem] = []
    for (surface, key), fields in grouped.items():
        handler = _handler_snippet(inventory, files, surface, key)
        hints = annotations.get(key or "") if surface is Surface.TOOL else None
        items.extend(split_item(JudgeItem(surface, key, tuple(fields), handler, annotations=hints), max_chars))
    return items


def split_item(item: JudgeItem, max_chars: int) -> list[JudgeItem]:
    """``item`` as parts of about ``max_chars`` each; the first part keeps the handler, every part the name."""
    if item.size() <= max_chars:
        return [item]
    head = tuple(f for f in item.fields if f.path == "name")
    room = max(512, max_chars - sum(len(f.text) + len(f.path) + 8 for f in head)
               - (len(item.handler.code) + 64 if item.handler else 0) - 128)
    pieces: list[FieldText] = []
    for field in item.fields:
        if field.path != "name":
            pieces.extend(_chunks(field, room))
    parts: list[list[FieldText]] = [[]]
    used = 0
    for piece in pieces:
        cost = len(piece.text) + len(piece.key) + 8
        if parts[-1] and used + cost > room:
            parts.append([])
            used = 0
        parts[-1].append(piece)
        used += cost
    count = len(parts)
    return [JudgeItem(item.surface, item.key, head + tuple(part), item.handler if n == 0 else None, (n + 1, count),
                      item.annotations) for n, part in enumerate(parts)]


def _chunks(field: FieldText, size: int) -> list[FieldText]:
    text = field.text
    if len(text) + len(field.path) + 8 <= size:
        return [field]
    step = max(1, size - CHUNK_OVERLAP)
    return [FieldText(field.path, text[start : start + size], start, len(text), field.redacted)
            for start in range(0, max(1, len(text) - CHUNK_OVERLAP), step)]


def _is_plumbing(field: str, text: str) -> bool:
    """Schema structure a model reads as structure, not as claims: types, ``$schema``, keys other than names."""
    if field.endswith("#key"):
        return not _TOP_LEVEL_KEY.match(field) and not _PROPERTY_KEY.search(field)  # top level: invented fields
    last = field.rsplit(".", 1)[-1]
    return (last == "type" and text in _JSON_TYPES) or field.endswith('["$schema"]') \
        or bool(_REQUIRED_ENTRY.search(field))


def _handler_snippet(inventory: Inventory, files: SourceFiles | None, surface: Surface,
                     key: str | None) -> HandlerSnippet | None:
    if files is None:
        return None
    declared = inventory.source_of(surface, key)
    if declared is None or declared.handler_ref is None:
        return None
    ref = declared.handler_ref
    source = files.texts.get(ref.file)
    if source is None:
        return None
    lines = source.splitlines()[ref.line - 1 :]
    if not lines:
        return None
    end = (ref.end_line - ref.line + 1) if ref.end_line else HANDLER_MAX_LINES
    kept = [lines[0]]
    indent = len(lines[0]) - len(lines[0].lstrip())
    for line in lines[1 : min(end, HANDLER_MAX_LINES)]:
        if ref.end_line is None and line.strip() and len(line) - len(line.lstrip()) <= indent \
                and _NEXT_DEFINITION.match(line):
            break  # the next definition starts: the handler ended
        kept.append(line)
    code = "\n".join(kept)[:HANDLER_MAX_CHARS]
    shown = redact_secrets(code)  # hard-coded keys stay on this machine
    return HandlerSnippet(ref.file, ref.line, shown, lines_exact=shown.count("\n") == code.count("\n"))
