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
# Every character ``_classify`` can report, so that ordinary text is passed over by one regex search.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(sorted(ZERO_WIDTH | BIDI))
                      + "\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef]+")
# An emoji tag sequence for a subdivision flag: black flag, a region and subdivision code in tag letters and
# digits (``gbeng`` for England), cancel tag. The one use of tag characters that Unicode recommends.
_FLAG_TAGS = re.compile("\U0001f3f4([\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,4})"
                        "\U000e007f")

# ESC-introduced sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte escapes;
# plus the 8-bit C1 CSI and OSC introducers.
TERMINAL_ESCAPE = re.compile(
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
    (Arabic, Indic, …), single presentation or ideographic variation selectors, and the tag characters of a
    subdivision flag (England, Scotland, Wales) are ordinary writing, not hidden text, and are not reported.
    """
    if not _SUSPECT.search(text):  # the common case: nothing hidden (escape introducers are suspects too)
        return
    escapes = list(_terminal_escapes(text))
    # A control character that is part of an escape sequence (the BEL or ST ending an OSC) is that escape.
    runs = [h for h in _char_runs(text) if h.kind is not HiddenKind.CONTROL_CHARACTER
            or not any(e.start <= h.start and h.end <= e.end for e in escapes)]
    if "\U0001f3f4" in text:
        runs = [h for h in runs if h.kind is not HiddenKind.TAG_CHARACTERS
                or not is_flag_tag_sequence(text, h.start, h.end)]
    yield from sorted([*escapes, *runs], key=lambda h: (h.start, h.end))


def _terminal_escapes(text: str) -> Iterator[Hit]:
    if "\x1b" not in text and "\x9b" not in text and "\x9d" not in text:
        return
    for match in TERMINAL_ESCAPE.finditer(text):
        yield Hit(HiddenKind.TERMINAL_ESCAPE, match.start(), match.end())


def _classify(text: str, index: int) -> HiddenKind | None:
    char = text[index]
    code = ord(char)
    if _TAG_START <= code <= _TAG_END:
        return HiddenKind.TAG_CHARACTERS
    if char in BIDI:
        return HiddenKind.BIDI_CONTROL
    if char in ZERO_WIDTH:
        return None if is_legitimate_joiner(text, index) else HiddenKind.ZERO_WIDTH
    if 0xE0100 <= code <= 0xE01EF or 0xFE00 <= code <= 0xFE0F:
        return None if is_legitimate_selector(text, index) else HiddenKind.VARIATION_SELECTORS
    if unicodedata.category(char) == "Cc" and char not in "\t\n\r\x1b\x9b\x9d":
        return HiddenKind.CONTROL_CHARACTER
    return None


def _char_runs(text: str) -> Iterator[Hit]:
    for match in _SUSPECT.finditer(text):  # only runs of characters _classify can flag are looked at
        yield from _classified_runs(text, match.start(), match.end())


def _classified_runs(text: str, index: int, length: int) -> Iterator[Hit]:
    while index < length:
        kind = _classify(text, index)
        if kind is None:
            index += 1
            continue
        start = index
        while index < length and _classify(text, index) is kind:
            index += 1
        decoded = decode_tags(text[start:index]) if kind is HiddenKind.TAG_CHARACTERS else None
        if kind is HiddenKind.VARIATION_SELECTORS and index - start > 1:
            decoded = decode_variation_selectors(text[start:index])
        yield Hit(kind, start, index, decoded)


def is_legitimate_selector(text: str, index: int) -> bool:
    """Whether the variation selector at ``text[index]`` is ordinary writing rather than smuggled bytes.

    Legitimate: one selector from VS1–VS16 after a non-ASCII character (``❤`` VS16) or in a keycap
    (``1`` VS16 U+20E3), and one selector from the supplement (VS17–VS256) after a CJK ideograph, which is an
    Ideographic Variation Sequence (a registered glyph variant). A selector next to another selector is part
    of a run, and runs carry bytes: never legitimate; so is a selector with no base that takes it.
    """
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if not before or is_variation_selector(before) or (after and is_variation_selector(after)):
        return False
    if ord(text[index]) >= 0xE0100:
        return is_ideograph(before)
    if after == "\u20e3":
        return before in "0123456789#*"
    return not before.isascii()


def is_ideograph(char: str) -> bool:
    """CJK unified and compatibility ideographs (all extensions): the bases of Ideographic Variation Sequences."""
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF)


def is_flag_tag_sequence(text: str, start: int, end: int) -> bool:
    """Whether the tag characters ``text[start:end]`` are exactly the tags of a subdivision flag emoji."""
    return start > 0 and _FLAG_TAGS.fullmatch(text, start - 1, end) is not None


def decode_tags(run: str) -> str:
    """Unicode tag characters mirror ASCII (U+E0041 is a hidden ``A``); the cancel tag U+E007F ends a run."""
    return "".join(chr(ord(c) - _TAG_START) for c in run if 0xE0020 <= ord(c) <= 0xE007E)


def decode_variation_selectors(run: str) -> str:
    """Variation selectors can smuggle one byte each (VS1–VS16 → 0–15, VS17–VS256 → 16–255)."""
    data = bytearray()
    for char in run:
        code = ord(char)
        data.append(code - 0xFE00 if code <= 0xFE0F else code - 0xE0100 + 16)
    return data.decode("utf-8", "replace")


def is_legitimate_joiner(text: str, index: int) -> bool:
    """Whether the zero-width character at ``text[index]`` is ordinary writing.

    True for ZWJ in emoji sequences, ZWJ/ZWNJ between letters of scripts that use them, and a leading BOM.
    """
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
