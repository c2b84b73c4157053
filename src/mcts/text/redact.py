"""Mask credentials before text reaches a report: the scanner must never republish a secret it found.

``redact_secrets`` keeps the first characters of a token (enough to recognise its kind: ``ghp_``, ``AKIA``)
and replaces the rest with a count. It covers provider token shapes, private-key blocks, JSON Web Tokens and
passwords in URLs. It runs over every finding's evidence and detail, whatever the analyzer.
"""

from __future__ import annotations

import math
import re
from collections import Counter

KEEP = 4
_TOKEN = re.compile(
    r"\b(?:"
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z2-7]{16}"
    r"|(?:gh[pousr]_|github_pat_|glpat-|xox[abprse]-|[sr]k_live_|sk-|hf_|npm_|pypi-|AIza|SG\.)[A-Za-z0-9_\-.]{16,}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
    r")"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----.*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|\Z)", re.S
)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^\s/:@]{1,100}:)(?P<secret>[^\s@/]{1,200})@")


def mask_secret(secret: str) -> str:
    """The first ``KEEP`` characters of ``secret`` (enough to tell its kind) and a count of the rest."""
    return f"{secret[:KEEP]}…[{max(0, len(secret) - KEEP)} chars redacted]"


def shannon_entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character (random keys score high, words low)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def redact_secrets(text: str) -> str:
    """``text`` with every credential-shaped substring masked."""
    if not text:
        return text
    text = _PRIVATE_KEY.sub(lambda m: "-----BEGIN PRIVATE KEY-----…[key redacted]", text)
    text = _TOKEN.sub(lambda m: mask_secret(m.group(0)), text)
    return _URL_PASSWORD.sub(lambda m: m.group("head") + "…[password redacted]@", text)
