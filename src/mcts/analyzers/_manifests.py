"""Dependency manifests of a source tree, parsed into plain records: what is depended on, where, and how.

This module holds the records and the requirement parsers (PEP 508 strings, ``requirements*.txt`` with
``-r`` includes inside the tree, ``-e``, URLs and hashes); ``_pyproject`` reads ``pyproject.toml``,
``setup.cfg`` and ``Pipfile``, ``_setup_py`` reads ``setup.py`` and ``_npm_manifests`` the npm files.
Lockfiles are recorded by directory: a lockfile pins the manifests of its directory and the ones below it.
Nothing here touches the network or runs anything.
"""

from __future__ import annotations

import enum
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


class Ecosystem(enum.StrEnum):
    """The package registry a dependency comes from."""

    PYPI = "pypi"
    NPM = "npm"


class Scope(enum.StrEnum):
    """When a dependency is installed: always, on request (extras), for development, or by the consumer."""

    RUNTIME = "runtime"
    OPTIONAL = "optional"
    DEV = "dev"
    BUILD = "build"
    PEER = "peer"


class Origin(enum.StrEnum):
    """Where the dependency's code is fetched from."""

    REGISTRY = "registry"
    GIT = "git"
    URL = "url"
    PATH = "path"


class Pin(enum.StrEnum):
    """How tightly a registry dependency's version is held."""

    EXACT = "exact"  # one version
    BOUNDED = "bounded"  # a range with an upper bound (^1.2, ~=1.2, >=1,<2)
    OPEN = "open"  # no version, *, latest, a dist-tag, or a lower bound only


@dataclass(frozen=True, slots=True)
class Dependency:
    """One declared dependency and the manifest line that declares it."""

    ecosystem: Ecosystem
    name: str
    spec: str  # the version text or the URL / path as written
    file: str
    line: int
    scope: Scope
    origin: Origin = Origin.REGISTRY
    pin: Pin = Pin.OPEN
    integrity: bool = False  # a hash, an integrity field or a full commit id holds the content


@dataclass(frozen=True, slots=True)
class InstallHook:
    """Code that runs when a package is installed: an npm lifecycle script or a setup.py command override."""

    file: str
    line: int
    hook: str
    body: str


@dataclass
class Manifests:
    """Everything read from the manifests of one tree."""

    dependencies: list[Dependency] = field(default_factory=list)
    hooks: list[InstallHook] = field(default_factory=list)
    lockfiles: dict[Ecosystem, set[str]] = field(default_factory=lambda: {e: set() for e in Ecosystem})
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, why it could not be read)

    def locked(self, dep: Dependency) -> bool:
        """Whether a lockfile of the dependency's ecosystem sits in its manifest's directory or above it."""
        folder = posixpath.dirname(dep.file)
        for lock in self.lockfiles[dep.ecosystem]:
            lock_dir = posixpath.dirname(lock)
            if not lock_dir or folder == lock_dir or folder.startswith(lock_dir + "/"):
                return True
        return False


PY_LOCKS = frozenset({"poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock", "pylock.toml"})
NPM_LOCKS = frozenset({"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"})
_DEV_WORDS = re.compile(r"(?:^|[-_./])(?:dev|develop|test|tests|testing|lint|docs?|typing|types|ci|bench|mypy)"
                        r"(?:$|[-_./])", re.IGNORECASE)
_REQ = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(.*)", re.DOTALL)
_COMMIT = re.compile(r"@[0-9a-f]{40}(?:#|$)")
_HASH_FRAGMENT = re.compile(r"#(?:.*&)?(?:sha256|sha384|sha512)=", re.IGNORECASE)
COMMENT = re.compile(r"(?:^|\s)#.*$")


def is_dev_name(name: str) -> bool:
    """Whether a group, extra or file name says it is for development (dev, test, lint, docs, …)."""
    return bool(_DEV_WORDS.search(name))


def line_at(text: str, offset: int) -> int:
    """The 1-based line of character ``offset`` of ``text``."""
    return text.count("\n", 0, max(0, offset)) + 1


def find_line(text: str, needles: tuple[str, ...], start: int = 0) -> int:
    """The line of the first needle found at or after ``start`` (the line of ``start`` when none is)."""
    for needle in needles:
        if needle:
            pos = text.find(needle, start)
            if pos >= 0:
                return line_at(text, pos)
    return line_at(text, start)


