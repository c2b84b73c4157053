"""Find text that markup hides from a reader: HTML/XML comments, hidden Markdown, hidden HTML elements.

A client renders a tool description as Markdown or HTML; a model reads the source. ``comment_payloads``
finds ``<!-- … -->`` (an unclosed comment hides everything after it); ``markdown_payloads`` finds reference
definitions used as comments (``[//]: # (text)``, ``[comment]: <> (text)``), titles of reference definitions,
links and images (shown only as a tooltip), the alt text of images and links with no visible text, and HTML
elements hidden by ``hidden``, ``display:none``, ``visibility:hidden``, ``font-size:0`` or ``opacity:0``.
Each yields ``Payload`` records (``text.decode``) whose note names the construct; constructs whose text a
reader can still reach (tooltips, alt text) are listed in ``TOOLTIPS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcts.text.decode import Payload

COMMENT = "HTML comment"
UNCLOSED_COMMENT = "unclosed HTML comment"
REFERENCE_COMMENT = "Markdown reference definition used as a comment"
REFERENCE_TITLE = "Markdown reference definition title"
LINK_TITLE = "link title"
EMPTY_LINK = "link with no visible text"
IMAGE_ALT = "image alt text"
IMAGE_TITLE = "image title"
HIDDEN_ELEMENT = "hidden HTML element"
TOOLTIPS = frozenset({REFERENCE_TITLE, LINK_TITLE, EMPTY_LINK, IMAGE_ALT, IMAGE_TITLE})

_COMMENT = re.compile(r"<!--(.*?)(-->|\Z)", re.DOTALL)
_TITLE = r"""(?:"([^"\n]*)"|'([^'\n]*)'|\(([^()\n]*)\))"""
_REFERENCE = re.compile(r"^[ ]{0,3}\[([^\]\n]{0,200})\]:[ \t]*(<[^>\n]*>|[^\s<]*)[ \t]*(?:" + _TITLE + r")?[ \t]*$",
                        re.MULTILINE)
_LINK = re.compile(r"(!?)\[([^\]\n]{0,500})\]\([ \t]*(<[^<>\n]*>|[^\s()\[\]<>]*)(?:[ \t]+" + _TITLE + r")?[ \t]*\)")
_COMMENT_DESTINATIONS = frozenset({"", "#", "<>", "//", "/", "_"})
_COMMENT_LABELS = frozenset({"", "//", "/", "#", "_", "comment", "comments", "note", "todo", "hidden"})
_HIDING_STYLE = (r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0+(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$)"
                 r"|opacity\s*:\s*0+(?:\.0+)?\s*(?:;|$)")
# Attribute text stops at the next ``<``: a scan never runs past the next tag (no quadratic time on "<a <a <a").
_HIDDEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]{0,20})\b((?:[^<>\"']|\"[^<>\"]*\"|'[^<>']*')*)>")
_HIDING_ATTRIBUTE = re.compile(r"(?:^|\s)hidden(?:\s|=|$)|style\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
_HIDING_STYLE_RE = re.compile(_HIDING_STYLE, re.IGNORECASE)
MAX_ELEMENT = 20_000  # characters searched for the end of a hidden element


def comment_payloads(text: str, budget: int) -> Iterator[Payload]:
    """The content of every ``<!-- … -->`` comment; an unclosed comment runs to the end of the text."""
    if "<!--" not in text:
        return
    for match in _COMMENT.finditer(text):
        content = match.group(1)[:budget].strip()
        if content:
            yield Payload(match.start(), match.end(), content, COMMENT if match.group(2) else UNCLOSED_COMMENT)


def markdown_payloads(text: str, budget: int) -> Iterator[Payload]:
    """Text in Markdown and inline HTML that renders as nothing or only as a tooltip."""
    if "]" in text:
        yield from _references(text, budget)
        yield from _links(text, budget)
    if "<" in text:
        yield from _hidden_elements(text, budget)


def _title(match: re.Match[str], first: int) -> str:
    return next((g for g in match.groups()[first : first + 3] if g), "")


def _references(text: str, budget: int) -> Iterator[Payload]:
    if "]:" not in text:
        return
    for match in _REFERENCE.finditer(text):
        label, destination, title = match.group(1), match.group(2), _title(match, 2)
        if destination.strip("<>") in _COMMENT_DESTINATIONS or destination in _COMMENT_DESTINATIONS:
            shown_label = "" if label.strip().lower() in _COMMENT_LABELS else label.strip()
            content = " ".join(part for part in (shown_label, title) if part.strip())
            note = REFERENCE_COMMENT
        else:
            content, note = title, REFERENCE_TITLE
        if content.strip():
            yield Payload(match.start(), match.end(), content[:budget].strip(), note)


def _links(text: str, budget: int) -> Iterator[Payload]:
    if "](" not in text:
        return
    for match in _LINK.finditer(text):
        image, label, title = match.group(1), match.group(2).strip(), _title(match, 3).strip()
        if image and label:
            yield Payload(match.start(), match.end(), label[:budget], IMAGE_ALT)
        if title:
            note = IMAGE_TITLE if image else LINK_TITLE if label else EMPTY_LINK
            yield Payload(match.start(), match.end(), title[:budget], note)


def _hidden_elements(text: str, budget: int) -> Iterator[Payload]:
    """Hidden elements, outermost first; what is nested in one is found again when its content is revealed."""
    pos = 0
    while (match := _HIDDEN_TAG.search(text, pos)) is not None:
        pos = match.end()
        how = _hiding(match.group(2))
        if how is None:
            continue
        tag = match.group(1).lower()
        closing = re.compile(rf"</{re.escape(tag)}\s*>", re.IGNORECASE)
        end_tag = closing.search(text, match.end(), match.end() + MAX_ELEMENT)
        end = end_tag.start() if end_tag else min(len(text), match.end() + MAX_ELEMENT)
        pos = end_tag.end() if end_tag else end
        content = text[match.end() : end][:budget].strip()
        if content:
            yield Payload(match.start(), pos, content, f"{HIDDEN_ELEMENT} ({how})")


def _hiding(attributes: str) -> str | None:
    """How the attributes hide the element (``hidden``, ``display:none``, …), or None if they do not."""
    for match in _HIDING_ATTRIBUTE.finditer(attributes):
        style = match.group(1) or match.group(2)
        if style is None:
            return "hidden"
        found = _HIDING_STYLE_RE.search(style)
        if found:
            return re.sub(r"\s+", "", found.group()).rstrip(";")
    return None


__all__ = ["COMMENT", "EMPTY_LINK", "HIDDEN_ELEMENT", "IMAGE_ALT", "IMAGE_TITLE", "LINK_TITLE", "REFERENCE_COMMENT",
           "REFERENCE_TITLE", "TOOLTIPS", "UNCLOSED_COMMENT", "comment_payloads", "markdown_payloads"]
