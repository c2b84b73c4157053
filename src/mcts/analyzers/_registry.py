"""Find the analyzers: every ``Analyzer`` subclass defined in a public module of this package."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil

import mcts.analyzers
from mcts.analyzers.base import Analyzer
from mcts.taxonomy import load_taxonomy


class RegistryError(Exception):
    """Two analyzers share an id, or an analyzer declares a technique the taxonomy does not know."""


@functools.cache
def all_analyzers() -> tuple[type[Analyzer], ...]:
    """Every analyzer class, sorted by id. Duplicate ids and unknown technique ids are errors."""
    found: dict[str, type[Analyzer]] = {}
    taxonomy = load_taxonomy()
    for module_info in pkgutil.iter_modules(mcts.analyzers.__path__):
        if module_info.name.startswith("_") or module_info.name == "base":
            continue
        module = importlib.import_module(f"mcts.analyzers.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Analyzer) or cls is Analyzer or cls.__module__ != module.__name__:
                continue
            if cls.id in found:
                raise RegistryError(f"analyzer id {cls.id!r} is declared by {found[cls.id].__module__} and {module}")
            for technique in cls.techniques:
                taxonomy.technique(technique)
            found[cls.id] = cls
    return tuple(found[key] for key in sorted(found))


def select(ids: tuple[str, ...]) -> tuple[type[Analyzer], ...]:
    """The inventory analyzers named by ``ids`` (all of them when empty); an unknown id is a ``KeyError``.

    Naming an analyzer of another stage (``protocol-probe``, ``rug-pull``) is allowed; it runs where its stage
    runs, not here.
    """
    analyzers = all_analyzers()
    by_id = {cls.id: cls for cls in analyzers}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise KeyError(f"unknown analyzer id(s) {unknown}; known: {sorted(by_id)}")
    chosen = [by_id[i] for i in ids] if ids else analyzers
    return tuple(cls for cls in chosen if cls.stage == "inventory")
