"""The policy file, ``.mcts/policy.yaml``: gates and the settings that decide a verdict, kept apart from config.

Keys: the gates (``min_security_score``, ``max_absolute_risk``, ``max_risk_level``, ``min_category_score`` —
also spelled ``min_category_score_v2`` — ``max_critical``, ``max_high``), optionally under a ``gates:`` mapping,
plus ``fail_on``, ``scoring_mode``, ``weights_profile`` and ``ignore_path``. Any other key is an error. The
values are validated with the rest of the settings (``mcts.options.resolve_options``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcts.errors import ConfigError

DEFAULT_POLICY_FILE = Path(".mcts") / "policy.yaml"
GATE_KEYS = frozenset(
    {"min_security_score", "max_absolute_risk", "max_risk_level", "min_category_score", "max_critical", "max_high"}
)
SETTING_KEYS = frozenset({"fail_on", "scoring_mode", "weights_profile", "ignore_path"})
_ALIASES = {"min_category_score_v2": "min_category_score"}


def read_policy_file(path: Path) -> dict[str, Any]:
    """The settings of the policy file at ``path``, flattened (gate keys at top level, snake_case)."""
    try:
        import yaml

        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read policy file {path}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 -- yaml raises its own error family; reported, never swallowed
        raise ConfigError(f"cannot parse policy file {path}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"policy file {path} must hold a mapping of gates and settings")
    flat: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = _key(raw_key)
        if key == "gates":
            if not isinstance(value, dict):
                raise ConfigError(f"policy file {path}: gates must be a mapping")
            for gate, limit in value.items():
                if _key(gate) not in GATE_KEYS:
                    known = ", ".join(sorted(GATE_KEYS))
                    raise ConfigError(f"unknown gate {gate!r} in policy file {path}; one of {known}")
                flat[_key(gate)] = limit
        elif key in GATE_KEYS or key in SETTING_KEYS:
            flat[key] = value
        else:
            allowed = ", ".join(sorted(GATE_KEYS | SETTING_KEYS | {"gates"}))
            raise ConfigError(f"unknown setting {raw_key!r} in policy file {path}; allowed: {allowed}")
    if "min_category_score" in flat and not isinstance(flat["min_category_score"], dict):
        raise ConfigError(f"policy file {path}: min_category_score must map category keys to scores")
    return flat


def _key(raw: Any) -> str:
    key = str(raw).replace("-", "_")
    return _ALIASES.get(key, key)
