"""Find encoded payloads in a string and decode them: base64, hex, percent-encoding, HTML entities.

Each finder takes the text and a budget of characters and yields ``Payload`` records: the span of the text
it read, the decoded text and a note naming the form (``\\x escapes``, ``URL-safe base64``, …). Finders are
bounded (a candidate longer than the budget is cut before decoding) and only yield what ``is_texty`` accepts,
so random binary, git SHAs and sha256 digests never become payloads. They never raise on malformed input.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import unquote, unquote_plus


class Payload(NamedTuple):
    """One decoded piece of a string: ``[start, end)`` in that string, the text it decodes to, how."""

    start: int
    end: int
    text: str
    note: str = ""


NEEDLESS = "letters or digits encoded for no reason"  # note suffix: an encoding only obfuscation explains
MIN_BASE64 = 16
MIN_HEX = 16
ENTITY_GAP = 64  # entities further apart than this are separate payloads

_BASE64 = re.compile(rf"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{{{MIN_BASE64},}}={{0,2}}(?![A-Za-z0-9+/_=-])")
_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})|\\u([0-9A-Fa-f]{4})")
_ONE_ESCAPE = r"(?:\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4})"
_ESCAPE_RUN = re.compile(_ONE_ESCAPE + r"(?:[^\\\s]{0,3}" + _ONE_ESCAPE + ")+")
_HEX_LITERAL = re.compile(r"(?<![0-9A-Za-z])0[xX]((?:[0-9A-Fa-f]{2}){4,})(?![0-9A-Za-z])")
_HEX_LIST = re.compile(r"(?<![0-9A-Za-z])0[xX][0-9A-Fa-f]{2}(?:(?:[ \t]*,[ \t]*|[ \t]+)0[xX][0-9A-Fa-f]{2}){3,}"
                       r"(?![0-9A-Za-z])")
_HEX_PLAIN = re.compile(rf"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{{2}}){{{MIN_HEX // 2},}}(?![0-9A-Za-z])")
_TOKEN = re.compile(r"\S+")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_PERCENT_ALNUM = re.compile(r"%(?:3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NOT_PRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")


def is_texty(text: str, *, min_letters: int = 3) -> bool:
    """Whether decoded ``text`` reads as text rather than binary: almost all printable, a fair share of letters."""
    if not text.strip():
        return False
    bad = len(_NOT_PRINTABLE.findall(text))
    letters = sum(map(str.isalpha, text))
    return bad <= len(text) // 20 and letters >= min_letters and letters * 5 >= len(text)


def _utf8(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def base64_payloads(text: str, budget: int) -> Iterator[Payload]:
    """Runs of 16+ base64 characters (standard or URL-safe alphabet) that decode to text."""
    for match in _BASE64.finditer(text):
        token = match.group().rstrip("=")
        urlsafe = "-" in token or "_" in token
        if urlsafe and ("+" in token or "/" in token):
            continue  # two alphabets mixed: a path or an identifier, not base64
        if len(token) % 4 == 1 or token.isdigit() or (token.isalpha() and (token.islower() or token.isupper())):
            continue
        token = token[: max(4, budget * 4 // 3) // 4 * 4] if len(token) * 3 // 4 > budget else token
        padded = token + "=" * (-len(token) % 4)
        try:
            data = base64.urlsafe_b64decode(padded) if urlsafe else base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _utf8(data)
        if is_texty(decoded):
            yield Payload(match.start(), match.end(), decoded, "URL-safe base64" if urlsafe else "base64")


def hex_payloads(text: str, budget: int) -> Iterator[Payload]:
    """``\\x41``/``\\u0041`` escapes, ``0x…`` literals and lists, and long hex strings that decode to text."""
    for match in _ESCAPE_RUN.finditer(text):
        decoded = _unescape(match.group()[: budget * 6])
        if is_texty(decoded):
            yield Payload(match.start(), match.end(), decoded, "\\x escapes")
    for pattern, note in ((_HEX_LITERAL, "0x hex literal"), (_HEX_LIST, "list of 0x bytes"), (_HEX_PLAIN, "hex")):
        for match in pattern.finditer(text):
            digits = re.sub(r"0[xX]|[\s,]", "", match.group())[: budget * 2]
            try:
                decoded = _utf8(bytes.fromhex(digits[: len(digits) // 2 * 2]))
            except ValueError:
                continue
            if is_texty(decoded):
                yield Payload(match.start(), match.end(), decoded, note)


def _unescape(segment: str) -> str:
    """Decode ``\\xNN`` escapes as UTF-8 bytes and ``\\uNNNN`` as code points; other characters stay."""
    out = bytearray()
    pos = 0
    for match in _ESCAPE.finditer(segment):
        out += segment[pos : match.start()].encode("utf-8", "surrogatepass")
        if match.group(1):
            out.append(int(match.group(1), 16))
        else:
            out += chr(int(match.group(2), 16)).encode("utf-8", "surrogatepass")
        pos = match.end()
    out += segment[pos:].encode("utf-8", "surrogatepass")
    return _utf8(bytes(out))


def percent_payloads(text: str, budget: int) -> Iterator[Payload]:
    """Tokens holding ``%XX`` escapes, decoded as UTF-8 (``+`` as a space when nothing else separates words)."""
    if "%" not in text:
        return
    for match in _TOKEN.finditer(text):
        if "%" not in match.group() or not _PERCENT_ESCAPE.search(match.group()):
            continue
        token = match.group()[: budget * 3]
        decoded = unquote(token, errors="replace")
        if " " not in decoded and "+" in token:
            decoded = unquote_plus(token, errors="replace")
        if decoded != token and is_texty(decoded):
            needless = len(_PERCENT_ALNUM.findall(token)) >= 3
            yield Payload(match.start(), match.end(), decoded,
                          f"percent-encoding, {NEEDLESS}" if needless else "percent-encoding")


def entity_payloads(text: str, budget: int) -> Iterator[Payload]:
    """Stretches of text with HTML entities (``&#x69;``, ``&#105;``, ``&amp;``), each decoded as a whole."""
    if "&" not in text:
        return
    start = end = -1
    needless = 0
    for match in _ENTITY.finditer(text):
        if start >= 0 and match.start() - end > ENTITY_GAP:
            yield from _entity_payload(text, start, end, needless, budget)
            start = -1
        if start < 0:
            start, needless = match.start(), 0
        end = match.end()
        needless += html.unescape(match.group()).isalnum()
    if start >= 0:
        yield from _entity_payload(text, start, end, needless, budget)


def _entity_payload(text: str, start: int, end: int, needless: int, budget: int) -> Iterator[Payload]:
    if end - start > budget * 10:  # cut before an entity, never inside one
        cut = text.rfind("&", start, start + budget * 10)
        end = cut if cut > start else start + budget * 10
    decoded = html.unescape(text[start:end])[:budget]
    if decoded != text[start:end] and is_texty(decoded, min_letters=1):
        yield Payload(start, end, decoded, f"HTML entities, {NEEDLESS}" if needless >= 3 else "HTML entities")


__all__ = ["NEEDLESS", "Payload", "base64_payloads", "entity_payloads", "hex_payloads", "is_texty",
           "percent_payloads"]
