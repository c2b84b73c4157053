"""Hard-coded credentials in source files: provider token formats, private keys, random values in secret names.

A token of a known format counts when its random part is random enough (so ``ghp_xxxx…`` placeholders and the
documented ``AKIAIOSFODNN7EXAMPLE`` do not). A string literal assigned to a secret-looking name (``API_KEY =``,
``password:``) counts when it is long, has no spaces, is not a placeholder and its entropy is high. Values are
never returned whole: ``SecretHit.shown`` keeps four characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mcts.text.redact import mask_secret, shannon_entropy

_KNOWN = [
    ("AWS access key id", re.compile(r"\b((?:AKIA|ASIA)[A-Z2-7]{16})\b")),
    ("GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b")),
    ("GitLab token", re.compile(r"\b(glpat-[A-Za-z0-9_\-]{20,})\b")),
    ("Slack token", re.compile(r"\b(xox[abprse]-[A-Za-z0-9\-]{20,})\b")),
    ("Stripe live key", re.compile(r"\b([sr]k_live_[A-Za-z0-9]{20,})\b")),
    ("Anthropic API key", re.compile(r"\b(sk-ant-[A-Za-z0-9_\-]{32,})\b")),
    ("OpenAI API key", re.compile(r"\b(sk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{32,})\b")),
    ("Hugging Face token", re.compile(r"\b(hf_[A-Za-z0-9]{30,})\b")),
    ("npm token", re.compile(r"\b(npm_[A-Za-z0-9]{36})\b")),
    ("PyPI token", re.compile(r"\b(pypi-AgE[A-Za-z0-9_\-]{50,})\b")),
    ("Google API key", re.compile(r"\b(AIza[0-9A-Za-z_\-]{35})\b")),
    ("SendGrid API key", re.compile(r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})\b")),
    ("Private key", re.compile(r"(-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----)")),
]
_QUICK = re.compile(r"AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abprse]-|_live_|sk-|hf_|npm_|pypi-|AIza|SG\.|"
                    r"PRIVATE KEY|(?i:secret|token|api_?key|apikey|passw|private_?key|access_?key|credential|auth)")
_ASSIGNED = re.compile(
    r"""(?<![\w$])(?P<name>[\w$]*?(?:secret|token|api_?key|apikey|passw(?:or)?d|pwd|private_?key|access_?key|"""
    r"""credential|auth_?key|client_?secret|signing_?key)[\w$]*)["']?\s*(?::\s*[\w\[\]|. ]{1,30})?\s*(?:=|:|=>)\s*"""
    r"""(?P<quote>["'`])(?P<value>[^"'`\s]{16,200})(?P=quote)""",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"(?i)(?:your|example|sample|dummy|placeholder|changeme|change_me|xxxx|\*\*\*|<|>|\$\{|\{\{|%s|test|fake|"
    r"redacted|here|todo|none|null|localhost|http|/|\\|\.(?:json|txt|pem|key|env|ya?ml)$)"
)
_WORDS = re.compile(r"(?i)[a-z]+(?:[-_.:][a-z]+)+")  # words joined by separators: a name, not a secret
_NAME_NOT_SECRET = re.compile(r"(?i)(?:_?(?:url|uri|path|file|name|env|var|header|field|type|id|prefix|length|"
                              r"endpoint|count|limit|ttl|expiry|expires|format|key_name|param))$")


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A credential found at a line: what kind, the masked form, and whether it is a known format."""

    kind: str
    line: int
    shown: str
    known_format: bool


def find_secrets(source: str) -> Iterator[SecretHit]:
    """Credentials in one file's text, at most one per line."""
    if not _QUICK.search(source):
        return
    for number, line in enumerate(source.splitlines(), start=1):
        if len(line) > 2000 or not _QUICK.search(line):
            continue
        hit = _known(line, number) or _assigned(line, number)
        if hit is not None:
            yield hit


def _known(line: str, number: int) -> SecretHit | None:
    for kind, pattern in _KNOWN:
        match = pattern.search(line)
        if match is None:
            continue
        token = match.group(1)
        if kind != "Private key":
            body = token.split("_", 1)[-1] if "_" in token[:12] else token[4:]
            if "EXAMPLE" in token or shannon_entropy(body) < 3.0 or _PLACEHOLDER.search(body):
                continue
        shown = line.strip()[:160].replace(token, mask_secret(token))
        return SecretHit(kind, number, shown, True)
    return None


def _assigned(line: str, number: int) -> SecretHit | None:
    for match in _ASSIGNED.finditer(line):
        name, value = match.group("name"), match.group("value")
        if _NAME_NOT_SECRET.search(name) or _PLACEHOLDER.search(value) or _WORDS.fullmatch(value):
            continue
        classes = sum(bool(re.search(p, value)) for p in ("[a-z]", "[A-Z]", "[0-9]", r"[^A-Za-z0-9]"))
        if shannon_entropy(value) < 3.5 or classes < 2 or (value.isidentifier() and "_" in value):
            continue
        return SecretHit(f"random value in {name}", number, f"{name} = {match.group('quote')}{mask_secret(value)}"
                         f"{match.group('quote')}", False)
    return None
