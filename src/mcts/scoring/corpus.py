"""Corpus statistics: the v2 absolute risks of a reference corpus of scans, for the percentile and security score.

The bundled ``data/corpus_stats.json`` is written by ``scripts/build_corpus_stats.py`` (see docs/scoring.md).
``percentile`` is the share of corpus scans with a strictly lower absolute risk (0 for a server with no risk).
``security_score = round(100 * 0.5 ** (absolute_risk / m))`` where ``m`` (``reference_risk``) is the median absolute
risk of the corpus scans that have any risk: 100 for no risk, 50 for a server as risky as the typical risky server
of the corpus, falling towards 0 beyond. It is not ``100 * (1 - percentile)`` because most of the corpus is clean:
one low finding would then cost as much as a critical one.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import statistics
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mcts.errors import ConfigError


class CorpusEntry(BaseModel):
    """One scan of the corpus."""

    model_config = ConfigDict(frozen=True)

    source: str
    kind: str = Field(description="live, example or eval-dev")
    absolute_risk: float = Field(ge=0)
    findings: int = Field(ge=0)
    tools: int = Field(ge=0)


class CorpusStats(BaseModel):
    """Sorted absolute risks of the corpus, and how they were made."""

    model_config = ConfigDict(frozen=True, ignored_types=(functools.cached_property,))

    profile: str
    scoring_version: str
    mcts_version: str
    date: str
    n: int = Field(ge=0)
    risks: tuple[float, ...]
    entries: tuple[CorpusEntry, ...] = ()

    @field_validator("risks")
    @classmethod
    def _sorted(cls, risks: tuple[float, ...]) -> tuple[float, ...]:
        if any(not math.isfinite(r) or r < 0 for r in risks):
            raise ValueError("risks must be finite numbers >= 0")
        if list(risks) != sorted(risks):
            raise ValueError("risks must be sorted ascending")
        return risks

    def percentile(self, risk: float) -> float | None:
        """Share of corpus scans with lower absolute risk than ``risk`` (``None`` for an empty corpus)."""
        if not self.risks:
            return None
        return bisect.bisect_left(self.risks, risk) / len(self.risks)

    @functools.cached_property
    def reference_risk(self) -> float | None:
        """The median absolute risk of the corpus scans with any risk (``None`` when none has any)."""
        risky = [r for r in self.risks if r > 0]
        return statistics.median(risky) if risky else None

    def security_score(self, risk: float) -> int | None:
        """``round(100 * 0.5 ** (risk / reference_risk))``: 0-100, higher is safer, 50 at the reference risk."""
        reference = self.reference_risk
        return None if reference is None else round(100 * 0.5 ** (risk / reference))


def load_corpus(path: Path | None, cwd: Path) -> CorpusStats:
    """The corpus at ``path`` (relative to ``cwd``), or the bundled one; a bad file is a ``ConfigError``."""
    if path is None:
        return _bundled()
    path = path if path.is_absolute() else cwd / path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read corpus stats {path}: {exc}") from None
    return parse_corpus(text, str(path))


@functools.cache
def _bundled() -> CorpusStats:
    text = resources.files(__package__).joinpath("data", "corpus_stats.json").read_text(encoding="utf-8")
    return parse_corpus(text, "bundled corpus stats")


def parse_corpus(text: str, source: str) -> CorpusStats:
    """Parse and validate corpus stats JSON."""
    try:
        stats = CorpusStats.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"corpus stats {source} is not valid JSON: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid corpus stats {source}: {problems}") from None
    if stats.n != len(stats.risks):
        raise ConfigError(f"invalid corpus stats {source}: n is {stats.n} but {len(stats.risks)} risks are listed")
    return stats
