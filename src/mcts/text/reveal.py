"""Reveal what a string hides: the forms of one metadata string that analyzers match on.

``reveal(text)`` returns the raw text, its *revealed* form and the payloads decoded from parts of it.

The revealed form is what a model effectively reads: terminal escapes, controls and invisible format
characters (zero-width, bidi, soft hyphen, …) dropped, Unicode tag characters decoded in place to the ASCII
they mirror, byte runs smuggled in variation selectors decoded in place, NFKC normalization (fullwidth and
mathematical letters become ASCII), and look-alike letters folded to Latin inside words that imitate Latin
(``text.confusables``). Ordinary writing is kept: joiners inside emoji and in scripts that need them, single
presentation or ideographic variation selectors, the tag characters of a subdivision flag, and real Greek,
Cyrillic or CJK words.

Decoded payloads (``View`` with ``depth >= 1``) come from HTML/XML comments and hidden Markdown or HTML
(``text.markup``), base64, hex, percent-encoding and HTML entities (``text.decode``), found in the raw text
and, when it differs, in the revealed form. Each payload is revealed and decoded again, down to
``MAX_DEPTH``. Work is bounded: at most ``MAX_VIEWS`` decoded views and ``MAX_DECODED_CHARS`` characters of
decoded text per string, and a decoded payload must read as text (``decode.is_texty``). Plain ASCII text with
no sign of any encoding returns after one regular-expression search; results are cached.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from mcts.text.confusables import fold_confusables
from mcts.text.decode import Payload, base64_payloads, entity_payloads, hex_payloads, percent_payloads
from mcts.text.escape import is_variation_selector
from mcts.text.invisible import (
    TERMINAL_ESCAPE,
    decode_tags,
    decode_variation_selectors,
    is_flag_tag_sequence,
    is_legitimate_joiner,
    is_legitimate_selector,
)
from mcts.text.markup import comment_payloads, markdown_payloads

MAX_DEPTH = 3
MAX_VIEWS = 32
MAX_DECODED_CHARS = 64 * 1024


class ViewKind(StrEnum):
    """Which reading of the string a view is."""

    RAW = "raw"
    REVEALED = "revealed"
    BASE64 = "base64"
    HEX = "hex"
    PERCENT = "percent-encoding"
    HTML_ENTITIES = "html-entities"
    COMMENT = "comment"
    HIDDEN_MARKDOWN = "hidden-markdown"


@dataclass(frozen=True)
class View:
    """One reading of a string: the raw text, its revealed form, or a payload decoded from part of it.

    A payload's ``text`` is itself revealed (invisible characters dropped, NFKC, look-alikes folded).
    ``note`` names the form or construct it came from (``URL-safe base64``, ``image alt text``, …);
    ``via`` lists the kinds of the payloads it is nested in, outermost first.
    """

    kind: ViewKind
    text: str
    span: tuple[int, int]  # the half-open range of the raw string this view was read from
    depth: int = 0  # how many decodings deep (0 for raw and revealed)
    note: str = ""
    via: tuple[ViewKind, ...] = field(default=())


@dataclass(frozen=True)
class Revealed:
    """A string and everything it hides."""

    raw: str
    revealed: str
    decoded: tuple[View, ...] = ()

    @property
    def changed(self) -> bool:
        """True when the string hides anything: its revealed form differs or a payload was decoded."""
        return self.revealed != self.raw or bool(self.decoded)

    def views(self) -> tuple[View, ...]:
        """The raw view, the revealed view when it differs, then every decoded payload."""
        whole = (0, len(self.raw))
        views = [View(ViewKind.RAW, self.raw, whole)]
        if self.revealed != self.raw:
            views.append(View(ViewKind.REVEALED, self.revealed, whole))
        views.extend(self.decoded)
        return tuple(views)


_Finder = Callable[[str, int], Iterator[Payload]]
_DECODERS: tuple[tuple[ViewKind, _Finder], ...] = (
    (ViewKind.COMMENT, comment_payloads),
    (ViewKind.HIDDEN_MARKDOWN, markdown_payloads),
    (ViewKind.BASE64, base64_payloads),
    (ViewKind.HEX, hex_payloads),
    (ViewKind.PERCENT, percent_payloads),
    (ViewKind.HTML_ENTITIES, entity_payloads),
)
# One cheap test for "might hide something": controls, or a sign of one of the decoders' inputs.
_CANDIDATE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|%[0-9A-Fa-f]{2}|&#?[A-Za-z0-9]{1,32};|<!--|<[A-Za-z]|\\[xu][0-9A-Fa-f]{2}"
    r"|0[xX][0-9A-Fa-f]{2}|\]:|\]\(|[A-Za-z0-9+/_-]{16}"
)
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters the revealed form drops (or decodes): controls, every format (Cf) character, variation
# selectors, tag characters, and letters that render as nothing (Hangul fillers, Khmer inherent vowels).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef]+"
)


def is_plain(text: str) -> bool:
    """Whether ``text`` is plain: ASCII with no control character and no sign of an encoding or markup.

    Plain text is its own revealed form and hides no payload; ``reveal`` returns it at once.
    """
    return text.isascii() and not _CANDIDATE.search(text)


@functools.lru_cache(maxsize=8192)
def reveal(text: str) -> Revealed:
    """Every reading of ``text`` (cached: several analyzers reveal the same strings)."""
    if is_plain(text):
        return Revealed(raw=text, revealed=text)
    revealed = _clean(text)
    budget = _Budget()
    _decode_into(budget, text, 1, None, ())
    if revealed != text:
        _decode_into(budget, revealed, 1, (0, len(text)), ())
    return Revealed(raw=text, revealed=revealed, decoded=tuple(budget.views))


@dataclass
class _Budget:
    views: list[View] = field(default_factory=list)
    seen: set[tuple[ViewKind, str]] = field(default_factory=set)
    chars: int = MAX_DECODED_CHARS

    @property
    def full(self) -> bool:
        return len(self.views) >= MAX_VIEWS or self.chars <= 0


def _decode_into(budget: _Budget, text: str, depth: int, span: tuple[int, int] | None,
                 via: tuple[ViewKind, ...]) -> None:
    """Append the payloads of ``text`` (and theirs, recursively) to ``budget.views``, within the budget."""
    if depth > MAX_DEPTH or budget.full or not _CANDIDATE.search(text):
        return
    for kind, finder in _DECODERS:
        for payload in finder(text, budget.chars):
            if budget.full:
                return
            shown = _clean(payload.text)[: budget.chars]
            if not shown.strip() or (kind, shown) in budget.seen:
                continue
            budget.seen.add((kind, shown))
            budget.chars -= len(shown)
            where = span or (payload.start, payload.end)
            budget.views.append(View(kind, shown, where, depth, payload.note, via))
            _decode_into(budget, shown, depth + 1, where, (*via, kind))


def _clean(text: str) -> str:
    """The revealed form of ``text`` (see the module docstring)."""
    if text.isascii():
        if not _ASCII_CONTROL.search(text):
            return text
        return _ASCII_CONTROL.sub("", TERMINAL_ESCAPE.sub("", text))
    if _INVISIBLE.search(text):
        text = _drop_invisible(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        if _INVISIBLE.search(text):  # NFKC makes some fillers (U+FFA0 becomes U+3164)
            text = _drop_invisible(text)
    return fold_confusables(text)


def _drop_invisible(text: str) -> str:
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = TERMINAL_ESCAPE.sub("", text)
    return _INVISIBLE.sub(lambda m: _reveal_run(m.string, m.start(), m.end()), text)


def _reveal_run(text: str, start: int, end: int) -> str:
    """One run of invisible characters: tags and selector runs decoded, legitimate joiners kept, rest dropped."""
    out: list[str] = []
    index = start
    while index < end:
        char = text[index]
        stop = index + 1
        if is_variation_selector(char):
            while stop < end and is_variation_selector(text[stop]):
                stop += 1
            if stop - index > 1:
                out.append(_ASCII_CONTROL.sub("", decode_variation_selectors(text[index:stop])).replace("\ufffd", ""))
            elif is_legitimate_selector(text, index):
                out.append(char)
        elif 0xE0000 <= ord(char) <= 0xE007F:
            while stop < end and 0xE0000 <= ord(text[stop]) <= 0xE007F:
                stop += 1
            flag = is_flag_tag_sequence(text, index, stop)
            out.append(text[index:stop] if flag else decode_tags(text[index:stop]))
        elif char in "\u200c\u200d" and is_legitimate_joiner(text, index):
            out.append(char)
        index = stop
    return "".join(out)


__all__ = ["MAX_DECODED_CHARS", "MAX_DEPTH", "MAX_VIEWS", "Revealed", "View", "ViewKind", "is_plain", "reveal"]
