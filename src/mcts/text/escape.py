"""Make untrusted text safe to show: no raw control, format or invisible character ever leaves mcts."""

from __future__ import annotations

import re
import unicodedata

_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_VISIBLE_WHITESPACE = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: letters that render as nothing


def is_variation_selector(char: str) -> bool:
    """Whether ``char`` is a variation selector (VS1–VS16, U+FE00–U+FE0F, or VS17–VS256, U+E0100–U+E01EF)."""
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def needs_escape(char: str) -> bool:
    """Whether ``char`` must not be shown raw.

    True for controls, format characters (zero-width, bidi, tags), surrogates, private use, unassigned,
    line and paragraph separators, and variation selectors.
    """
    if is_variation_selector(char):
        return True
    return char in _BLANK_LETTERS or unicodedata.category(char) in _ESCAPED_CATEGORIES


def escape_char(char: str) -> str:
    """The visible escape of one character: ``\\n``, ``\\x1b``, ``\\u200b`` or ``\\U000e0041``."""
    if char in _VISIBLE_WHITESPACE:
        return _VISIBLE_WHITESPACE[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_text(text: str, *, limit: int | None = None) -> str:
    """Return ``text`` with every unsafe character replaced by its visible escape, cut to ``limit`` characters.

    The result is a single line (newlines become ``\\n``) and contains no character for which
    ``needs_escape`` is true, so it is safe in a terminal, HTML (after HTML escaping) or SARIF.
    """
    if text.isascii() and not _ASCII_CONTROL.search(text):  # the common case: nothing to escape
        return text if limit is None or len(text) <= limit else text[:limit] + "…"
    out: list[str] = []
    size = 0
    for char in text:
        piece = escape_char(char) if needs_escape(char) else char
        if limit is not None and size + len(piece) > limit:
            out.append("…")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def excerpt(text: str, start: int, end: int, *, context: int = 40, limit: int = 400) -> str:
    """An escaped window of ``text`` around ``[start, end)``, with ``…`` where it was cut."""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    return head + escape_text(text[lo:hi], limit=limit) + tail
