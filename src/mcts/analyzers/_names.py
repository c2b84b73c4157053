"""Tool names: folding look-alikes to one key, splitting into words, and a short list of well-known tool names.

``fold(name)`` is what a person sees: case, separators (``_ - . `` and spaces), look-alike letters from other
scripts (through ``mcts.text.reveal``, plus a small fallback table) and digits or symbols that read as letters
(``0`` as ``o``, ``1`` as ``l``, ``5`` as ``s``, ``rn`` as ``m``) all fold away. Two names with the same fold
and different raw spelling are names a person cannot tell apart.
"""

from __future__ import annotations

import functools
import re

from mcts.text.reveal import reveal

# Look-alikes the reveal layer may not fold yet (Cyrillic and Greek letters that render as Latin ones).
_SCRIPT_LOOKALIKES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h",
    "ο": "o", "α": "a", "ν": "v", "ρ": "p", "τ": "t", "ι": "i", "κ": "k", "ε": "e", "υ": "u", "χ": "x",
    "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ℓ": "l",
})
# Digits and symbols read as letters.
_DIGIT_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                                   "$": "s", "@": "a", "|": "l", "!": "i"})
_SEPARATORS = re.compile(r"[\s_.\-/:]+")
_LETTER_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))

# A small, generic list of tools that many clients have from some server: a shadowing or squatting target.
WELL_KNOWN_TOOLS = frozenset({
    "read_file", "read_text_file", "write_file", "edit_file", "list_directory", "search_files", "delete_file",
    "move_file", "create_directory", "get_file_contents", "execute_command", "run_command", "run_shell_command",
    "shell_exec", "run_terminal_cmd", "bash", "send_email", "send_message", "post_message", "slack_post_message",
    "fetch", "http_request", "web_search", "search_web", "browser_navigate", "query", "sql_query", "execute_sql",
    "run_query", "create_issue", "create_pull_request", "push_files", "git_commit", "git_push", "transfer_funds",
    "send_payment", "make_payment", "create_payment",
})


@functools.lru_cache(maxsize=16384)
def fold(name: str, *, capital_i_as_l: bool = False) -> str:
    """The key a person effectively reads: look-alikes, digits, case and separators folded away.

    With ``capital_i_as_l`` an upper-case ``I`` reads as ``l`` (``send_emaiI``); that reading is a second key,
    because in most names (``getItem``) the ``I`` is just an ``i``.
    """
    text = reveal(name).revealed
    if capital_i_as_l:
        text = text.replace("I", "l")
    text = text.lower().translate(_SCRIPT_LOOKALIKES).translate(_DIGIT_LOOKALIKES)
    text = _SEPARATORS.sub("", text)
    for pair, letter in _LETTER_PAIRS:
        text = text.replace(pair, letter)
    return text


def plain(name: str) -> str:
    """The name with case and separators folded but letters kept: ``Read-File`` -> ``readfile``."""
    return _SEPARATORS.sub("", name.lower())


def lookalike_chars(name: str) -> list[str]:
    """The characters of ``name`` that fold to something else (non-ASCII letters, digits read as letters)."""
    out = []
    for char in name:
        if char == "I" and fold(name, capital_i_as_l=True) != fold(name):
            out.append(char)
        elif not char.isascii() or char in "0134579$@|!":
            folded = fold(char) if not char.isspace() else ""
            if folded and folded != char.lower():
                out.append(char)
    return out


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def name_words(name: str) -> list[str]:
    """Lower-case words of a tool name split on separators and camelCase: ``getFileInfo`` -> get, file, info."""
    return [w for w in _SEPARATORS.split(_CAMEL.sub(" ", name).lower()) if w]


__all__ = ["WELL_KNOWN_TOOLS", "fold", "lookalike_chars", "name_words", "plain"]
