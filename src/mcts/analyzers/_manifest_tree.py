"""Read every manifest and lockfile a source scan kept into one ``Tree``.

Files are recognised by name. ``-r`` includes that the walk did not keep (``-r base.txt``) are read from disk,
but only inside the scanned root, never through a symlink out of it, and only up to a size cap.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from mcts.analyzers._lockfiles import LockedPackage, LockfileError, read_python_lock
from mcts.analyzers._manifests import (
    NPM_LOCKS,
    PY_LOCKS,
    Ecosystem,
    Manifests,
    Origin,
    Pin,
    parse_requirements,
)
from mcts.analyzers._npm_manifests import LockEntry, parse_package_json, parse_package_lock
from mcts.analyzers._pyproject import parse_pipfile, parse_pyproject, parse_setup_cfg
from mcts.analyzers._setup_py import parse_setup_py
from mcts.collect.result import SourceFiles

_REQUIREMENTS = re.compile(
    r"(?:requirements[^/]*|[^/]*requirements)\.(?:txt|in)$|(?:^|/)requirements/[^/]+\.(?:txt|in)$", re.IGNORECASE
)
_INCLUDE_CAP = 2 * 1024 * 1024


@dataclass
class Tree:
    """The manifests of one source tree, the npm lock entries and the Python lockfile pins."""

    manifests: Manifests = field(default_factory=Manifests)
    npm_locks: dict[str, list[LockEntry]] = field(default_factory=dict)  # lockfile path -> entries
    python_locked: list[LockedPackage] = field(default_factory=list)
    package_jsons: dict[str, str] = field(default_factory=dict)  # path -> text
    lock_texts: dict[str, str] = field(default_factory=dict)  # npm lockfile path -> text, for npm audit


def read_tree(files: SourceFiles) -> Tree:
    """Parse every manifest in ``files``; unreadable ones are listed in ``tree.manifests.problems``."""
    tree = Tree()
    out = tree.manifests
    seen_requirements: set[str] = set()
    for path in sorted(files.texts):
        if "node_modules/" in path:
            continue
        text = files.texts[path]
        base = path.rsplit("/", 1)[-1].lower()
        if base == "pyproject.toml":
            parse_pyproject(path, text, out)
        elif _REQUIREMENTS.search(path):
            _requirements(files, path, text, out, seen_requirements)
        elif base == "setup.cfg":
            parse_setup_cfg(path, text, out)
        elif base == "setup.py":
            parse_setup_py(path, text, out)
        elif base == "pipfile":
            parse_pipfile(path, text, out)
        elif base == "package.json":
            tree.package_jsons[path] = text
            parse_package_json(path, text, out)
        if base in NPM_LOCKS:
            out.lockfiles[Ecosystem.NPM].add(path)
            if base in ("package-lock.json", "npm-shrinkwrap.json"):
                tree.npm_locks[path] = parse_package_lock(path, text, out)
                tree.lock_texts[path] = text
        elif base in PY_LOCKS:
            out.lockfiles[Ecosystem.PYPI].add(path)
            try:
                tree.python_locked.extend(read_python_lock(path, text))
            except LockfileError as exc:
                out.problems.append((path, str(exc)))
    return tree


def _requirements(files: SourceFiles, path: str, text: str, out: Manifests, merged: set[str]) -> None:
    """Parse one requirements file with its includes; each file's records are kept once.

    A requirements file that pins every registry dependency exactly, its includes too, locks its folder.
    """
    parsed = Manifests()
    parse_requirements(path, text, lambda p: _read(files, p), parsed)
    registry = [d for d in parsed.dependencies if d.origin is Origin.REGISTRY]
    if registry and all(d.pin is Pin.EXACT for d in registry):
        out.lockfiles[Ecosystem.PYPI].add(path)
    out.dependencies.extend(d for d in parsed.dependencies if d.file not in merged)
    out.problems.extend(p for p in parsed.problems if p[0] not in merged)
    merged.update(d.file for d in parsed.dependencies)
    merged.update(p[0] for p in parsed.problems)


def _read(files: SourceFiles, relpath: str) -> str | None:
    """A file of the tree: from the walk's texts, else from disk when it stays inside the root."""
    if relpath in files.texts:
        return files.texts[relpath]
    if posixpath.isabs(relpath) or relpath.startswith(".."):
        return None
    try:
        root = files.root.resolve()
        target = (root / Path(relpath)).resolve()
        if not target.is_relative_to(root) or not target.is_file() or target.stat().st_size > _INCLUDE_CAP:
            return None
        return target.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
