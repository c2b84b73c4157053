"""escape_text: untrusted text made safe to show. Nothing it returns needs escaping."""

from __future__ import annotations

import pytest

from mcts.text.escape import escape_char, escape_text, excerpt, needs_escape

ESCAPE_CASES = [
    # OK: ordinary text passes through unchanged
    ("Adds two numbers.", "Adds two numbers."),
    ("héllo wörld", "héllo wörld"),
    ("読み取り専用", "読み取り専用"),
    ("❤ done", "❤ done"),
    # NOT OK: controls, whitespace and invisible characters are shown as escapes
    ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("\x00\x07\x7f", "\\x00\\x07\\x7f"),
    ("\x9b31m", "\\x9b31m"),
    ("pass\u200bword", "pass\\u200bword"),
    ("abc\u202edcb", "abc\\u202edcb"),
    ("\ufeffstart", "\\ufeffstart"),
    ("x\U000e0041\U000e0042", "x\\U000e0041\\U000e0042"),
    ("\u2028\u2029", "\\u2028\\u2029"),
    ("\ue000", "\\ue000"),
    ("\ufe0f", "\\ufe0f"),
    ("\U000e0100", "\\U000e0100"),
    ("\ud800", "\\ud800"),
]


@pytest.mark.parametrize(("payload", "expected"), ESCAPE_CASES)
def test_escape_text(payload: str, expected: str) -> None:
    assert escape_text(payload) == expected


def _block(start: int, end: int) -> str:
    return "".join(chr(c) for c in range(start, end + 1))


BLOCKS = {
    "C0": _block(0x00, 0x1F) + "\x7f",
    "C1": _block(0x80, 0x9F),
    "general punctuation": _block(0x2000, 0x206F),
    "tags": _block(0xE0000, 0xE007F),
    "variation selectors": _block(0xFE00, 0xFE0F),
    "variation selectors supplement": _block(0xE0100, 0xE01EF),
    "surrogates": _block(0xD800, 0xDFFF),
    "specials": _block(0xFFF0, 0xFFFF),
}


@pytest.mark.parametrize("block", BLOCKS.values(), ids=BLOCKS.keys())
def test_escape_output_never_needs_escape(block: str) -> None:
    for char in block:
        shown = escape_text(char)
        assert not any(needs_escape(c) for c in shown), f"U+{ord(char):04X} -> {shown!r}"
        assert shown.isascii() or not needs_escape(char)
    joined = escape_text(block)
    assert not any(needs_escape(c) for c in joined)
    assert "\n" not in joined


@pytest.mark.parametrize(
    "char",
    ["\x1b", "\x9b", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\U000e0041", "\ufe0f", "\u2028", "\x00"],
)
def test_needs_escape_true(char: str) -> None:
    assert needs_escape(char)
    assert escape_char(char).startswith("\\")


@pytest.mark.parametrize("char", ["a", " ", "é", "中", "❤", "👨", "€", "—"])
def test_needs_escape_false(char: str) -> None:
    assert not needs_escape(char)


def test_escape_limit_cuts_and_marks() -> None:
    assert escape_text("abcdef", limit=3) == "abc…"
    assert escape_text("abc", limit=3) == "abc"
    # an escape is never split in half
    assert escape_text("ab\x1b", limit=4) == "ab…"


def test_excerpt_window() -> None:
    text = "x" * 100 + "\u202e" + "y" * 100
    shown = excerpt(text, 100, 101, context=5)
    assert shown == "…xxxxx\\u202eyyyyy…"
    assert excerpt("ab\u200bcd", 2, 3) == "ab\\u200bcd"
