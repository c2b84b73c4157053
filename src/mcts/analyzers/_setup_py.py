"""``setup.py``, read with ``ast`` and never run: literal requirements and code that runs at install time.

Only literal values are understood: ``install_requires=[...]``, ``extras_require={...}`` (or a module-level
name bound to such a literal). A ``cmdclass`` that replaces ``install``, ``develop``, ``egg_info`` or the build
commands is an install hook; so is module-level code that downloads or executes something, since everything
at the top of a setup.py runs on every source install.
"""

from __future__ import annotations

import ast
import re

from mcts.analyzers._manifests import InstallHook, Manifests, Scope, is_dev_name, parse_requirement

_INSTALL_COMMANDS = frozenset({"install", "develop", "egg_info", "build_py", "build_ext", "bdist_wheel", "sdist",
                               "build", "easy_install"})
# Calls at import time of a setup.py that fetch or run something: the shape of a malicious package.
_DANGEROUS_CALL = re.compile(
    r"(?:^|\.)(?:system|popen|Popen|run|call|check_call|check_output|urlopen|urlretrieve|exec|eval|b64decode|"
    r"get|post|spawn\w*|execv\w*|startfile)$"
)
_DANGEROUS_MODULES = frozenset({"os", "subprocess", "urllib", "urllib.request", "requests", "httpx", "socket",
                                "base64", "builtins", "shutil", "ctypes", "pty"})


def parse_setup_py(path: str, text: str, out: Manifests) -> None:
    """Record the literal requirements and the install hooks of one setup.py."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        out.problems.append((path, f"not valid Python: {exc}"))
        return
    names = _literal_bindings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node.func) in ("setup", "setuptools.setup"):
            _setup_call(path, text, node, names, out)
    for stmt in tree.body:
        _top_level_code(path, text, stmt, out)


def _literal_bindings(tree: ast.Module) -> dict[str, ast.expr]:
    bound: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            bound[stmt.targets[0].id] = stmt.value
    return bound


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_callee(func.value)}.{func.attr}"
    return ""


def _resolve(value: ast.expr, names: dict[str, ast.expr]) -> ast.expr:
    return names.get(value.id, value) if isinstance(value, ast.Name) else value


def _setup_call(path: str, text: str, call: ast.Call, names: dict[str, ast.expr], out: Manifests) -> None:
    for keyword in call.keywords:
        value = _resolve(keyword.value, names)
        if keyword.arg == "install_requires":
            _requirements(path, value, Scope.RUNTIME, out)
        elif keyword.arg == "extras_require" and isinstance(value, ast.Dict):
            for key, reqs in zip(value.keys, value.values, strict=True):
                extra = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
                _requirements(path, _resolve(reqs, names), Scope.DEV if is_dev_name(extra) else Scope.OPTIONAL, out)
        elif keyword.arg == "cmdclass" and isinstance(value, ast.Dict):
            for key, command in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in _INSTALL_COMMANDS:
                    body = ast.get_source_segment(text, command) or ""
                    out.hooks.append(InstallHook(path, key.lineno, f"cmdclass[{key.value!r}]", body))


def _requirements(path: str, value: ast.expr, scope: Scope, out: Manifests) -> None:
    if not isinstance(value, (ast.List, ast.Tuple)):
        return
    for element in value.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            dep = parse_requirement(element.value, file=path, line=element.lineno, scope=scope)
            if dep is not None:
                out.dependencies.append(dep)


def _top_level_code(path: str, text: str, stmt: ast.stmt, out: Manifests) -> None:
    """Module-level statements (outside functions and classes) that call out to the network or a shell."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
        return
    for node in ast.walk(stmt):
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node.func)
        head = callee.split(".", 1)[0]
        if callee in ("exec", "eval", "__import__") or (
            _DANGEROUS_CALL.search(callee) and (head in _DANGEROUS_MODULES or callee.startswith("urllib."))
        ):
            body = ast.get_source_segment(text, stmt) or callee
            out.hooks.append(InstallHook(path, stmt.lineno, "module code", body[:400]))
            return
