"""Find what a person cannot see in a string but a model (or a terminal) acts on.

Each finder yields ``Hit`` runs: a span of the string, its kind, and what it decodes to where that means
anything (the ASCII text hidden in Unicode tag characters, for instance).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from mcts.text.escape import is_variation_selector


class HiddenKind(enum.StrEnum):
    """The families of hidden text."""

    TAG_CHARACTERS = "unicode-tags"
    BIDI_CONTROL = "bidi-control"
    ZERO_WIDTH = "zero-width"
    VARIATION_SELECTORS = "variation-selectors"
    TERMINAL_ESCAPE = "terminal-escape"
    CONTROL_CHARACTER = "control-character"


@dataclass(frozen=True)
class Hit:
    """One run of hidden characters: ``[start, end)`` in the string, and the text it decodes to, if any."""

    kind: HiddenKind
    start: int
    end: int
    decoded: str | None = None


ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad\u034f\u115f\u1160\u3164")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_TAG_START, _TAG_END = 0xE0000, 0xE007F

# ESC-introduced sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte escapes;
# plus the 8-bit C1 CSI and OSC introducers.
_TERMINAL_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
    r"|\x1b"
)


def find_hidden(text: str) -> Iterator[Hit]:
    """Yield every run of hidden characters in ``text``, in order of position.

    Zero-width joiners inside emoji sequences and joiners between letters of scripts that need them
    (Arabic, Indic, …) are ordinary writing, not hidden text, and are not reported.
    """
    escapes = list(_terminal_escapes(text))
    # A control character that is part of an escape sequence (the BEL or ST ending an OSC) is that escape.
    runs = [h for h in _char_runs(text) if h.kind is not HiddenKind.CONTROL_CHARACTER
            or not any(e.start <= h.start and h.end <= e.end for e in escapes)]
    yield from sorted([*escapes, *runs], key=lambda h: (h.start, h.end))


def _terminal_escapes(text: str) -> Iterator[Hit]:
    if "\x1b" not in text and "\x9b" not in text and "\x9d" not in text:
        return
    for match in _TERMINAL_ESCAPE.finditer(text):
        yield Hit(HiddenKind.TERMINAL_ESCAPE, match.start(), match.end())


def _classify(text: str, index: int) -> HiddenKind | None:
    char = text[index]
    code = ord(char)
    if _TAG_START <= code <= _TAG_END:
        return HiddenKind.TAG_CHARACTERS
    if char in BIDI:
        return HiddenKind.BIDI_CONTROL
    if char in ZERO_WIDTH:
        return None if _is_legitimate_joiner(text, index) else HiddenKind.ZERO_WIDTH
    if 0xE0100 <= code <= 0xE01EF:
        return HiddenKind.VARIATION_SELECTORS
    if 0xFE00 <= code <= 0xFE0F:
        return None if _is_presentation_selector(text, index) else HiddenKind.VARIATION_SELECTORS
    if unicodedata.category(char) == "Cc" and char not in "\t\n\r\x1b\x9b\x9d":
        return HiddenKind.CONTROL_CHARACTER
    return None


def _char_runs(text: str) -> Iterator[Hit]:
    index = 0
    length = len(text)
    while index < length:
        kind = _classify(text, index)
        if kind is None:
            index += 1
            continue
        start = index
        while index < length and _classify(text, index) is kind:
            index += 1
        decoded = _decode_tags(text[start:index]) if kind is HiddenKind.TAG_CHARACTERS else None
        if kind is HiddenKind.VARIATION_SELECTORS and index - start > 1:
            decoded = _decode_variation_selectors(text[start:index])
        yield Hit(kind, start, index, decoded)


def _is_presentation_selector(text: str, index: int) -> bool:
    """One variation selector after a non-ASCII character (``❤`` VS16) or in a keycap (``1`` VS16 U+20E3).

    A selector next to another selector is part of a run, and runs carry bytes: never legitimate.
    """
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if not before or is_variation_selector(before) or (after and is_variation_selector(after)):
        return False
    if after == "\u20e3":
        return before in "0123456789#*"
    return not before.isascii()


def _decode_tags(run: str) -> str:
    """Unicode tag characters mirror ASCII (U+E0041 is a hidden ``A``); the cancel tag U+E007F ends a run."""
    return "".join(chr(ord(c) - _TAG_START) for c in run if 0xE0020 <= ord(c) <= 0xE007E)


def _decode_variation_selectors(run: str) -> str:
    """Variation selectors can smuggle one byte each (VS1–VS16 → 0–15, VS17–VS256 → 16–255)."""
    data = bytearray()
    for char in run:
        code = ord(char)
        data.append(code - 0xFE00 if code <= 0xFE0F else code - 0xE0100 + 16)
    return data.decode("utf-8", "replace")


def _is_legitimate_joiner(text: str, index: int) -> bool:
    char = text[index]
    if char not in "\u200c\u200d":
        return char == "\ufeff" and index == 0 and len(text) > 1 and text[1].isprintable()  # a leading BOM
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if not before or not after:
        return False
    if char == "\u200d" and (_is_emoji(before) or _is_emoji(after)):
        return True
    return _needs_joiners(before) and _needs_joiners(after)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0xFE00 <= code <= 0xFE0F or code == 0x20E3


def _needs_joiners(char: str) -> bool:
    """Letters and marks of scripts whose writing uses ZWJ/ZWNJ (Arabic, Syriac, Indic, Sinhala, …)."""
    code = ord(char)
    return (0x0600 <= code <= 0x08FF or 0x0900 <= code <= 0x0DFF or 0xA8E0 <= code <= 0xA8FF) and (
        unicodedata.category(char)[0] in {"L", "M"}
    )
