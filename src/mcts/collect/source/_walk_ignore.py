"""The common subset of ``.gitignore`` syntax, for the repository walk.

Supported: blank lines and ``#`` comments; ``\\#`` and ``\\!`` escapes; negation ``!``; a trailing ``/`` for
directories only; a leading or middle ``/`` anchoring the pattern to the ``.gitignore``'s directory (otherwise it
matches at any depth below it); ``*``, ``?``, ``[...]`` (``[!...]`` negated) that never cross a ``/``; ``**/``
(any number of directories), ``/**`` (everything inside) and ``/**/``. Within one file the last matching pattern
wins; a deeper ``.gitignore`` overrides its ancestors. A path inside an ignored directory stays ignored because
the walk never enters that directory. Not supported: ``core.excludesFile``, ``.git/info/exclude``, case folding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["IgnoreFile", "IgnoreStack", "parse_gitignore"]


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


@dataclass(frozen=True)
class IgnoreFile:
    """The rules of one ``.gitignore``; ``base`` is its directory relative to the walk root (``""`` at the root)."""

    base: str
    rules: tuple[_Rule, ...]
    combined: bool = False  # no negation: one alternation per kind of path decides
    any_path: re.Pattern[str] | None = None  # every rule that is not directory-only
    dirs: re.Pattern[str] | None = None  # every rule

    def decide(self, rel: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by ``!``) or None (no rule matches) for ``rel`` below ``base``."""
        if self.combined:
            regex = self.dirs if is_dir else self.any_path
            return True if regex is not None and regex.match(rel) else None
        for rule in reversed(self.rules):
            if (is_dir or not rule.dir_only) and rule.regex.match(rel):
                return not rule.negate
        return None


class IgnoreStack:
    """The ``.gitignore`` files in force for one directory of the walk, outermost first."""

    __slots__ = ("files",)

    def __init__(self, files: tuple[IgnoreFile, ...] = ()) -> None:
        self.files = files

    def push(self, ignore: IgnoreFile) -> IgnoreStack:
        """A new stack with ``ignore`` innermost."""
        return IgnoreStack((*self.files, ignore))

    def ignored(self, relpath: str, is_dir: bool) -> bool:
        """Whether ``relpath`` (relative to the walk root) is ignored; the deepest deciding file wins."""
        for ignore in reversed(self.files):
            rel = relpath[len(ignore.base) + 1 :] if ignore.base else relpath
            decision = ignore.decide(rel, is_dir)
            if decision is not None:
                return decision
        return False


def parse_gitignore(text: str, base: str) -> IgnoreFile:
    """The rules of a ``.gitignore`` whose directory is ``base`` (relative to the walk root, ``/`` separators)."""
    rules: list[_Rule] = []
    for raw in text.splitlines():
        rule = _parse_line(raw)
        if rule is not None:
            rules.append(rule)
    if any(rule.negate for rule in rules):
        return IgnoreFile(base=base, rules=tuple(rules))
    plain = [r.regex.pattern for r in rules if not r.dir_only]
    every = [r.regex.pattern for r in rules]
    return IgnoreFile(
        base=base,
        rules=tuple(rules),
        combined=True,
        any_path=re.compile("|".join(f"(?:{p})" for p in plain)) if plain else None,
        dirs=re.compile("|".join(f"(?:{p})" for p in every)) if every else None,
    )


def _parse_line(raw: str) -> _Rule | None:
    line = raw.rstrip("\r")
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "  # "foo\ " keeps one escaped trailing space
    line = stripped
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate or line.startswith(("\\!", "\\#")):
        line = line[1:]  # "!" negates; "\\!" and "\\#" escape a literal first character
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    if not line:
        return None
    body = _translate(line)
    pattern = f"^{body}$" if anchored else f"^(?:.*/)?{body}$"
    try:
        regex = re.compile(pattern)
    except re.error:
        return None  # git ignores a pattern it cannot use; so do we
    return _Rule(regex=regex, negate=negate, dir_only=dir_only)


def _translate(glob: str) -> str:
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        whole_segment = (i == 0 or glob[i - 1] == "/") and (i + 2 == n or glob[i + 2] == "/")
        if c == "*" and glob.startswith("**", i) and whole_segment:
            if i + 2 == n:
                out.append(".*")  # trailing "**": everything inside
                i += 2
            else:
                out.append("(?:[^/]+/)*")  # "**/": zero or more directories
                i += 3
            continue
        if c == "*":
            while i < n and glob[i] == "*":
                i += 1
            out.append("[^/]*")
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            end = _class_end(glob, i)
            if end < 0:
                out.append(re.escape(c))
            else:
                out.append(_char_class(glob[i + 1 : end]))
                i = end
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _class_end(glob: str, start: int) -> int:
    j = start + 1
    if j < len(glob) and glob[j] in "!^":
        j += 1
    if j < len(glob) and glob[j] == "]":
        j += 1
    end = glob.find("]", j)
    return end


def _char_class(inner: str) -> str:
    negate = inner[:1] in ("!", "^")
    if negate:
        inner = inner[1:]
    escaped = "".join("\\" + ch if ch in "\\[]^" else ch for ch in inner)
    return f"[^/{escaped}]" if negate else f"[{escaped}]"
