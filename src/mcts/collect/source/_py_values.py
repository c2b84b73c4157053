"""Static values of Python expressions: literals, module constants, enum members and simple string calls.

Nothing is executed. An expression that cannot be known without running the code (a call result, a
parameter, an f-string hole) is ``UNRESOLVED``; a container or string that is only partly known keeps the
parts that are, and the gap is recorded so the extractor can say what it did not see.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Mapping

__all__ = ["UNRESOLVED", "Values"]

_MAX_DEPTH = 40
_MAX_TEXT = 1_000_000
_MAX_PLACEHOLDER = 2_000


class _Unresolved:
    """The type of ``UNRESOLVED``: a value static analysis cannot know."""

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED = _Unresolved()

_STRING_METHODS = {"strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize"}
_WRAPPERS = {"str", "AnyUrl", "AnyHttpUrl", "HttpUrl", "dict", "list"}
_TEXT_FUNCTIONS = {"dedent": textwrap.dedent, "cleandoc": inspect.cleandoc}


class Values:
    """Resolve expressions of one module to Python values, recording the gaps in ``gaps``.

    ``constants`` maps module-level names to the expression last assigned to them; ``classes`` maps
    module-level class names to their definitions (for ``Enum.MEMBER`` and ``Enum.MEMBER.value``).
    """

    def __init__(self, constants: Mapping[str, ast.expr], classes: Mapping[str, ast.ClassDef]) -> None:
        self.constants = constants
        self.classes = classes
        self.gaps: list[ast.AST] = []
        self.bindings: dict[str, ast.expr] = {}  # parameters of a helper being inlined

    def get(self, node: ast.AST | None, depth: int = 0) -> object:
        """The value of ``node``, ``UNRESOLVED`` when unknown; partly known containers keep what is known."""
        if node is None:
            return None
        if depth > _MAX_DEPTH:
            return self._gap(node)
        if isinstance(node, ast.Constant):
            return node.value if not isinstance(node.value, bytes | complex) and node.value is not ... else self._gap(
                node)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, depth)
        if isinstance(node, ast.Name):
            return self._name(node, depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, depth)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = [self.get(e, depth + 1) for e in node.elts if not isinstance(e, ast.Starred)]
            if len(items) != len(node.elts):
                self._gap(node)
            return [i for i in items if i is not UNRESOLVED]
        if isinstance(node, ast.Dict):
            return self._dict(node, depth)
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = self.get(node.operand, depth + 1)
            return -value if isinstance(value, int | float) and not isinstance(value, bool) else self._gap(node)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return self._gap(node)

    def text(self, node: ast.AST | None) -> str | None:
        """The string value of ``node``, ``None`` when it is not a (partly) known string."""
        value = self.get(node)
        return value if isinstance(value, str) else None

    def _gap(self, node: ast.AST) -> _Unresolved:
        self.gaps.append(node)
        return UNRESOLVED

    def _name(self, node: ast.Name, depth: int) -> object:
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        target = self.bindings.get(node.id) or self.constants.get(node.id)
        if target is None:
            return self._gap(node)
        return self.get(target, depth + 1)

    def _attribute(self, node: ast.Attribute, depth: int) -> object:
        base = node.value
        if node.attr in ("value", "name") and isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
            member = self._class_member(base.value.id, base.attr)
            if member is not None:
                return base.attr if node.attr == "name" else self.get(member, depth + 1)
        if isinstance(base, ast.Name):
            member = self._class_member(base.id, node.attr)
            if member is not None:
                return self.get(member, depth + 1)
        return self._gap(node)

    def _class_member(self, cls: str, attr: str) -> ast.expr | None:
        definition = self.classes.get(cls)
        if definition is None:
            return None
        for stmt in definition.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets):
                return stmt.value
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
                return stmt.value
        return None

    def _dict(self, node: ast.Dict, depth: int) -> object:
        out: dict[object, object] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:  # ``**other``
                merged = self.get(value_node, depth + 1)
                if isinstance(merged, dict):
                    out.update(merged)
                continue
            key = self.get(key_node, depth + 1)
            value = self.get(value_node, depth + 1)
            if isinstance(key, str | int | float | bool) and value is not UNRESOLVED:
                out[key] = value
            elif not isinstance(key, str | int | float | bool) and key is not UNRESOLVED:
                self._gap(key_node)
        return out

    def _fstring(self, node: ast.JoinedStr, depth: int) -> str:
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
            elif isinstance(part, ast.FormattedValue):
                value = self.get(part.value, depth + 1) if part.format_spec is None else self._gap(part)
                if isinstance(value, str | int | float) and part.conversion in (-1, ord("s")):
                    parts.append(str(value))
                else:
                    if value is not UNRESOLVED:
                        self._gap(part)
                    parts.append("{" + _unparse(part.value) + "}")
        return "".join(parts)[:_MAX_TEXT]

    def _binop(self, node: ast.BinOp, depth: int) -> object:
        left = self.get(node.left, depth + 1)
        right = self.get(node.right, depth + 1)
        if isinstance(node.op, ast.Add):
            if isinstance(left, str) and isinstance(right, str):
                return (left + right)[:_MAX_TEXT]
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            if isinstance(left, str) and right is UNRESOLVED:
                return left + "{" + _unparse(node.right) + "}"
            if isinstance(right, str) and left is UNRESOLVED:
                return "{" + _unparse(node.left) + "}" + right
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            self._gap(node)
            return left
        if isinstance(node.op, ast.BitOr) and isinstance(left, dict) and isinstance(right, dict):
            return {**left, **right}
        return self._gap(node)

    def _call(self, node: ast.Call, depth: int) -> object:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in _TEXT_FUNCTIONS and len(node.args) == 1:
            value = self.get(node.args[0], depth + 1)
            return _TEXT_FUNCTIONS[name](value) if isinstance(value, str) else value
        if isinstance(func, ast.Attribute) and name in _STRING_METHODS and not node.args:
            value = self.get(func.value, depth + 1)
            return getattr(value, name)() if isinstance(value, str) else value
        if isinstance(func, ast.Attribute) and name == "replace" and len(node.args) == 2:
            value = self.get(func.value, depth + 1)
            old, new = (self.get(a, depth + 1) for a in node.args)
            if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
                return value.replace(old, new)[:_MAX_TEXT]
            return self._gap(node)
        if isinstance(func, ast.Attribute) and name == "format":
            value = self.get(func.value, depth + 1)
            if isinstance(value, str):
                self._gap(node)
            return value
        if isinstance(func, ast.Attribute) and name == "join" and len(node.args) == 1:
            sep = self.get(func.value, depth + 1)
            items = self.get(node.args[0], depth + 1)
            if isinstance(sep, str) and isinstance(items, list) and all(isinstance(i, str) for i in items):
                return sep.join(str(i) for i in items)[:_MAX_TEXT]
        if name in _WRAPPERS and len(node.args) == 1 and not node.keywords:
            return self.get(node.args[0], depth + 1)
        if name == "dict" and not node.args:
            pairs = {kw.arg: self.get(kw.value, depth + 1) for kw in node.keywords if kw.arg is not None}
            return {k: v for k, v in pairs.items() if v is not UNRESOLVED}
        return self._gap(node)


def _unparse(node: ast.AST) -> str:
    """The source of an unresolved part, kept in the text as ``{source}``.

    Literal arguments of a helper (``_encode("...")``) are still the author's words: analyzers should see them.
    """
    try:
        text = ast.unparse(node)
    except RecursionError:
        return "..."
    return text if len(text) <= _MAX_PLACEHOLDER else text[: _MAX_PLACEHOLDER - 3] + "..."
