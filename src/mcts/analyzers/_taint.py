"""What the Python and TypeScript taint walkers share: taint values, sink hits, side effects and string rules.

A ``Taint`` says that a value derives from a tool argument and how: the path of names it went through, whether
it was formatted into a larger string (``built``), whether that string reads like SQL, whether a fixed host
precedes the argument in a URL, and whether a containment or allow-list check guarded it. A walker reports a
``SinkHit`` for every dangerous call it reaches with tainted input and an ``Effect`` for every side effect it
sees (taint or not), which the read-only promise check uses.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_MAX_PATH = 6


class Sink(enum.StrEnum):
    """Families of dangerous calls; each value is the technique id reported for it."""

    SHELL = "shell-injection-sink"
    EVAL = "code-eval-sink"
    PATH = "path-traversal-sink"
    SSRF = "ssrf-sink"
    SQL = "sql-injection-sink"
    TEMPLATE = "template-injection-sink"


class EffectKind(enum.StrEnum):
    """Side effects that contradict a promise of read-only behaviour."""

    WRITE = "writes files"
    DELETE = "deletes files"
    EXECUTE = "runs commands or code"
    SEND = "sends data out"
    DB_WRITE = "changes a database"


@dataclass(frozen=True, slots=True)
class Taint:
    """A value derived from a tool argument."""

    path: tuple[str, ...]
    built: bool = False  # formatted or concatenated into a larger string
    sql: bool = False  # the constant text around it reads like SQL
    fixed_host: bool = False  # a constant scheme://host/ (or an untrusted-free base) precedes it in a URL
    guarded: bool = False  # a containment / allow-list check covered it
    tail: bool = False  # only later items of an argument vector (the program itself is fixed)

    def via(self, step: str) -> Taint:
        """The same taint, one more step along its path (paths are kept short)."""
        if self.path and self.path[-1] == step:
            return self
        path = (*self.path, step)
        if len(path) > _MAX_PATH:
            path = (*path[:2], "…", *path[-(_MAX_PATH - 3):])
        return dataclasses.replace(self, path=path)

    def but(self, *, built: bool | None = None, sql: bool | None = None, fixed_host: bool | None = None,
            guarded: bool | None = None, tail: bool | None = None) -> Taint:
        """The same taint with the given flags changed."""
        return Taint(
            self.path,
            self.built if built is None else built,
            self.sql if sql is None else sql,
            self.fixed_host if fixed_host is None else fixed_host,
            self.guarded if guarded is None else guarded,
            self.tail if tail is None else tail,
        )

    def describe(self) -> str:
        """``param cmd -> command``."""
        return " -> ".join(self.path)


def merge(taints: Sequence[Taint | None]) -> Taint | None:
    """The first real taint, with flags combined: a merged value is guarded only if every part is."""
    real = [t for t in taints if t is not None]
    if not real:
        return None
    first = real[0]
    return dataclasses.replace(
        first,
        built=any(t.built for t in real),
        sql=any(t.sql for t in real),
        fixed_host=all(t.fixed_host for t in real),
        guarded=all(t.guarded for t in real),
        tail=all(t.tail for t in real),
    )


@dataclass(frozen=True, slots=True)
class SinkHit:
    """A dangerous call reached by tainted input."""

    sink: Sink
    call: str  # the call as written, e.g. "subprocess.run(shell=True)"
    line: int
    column: int
    taint: Taint
    strong: bool = True  # False: a weaker form (argument injection, SQL text passed through unchanged)


@dataclass(frozen=True, slots=True)
class Effect:
    """A side effect seen in a handler."""

    kind: EffectKind
    call: str
    line: int


@dataclass
class Summary:
    """What one walk of a function found: sink hits, side effects and the taint of what it returns."""

    hits: list[SinkHit] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    returns: Taint | None = None


_SQL = re.compile(
    r"(?i)\b(?:select\b.{0,400}?\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|drop\s+(?:table|database)|"
    r"alter\s+table|create\s+table|where\s|order\s+by|pragma\s|values\s*\()"
)
_SQL_WRITE = re.compile(r"(?i)^\s*(?:insert|update|delete|drop|alter|create|replace|truncate|merge)\b")
_HOST_END = re.compile(r"(?://|[:@.])\s*$")
_PINNED = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.\-]*://[^/?#@]+[/?#]|/(?!/))")
GUARD_NAME = re.compile(
    r"(?i)(?:valid|safe|sanitiz|allowed|allowlist|whitelist|within|contain|ensure|secure|check|jail|confine|"
    r"is_relative|inside|permitted|restrict)"
)


def looks_like_sql(text: str) -> bool:
    """Whether constant text around an argument reads like an SQL statement."""
    return bool(_SQL.search(text))


def sql_writes(text: str) -> bool:
    """Whether a constant SQL statement changes data."""
    return bool(_SQL_WRITE.match(text))


def concat(parts: list[tuple[str | None, Taint | None]]) -> Taint | None:
    """Taint of a string built from ``parts``: (constant text or None, taint of a non-constant part or None).

    The result is ``built``; ``sql`` when the constant text reads like SQL; ``fixed_host`` when something
    untainted that does not end in ``//``, ``:``, ``@`` or ``.`` precedes the first tainted part (so the
    argument cannot choose the host of a URL).
    """
    taints = [t for _, t in parts if t is not None]
    if not taints:
        return None
    constant = "".join(text for text, _ in parts if text)
    first = next(i for i, (_, taint) in enumerate(parts) if taint is not None)
    head = "".join("\x00" if text is None else text for text, _ in parts[:first])  # \x00: an untainted value
    dynamic_base = head.startswith("\x00")  # an untainted variable first, e.g. API_BASE
    fixed = first > 0 and not _HOST_END.search(head) and (dynamic_base or bool(_PINNED.match(head)))
    merged = merge(taints)
    assert merged is not None
    return merged.but(built=True, sql=merged.sql or looks_like_sql(constant), fixed_host=fixed or merged.fixed_host,
                      tail=False)
