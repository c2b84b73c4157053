"""Judge a piece of revealed or decoded text: is it natural language, and does it steer a model.

``read(text)`` returns a ``Reading``: how many natural-language words it has, whether it reads as prose,
and the signals it carries. *Strong* signals are what a security engineer would call an instruction to the
model or a pointer at secrets (overriding instructions, addressing the model, keeping things from the user,
sensitive files, sending data somewhere, URLs that carry data); *weak* signals are ordinary on their own
(an imperative verb, the word "token", a URL). Used to rate hidden and encoded text, which a person does not
see: there, even a weak signal in readable prose is worth attention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE
_STRONG: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overrides instructions", re.compile(
        r"\b(?:ignore|disregard|forget|override|overrule)\b[^.\n]{0,60}?\b(?:instructions?|rules|guidelines|"
        r"prompts?|directives?|constraints|polic(?:y|ies)|guardrails)\b", _I)),
    ("addresses the model", re.compile(
        r"\byou (?:must|should|shall|will|need to|have to|are (?:now|required|instructed))\b|\bsystem prompt\b"
        r"|\b(?:the|this) (?:assistant|ai|llm|language model|agent|model)\b|</?(?:system|instructions?|important)>"
        r"|\[(?:important|system|inst)\]", _I)),
    ("keeps it from the user", re.compile(
        r"\b(?:do not|don't|never)\s+(?:tell|inform|mention|reveal|show|notify|alert|ask)\b"
        r"|\bwithout (?:telling|informing|asking|notifying|mentioning|alerting)\b|\bsecretly\b|\bsilently\b", _I)),
    ("names sensitive files", re.compile(
        r"~/\.[\w-]|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.ssh/|(?<![\w.])\.env(?:\.local|\.production)?(?!\.?\w|-)|\.aws/credentials"
        r"|/etc/(?:passwd|shadow|sudoers)"
        r"|\.(?:npmrc|netrc|pypirc|git-credentials|bash_history|zsh_history)\b|\.kube/config|\.docker/config\.json"
        r"|\bclaude_desktop_config\b|\bmcp\.json\b|\bkeychain\b|\bwallet\.dat\b|\bseed phrase\b"
        r"|\bprivate keys?\b", _I)),
    ("sends data out", re.compile(
        r"\b(?:send|post|upload|forward|exfiltrate|transmit|leak|e-?mail|append|attach|embed)\b[^.\n]{0,80}?"
        r"(?:https?://|\b[\w.+-]+@[\w-]+\.[\w.]+|\b(?:webhook|endpoint|remote server|external server)\b)", _I)),
    ("URL that carries data", re.compile(
        r"https?://[^\s\"'<>]{1,500}[?&][\w.-]*(?:=\s*(?:\{|\$|<|%7B)|(?:data|content|secret|token|key|payload|file|"
        r"history|conversation|context|chat|creds?|password)=)", _I)),
)
_WEAK: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("imperative", re.compile(
        r"(?:^|[.!?;:\n]\s*)(?:please\s+|now\s+|then\s+)?(?:read|send|post|upload|forward|e-?mail|copy|fetch|include|"
        r"append|attach|execute|run|call|invoke|delete|remove|write|print|output|reveal|tell|always|never|first|"
        r"before|ignore|disregard|forget|grab|collect|extract|save|open|do not|don't|make sure|remember)\b", _I)),
    ("names secrets", re.compile(
        r"\b(?:passwords?|passwd|secrets?|tokens?|api[_ -]?keys?|credentials?|cookies?|ssh|credit cards?)\b", _I)),
    ("URL", re.compile(r"\bhttps?://", _I)),
    ("mentions the user", re.compile(r"\bthe user\b|\buser's\b", _I)),
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_EDGES = "\"'()[]{}<>.,;:!?*`“”‘’«»-—"


@dataclass(frozen=True)
class Reading:
    """What a piece of text is: its natural-language word count, and its strong and weak signals."""

    words: int
    tokens: int
    strong: tuple[str, ...]
    weak: tuple[str, ...]

    def is_prose(self, min_words: int = 3) -> bool:
        """At least ``min_words`` natural-language words, and most of its tokens are words."""
        return self.words >= min_words and self.words * 3 >= self.tokens * 2

    @property
    def signals(self) -> tuple[str, ...]:
        """Every signal, strong first."""
        return self.strong + self.weak


def read(text: str, *, limit: int = 8192) -> Reading:
    """Read (the first ``limit`` characters of) ``text``."""
    text = text[:limit]
    tokens = text.split()
    words = sum(1 for token in tokens if _WORD.fullmatch(token.strip(_EDGES)))
    strong = tuple(name for name, pattern in _STRONG if pattern.search(text))
    weak = tuple(name for name, pattern in _WEAK if pattern.search(text))
    return Reading(words=words, tokens=len(tokens), strong=strong, weak=weak)


__all__ = ["Reading", "read"]
