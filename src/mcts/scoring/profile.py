"""v2 weights profiles: the YAML that sets every factor of the risk model, validated when loaded.

``load_profile(spec, cwd)`` takes a bundled profile name (``manual_v1``) or a path to a YAML file. A profile
that does not validate — a missing severity, an unknown technique or OWASP category, a negative factor, risk
bands with a gap or an overlap — is a ``ConfigError`` naming the problem.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mcts.errors import ConfigError
from mcts.model.finding import Confidence, Severity, Surface
from mcts.model.report import TargetKind
from mcts.taxonomy import load_taxonomy

GROUP_KEYS = ("injection", "exfiltration", "privilege", "supply_chain", "protocol")
"""The five group tiles every profile defines, next to the OWASP MCP Top 10 tiles."""

_BUNDLED_NAME = re.compile(r"^[a-z0-9_]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Exploitability(_Strict):
    """How likely a finding works as an attack: confidence factor times the technique factor."""

    confidence: dict[Confidence, float]
    techniques: dict[str, float] = Field(default_factory=dict)


class Exposure(_Strict):
    """Where the text sits (first segment of the field path), how deep, and whether it is hidden."""

    fields: dict[str, float]
    default: float = Field(ge=0)
    deep_depth: int = Field(ge=1)
    deep_factor: float = Field(ge=0)
    hidden_factor: float = Field(ge=0)
    hidden_techniques: tuple[str, ...] = ()


class Preconditions(_Strict):
    """What must happen before the attack lands, by surface and by technique."""

    surfaces: dict[Surface, float]
    techniques: dict[str, float] = Field(default_factory=dict)


class BlastRadius(_Strict):
    """``min(max, 1 + per_doubling * log2(tools touched))``."""

    per_doubling: float = Field(ge=0)
    max: float = Field(ge=1)


class ConfidenceModel(_Strict):
    """Confidence values (weighted into ScoreV2.confidence) and the risk-range multipliers per confidence."""

    values: dict[Confidence, float]
    range: dict[Confidence, tuple[float, float]]


class Band(_Strict):
    """One risk level: absolute_risk in ``[min, max)``; ``max`` is ``None`` on the last, open-ended band."""

    name: str = Field(min_length=1)
    min: float = Field(ge=0)
    max: float | None = None


class Group(_Strict):
    """A group tile: the OWASP categories and extra techniques whose findings count against it."""

    categories: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()


class Categories(_Strict):
    """Tiles: ``100 * exp(-risk / scale)`` per OWASP category and per group."""

    scale: float = Field(gt=0)
    groups: dict[str, Group]


class WeightsProfile(_Strict):
    """A validated weights profile."""

    name: str = Field(min_length=1)
    scoring_version: str
    description: str = ""
    severity_weights: dict[Severity, float]
    exploitability: Exploitability
    reachability: dict[TargetKind, float]
    exposure: Exposure
    preconditions: Preconditions
    blast_radius: BlastRadius
    asset_values: dict[Literal["high", "medium", "low"], float]
    confidence: ConfidenceModel
    bands: tuple[Band, ...]
    dimension_scale: float = Field(gt=0)
    categories: Categories

    @model_validator(mode="after")
    def _check(self) -> WeightsProfile:
        _require_all("severity_weights", self.severity_weights, list(Severity))
        _require_all("exploitability.confidence", self.exploitability.confidence, list(Confidence))
        _require_all("reachability", self.reachability, ["stdio", "http", "snapshot", "source", "client-config"])
        _require_all("preconditions.surfaces", self.preconditions.surfaces, list(Surface))
        _require_all("asset_values", self.asset_values, ["high", "medium", "low"])
        _require_all("confidence.values", self.confidence.values, list(Confidence))
        _require_all("confidence.range", self.confidence.range, list(Confidence))
        for where, factors in self._factor_tables():
            for key, value in factors.items():
                if not (math.isfinite(value) and value >= 0):
                    raise ValueError(f"{where}.{key} must be a finite number >= 0, got {value}")
        for level, (low, high) in self.confidence.range.items():
            if not 0 <= low <= 1 <= high:
                raise ValueError(f"confidence.range.{level} must satisfy 0 <= low <= 1 <= high, got [{low}, {high}]")
        _check_techniques(self)
        _check_groups(self.categories)
        check_bands(self.bands)
        return self

    def _factor_tables(self) -> list[tuple[str, dict[Any, float]]]:
        return [
            ("severity_weights", dict(self.severity_weights)),
            ("exploitability.confidence", dict(self.exploitability.confidence)),
            ("exploitability.techniques", self.exploitability.techniques),
            ("reachability", dict(self.reachability)),
            ("exposure.fields", self.exposure.fields),
            ("preconditions.surfaces", dict(self.preconditions.surfaces)),
            ("preconditions.techniques", self.preconditions.techniques),
            ("asset_values", dict(self.asset_values)),
            ("confidence.values", dict(self.confidence.values)),
        ]

    def band_for(self, risk: float) -> str:
        """The name of the band holding ``risk``."""
        for band in self.bands:
            if band.max is None or risk < band.max:
                return band.name
        return self.bands[-1].name  # unreachable: the last band is open-ended

    def band_rank(self, name: str) -> int:
        """The position of band ``name`` (0 = lowest risk); ``ConfigError`` when the profile has no such band."""
        for index, band in enumerate(self.bands):
            if band.name == name:
                return index
        names = ", ".join(b.name for b in self.bands)
        raise ConfigError(f"unknown risk level {name!r} for weights profile {self.name} (levels: {names})")


def _require_all(where: str, table: dict[Any, Any], keys: list[Any]) -> None:
    missing = [str(k) for k in keys if k not in table]
    if missing:
        raise ValueError(f"{where} is missing {', '.join(missing)}")


def _check_techniques(profile: WeightsProfile) -> None:
    known = load_taxonomy().techniques
    used = {
        "exploitability.techniques": profile.exploitability.techniques,
        "exposure.hidden_techniques": profile.exposure.hidden_techniques,
        "preconditions.techniques": profile.preconditions.techniques,
        **{f"categories.groups.{k}.techniques": g.techniques for k, g in profile.categories.groups.items()},
    }
    for where, ids in used.items():
        unknown = sorted(set(ids) - set(known))
        if unknown:
            raise ValueError(f"{where} names unknown technique ids: {', '.join(unknown)}")


def _check_groups(categories: Categories) -> None:
    keys = set(categories.groups)
    if keys != set(GROUP_KEYS):
        got = ", ".join(sorted(keys))
        raise ValueError(f"categories.groups must define exactly {', '.join(GROUP_KEYS)} (got {got})")
    known = set(load_taxonomy().categories)
    for key, group in categories.groups.items():
        unknown = sorted(set(group.categories) - known)
        if unknown:
            raise ValueError(f"categories.groups.{key} names unknown OWASP categories: {', '.join(unknown)}")


def check_bands(bands: tuple[Band, ...]) -> None:
    """Raise ``ValueError`` unless the bands tile ``[0, inf)``: first from 0, each from the previous max, last open."""
    if not bands:
        raise ValueError("bands: at least one band is needed")
    names = [b.name for b in bands]
    if len(set(names)) != len(names):
        raise ValueError(f"bands: names must be unique, got {', '.join(names)}")
    if bands[0].min != 0:
        raise ValueError(f"bands: the first band ({bands[0].name}) must start at 0, not {bands[0].min}")
    for band, following in itertools.pairwise(bands):
        if band.max is None:
            raise ValueError(f"bands: only the last band may be open-ended, but {band.name} is")
        if band.max <= band.min:
            raise ValueError(f"bands: {band.name} is empty or reversed ([{band.min}, {band.max}))")
        if following.min > band.max:
            raise ValueError(
                f"bands: gap between {band.name} (max {band.max}) and {following.name} (min {following.min})"
            )
        if following.min < band.max:
            raise ValueError(f"bands: {band.name} (max {band.max}) overlaps {following.name} (min {following.min})")
    if bands[-1].max is not None:
        raise ValueError(f"bands: the last band ({bands[-1].name}) must be open-ended (max: null)")


def bundled_profiles() -> tuple[str, ...]:
    """Names of the profiles shipped with mcts."""
    folder = resources.files(__package__).joinpath("profiles")
    return tuple(sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml")))


def load_profile(spec: str, cwd: Path) -> WeightsProfile:
    """The profile named ``spec`` (bundled) or stored at path ``spec`` (relative to ``cwd``)."""
    if _BUNDLED_NAME.match(spec) and spec in bundled_profiles():
        return _load_bundled(spec)
    path = Path(spec).expanduser()
    path = path if path.is_absolute() else cwd / path
    if not path.is_file():
        raise ConfigError(
            f"weights profile {spec!r} is neither a bundled profile ({', '.join(bundled_profiles())}) nor a file"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read weights profile {path}: {exc}") from None
    return parse_profile(text, str(path))


@functools.cache
def _load_bundled(name: str) -> WeightsProfile:
    text = resources.files(__package__).joinpath("profiles", f"{name}.yaml").read_text(encoding="utf-8")
    return parse_profile(text, f"bundled profile {name}")


def parse_profile(text: str, source: str) -> WeightsProfile:
    """Parse and validate profile YAML; ``ConfigError`` names ``source`` and the problem."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot parse weights profile {source}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"weights profile {source} must be a mapping")
    try:
        return WeightsProfile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'profile'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"invalid weights profile {source}: {problems}") from None
