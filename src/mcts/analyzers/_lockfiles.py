"""Python lockfiles (``uv.lock``, ``poetry.lock``, ``Pipfile.lock``) read as exact pins for an audit.

Each entry says whether the package comes from a registry: a git, URL, path, editable or virtual package has
no registry version and so no advisory data; an audit reports it as not audited rather than as clean.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """One package of a lockfile: name, exact version, and where it comes from.

    ``origin`` is ``registry`` (a package index), ``local`` (the project itself, an editable or a folder) or
    ``remote`` (git or an archive URL).
    """

    file: str
    name: str
    version: str
    origin: str


class LockfileError(ValueError):
    """A lockfile that could not be read; the message says why."""


def read_python_lock(path: str, text: str) -> list[LockedPackage]:
    """The packages of a Python lockfile, by its file name."""
    base = path.rsplit("/", 1)[-1].lower()
    if base == "pipfile.lock":
        return _pipfile_lock(path, text)
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise LockfileError(f"not valid TOML: {exc}") from None
    packages = data.get("package")
    if not isinstance(packages, list):
        return []
    out: list[LockedPackage] = []
    for entry in packages:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            version = str(entry.get("version", ""))
            out.append(LockedPackage(path, entry["name"], version, _origin(entry) if version else "local"))
    return out


def _origin(entry: dict[str, Any]) -> str:
    source = entry.get("source")
    if not isinstance(source, dict) or "registry" in source:
        return "registry"  # uv names its registry; poetry has no [package.source] for PyPI
    if any(k in source for k in ("editable", "virtual", "directory", "path")):
        return "local"  # uv: the project itself and folders of the tree
    kind = source.get("type")  # poetry: git, url, file, directory; legacy / explicit are package indexes
    if kind in ("legacy", "explicit", "supplemental", "primary"):
        return "registry"
    return "local" if kind in ("directory", "file") else "remote"


def _pipfile_lock(path: str, text: str) -> list[LockedPackage]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LockfileError(f"not valid JSON: {exc}") from None
    out: list[LockedPackage] = []
    if not isinstance(data, dict):
        raise LockfileError("not a JSON object")
    for section in ("default", "develop"):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for name, entry in table.items():
            if not isinstance(entry, dict):
                continue
            version = str(entry.get("version", "")).removeprefix("==")
            if any(k in entry for k in ("path", "file", "editable")):
                origin = "local"
            else:
                origin = "remote" if "git" in entry or not version else "registry"
            out.append(LockedPackage(path, str(name), version, origin))
    return out
