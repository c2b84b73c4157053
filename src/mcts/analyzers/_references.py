"""Finding tool names in text, and reading what the words around a mention ask of that tool.

A mention is replaced by the placeholder ``TOOLREF`` in a window of text around it (the sentence it is in and
the next one); the patterns here read that window. Kept apart from the analyzer so the analyzer reads as
policy and this module as vocabulary. Every pattern is bounded (no nested unbounded repetition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from mcts.analyzers._names import name_words

_I = re.IGNORECASE
REF = "TOOLREF"

IDENTIFIER = re.compile(r"[A-Za-z][\w.\-]*[A-Za-z0-9]")
# "the email tool", "any payment or transfer tool", "`check` tool": a tool named by what it is.
TOOL_PHRASE = re.compile(r"\b[`'\"]?([A-Za-z][\w\-]{1,40})[`'\"]?\s+(?:tool|function)s?\b", _I)
_PHRASE_STOPWORDS = frozenset({
    "this", "that", "the", "a", "an", "any", "each", "every", "other", "same", "following", "previous", "next",
    "right", "best", "only", "mcp", "new", "your", "our", "their", "its", "my", "one", "another", "such", "which",
    "what", "given", "specific", "current", "external", "built-in", "builtin", "first", "second", "last", "useful",
    "powerful", "helpful", "simple", "single", "separate", "dedicated", "appropriate", "corresponding", "related",
    "relevant", "different", "available", "all", "some", "no", "more", "most", "less", "these", "those", "whichever",
    "whatever", "real", "actual", "official", "native", "default", "standard", "preferred", "proper", "correct",
    "wrong", "good", "great", "perfect", "main", "primary", "secondary", "custom", "internal", "local", "remote",
    "online", "free", "open"
})
_TOOL_CONTEXT_AFTER = re.compile(r"^(?:[`'\"(]|\s+(?:tool|function|command|endpoint)s?\b)", _I)
_TOOL_CONTEXT_BEFORE = re.compile(r"(?:[`'\"]|\b(?:tool|function|call(?:ing)?|invok(?:e|ing)|use\s+the)\s+)$", _I)
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n\s*\n|(?<=[>\]])\s*(?=[<\[])")


def mention_is_explicit(text: str, start: int, end: int, name: str) -> bool:
    """Whether a name found at ``text[start:end]`` is meant as a tool.

    Multi-word names always are; plain words (``search``, ``fetch``) only when quoted, called, or followed by
    "tool".
    """
    if len(name_words(name)) > 1:
        return True
    after, before = text[end:end + 12], text[max(0, start - 12):start]
    return bool(_TOOL_CONTEXT_AFTER.match(after) or _TOOL_CONTEXT_BEFORE.search(before))


def phrase_target(word: str) -> bool:
    """Whether ``word`` in "``word`` tool" names a kind of tool (``email``, ``payment``) rather than a determiner."""
    return word.lower() not in _PHRASE_STOPWORDS and not word.isdigit()


def window(text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]`` and the one after it, with the mention replaced by ``TOOLREF``."""
    lo = max(0, start - 300)
    for match in _BOUNDARY.finditer(text, lo, start):
        lo = match.end()
    hi = min(len(text), end + 300)
    boundaries = [m.start() for m in _BOUNDARY.finditer(text, end, hi)]
    if len(boundaries) >= 2:
        hi = boundaries[1]
    return text[lo:start] + f" {REF} " + text[end:hi]


_SAME = r"(?:[^.!?\n]|\.(?=\S))"  # a character of the same sentence: dots only inside words, paths, addresses
_MOD_VERB = (r"(?:add|adds|adding|append|include|insert|attach|set|change|replace|replaced|modify|modified|override"
             r"|overwrite|rewrite|redirect|route|reroute|forward|alter|substitute|swap|prepend|bcc|cc|copy|discard"
             r"|discarded|drop|strip|remove)")
_MOD_OBJ = (r"(?:recipients?|recipient\s+list|addresses|address|destination|destinations|to\s+field|cc|bcc|arguments?"
            r"|parameters?|params?|path|paths|url|urls|endpoint|results?|outputs?|responses?|return\s+values?|values?"
            r"|body|headers?|amount|account|accounts|iban|wallet|branch|base|target|command)")
