"""Technique ids, their OWASP MCP Top 10 categories, CWE ids and remediation text (``techniques.yaml``)."""

from __future__ import annotations

import functools
from importlib import resources

from pydantic import BaseModel, ConfigDict


class Technique(BaseModel):
    """One technique: what it is, where it sits in OWASP's MCP Top 10, and how to fix it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    description: str = ""
    owasp: tuple[str, ...]
    cwe: tuple[str, ...] = ()
    remediation: str


class Taxonomy(BaseModel):
    """All techniques and the OWASP categories they map to."""

    model_config = ConfigDict(frozen=True)

    categories: dict[str, str]
    techniques: dict[str, Technique]

    def technique(self, technique_id: str) -> Technique:
        """The technique with this id; ``KeyError`` names it when it is unknown."""
        try:
            return self.techniques[technique_id]
        except KeyError:
            raise KeyError(f"unknown technique id {technique_id!r} (add it to taxonomy/techniques.yaml)") from None


@functools.cache
def load_taxonomy() -> Taxonomy:
    """Read and validate ``techniques.yaml`` once per process."""
    import yaml

    raw = yaml.safe_load(resources.files(__package__).joinpath("techniques.yaml").read_text(encoding="utf-8"))
    techniques = {tid: Technique(id=tid, **body) for tid, body in raw["techniques"].items()}
    taxonomy = Taxonomy(categories=raw["categories"], techniques=techniques)
    for technique in techniques.values():
        unknown = set(technique.owasp) - set(taxonomy.categories)
        if unknown:
            raise ValueError(f"technique {technique.id} maps to unknown categories {sorted(unknown)}")
    return taxonomy
