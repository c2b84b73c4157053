"""The repository walk: which files of a source target are read, and an account of what was left out.

A file target is read alone (its directory is the root). A directory target is walked from its root, root-level
files included, keeping source files (``SOURCE_SUFFIXES``) and dependency manifests (``is_manifest``). Skipped:
version-control and cache directories, ``node_modules``, virtualenvs (``.venv``, ``venv`` or any directory holding
a ``pyvenv.cfg``), vendored code and whatever a ``.gitignore`` (root or nested) ignores. Build output (``dist``,
``build``, ``out``, ``.next``, ``target``) is skipped too, unless nothing else holds source: an installed npm
package ships only its ``dist/``, and that is then what is scanned (with a warning). Symlinks are never followed
out of the root, nor into directories (their real place inside the root is walked anyway). Files are decoded as
UTF-8 with replacement; a file with a NUL byte in its first 8 KiB is binary and skipped. A file over its size
cap, or a walk over the file, byte or entry caps, is cut and reported as a ``CapHit``: the scan is incomplete.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from mcts.collect.source._walk_ignore import IgnoreStack, parse_gitignore
from mcts.errors import TargetError
from mcts.model.report import CapHit

__all__ = ["MANIFEST_NAMES", "SOURCE_SUFFIXES", "WalkLimits", "Walked", "is_manifest", "is_source", "walk"]

SOURCE_SUFFIXES = frozenset({".py", ".ts", ".tsx", ".js", ".mjs", ".cjs", ".mts", ".cts", ".jsx"})
MANIFEST_NAMES = frozenset({
    "pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
    "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json",
})
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", ".venv", "venv", "__pycache__", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "vendor", "third_party", "site-packages", "__pypackages__",
})
BUILD_DIRS = frozenset({"dist", "build", "out", ".next", "target"})
_BINARY_PROBE = 8192
_GITIGNORE_MAX_BYTES = 1024 * 1024
_MAX_NOTES = 20  # warnings of one kind (symlinks, binary files) listed before they are counted


@dataclass(frozen=True)
class WalkLimits:
    """Caps on the walk; each one that cuts something is reported as a ``CapHit``."""

    max_file_bytes: int = 2 * 1024 * 1024  # a source file larger than this is skipped
    max_manifest_bytes: int = 32 * 1024 * 1024  # lockfiles of large projects are bigger than any source file
    max_files: int = 20_000  # files kept
    max_total_bytes: int = 256 * 1024 * 1024  # bytes kept, all files together
    max_entries: int = 1_000_000  # directory entries looked at


@dataclass
class Walked:
    """What the walk kept and what it left out. ``errors`` and ``caps_hit`` make the scan incomplete."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path ("/" separators) -> text
    caps_hit: list[CapHit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored: int = 0  # entries left out by a .gitignore
    skipped_dirs: list[str] = field(default_factory=list)  # directories left out by name, virtualenvs included

    @property
    def source_paths(self) -> list[str]:
        """The kept source files (not manifests), in walk order."""
        return [rel for rel in self.files if is_source(rel)]


def is_source(relpath: str) -> bool:
    """Whether ``relpath`` names a source file the extractors read."""
    return os.path.splitext(relpath)[1].lower() in SOURCE_SUFFIXES


def is_manifest(relpath: str) -> bool:
    """Whether ``relpath`` names a dependency manifest or lockfile (``requirements*.txt``, ``requirements/*.txt``)."""
    parent, _, name = relpath.rpartition("/")
    if name in MANIFEST_NAMES:
        return True
    if not name.endswith(".txt"):
        return False
    return name.startswith("requirements") or parent.rpartition("/")[2] == "requirements"


def walk(target: Path, limits: WalkLimits | None = None) -> Walked:
    """Read the source files and manifests of ``target`` (a file or a directory); ``TargetError`` if unreadable."""
    limits = limits or WalkLimits()
    try:
        if target.is_dir():
            root = target.resolve(strict=True)
            return _Walker(root, limits).run()
        if not target.exists():
            raise TargetError(f"{target}: no such file or directory")
        if not target.is_file():
            raise TargetError(f"{target}: not a regular file or a directory")
    except OSError as exc:
        raise TargetError(f"{target}: cannot read: {exc.strerror or exc}") from None
    walker = _Walker(target.parent.resolve(), limits)
    walker.read_file(str(target), target.name, manifest=is_manifest(target.name))
    walker.note_skipped()
    if walker.walked.errors:
        raise TargetError(walker.walked.errors[0])
    return walker.walked


class _Walker:
    def __init__(self, root: Path, limits: WalkLimits) -> None:
        self.root = str(root)
        self.limits = limits
        self.walked = Walked(root=root)
        self.total_bytes = 0
        self.entries = 0
        self.stopped = False
        self.deferred: list[tuple[str, str, IgnoreStack]] = []  # build output, walked only if nothing else is source
        self.symlinks: list[str] = []
        self.binaries: list[str] = []

    def run(self) -> Walked:
        try:
            os.listdir(self.root)
        except OSError as exc:
            raise TargetError(f"{self.root}: cannot read directory: {exc.strerror or exc}") from None
        self._walk_tree(self.root, "", IgnoreStack(), skip_build=True)
        if self.deferred and not self.stopped and not any(is_source(rel) for rel in self.walked.files):
            names = ", ".join(f"{rel}/" for _, rel, _ in self.deferred[:5])
            self.walked.warnings.append(f"no source outside build output: scanned {names}")
            for abs_dir, rel, stack in self.deferred:
                self._walk_tree(abs_dir, rel, stack, skip_build=False)
        else:
            self.walked.skipped_dirs.extend(rel for _, rel, _ in self.deferred)
        self.note_skipped()
        return self.walked

    def note_skipped(self) -> None:
        """Add the warnings about links not followed and binary files skipped."""
        self._note(self.symlinks, "symlinks leading out of the scanned root (not followed)")
        self._note(self.binaries, "binary files with a source or manifest name (skipped)")

    def _note(self, items: list[str], what: str) -> None:
        if items:
            more = f" and {len(items) - _MAX_NOTES} more" if len(items) > _MAX_NOTES else ""
            self.walked.warnings.append(f"{what}: {', '.join(items[:_MAX_NOTES])}{more}")

    def _walk_tree(self, abs_dir: str, rel_dir: str, stack: IgnoreStack, *, skip_build: bool) -> None:
        pending = [(abs_dir, rel_dir, stack)]
        while pending and not self.stopped:
            current, rel, ignores = pending.pop()
            subdirs = self._walk_dir(current, rel, ignores, skip_build=skip_build)
            pending.extend(reversed(subdirs))

    def _walk_dir(
        self, abs_dir: str, rel_dir: str, stack: IgnoreStack, *, skip_build: bool
    ) -> list[tuple[str, str, IgnoreStack]]:
        try:
            with os.scandir(abs_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.walked.errors.append(f"{rel_dir or '.'}: cannot read directory: {exc.strerror or exc}")
            return []
        self.entries += len(entries)
        if self.entries > self.limits.max_entries:
            self._stop(CapHit(cap="max_walk_entries", limit=self.limits.max_entries, observed=self.entries,
                              where=rel_dir or "."))
            return []
        if rel_dir and any(e.name == "pyvenv.cfg" for e in entries):
            self.walked.skipped_dirs.append(rel_dir)
            return []
        if any(e.name == ".gitignore" for e in entries):
            stack = self._with_gitignore(abs_dir, rel_dir, stack)
        subdirs: list[tuple[str, str, IgnoreStack]] = []
        for entry in entries:
            if self.stopped:
                break
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            is_dir, path = self._classify(entry, rel)
            if is_dir is None:
                continue
            if is_dir:
                if entry.name in SKIPPED_DIRS:
                    self.walked.skipped_dirs.append(rel)
                elif stack.files and stack.ignored(rel, True):
                    self.walked.ignored += 1
                elif skip_build and entry.name in BUILD_DIRS:
                    self.deferred.append((path, rel, stack))
                else:
                    subdirs.append((path, rel, stack))
                continue
            manifest = is_manifest(rel)
            if not (manifest or is_source(rel)):
                continue
            if stack.files and stack.ignored(rel, False):
                self.walked.ignored += 1
                continue
            self.read_file(path, rel, manifest=manifest)
        return subdirs

    def _classify(self, entry: os.DirEntry[str], rel: str) -> tuple[bool | None, str]:
        """(True, path) for a directory to consider, (False, path) for a regular file, (None, "") to pass over."""
        try:
            if not entry.is_symlink():
                if entry.is_dir(follow_symlinks=False):
                    return True, entry.path
                return (False, entry.path) if entry.is_file(follow_symlinks=False) else (None, "")
            real = os.path.realpath(entry.path)
            if real != self.root and not real.startswith(self.root + os.sep):
                if os.path.isdir(real) or is_source(rel) or is_manifest(rel):
                    self.symlinks.append(rel)
                return None, ""
            mode = os.stat(real).st_mode
        except OSError:
            return None, ""  # vanished, or a dangling link
        # a link to a directory inside the root is not followed: the directory is walked where it really is
        return (False, real) if stat.S_ISREG(mode) else (None, "")

    def _with_gitignore(self, abs_dir: str, rel_dir: str, stack: IgnoreStack) -> IgnoreStack:
        path = os.path.join(abs_dir, ".gitignore")
        try:
            with open(path, "rb") as fh:
                data = fh.read(_GITIGNORE_MAX_BYTES + 1)
        except OSError as exc:
            self.walked.warnings.append(f"{rel_dir or '.'}/.gitignore: cannot read: {exc.strerror or exc}")
            return stack
        if len(data) > _GITIGNORE_MAX_BYTES:
            self.walked.warnings.append(f"{rel_dir or '.'}/.gitignore: over {_GITIGNORE_MAX_BYTES} bytes, not used")
            return stack
        ignore = parse_gitignore(data.decode("utf-8", errors="replace"), rel_dir)
        return stack.push(ignore) if ignore.rules else stack

    def read_file(self, path: str, rel: str, *, manifest: bool) -> None:
        """Read one kept file into ``walked.files``, or record why it was not."""
        if len(self.walked.files) >= self.limits.max_files:
            self._stop(CapHit(cap="max_files", limit=self.limits.max_files, where=rel))
            return
        cap = self.limits.max_manifest_bytes if manifest else self.limits.max_file_bytes
        try:
            with open(path, "rb") as fh:
                data = fh.read(cap + 1)
                if len(data) > cap:
                    size = os.fstat(fh.fileno()).st_size
                    self.walked.caps_hit.append(
                        CapHit(cap="max_manifest_bytes" if manifest else "max_file_bytes", limit=cap, observed=size,
                               where=rel))
                    return
        except OSError as exc:
            self.walked.errors.append(f"{rel}: cannot read: {exc.strerror or exc}")
            return
        if b"\x00" in data[:_BINARY_PROBE]:
            self.binaries.append(rel)
            return
        self.total_bytes += len(data)
        if self.total_bytes > self.limits.max_total_bytes:
            self._stop(CapHit(cap="max_total_bytes", limit=self.limits.max_total_bytes, observed=self.total_bytes,
                              where=rel))
            return
        text = data.decode("utf-8", errors="replace")
        self.walked.files[rel] = text[1:] if text.startswith("\ufeff") else text

    def _stop(self, cap: CapHit) -> None:
        self.walked.caps_hit.append(cap)
        self.stopped = True
