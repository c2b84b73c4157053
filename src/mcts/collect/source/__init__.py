"""Static collection: a server's source file or repository -> an Inventory, without running anything.

``collect_source`` walks the target (``walk.py``), then extracts items in two passes over the Python files: first
the names bound to a server object in each module (``server_names``), then every module's items with those names
passed as ``known_servers`` ({dotted module name: names}, under every importable suffix of the module's path, so
``from app.server import mcp`` resolves in a ``src/`` layout too). TypeScript and JavaScript files follow
(declaration files ``.d.ts`` have no code and are not read). Files are taken in path order, with tests, examples,
fixtures and docs last, so that when two files declare the same item the server's own declaration is the one
kept. The merged wire data goes through ``build_inventory`` (the usual caps), and the inventory carries each
item's ``ItemSource`` (file:line, handler). ``Collected.files`` holds every file read, for the analyzers that
look at handlers and manifests.

Fail closed: an extractor that raises, a directory that cannot be read or a cap that cut the walk makes the scan
incomplete; so does a target in which no server or no item could be found (a scanner must not call a server it
did not recognise clean).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from mcts.collect.normalize import LISTS, build_inventory
from mcts.collect.result import Collected, SourceFiles
from mcts.collect.source._assemble import Merger
from mcts.collect.source.extracted import Extracted
from mcts.collect.source.walk import WalkLimits, walk
from mcts.errors import CollectError, SnapshotError, describe
from mcts.model.report import Listing
from mcts.model.target import SourceTarget
from mcts.options import ScanOptions

__all__ = ["Extractors", "PythonExtractor", "collect_source", "default_extractors", "module_names"]

_SECONDARY_DIRS = frozenset({
    "test", "tests", "testing", "__tests__", "example", "examples", "sample", "samples", "demo", "demos", "docs",
    "doc", "fixtures", "benchmarks", "bench",
})
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_SERVER_HINTS = ("Server", "FastMCP")  # every server constructor server_names recognises contains one of these


class PythonExtractor(Protocol):
    """``extract_python``'s signature."""

    def __call__(
        self, relpath: str, text: str, *, known_servers: Mapping[str, set[str]] | None = None
    ) -> Extracted:
        """The items declared in the Python module ``relpath``."""


@dataclass(frozen=True)
class Extractors:
    """The language extractors ``collect_source`` calls; tests may pass their own."""

    python: PythonExtractor
    python_servers: Callable[[str, str], set[str]]
    typescript: Callable[[str, str], Extracted]


def default_extractors() -> Extractors:
    """The real extractors (their modules, and tree-sitter, are imported on first use)."""
    return Extractors(python=_extract_python, python_servers=_server_names, typescript=_extract_typescript)


def _extract_python(relpath: str, text: str, *, known_servers: Mapping[str, set[str]] | None = None) -> Extracted:
    from mcts.collect.source.python import extract_python

    return extract_python(relpath, text, known_servers=known_servers)


def _server_names(relpath: str, text: str) -> set[str]:
    from mcts.collect.source.python import server_names

    return server_names(relpath, text)


def _extract_typescript(relpath: str, text: str) -> Extracted:
    from mcts.collect.source.typescript import extract_typescript

    return extract_typescript(relpath, text)


def collect_source(
    target: SourceTarget,
    options: ScanOptions,
    *,
    extractors: Extractors | None = None,
    walk_limits: WalkLimits | None = None,
) -> Collected:
    """Extract the inventory of the server whose source is at ``target.path``; ``TargetError`` if unreadable."""
    walked = walk(target.path, walk_limits)
    ex = extractors or default_extractors()
    errors = list(walked.errors)
    ordered = sorted(walked.source_paths, key=_order)
    python = [rel for rel in ordered if rel.lower().endswith(".py")]
    scripts = [rel for rel in ordered if not rel.lower().endswith((".py", *_DECLARATION_SUFFIXES))]
    merger = Merger()

    known: dict[str, set[str]] = {}
    for rel in python:
        text = walked.files[rel]
        if not any(hint in text for hint in _SERVER_HINTS):
            continue
        try:
            names = ex.python_servers(rel, text)
        except Exception as exc:  # noqa: BLE001 -- recorded as an error: the scan is incomplete, never clean
            errors.append(f"{rel}: finding server objects failed: {describe(exc)}")
            continue
        if names:
            merger.declared_in.append(rel)
            for module in module_names(rel):
                known.setdefault(module, set()).update(names)
    for rel in python:
        _extract(merger, errors, rel, functools.partial(ex.python, rel, walked.files[rel], known_servers=known or None))
    for rel in scripts:
        _extract(merger, errors, rel, functools.partial(ex.typescript, rel, walked.files[rel]))

    if merger.item_count == 0:
        errors.append(_nothing_found(target, merger.declared_in))
    try:
        inventory, caps = build_inventory(merger.wire(), options.limits)
    except SnapshotError as exc:
        raise CollectError(f"{target.display()}: the extracted items do not form a valid inventory: {exc}") from None
    inventory = inventory.with_items(sources=tuple(merger.sources))
    counts = inventory.counts()
    listings = {key: Listing(status="listed", items=counts.get(key, 0), pages=0) for key in LISTS}
    return Collected(
        inventory=inventory,
        transport="source",
        listings=listings,
        caps_hit=[*walked.caps_hit, *caps],
        errors=errors,
        warnings=[*walked.warnings, *merger.final_warnings()],
        files=SourceFiles(root=walked.root, texts=walked.files),
    )


def _extract(merger: Merger, errors: list[str], rel: str, run: Callable[[], Extracted]) -> None:
    try:
        extracted = run()
    except Exception as exc:  # noqa: BLE001 -- recorded as an error: the scan is incomplete, never clean
        errors.append(f"{rel}: extraction failed: {describe(exc)}")
        return
    merger.add(rel, extracted)


def _nothing_found(target: SourceTarget, declared_in: list[str]) -> str:
    if declared_in:
        where = ", ".join(dict.fromkeys(declared_in[:5]))
        return (f"an MCP server is declared in {where} but no tools, prompts or resources could be extracted "
                "statically (registered at run time?)")
    return f"no MCP server declarations found in {target.display()}"


def _order(relpath: str) -> tuple[bool, str]:
    """Sort key: the server's own files first, then tests, examples, fixtures and docs; by path within each."""
    *dirs, name = relpath.split("/")
    secondary = any(part.lower() in _SECONDARY_DIRS for part in dirs) or name.startswith("test_") or (
        ".test." in name or ".spec." in name or name.endswith("_test.py")
    )
    return secondary, relpath


def module_names(relpath: str) -> list[str]:
    """The dotted names a Python file may be imported by: every importable suffix of its path.

    ``src/app/server.py`` -> ``src.app.server``, ``app.server``, ``server``; ``app/__init__.py`` -> ``app``.
    """
    parts = relpath[: -len(".py")].split("/") if relpath.endswith(".py") else relpath.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    names: list[str] = []
    for start in range(len(parts)):
        tail = parts[start:]
        if all(part.isidentifier() for part in tail):
            names.append(".".join(tail))
    return names
