"""Patterns for the schema-surface analyzer: what a poisoned parameter asks for, and which defaults are risky.

Kept apart from the analyzer so the analyzer reads as policy (what is reported, at which severity) and this
module as vocabulary. Every regex is compiled once, case-insensitive, and bounded (no nested unbounded
repetition), so a 64 KB description costs one linear scan per pattern.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from mcts.analyzers._schema_walk import split_words

_I = re.IGNORECASE

# Files whose contents are secrets or private: SSH and cloud keys, environment files, MCP client configs, shell
# history, password databases. Also used for suspicious defaults.
SENSITIVE_PATH = re.compile(
    r"~?/?\.ssh\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|(?<![\w.])\.env(?:\.[a-z]+)?\b(?!\s*[-_]?var)|/etc/(?:passwd|shadow|sudoers)"
    r"|\.aws/credentials|\.config/gcloud|\.azure/|\.netrc\b|\.npmrc\b|\.pypirc\b|\.git-credentials|\.kube/config"
    r"|\.docker/config\.json|\bmcp\.json\b|claude_desktop_config|\.cursor/|\.(?:bash|zsh)_history|\.gnupg\b"
    r"|\bLogin Data\b|\bkeychain\b|\.pgpass\b|\bwallet\.dat\b|\.kdbx\b",
    _I,
)

_OWNER = r"(?:the\s+user'?s|users'|your|stored|saved|cached|existing|local|any|each)"
_CREDENTIAL_NOUN = (r"(?:api[\s_-]?keys?|access[\s_-]?keys?|access[\s_-]?tokens?|auth(?:entication)?[\s_-]?tokens?"
                r"|passwords?|passphrases?|secrets?|credentials?|session\s+cookies?|cookies|private\s+keys?"
                r"|ssh\s+keys?|seed\s+phrases?|recovery\s+phrases?)")
_CREDENTIALS_PLURAL = (r"(?:api[\s_-]?keys|access[\s_-]?keys|(?:access\s+|auth\s+|api\s+)?tokens|passwords"
                   r"|secrets|credentials|cookies|private\s+keys|ssh\s+keys|environment\s+variables|env\s+vars)")
_CHAT = r"(?:this|our|the\s+current|the\s+ongoing|your)\s+(?:chat|conversation|session|dialog(?:ue)?)"

# What a poisoned parameter asks the model to put in it: (category, pattern). "credentials" is the one weak
# category: a parameter whose name says it takes a credential may ask for one ("your API key"). Harvesting
# ("all API keys you can find", "the user's environment variables") is never a parameter's job.
_OBJECTS: tuple[tuple[str, str], ...] = (
    ("file contents", r"(?:contents?|text|body|data|copy)\s+of\s+(?:the\s+|your\s+|the\s+user'?s\s+|any\s+|all\s+)?"
                      r"[^.;\n]{0,40}?(?:" + SENSITIVE_PATH.pattern + r")"),
    ("file contents", r"(?:" + SENSITIVE_PATH.pattern + r")[^.;\n]{0,25}?\b(?:file\s+)?contents?\b"),
    ("file contents", r"\b(?:paste|copy|dump|cat|read|embed|attach|include|insert)\b[^.;\n]{0,50}?(?:"
                      + SENSITIVE_PATH.pattern + r")"),
    ("file contents", r"\bthe\s+user'?s\s+(?:\w+\s+)?(?:config(?:uration)?|settings|dot|rc|env(?:ironment)?)"
                      r"\s*files?\b"),
    ("credentials", _OWNER + r"\s+(?:[\w-]+\s+){0,3}?(?:" + _CREDENTIAL_NOUN + r"|tokens?)\b"),
    ("harvested credentials", r"\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+|your\s+|the\s+user'?s\s+)?"
                              r"(?:[\w-]+\s+){0,2}?" + _CREDENTIALS_PLURAL + r"\b"),
    ("harvested credentials", _CREDENTIAL_NOUN + r"[^.;\n]{0,40}?\byou\s+(?:can\s+)?(?:find|see|access|read|locate)\b"),
    ("harvested credentials", _CREDENTIAL_NOUN + r"\s+(?:from|in|stored\s+in|found\s+in|located\s+in|kept\s+in)\s+"
                              r"(?:the\s+|your\s+|the\s+user'?s\s+)?(?:environment|env\b|disk|home|files?|config|keychain"
                              r"|browser|\.env|shell|machine|system)"),
    ("harvested credentials", r"\b(?:all|your|the\s+user'?s|every|current)\s+(?:\w+\s+)?environment\s+variables\b"),
    ("conversation", r"\b(?:conversation|chat|dialog(?:ue)?)\s+(?:history|log|transcript|so\s+far)\b"
                     r"|\bmessage\s+history\b"),
    ("conversation", r"\b(?:previous|prior|earlier|past|preceding|all(?:\s+the)?|entire|full|whole|complete)\s+"
                     r"(?:user\s+|chat\s+)?(?:messages|conversation|chat|turns|prompts)\b"
                     r"(?!\s+(?:in|from|of|on)\s+(?:the|this|a|that)\s+(?:channel|thread|room|inbox|mailbox|folder|"
                     r"repo(?:sitory)?|issue|ticket|queue|topic|group|server|guild|workspace|dm))"),
    ("conversation", r"\b(?:every|each|all)\s+(?:of\s+the\s+)?(?:previous|prior|earlier|past|preceding)\s+"
                     r"(?:user\s+)?(?:message|turn|prompt|request)s?\b"),
    ("conversation", r"\b(?:messages?|turns?|prompts?)\s+(?:of|in|from)\s+" + _CHAT + r"\b"),
    ("conversation", r"\bthe\s+user'?s\s+(?:last|previous|prior|recent|earlier)\s+(?:\w+\s+){0,2}?(?:messages|prompts"
                     r"|questions|requests)\b"),
    ("conversation", r"\beverything\s+the\s+user\s+(?:has\s+)?(?:said|wrote|written|typed|asked|shared)\b"),
    ("system prompt", r"\b(?:your|(?:the\s+)?(?:assistant'?s|model'?s|ai'?s)|(?:the\s+)?(?:current|full|entire|complete"
                      r"|original|exact|verbatim))\s+(?:own\s+)?(?:system\s+(?:prompt|message|instructions)"
                      r"|hidden\s+instructions|initial\s+instructions)\b"),
    ("system prompt", r"\byour\s+(?:own\s+)?(?:instructions|rules|guidelines|directives)\b"),
    ("context", r"\b(?:all|entire|full|whole|complete)\s+(?:of\s+)?(?:the\s+|your\s+)?(?:current\s+)?context\b(?![_-])"
                r"(?!\s+(?:lines?|size|length|window\s+size|id|name))"),
    ("tool list", r"\btools?\s+(?:that\s+)?you\s+(?:have|can\s+(?:use|call|access|see))\b"
                  r"|\byour\s+(?:available\s+)?tools\b"
                  r"|\btools?\s+(?:that\s+are\s+)?(?:available|connected|exposed)\s+to\s+you\b"
                  r"|\b(?:list|names?|descriptions?|schemas?|definitions?)\s+of\s+(?:all\s+|every\s+|each\s+)?(?:the\s+)?"
                  r"(?:other|available|connected)\s+(?:mcp\s+)?(?:tool|server|function)s?\b"
                  r"|\b(?:all|every|other)\s+(?:the\s+)?(?:available\s+|other\s+)?(?:mcp\s+)?tools?'?\s*(?:names|list)\b"),
    ("tool outputs", r"\b(?:outputs?|results?|responses?|return\s+values?)\s+(?:of|from)\s+(?:all\s+|any\s+)?"
                     r"(?:the\s+)?(?:other|previous|prior|earlier|every)\s+(?:tool|function)s?(?:\s+calls?)?\b"
                     r"|\b(?:other|previous|prior|earlier)\s+tools?'?\s+(?:calls?|outputs?|results?|responses?)\b"),
)
POISON_OBJECTS = tuple((category, re.compile(pattern, _I)) for category, pattern in _OBJECTS)
# All of the above in one pattern: one scan tells whether a text asks for anything (most ask for nothing).
_ANY_OBJECT = re.compile("|".join(f"(?:{pattern})" for _, pattern in _OBJECTS), _I)
# Words at least one of the patterns needs; substring tests on these are ten times cheaper than the regex.
_ANCHOR_WORDS = (
    "ssh", "id_", ".env", "/etc/", ".aws", "gcloud", ".azure", "netrc", "npmrc", "pypirc", "git-cred", ".kube",
    ".docker", "mcp.json", "claude_desk", ".cursor", "_history", "gnupg", "login data", "keychain", "pgpass", "wallet",
    "kdbx", "user", "key", "token", "passw", "secret", "credential", "cookie", "phrase", "environment", "conversation",
    "chat", "dialog", "message", "turn", "prompt", "request", "question", "everything", "session", "system",
    "instruction", "rules", "guidelines", "directives", "context", "tool", "function", "server",
)


@functools.lru_cache(maxsize=16384)  # parameter descriptions recur across the tools of a server
def may_ask(text: str) -> bool:
    """Whether ``text`` could ask for any of the objects above: a cheap test before the per-category patterns."""
    lower = text.lower()
    return any(word in lower for word in _ANCHOR_WORDS) and _ANY_OBJECT.search(text) is not None

# Context right before an object that turns it into something else: a path or name of it, a flag about it.
NOT_A_REQUEST = re.compile(
    r"(?:\b(?:path|paths|name|names|id|ids|url|uri|location|directory|folder|number|count|size|length|whether|"
    r"if|not|never|exclude|excluding|without|except|redact(?:ed|s)?|mask(?:ed|s)?|strip(?:ped|s)?|filter(?:ed|s)?)"
    r"\s+(?:to|of|for|the|any|a)?\s*|\bdo\s+not\s+\w+\s+|\bdon'?t\s+\w+\s+)$",
    _I,
)

# Telling the model to keep the parameter from the user or to fill it on every call.
HIDE_OR_ALWAYS = re.compile(
    r"\b(?:do\s+not|don'?t|never|without)\s+(?:\w+\s+){0,3}?(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|show(?:ing)?"
    r"|reveal(?:ing)?|notify(?:ing)?|ask(?:ing)?|alert(?:ing)?|explain(?:ing)?|disclos(?:e|ing))\b"
    r"|\b(?:no\s+need|not\s+necessary|unnecessary)\s+to\s+(?:mention|tell|inform|notify|show|explain|disclose|ask)\b"
    r"|\bneeds?\s+no\s+(?:mention|explanation|confirmation|disclosure)\b"
    r"|\b(?:silently|secretly|quietly|covertly|invisibly|discreetly|unbeknownst)\b|\bhidden\s+from\b"
    r"|\bthe\s+user\s+(?:does\s+not|doesn'?t|must\s+not|should\s+not|need\s+not|won'?t|will\s+not)\s+(?:need\s+to\s+)?"
    r"(?:know|see|be\s+(?:told|informed|shown))\b"
    r"|\balways\b|\bautomatic(?:ally)?\b|\bevery\s+(?:call|time|request|invocation|use)\b|\bmandatory\b"
    r"|\brequired\s+(?:for|on|with)\s+(?:all|every|each)\b",
    _I,
)

# Parameter names that hide their purpose; with a poisoning description they raise confidence.
HIDDEN_PURPOSE_NAMES = frozenset({
    "sidenote", "side_note", "note", "notes", "notes_for_model", "feedback", "context", "metadata", "meta", "extra",
    "debug", "debug_info", "tools_list", "tool_list", "reasoning", "thoughts", "summary", "annotation", "comment",
    "internal", "telemetry", "analytics", "trace", "diagnostics", "session_info", "user_info", "env", "environment",
})

# Words that make a parameter name a credential. The last word (or the last two) decides.
_CREDENTIAL_LAST = frozenset({"password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "credential",
                              "credentials", "cookie", "pat"})
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "signing", "encryption", "master", "client",
                             "decryption", "auth", "license", "ssh"})
_NOT_CREDENTIAL_BEFORE_TOKEN = frozenset({"page", "next", "prev", "previous", "continuation", "cursor", "sync",
                                          "pagination", "resume", "max", "num", "input", "output", "stop", "csrf",
                                          "delimiter", "completion", "prompt", "total", "start", "end", "cancel"})


@functools.lru_cache(maxsize=8192)
def is_credential_name(name: str) -> bool:
    """Whether a parameter name says it takes a credential (``api_key``, ``clientSecret``, ``password``, ...)."""
    words = split_words(name)
    if not words:
        return False
    last = words[-1]
    before = words[-2] if len(words) > 1 else ""
    if last in {"token", "pat"} and before in _NOT_CREDENTIAL_BEFORE_TOKEN:
        return False
    if last in _CREDENTIAL_LAST:
        return True
    if last == "key" and before in _KEY_QUALIFIERS:
        return True
    return last == "value" and before in {"secret", "password", "token"}


@functools.lru_cache(maxsize=8192)
def looks_like_auth_parameter(name: str) -> bool:
    """A looser test: the name suggests the value is an authentication artefact (then asking for one is its job)."""
    return is_credential_name(name) or any(
        part in word for word in split_words(name)
        for part in ("token", "key", "secret", "pass", "pwd", "auth", "cred", "bearer", "cookie", "session", "login",
                     "pem", "cert")
    )


# Defaults.
_URL = re.compile(r"^(?:https?|wss?|ftp)://\S+$", _I)
_EMAIL = re.compile(r"^[\w.+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$", _I)
_SHELL = re.compile(
    r"\|\s*(?:sudo\s+)?(?:sh|bash|zsh|dash|python[23]?|perl|ruby|node|php|iex|powershell|pwsh)\b"
    r"|\b(?:curl|wget)\s+(?:-\S+\s+)*['\"]?(?:https?|ftp)://|\brm\s+-(?:rf|fr|r)\b|\$\([^)]{1,200}\)|`[^`\n]{2,200}`"
    r"|(?:;|&&|\|\|)\s*(?:rm|curl|wget|nc|ncat|bash|sh|chmod|python[23]?|perl|eval)\b|\bnc(?:at)?\s+-[a-z]*[elc]"
    r"|/dev/tcp/|\bbase64\s+(?:-d|--decode)\b|\bchmod\s+(?:\+x|[0-7]{3,4})\b|\bmkfifo\b"
    r"|\b(?:powershell|pwsh)(?:\.exe)?\s+(?:-\w+\s+)*-e(?:nc(?:odedcommand)?)?\b|\b(?:Invoke-Expression|IEX)\b",
    _I,
)
# Hosts a default may point at without remark: well-known API and code hosts, loopback, documentation domains.
_TRUSTED_HOST_SUFFIXES = (
    "github.com", "githubusercontent.com", "gitlab.com", "bitbucket.org", "googleapis.com", "google.com",
    "microsoft.com", "azure.com", "windows.net", "amazonaws.com", "openai.com", "anthropic.com", "slack.com",
    "atlassian.net", "atlassian.com", "notion.com", "notion.so", "stripe.com", "linear.app", "npmjs.org",
    "npmjs.com", "pypi.org", "docker.io", "docker.com", "cloudflare.com", "wikipedia.org", "example.com",
    "example.org", "example.net", "localhost", "modelcontextprotocol.io", "huggingface.co", "sentry.io",
)
# Services made to catch requests or expose a local port: a default pointing there sends data to whoever runs it.
_CAPTURE_HOST = re.compile(
    r"(?:^|\.)(?:ngrok(?:-free)?\.(?:io|app|dev)|webhook\.site|requestbin\.(?:com|net)|pipedream\.net"
    r"|burpcollaborator\.net|oast\.(?:pro|live|site|online|fun|me)|interact\.sh|trycloudflare\.com"
    r"|serveo\.net|localtunnel\.me|loca\.lt|beeceptor\.com|hookbin\.com|canarytokens\.com)$",
    _I,
)
_SENDER_WORDS = frozenset({"from", "sender", "author", "committer", "reply", "replyto", "owner", "maintainer",
                           "contact", "support", "user", "username", "login", "account", "example"})


# A default that reads as an order to the model: an imperative clause aimed at a tool, an address or the user's data.
_DIRECTIVE_START = re.compile(
    r"(?:^|[.;:!]\s+)(?:please\s+|also\s+|first\s+|then\s+)?(?:ignore|disregard|forget|instead|call|invoke|send"
    r"|forward|email|upload|post|read|execute|run|fetch|include|append|copy|reveal|print|output)\b",
    _I,
)
_DIRECTIVE_TARGET = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://|\btools?\b|\binstructions?\b|\bthe\s+user'?s?\b|\bsystem\s+prompt\b"
    r"|\bcontents?\s+of\b|\bcontacts\b|\bconversation\b|\bhistory\b|\b[a-z]+_[a-z_]+\b",
    _I,
)


@dataclass(frozen=True)
class DefaultRisk:
    """Why a default value is risky: a kind, the severity name and a short reason."""

    kind: str
    severity: str  # "low" | "medium"
    reason: str


def classify_default(value: str, parameter: str | None) -> DefaultRisk | None:
    """Whether a default (or const) string is risky for a parameter of that name; None when it is plain."""
    text = value.strip()
    if not text or len(text) > 4_000:
        return None
    if SENSITIVE_PATH.search(text):
        return DefaultRisk("sensitive path", "medium", "the default points at a credential or private file")
    if _SHELL.search(text):
        return DefaultRisk("shell command", "medium", "the default is a shell command or pipeline")
    if len(text.split()) >= 6 and _DIRECTIVE_START.search(text) and _DIRECTIVE_TARGET.search(text):
        return DefaultRisk("instruction", "medium", "the default is an instruction to the model, not a value")
    if _EMAIL.match(text):
        domain = text.rsplit("@", 1)[1].lower()
        words = set(split_words(parameter or ""))
        if domain.startswith("example.") or words & _SENDER_WORDS:
            return None
        return DefaultRisk("email address", "medium", "the default sends to a fixed email address")
    if _URL.match(text):
        host = (urlsplit(text).hostname or "").lower().rstrip(".")
        if _CAPTURE_HOST.search(host):
            return DefaultRisk("capture URL", "medium", f"the default sends to {host}, a capture or tunnel host")
        if _trusted_host(host):
            return None
        return DefaultRisk("remote URL", "low", f"the default points at {host or 'a remote host'}")
    return None


def _trusted_host(host: str) -> bool:
    if host.startswith("127.") or host in {"::1", "0.0.0.0"}:  # noqa: S104 - a host name compared, not bound
        return True
    return any(host == s or host.endswith("." + s) for s in _TRUSTED_HOST_SUFFIXES)


__all__ = ["HIDDEN_PURPOSE_NAMES", "HIDE_OR_ALWAYS", "NOT_A_REQUEST", "POISON_OBJECTS", "SENSITIVE_PATH",
           "DefaultRisk", "classify_default", "is_credential_name", "looks_like_auth_parameter",
           "may_ask"]
