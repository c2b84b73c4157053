"""``pyproject.toml`` (PEP 621, PEP 735 groups, build requirements, Poetry, uv sources), ``Pipfile`` and ``setup.cfg``.

Values are read as data (``tomllib``, ``configparser`` without interpolation); lines are found by searching
the text for the dependency as written, so a finding points at the line that declares it.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from mcts.analyzers._manifests import (
    COMMENT,
    Dependency,
    Ecosystem,
    Manifests,
    Origin,
    Pin,
    Scope,
    find_line,
    is_dev_name,
    parse_requirement,
    python_pin,
    url_origin,
)


def parse_pyproject(path: str, text: str, out: Manifests) -> None:
    """PEP 621 dependencies and extras, PEP 735 groups, build requirements, Poetry tables and uv sources."""
    data = _toml(path, text, out)
    project = _table(data.get("project"))
    _pep508_list(path, text, project.get("dependencies"), Scope.RUNTIME, out)
    for extra, reqs in _table(project.get("optional-dependencies")).items():
        _pep508_list(path, text, reqs, Scope.DEV if is_dev_name(str(extra)) else Scope.OPTIONAL, out)
    for _group, reqs in _table(data.get("dependency-groups")).items():
        _pep508_list(path, text, reqs, Scope.DEV, out)
    _pep508_list(path, text, _table(data.get("build-system")).get("requires"), Scope.BUILD, out)
    tool = _table(data.get("tool"))
    poetry = _table(tool.get("poetry"))
    _poetry_table(path, text, poetry.get("dependencies"), Scope.RUNTIME, out)
    _poetry_table(path, text, poetry.get("dev-dependencies"), Scope.DEV, out)
    for _group, body in _table(poetry.get("group")).items():
        _poetry_table(path, text, _table(body).get("dependencies"), Scope.DEV, out)
    sources = _table(_table(tool.get("uv")).get("sources"))
    _poetry_table(path, text, {k: v for k, v in sources.items() if isinstance(v, dict)}, Scope.RUNTIME, out,
                  sources_only=True)


def parse_pipfile(path: str, text: str, out: Manifests) -> None:
    """``[packages]`` and ``[dev-packages]`` of a Pipfile (the same value shapes as Poetry)."""
    data = _toml(path, text, out)
    _poetry_table(path, text, data.get("packages"), Scope.RUNTIME, out)
    _poetry_table(path, text, data.get("dev-packages"), Scope.DEV, out)


def parse_setup_cfg(path: str, text: str, out: Manifests) -> None:
    """``install_requires`` and ``extras_require`` under ``[options]`` of a setup.cfg."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        out.problems.append((path, f"not a valid setup.cfg: {str(exc).splitlines()[0]}"))
        return
    if parser.has_option("options", "install_requires"):
        _cfg_list(path, text, parser.get("options", "install_requires"), Scope.RUNTIME, out)
    if parser.has_section("options.extras_require"):
        for extra, value in parser.items("options.extras_require"):
            _cfg_list(path, text, value, Scope.DEV if is_dev_name(extra) else Scope.OPTIONAL, out)


def _cfg_list(path: str, text: str, value: str, scope: Scope, out: Manifests) -> None:
    for raw in value.splitlines():
        item = COMMENT.sub("", raw).strip()
        if item:
            dep = parse_requirement(item, file=path, line=find_line(text, (item,)), scope=scope)
            if dep is not None:
                out.dependencies.append(dep)


def _toml(path: str, text: str, out: Manifests) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        out.problems.append((path, f"not valid TOML: {exc}"))
        return {}


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pep508_list(path: str, text: str, reqs: object, scope: Scope, out: Manifests) -> None:
    if not isinstance(reqs, list):
        return
    for req in reqs:
        if isinstance(req, str):
            quoted = (f'"{req}"', f"'{req}'", req)
            dep = parse_requirement(req, file=path, line=find_line(text, quoted), scope=scope)
            if dep is not None:
                out.dependencies.append(dep)


def _poetry_table(
    path: str, text: str, table: object, scope: Scope, out: Manifests, *, sources_only: bool = False
) -> None:
    if not isinstance(table, Mapping):
        return
    for name, value in table.items():
        if not isinstance(name, str) or name.lower() == "python":
            continue
        line = find_line(text, (f"\n{name} =", f"\n{name}=", f'\n"{name}"', name))
        if isinstance(value, str) and not sources_only:
            out.dependencies.append(Dependency(Ecosystem.PYPI, name, value, path, line, scope,
                                               pin=_poetry_pin(value)))
        elif isinstance(value, Mapping):
            _poetry_entry(path, line, name, value, scope, out, sources_only)


def _poetry_entry(
    path: str, line: int, name: str, value: Mapping[str, Any], scope: Scope, out: Manifests, sources_only: bool
) -> None:
    scope = Scope.OPTIONAL if value.get("optional") is True and scope is Scope.RUNTIME else scope
    git = value.get("git")
    if isinstance(git, str):
        rev = next((str(value[k]) for k in ("rev", "tag", "branch") if isinstance(value.get(k), str)), "")
        full = bool(re.fullmatch(r"[0-9a-f]{40}", str(value.get("rev", ""))))
        out.dependencies.append(Dependency(Ecosystem.PYPI, name, f"{git}@{rev}" if rev else git, path, line, scope,
                                           Origin.GIT, Pin.EXACT, full))
    elif isinstance(value.get("url"), str):
        origin, integrity = url_origin(str(value["url"]))
        out.dependencies.append(Dependency(Ecosystem.PYPI, name, str(value["url"]), path, line, scope, origin,
                                           Pin.EXACT, integrity))
    elif isinstance(value.get("path"), str):
        out.dependencies.append(Dependency(Ecosystem.PYPI, name, str(value["path"]), path, line, scope, Origin.PATH,
                                           Pin.EXACT))
    elif isinstance(value.get("version"), str) and not sources_only:
        version = str(value["version"])
        out.dependencies.append(Dependency(Ecosystem.PYPI, name, version, path, line, scope, pin=_poetry_pin(version)))


def _poetry_pin(spec: str) -> Pin:
    """Poetry and Pipfile constraints: ``^1.2`` and ``~1.2`` are bounded, a bare version is exact."""
    spec = spec.strip()
    if spec in ("", "*"):
        return Pin.OPEN
    if spec[0] in "^~" and not spec.startswith("~="):
        return Pin.BOUNDED
    if re.fullmatch(r"v?\d+(?:\.\d+)*(?:[a-z]+\d*)?", spec):
        return Pin.EXACT
    return python_pin(spec)
