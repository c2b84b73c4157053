"""Asset values per tool: how much is at stake when a tool's finding is exploited (``.mcts/assets.yaml``).

The file maps tool names to ``high``, ``medium``, ``low`` (the profile's ``asset_values``) or a number, with a
``default`` for tools it does not name::

    default: medium
    tools:
      transfer_funds: high
      get_weather: low
      run_query: 2.5

A file that does not have this shape is a ``ConfigError`` naming the problem. Without a file every tool is
worth the profile's ``medium`` value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcts.errors import ConfigError
from mcts.scoring.profile import WeightsProfile

DEFAULT_ASSETS = Path(".mcts") / "assets.yaml"
MAX_ASSET_VALUE = 100.0


@dataclass(frozen=True)
class AssetValues:
    """Resolved asset values: per tool, and the default for every other tool and surface."""

    default: float
    tools: dict[str, float] = field(default_factory=dict)

    def for_tool(self, name: str | None) -> float:
        """The value of tool ``name`` (the default when unnamed)."""
        return self.tools.get(name, self.default) if name is not None else self.default

    def highest(self) -> float:
        """The largest value of any tool or the default: what a server-wide finding puts at stake."""
        return max(self.default, *self.tools.values()) if self.tools else self.default


def load_assets(path: Path | None, cwd: Path, profile: WeightsProfile) -> AssetValues:
    """Read the assets file: ``path`` when given (it must exist), else ``cwd/.mcts/assets.yaml`` when present."""
    medium = profile.asset_values["medium"]
    if path is None:
        candidate = cwd / DEFAULT_ASSETS
        if not candidate.is_file():
            return AssetValues(default=medium)
        path = candidate
    elif not path.is_absolute():
        path = cwd / path
    if not path.is_file():
        raise ConfigError(f"assets file {path} does not exist")
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read assets file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot parse assets file {path}: {exc}") from None
    return parse_assets(data, str(path), profile)


def parse_assets(data: Any, source: str, profile: WeightsProfile) -> AssetValues:
    """Validate parsed assets data (``None`` for an empty file)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"assets file {source} must be a mapping with 'tools' and 'default'")
    unknown = sorted(str(k) for k in data if k not in {"tools", "default"})
    if unknown:
        raise ConfigError(f"assets file {source}: unknown key(s) {', '.join(unknown)} (expected tools, default)")
    default = _value(data.get("default", "medium"), f"{source}: default", profile)
    tools = data.get("tools") or {}
    if not isinstance(tools, dict):
        raise ConfigError(f"assets file {source}: 'tools' must map tool names to high, medium, low or a number")
    return AssetValues(default=default,
                       tools={str(name): _value(v, f"{source}: tools.{name}", profile) for name, v in tools.items()})


def _value(raw: Any, where: str, profile: WeightsProfile) -> float:
    if isinstance(raw, str) and raw.strip().lower() in profile.asset_values:
        return profile.asset_values[raw.strip().lower()]  # type: ignore[index]
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw) and 0 < raw <= MAX_ASSET_VALUE:
        return float(raw)
    raise ConfigError(f"{where}: expected high, medium, low or a number in (0, {MAX_ASSET_VALUE:g}], got {raw!r}")
