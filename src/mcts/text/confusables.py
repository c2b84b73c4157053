"""Look-alike letters: words that mix Latin with Cyrillic, Greek, Armenian or Cherokee letters that look Latin.

``find_confusable_words(text)`` reports words such as ``pаypal`` (Cyrillic ``а``) or ``ехес`` (all Cyrillic,
written among Latin text) with their scripts and Latin *skeleton*; ``fold_confusables(text)`` rewrites those
words to their skeletons and leaves everything else alone. Real non-Latin writing is never touched: a word
that holds a letter with no Latin look-alike (``Dockerфайл``, ``kΩ``), a Russian or Greek sentence, a single
Greek letter used as a symbol (``µs``, ``Δt``, ``π``), CJK text. Fullwidth and mathematical Latin letters are
not in the table: NFKC turns them into ASCII first (see ``text.reveal``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Our own table: letters of other scripts that render like a Latin letter in common fonts.
_CYRILLIC = dict(zip(
    "аеорсухіјѕԁһӏԝԛүкѵ" "АВЕКМНОРСТХУІЈЅӀԚԜҮѴ",
    "aeopcyxijsdhlwqykv" "ABEKMHOPCTXYIJSlQWYV", strict=True))
_GREEK = dict(zip(
    "αονρτικυχγϲϳ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿ",
    "aovptikuxycj" "ABEZHIKMNOPTYXCJ", strict=True))
_ARMENIAN = dict(zip("օսոհցզ", "ounhgq", strict=True))
_CHEROKEE = dict(zip("ᎪᏴᏟᎬᎻᎫᏦᏞᎷᏢᏚᎢᏔᏃ", "ABCEHJKLMPSTWZ", strict=True))
LOOKALIKES: dict[str, str] = {**_CYRILLIC, **_GREEK, **_ARMENIAN, **_CHEROKEE}

_SCRIPT_RANGES: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("Latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x250, 0x2AF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F),
               (0xA720, 0xA7FF), (0xAB30, 0xAB6F), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))),
    ("Cyrillic", ((0x400, 0x52F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))),
    ("Greek", ((0x370, 0x3FF), (0x1F00, 0x1FFF))),
    ("Armenian", ((0x530, 0x58F),)),
    ("Cherokee", ((0x13A0, 0x13FF), (0xAB70, 0xABBF))),
)
_LOOKALIKE_RE = re.compile("[" + "".join(sorted(LOOKALIKES)) + "]")
_LATIN_LETTERS = "".join(chr(code) for low, high in _SCRIPT_RANGES[0][1] for code in range(low, high + 1)
                         if chr(code).isalpha())
# A word that can imitate Latin holds only Latin letters, look-alikes, ASCII digits and underscores; any other
# letter (ж, Ω, キ) makes it real writing. The possessive match keeps the search linear on any input.
_CANDIDATE_WORD = re.compile(r"(?<!\w)[0-9_" + _LATIN_LETTERS + "".join(sorted(LOOKALIKES)) + r"]++(?!\w)")
_LATIN_RE = re.compile("[" + _LATIN_LETTERS + "]")
_WORD_RE = re.compile(r"\w+")
# Per script, its letters that imitate nothing: one of them in a text means real writing in that script.
_REAL_LETTER_RE = {
    name: re.compile("[" + "".join(
        chr(code) for low, high in ranges for code in range(low, high + 1)
        if chr(code).isalpha() and chr(code) not in LOOKALIKES) + "]")
    for name, ranges in _SCRIPT_RANGES if name != "Latin"
}
MIN_LETTERS = 3  # shorter words are symbols and variables (αi, Δt), not spoofs


@dataclass(frozen=True)
class ConfusableWord:
    """A word written with look-alike letters: ``[start, end)`` in the text, its scripts and Latin skeleton.

    ``whole_word`` is true when the word has no Latin letter at all but is made only of look-alikes, in a
    text of Latin words with no other letter of that script (``ехес`` in an English sentence). Alone, such a
    word is left alone: it may be real writing in that script.
    """

    start: int
    end: int
    word: str
    scripts: tuple[str, ...]
    skeleton: str
    whole_word: bool = False


def script_of(char: str) -> str:
    """The script of a letter among those this module knows (``Latin``, ``Cyrillic``, …), else ``Other``."""
    code = ord(char)
    for name, ranges in _SCRIPT_RANGES:
        for low, high in ranges:
            if low <= code <= high:
                return name
    return "Other"


def skeleton(word: str) -> str:
    """``word`` with every look-alike letter replaced by the Latin letter it imitates."""
    return "".join(LOOKALIKES.get(char, char) for char in word)


def find_confusable_words(text: str, *, limit: int | None = None) -> list[ConfusableWord]:
    """Every word of ``text`` (the first ``limit`` of them) that imitates Latin with look-alike letters, in order."""
    if text.isascii() or not _LOOKALIKE_RE.search(text):
        return []
    found: list[ConfusableWord] = []
    context: dict[str, bool] = {}
    for match in _CANDIDATE_WORD.finditer(text):
        word = match.group()
        if word.isascii() or not _LOOKALIKE_RE.search(word):
            continue
        hit = _judge(word, text, context)
        if hit is not None:
            scripts, whole = hit
            found.append(ConfusableWord(match.start(), match.end(), word, scripts, skeleton(word), whole))
            if limit is not None and len(found) >= limit:
                break
    return found


def fold_confusables(text: str) -> str:
    """``text`` with each word ``find_confusable_words`` reports replaced by its Latin skeleton."""
    words = find_confusable_words(text)
    if not words:
        return text
    out: list[str] = []
    last = 0
    for word in words:
        out.append(text[last : word.start])
        out.append(word.skeleton)
        last = word.end
    out.append(text[last:])
    return "".join(out)


def writes_in(script: str, text: str) -> bool:
    """Whether ``text`` holds a letter of ``script`` that imitates nothing: real writing in that script."""
    pattern = _REAL_LETTER_RE.get(script)
    return pattern is not None and pattern.search(text) is not None


def _judge(word: str, text: str, context: dict[str, bool]) -> tuple[tuple[str, ...], bool] | None:
    """The scripts of a look-alike word and whether it is a whole-word imitation; None for ordinary writing."""
    letters = [char for char in word if char.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    scripts: dict[str, None] = {}
    for char in letters:
        script = script_of(char)
        if script != "Latin" and char not in LOOKALIKES:
            return None  # a letter only that script has: real writing in that script (Dockerфайл, kΩ)
        scripts[script] = None
    foreign = [s for s in scripts if s != "Latin"]
    if "Latin" in scripts:
        return tuple(scripts), False
    if len(foreign) != 1 or not _latin_context(foreign[0], text, context):
        return None
    return tuple(scripts), True


def _latin_context(script: str, text: str, context: dict[str, bool]) -> bool:
    """Whether ``text`` is Latin writing with no real word of ``script``: only Latin letters and look-alikes."""
    if script not in context:
        context[script] = not writes_in(script, text) and _has_latin_word(text)
    return context[script]


def _has_latin_word(text: str) -> bool:
    return any(_LATIN_RE.search(word) and not _LOOKALIKE_RE.search(word) for word in _WORD_RE.findall(text))


__all__ = ["LOOKALIKES", "ConfusableWord", "find_confusable_words", "fold_confusables", "script_of", "skeleton",
           "writes_in"]
