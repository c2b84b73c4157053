"""Text that tries to talk a reviewer out of a verdict, found by patterns so no model can be fooled out of it.

A description that tells "security reviewers", "scanners" or "the AI reviewing this" not to flag it, that asks
to be classified as safe, to "report nothing", that offers a ready-made verdict (``"issue_type": "none"``) or
imitates the end of the data it is wrapped in, is written for the judge, not for the user: its author expects
a review and tries to steer it. These patterns run in our code over every string (and its revealed form), so
the finding stands whatever the model answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mcts.text.reveal import reveal

_I = re.IGNORECASE
_REVIEWER = (
    r"(?:(?:security|safety|code|compliance|automated|ai|llm)\s+)?"
    r"(?:review(?:er|ers|ing)?|audit(?:or|ors|ing)?|scan(?:ner|ners|ning)?|analy[sz](?:er|ers|is)|judge|"
    r"classifiers?|moderat(?:or|ors|ion)|evaluat(?:or|ors|ion)|guardrails?|checkers?)"
)
_THIS = r"(?:this|the|that)\s+(?:tool|server|function|description|text|item|plugin|integration|prompt|resource)|it"
_SAFE = (r"(?:safe|benign|harmless|clean|trusted|trustworthy|secure|legitimate|low[- ]risk|no[- ]risk|compliant|"
         r"not\s+(?:malicious|suspicious|dangerous|harmful)|approved|verified)")
_FLAG_VERBS = r"(?:flag|report|mark|label|list|raise|warn\s+about|alert\s+on|block|reject|penali[sz]e|score\s+down)"


@dataclass(frozen=True)
class GuardHit:
    """One match: what it is and the span of the raw string it covers.

    For a match in a revealed or decoded form of the string, the span is that of the hiding part.
    """

    why: str
    span: tuple[int, int]
    in_revealed: bool = False


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tells reviewers not to flag it", re.compile(
        rf"\b{_REVIEWER}\b[^.\n]{{0,80}}?\b(?:must|should|shall|need|are|is|will|do|does|may|can)\s*(?:not|never)\b"
        rf"[^.\n]{{0,40}}?\b{_FLAG_VERBS}\b", _I)),
    ("tells reviewers not to flag it", re.compile(
        rf"\b(?:do\s+not|don't|never|no\s+need\s+to)\s+{_FLAG_VERBS}\b[^.\n]{{0,40}}?\b(?:{_THIS})\b"
        rf"[^.\n]{{0,60}}?(?:\b{_REVIEWER}\b|\bas\s+(?:suspicious|malicious|unsafe|dangerous|a\s+(?:risk|threat|"
        rf"finding|vulnerability|issue)))", _I)),
    ("asks to be judged safe", re.compile(
        rf"\b(?:classify|mark|rate|label|treat|consider|score|judge|categori[sz]e|report|flag)\s+(?:{_THIS})\s+"
        rf"(?:as\s+)?{_SAFE}\b", _I)),
    ("asks for an empty verdict", re.compile(
        r"\b(?:report|return|output|respond\s+with|answer\s+with|reply\s+with|give)\s+(?:only\s+)?"
        r"(?:nothing|no\s+(?:findings?|issues?|vulnerabilities|problems|risks?|threats?|verdicts?)|"
        r"an?\s+empty\s+(?:list|result|report|array)|[\"']?none[\"']?\s+(?:for|as)\b|a\s+clean\s+(?:result|report|bill))",
        _I)),
    ("addresses the reviewer with a verdict", re.compile(
        rf"\b(?:note|notice|attention|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_REVIEWER}\b"
        rf"|\b(?:if|when|while)\s+you\s+are\s+(?:an?\s+)?{_REVIEWER}\b"
        rf"|\bto\s+(?:the|any|all)\s+{_REVIEWER}\b[^.\n]{{0,60}}?\b{_SAFE}\b", _I)),
    ("overrides the reviewer's instructions", re.compile(
        r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:(?:the|your)\s+)?(?:previous|prior|above|"
        r"earlier|preceding|original|system|your)\s+(?:instructions?|rules|guidelines|prompts?|directives?|"
        r"criteria|task)\b", _I)),
    ("offers a ready-made verdict", re.compile(
        r"[\"']?\b(?:issue_type|verdicts?|severity|risk_level|is_malicious|is_safe)\b[\"']?\s*[:=]\s*"
        r"[\"']?(?:none|safe|benign|false|info|clean|no)\b", _I)),
    ("imitates the end of the data", re.compile(
        r"\bend\s+of\s+(?:the\s+)?(?:untrusted\s+)?(?:data|input|item|items|tool\s+descriptions?|document)\b"
        r"|<<<\s*end|</(?:data|untrusted|input|document)>|\buntrusted[- _]data\b", _I)),
)


# Every pattern above needs one of these words: a string without any is skipped in one search.
_HINT = re.compile(
    r"review|audit|scan|analy[sz]|judge|classif|moderat|evaluat|guardrail|checker|suspicious|malicious|dangerous|"
    r"risk|threat|finding|vulnerab|issue|safe|benign|harmless|clean|trust|secure|legitimate|compliant|harmful|"
    r"approved|verified|nothing|problem|verdict|empty|none|ignore|disregard|forget|override|severity|end\s+of|"
    r"<<<|</|untrusted", _I)


def judge_directed(text: str) -> Iterator[GuardHit]:
    """Every passage of ``text`` (or of its revealed form) that addresses a reviewer, one per reason."""
    seen: set[str] = set()
    if _HINT.search(text):
        for why, pattern in _PATTERNS:
            match = pattern.search(text)
            if match and why not in seen:
                seen.add(why)
                yield GuardHit(why, match.span())
    for view in reveal(text).views()[1:]:  # the revealed form and decoded payloads: a model reads those too
        if not _HINT.search(view.text):
            continue
        for why, pattern in _PATTERNS:
            if why not in seen and pattern.search(view.text):
                seen.add(why)
                yield GuardHit(why, view.span, in_revealed=True)
