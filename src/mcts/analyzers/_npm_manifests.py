"""npm manifests: ``package.json`` dependencies and lifecycle scripts, ``package-lock.json`` entries.

A dependency value is classified by what npm would do with it: a registry range (exact, bounded or open), a
git reference (``git+…``, ``github:…``, ``user/repo``), a tarball URL, a local path (``file:``, ``link:``,
``workspace:``) or an alias (``npm:other@1.0``, checked under the aliased name).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from mcts.analyzers._manifests import (
    Dependency,
    Ecosystem,
    InstallHook,
    Manifests,
    Origin,
    Pin,
    Scope,
    find_line,
    line_at,
)

INSTALL_HOOKS = ("preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare")
_SECTIONS = (("dependencies", Scope.RUNTIME), ("optionalDependencies", Scope.OPTIONAL),
             ("devDependencies", Scope.DEV), ("peerDependencies", Scope.PEER))
_GIT = re.compile(r"(?:git\+|git:|github:|gitlab:|bitbucket:|gist:)|^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:#.*)?$")
_EXACT = re.compile(r"=?v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?")
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_COMMIT = re.compile(r"#(?:commit=)?[0-9a-f]{40}$")


@dataclass(frozen=True, slots=True)
class LockEntry:
    """One installed package of a package-lock.json."""

    file: str
    line: int
    name: str
    version: str
    resolved: str
    integrity: bool
    install_script: bool
    dev: bool


def npm_pin(spec: str) -> Pin:
    """Classify an npm semver range: ``*``, ``latest``, a tag or ``>=1`` alone are open."""
    parts = [p.strip() for p in spec.split("||")]
    pins = [_one_range(p) for p in parts]
    if Pin.OPEN in pins:
        return Pin.OPEN
    return Pin.EXACT if pins == [Pin.EXACT] else Pin.BOUNDED


def _one_range(spec: str) -> Pin:
    if spec in ("", "*", "x", "X") or (_TAG.fullmatch(spec) and not spec.startswith("v")):
        return Pin.OPEN
    if _EXACT.fullmatch(spec):
        return Pin.EXACT
    if spec.startswith(("^", "~")) or "<" in spec or " - " in spec or re.search(r"\d\.(?:x|\*)|^\d+$", spec):
        return Pin.BOUNDED
    if re.match(r"\d+\.\d+$", spec):
        return Pin.BOUNDED
    return Pin.OPEN  # >=1.0, >1.0 and anything without an upper bound


def npm_dependency(name: str, spec: str, *, file: str, line: int, scope: Scope) -> Dependency:
    """One ``"name": "spec"`` entry of a package.json section."""
    value = spec.strip()
    lowered = value.lower()
    if lowered.startswith("npm:"):
        alias = value[4:]
        target, _, version = alias.rpartition("@") if alias.rfind("@") > 0 else (alias, "", "")
        return Dependency(Ecosystem.NPM, target, version, file, line, scope, pin=npm_pin(version))
    if lowered.startswith(("file:", "link:", "workspace:", "portal:", "./", "../", "/", "~/")):
        return Dependency(Ecosystem.NPM, name, value, file, line, scope, Origin.PATH, Pin.EXACT)
    if _GIT.match(value):
        return Dependency(Ecosystem.NPM, name, value, file, line, scope, Origin.GIT, Pin.EXACT,
                          bool(_COMMIT.search(value)))
    if lowered.startswith(("http://", "https://")):
        return Dependency(Ecosystem.NPM, name, value, file, line, scope, Origin.URL, Pin.EXACT, False)
    return Dependency(Ecosystem.NPM, name, value, file, line, scope, pin=npm_pin(value))


def parse_package_json(path: str, text: str, out: Manifests) -> None:
    """Dependencies of every section and the install-time lifecycle scripts of one package.json."""
    data = _json_object(path, text, out)
    for section, scope in _SECTIONS:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        start = max(0, text.find(f'"{section}"'))
        for name, spec in table.items():
            if isinstance(spec, str):
                line = find_line(text, (f'"{name}"',), start)
                out.dependencies.append(npm_dependency(name, spec, file=path, line=line, scope=scope))
    scripts = data.get("scripts")
    if isinstance(scripts, dict):
        start = max(0, text.find('"scripts"'))
        for hook in INSTALL_HOOKS:
            body = scripts.get(hook)
            if isinstance(body, str) and body.strip():
                out.hooks.append(InstallHook(path, find_line(text, (f'"{hook}"',), start), hook, body))


def parse_package_lock(path: str, text: str, out: Manifests) -> list[LockEntry]:
    """The installed packages of a package-lock.json or npm-shrinkwrap.json (lockfile versions 1 to 3)."""
    data = _json_object(path, text, out)
    entries: list[LockEntry] = []
    packages = data.get("packages")
    if isinstance(packages, dict):
        for key, body in packages.items():
            if not key or not isinstance(body, dict) or body.get("link") is True:
                continue
            name = str(body.get("name") or key.rpartition("node_modules/")[2])
            entries.append(_entry(path, text, key, name, body))
    elif isinstance(data.get("dependencies"), dict):
        _v1_entries(path, text, data["dependencies"], entries)
    return entries


def _v1_entries(path: str, text: str, table: dict[str, Any], entries: list[LockEntry], depth: int = 0) -> None:
    if depth > 64:
        return
    for name, body in table.items():
        if isinstance(body, dict):
            entries.append(_entry(path, text, name, name, body))
            nested = body.get("dependencies")
            if isinstance(nested, dict):
                _v1_entries(path, text, nested, entries, depth + 1)


def _entry(path: str, text: str, key: str, name: str, body: dict[str, Any]) -> LockEntry:
    pos = text.find(f'"{key}"')
    return LockEntry(
        file=path,
        line=line_at(text, pos) if pos >= 0 else 1,
        name=name,
        version=str(body.get("version", "")),
        resolved=str(body.get("resolved", "")),
        integrity=isinstance(body.get("integrity"), str),
        install_script=body.get("hasInstallScript") is True,
        dev=body.get("dev") is True or body.get("devOptional") is True,
    )


def _json_object(path: str, text: str, out: Manifests) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        out.problems.append((path, f"not valid JSON: {exc}"))
        return {}
    if not isinstance(data, dict):
        out.problems.append((path, "not a JSON object"))
        return {}
    return data