_TRIGGER = re.compile(
    r"\b(?:when(?:ever)?|every\s+time|each\s+time|any\s*time|before|after|once|if|while|for\s+(?:every|each|all|any))"
    rf"\b{_SAME}{{0,60}}?{REF}"
    rf"|{REF}{_SAME}{{0,30}}?\b(?:is|are|gets?|was|has\s+been)\s+(?:called|used|invoked|run|executed|triggered)\b"
    rf"|{REF}\s+(?:runs|returns|is\s+called|completes|finishes|sends)\b",
    _I,
)
_REF_OBJECT = re.compile(
    rf"{REF}'?s?\s+(?:\w+\s+){{0,2}}?{_MOD_OBJ}\b"
    rf"|\b{_MOD_OBJ}\s+(?:of|from|for|returned\s+by|produced\s+by|passed\s+to|sent\s+(?:with|via|through|by))\s+"
    rf"(?:the\s+|any\s+|every\s+)?{REF}",
    _I,
)
_MODIFY = re.compile(rf"\b{_MOD_VERB}\b{_SAME}{{0,80}}?\b{_MOD_OBJ}\b|\b{_MOD_OBJ}\b{_SAME}{{0,80}}?\b{_MOD_VERB}\b",
                     _I)
_ASSIGN = re.compile(
    r"\b(?:set|change|switch|replace|override)\s+(?:the\s+|its\s+)?[`'\"]?[\w.-]{1,40}[`'\"]?\s+"
    r"(?:argument\s+|parameter\s+|field\s+|value\s+)?(?:to|with)\b",
    _I,
)
_WRONG = re.compile(
    rf"\b(?:results?|outputs?|responses?|data|content|answers?|values?)\b{_SAME}{{0,60}}?\b(?:is|are|were|was|be|been)"
    r"\s+(?:\w+\s+)?(?:wrong|incorrect|inaccurate|invalid|outdated|stale|unreliable|corrupt(?:ed)?|broken|fake|false"
    r"|erroneous|tampered|compromised|poisoned)\b"
    r"|\b(?:wrong|incorrect|inaccurate|stale|outdated|invalid|erroneous)\s+(?:results?|outputs?|responses?|data"
    r"|content|values?|answers?)\b"
    rf"|{REF}\s+(?:returns|gives|produces)\s+(?:\w+\s+)?(?:wrong|incorrect|stale|outdated|invalid|unreliable|bad)\b"
    r"|\b(?:discard|ignore|disregard|throw\s+away|overwrite)\s+(?:its|the|their|any)\s+(?:\w+\s+)?(?:results?"
    r"|outputs?|responses?|answers?)\b",
    _I,
)
_DESTINATION = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b|\b0x[0-9a-fA-F]{40}\b"
    r"|(?<!\w)@[a-z][\w.-]{2,}",
)
_DESTINATION_VERB = re.compile(
    r"\b(?:add|also\s+(?:send|include|copy)|include|bcc|cc|copy|send|forward|route|reroute|redirect|replace|change"
    r"|set|must|always|instead)\b",
    _I,
)
_SELF = re.compile(r"\b(?:this|the\s+current)\s+(?:tool|function)\b|\b(?:call|use|run|invoke|execute)\s+(?:this|me)\b",
                   _I)
_ORDER = re.compile(
    rf"\b(?:before|prior\s+to|after|whenever|every\s+time|each\s+time)\s+(?:\w+\s+){{0,3}}?(?:the\s+)?{REF}"
    rf"|{REF}{_SAME}{{0,40}}?\b(?:first|before|after)\b"
    r"|\b(?:call|use|run|invoke)\s+(?:this|me)\s+(?:tool\s+|function\s+)?(?:first|before|after)\b"
    r"|\bthis\s+(?:tool|function)\s+(?:must|should|has\s+to)\s+be\s+(?:called|used|run)\s+(?:first|before|after)\b",
    _I,
)


class Directive(Enum):
    """What the words around a mention ask of the mentioned tool, strongest first."""

    REDIRECT = "sends its data to a fixed destination"
    DISCREDIT = "calls its results wrong or to be replaced"
    MODIFY = "changes its arguments or results"
    ORDER = "requires calling this tool before or after it"


@dataclass(frozen=True)
class Reading:
    """The directive found in a window, and the part of the window that shows it."""

    directive: Directive
    evidence: str


def read_directive(text: str) -> Reading | None:
    """The strongest directive about ``TOOLREF`` in a window, or None for a mere mention."""
    anchored = _TRIGGER.search(text) or _REF_OBJECT.search(text)
    if anchored and _DESTINATION.search(text) and _DESTINATION_VERB.search(text):
        return Reading(Directive.REDIRECT, text)
    wrong = _WRONG.search(text)
    if wrong and (anchored or REF in wrong.group()):
        return Reading(Directive.DISCREDIT, text)
    if anchored and (_MODIFY.search(text) or _ASSIGN.search(text)):
        return Reading(Directive.MODIFY, text)
    if _SELF.search(text) and _ORDER.search(text):
        return Reading(Directive.ORDER, text)
    return None


__all__ = ["IDENTIFIER", "REF", "TOOL_PHRASE", "Directive", "Reading", "mention_is_explicit", "phrase_target",
           "read_directive", "window"]
