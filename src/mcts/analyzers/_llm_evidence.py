"""Ground a verdict: find its evidence quote in the item it judges, or do not believe the verdict.

A quote found character for character in a field (or in the handler's code) is *verbatim*. A quote found only
after folding case, whitespace runs, typographic quotes and dashes, and invisible format characters (models
rarely reproduce those exactly) is *approximate*: it is believed, with its confidence capped at medium. A
quote found nowhere, or too short to show anything, means the verdict is not believed at all.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from mcts.analyzers._llm_items import FieldText, JudgeItem
from mcts.model.finding import SourceRef

MIN_QUOTE_CHARS = 8
_FOLD = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}


@dataclass(frozen=True)
class Grounded:
    """Where a quote was found: a field and character span, or a line of the handler (``field`` is None)."""

    field: str | None
    span: tuple[int, int] | None
    text: str  # the passage as it stands in the item (not as the model wrote it)
    verbatim: bool
    source: SourceRef | None = None


def ground(quote: str, item: JudgeItem) -> Grounded | None:
    """Where ``quote`` occurs in ``item``, exactly or approximately; ``None`` when it does not."""
    candidates = [quote]
    if "\\" in quote:
        try:
            unescaped = json.loads(f'"{quote}"')  # a quote copied from the JSON form of the data
        except ValueError:
            unescaped = None
        if isinstance(unescaped, str) and unescaped != quote:
            candidates.append(unescaped)
    for candidate in candidates:
        found = _exact(candidate, item)
        if found is not None:
            return found
    for candidate in candidates:
        found = _folded(candidate, item)
        if found is not None:
            return found
    return None


def _long_enough(quote: str, whole: str) -> bool:
    shown = quote.strip()
    return bool(shown) and (len(shown) >= MIN_QUOTE_CHARS or shown == whole.strip())


def _exact(quote: str, item: JudgeItem) -> Grounded | None:
    for field in item.fields:
        index = field.text.find(quote)
        if index >= 0 and _long_enough(quote, field.text):
            return _in_field(field, index, index + len(quote), verbatim=True)
    if item.handler is not None:
        index = item.handler.code.find(quote)
        if index >= 0 and _long_enough(quote, item.handler.code):
            return Grounded(None, None, quote, True, item.handler.ref_at(index))
    return None


def _folded(quote: str, item: JudgeItem) -> Grounded | None:
    wanted, _ = _fold(quote)
    wanted = wanted.strip()
    if len(wanted) < MIN_QUOTE_CHARS:
        return None
    for field in item.fields:
        folded, origin = _fold(field.text)
        index = folded.find(wanted)
        if index >= 0:
            return _in_field(field, origin[index], origin[index + len(wanted) - 1] + 1, verbatim=False)
    if item.handler is not None:
        folded, origin = _fold(item.handler.code)
        index = folded.find(wanted)
        if index >= 0:
            start, end = origin[index], origin[index + len(wanted) - 1] + 1
            return Grounded(None, None, item.handler.code[start:end], False, item.handler.ref_at(start))
    return None


def _in_field(field: FieldText, start: int, end: int, *, verbatim: bool) -> Grounded:
    # In a value whose credentials were masked, positions of the text sent do not match the value: no span.
    span = None if field.redacted else (field.offset + start, field.offset + end)
    return Grounded(field.path, span, field.text[start:end], verbatim)


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for an approximate match, and the index in ``text`` of every folded character."""
    out: list[str] = []
    origin: list[int] = []
    for index, raw in enumerate(text):
        if unicodedata.category(raw) == "Cf":
            continue
        char = _FOLD.get(raw, raw)
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        lowered = char.lower()
        out.append(lowered if len(lowered) == 1 else char)
        origin.append(index)
    return "".join(out), origin
