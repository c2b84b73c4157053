"""Reveal what a string hides: the forms of one metadata string that analyzers match on.

``reveal(text)`` returns the raw text, its *revealed* form (NFKC-normalized, invisible characters dropped,
Unicode tag characters decoded in place, look-alike letters folded to Latin) and the payloads decoded from
parts of it (base64, hex, percent- and HTML-entity encoding, HTML/XML comments, hidden Markdown), bounded in
size and depth. Analyzers match on every view and show evidence escaped (``text.escape``).

INTERFACE STUB: the reveal-layer work fills in the decoders; the names and types here are the contract.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


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
    """One reading of a string: the raw text, its revealed form, or a payload decoded from part of it."""

    kind: ViewKind
    text: str
    span: tuple[int, int]  # the half-open range of the raw string this view was read from
    depth: int = 0  # how many decodings deep (0 for raw and revealed)


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


_TAG_BASE = 0xE0000


@functools.lru_cache(maxsize=8192)
def reveal(text: str) -> Revealed:
    """Every reading of ``text`` (cached: several analyzers reveal the same strings)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xE0020 <= code <= 0xE007E:
            out.append(chr(code - _TAG_BASE))
        elif unicodedata.category(ch) == "Cf":
            continue
        else:
            out.append(ch)
    return Revealed(raw=text, revealed=unicodedata.normalize("NFKC", "".join(out)))