def python_pin(spec: str) -> Pin:
    """Classify a PEP 440 specifier set (``>=1.0,<2``, ``==1.2.3``, ``""``)."""
    clauses = [c.strip() for c in spec.strip().strip("()").split(",") if c.strip()]
    if len(clauses) == 1 and (clauses[0].startswith("===") or (clauses[0].startswith("==") and "*" not in clauses[0])):
        return Pin.EXACT
    if any(c.startswith(("<", "~=", "==")) for c in clauses):
        return Pin.BOUNDED
    return Pin.OPEN


def url_origin(url: str) -> tuple[Origin, bool]:
    """The origin of a direct reference and whether its content is held by a hash or a full commit id."""
    lowered = url.lower()
    if lowered.startswith(("git+", "git:", "hg+", "svn+", "bzr+")):
        return Origin.GIT, bool(_COMMIT.search(url.split("#", 1)[0] + "#"))
    if lowered.startswith(("http://", "https://", "ftp://")):
        return Origin.URL, bool(_HASH_FRAGMENT.search(url))
    return Origin.PATH, False


def parse_requirement(
    raw: str, *, file: str, line: int, scope: Scope, hashed: bool = False
) -> Dependency | None:
    """One PEP 508 requirement (``name[extra] >=1; marker`` or ``name @ url``) as a Dependency, or None."""
    text = raw.strip()
    if not text:
        return None
    if re.match(r"(?:[a-z][a-z0-9+.-]*://|\.{0,2}/|file:)", text, re.IGNORECASE):
        origin, integrity = url_origin(text)  # a bare URL or path line
        egg = re.search(r"#egg=([A-Za-z0-9._-]+)", text)
        return Dependency(Ecosystem.PYPI, egg.group(1) if egg else text, text, file, line, scope, origin,
                          Pin.EXACT, integrity or hashed)
    match = _REQ.fullmatch(text)
    if match is None:
        return None
    name: str = match.group(1)
    rest: str = match.group(2).strip()
    if rest.startswith("@"):
        url = rest[1:].split(";", 1)[0].strip()
        origin, integrity = url_origin(url)
        return Dependency(Ecosystem.PYPI, name, url, file, line, scope, origin, Pin.EXACT, integrity or hashed)
    spec = rest.split(";", 1)[0].strip()
    return Dependency(Ecosystem.PYPI, name, spec, file, line, scope, pin=python_pin(spec), integrity=hashed)


# -- requirements files -------------------------------------------------------------------------------------

ReadFile = Callable[[str], str | None]


def parse_requirements(path: str, text: str, read: ReadFile, out: Manifests, seen: set[str] | None = None) -> None:
    """Parse a requirements file and the files it includes with ``-r`` (each once, inside the tree)."""
    seen = seen if seen is not None else set()
    if path in seen:
        return
    seen.add(path)
    scope = Scope.DEV if is_dev_name(path.rsplit("/", 1)[-1].removesuffix(".txt")) or is_dev_name(
        posixpath.dirname(path)) else Scope.RUNTIME
    for number, raw in _logical_lines(text):
        hashed = "--hash" in raw
        line = re.sub(r"\s--hash[=\s]\S+", "", raw).strip()
        if not line:
            continue
        option = re.match(r"(-r|--requirement|-c|--constraint|-e|--editable)(?:\s*=?\s*)(\S+)", line)
        if option is not None:
            flag, target = option.groups()
            if flag in ("-r", "--requirement"):
                included = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
                if included.startswith("../") or included == "..":
                    out.problems.append((path, f"line {number}: -r {target} points outside the scanned tree"))
                    continue
                included_text = read(included)
                if included_text is None:
                    out.problems.append((path, f"line {number}: included file {target} was not found"))
                else:
                    parse_requirements(included, included_text, read, out, seen)
            elif flag in ("-e", "--editable"):
                dep = parse_requirement(target, file=path, line=number, scope=scope, hashed=hashed)
                if dep is not None:
                    out.dependencies.append(dep)
            continue
        if line.startswith("-"):
            continue  # index options, --pre, --only-binary …
        dep = parse_requirement(line, file=path, line=number, scope=scope, hashed=hashed)
        if dep is not None:
            out.dependencies.append(dep)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) with comments removed and backslash continuations joined."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = COMMENT.sub("", raw)
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        yield start, (buffer + line).strip()
        buffer = ""
    if buffer:
        yield start, buffer.strip()
