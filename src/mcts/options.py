"""ScanOptions: every setting of a scan, resolved once and passed down.

Precedence, lowest first: defaults < config file (``.mcts/config.yaml`` or ``[tool.mcts]`` in
``pyproject.toml``) < policy file (``.mcts/policy.yaml``: gates, ``fail_on``, scoring settings) < ``MCTS_*``
environment variables < CLI flags or an API request body. Gate keys may be given at top level or under
``gates:``; they merge key by key (``min_category_score`` tile by tile) across the sources.
Nothing here is read at import time and nothing is global.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from mcts.errors import ConfigError
from mcts.model.finding import Severity
from mcts.model.score import ScoringMode
from mcts.model.target import Transport

FailOn = Severity | Literal["none"]
SurfaceName = Literal["tools", "prompts", "resources", "resource_templates", "instructions"]
SURFACE_NAMES: tuple[SurfaceName, ...] = ("tools", "prompts", "resources", "resource_templates", "instructions")


class Limits(BaseModel):
    """Size caps on what is read from a server. A cap that cuts anything is reported and makes the scan incomplete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_field_chars: int = Field(default=65_536, ge=256, description="Characters kept of any one string")
    max_items: int = Field(default=5_000, ge=1, description="Items kept per listing (tools, prompts, …)")
    max_pages: int = Field(default=100, ge=1, description="Pages read per listing")
    max_message_bytes: int = Field(default=32 * 1024 * 1024, ge=65_536, description="Bytes per stdio message")
    max_stderr_bytes: int = Field(default=64 * 1024, ge=0, description="Bytes of server stderr kept")
    max_depth: int = Field(default=64, ge=8, le=100, description="Nesting levels kept in any schema or value")
    max_resource_bytes: int = Field(default=1_048_576, ge=1024, description="Bytes read of one resource's contents")


class Gates(BaseModel):
    """Policy gates: a report that breaks one lists it in ``gate_violations`` and the run exits 1. Unset: no gate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_security_score: int | None = Field(default=None, ge=0, le=100, description="Lowest acceptable security score")
    max_absolute_risk: float | None = Field(default=None, ge=0, description="Highest acceptable v2 absolute risk")
    max_risk_level: str | None = Field(default=None, description="Highest acceptable v2 risk level (a band name)")
    min_category_score: dict[str, int] = Field(
        default_factory=dict, description="Lowest acceptable tile score per key (MCP01..MCP10 or a group key)"
    )
    max_critical: int | None = Field(default=None, ge=0, description="Most critical findings allowed")
    max_high: int | None = Field(default=None, ge=0, description="Most high findings allowed")


class ScanOptions(BaseModel):
    """How to scan. Frozen: build a new one with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout: float = Field(default=60.0, gt=0, le=86_400, description="Overall deadline per target, seconds")
    request_timeout: float = Field(default=30.0, gt=0, le=86_400, description="Deadline per MCP request, seconds")
    transport: Transport = "auto"
    headers: dict[str, str] = Field(default_factory=dict, repr=False, description="HTTP headers for live targets")
    bearer_token: SecretStr | None = Field(default=None, description="Sent as Authorization: Bearer")
    env: dict[str, str] = Field(default_factory=dict, repr=False, description="Extra environment for stdio servers")
    concurrency: int = Field(default=4, ge=1, le=64, description="Targets scanned at once")
    fail_on: FailOn = Severity.HIGH
    analyzer_timeout: float = Field(default=30.0, gt=0, description="Time budget per analyzer, seconds")
    analyzers: tuple[str, ...] = Field(default=(), description="Run only these analyzer ids (empty: all)")
    limits: Limits = Field(default_factory=Limits)
    scoring_mode: ScoringMode = Field(default="both", description="Scores to compute: legacy, v2 or both")
    weights_profile: str = Field(default="manual_v1", description="v2 weights: a bundled profile name or a YAML path")
    corpus_stats_path: Path | None = Field(default=None, description="Corpus statistics for the percentile [bundled]")
    assets_path: Path | None = Field(default=None, description="Asset values per tool [.mcts/assets.yaml]")
    ignore_path: Path | None = Field(default=None, description="Suppressions [.mcts/ignore.yaml]")
    gates: Gates = Field(default_factory=Gates)
    pip_audit: bool = Field(default=False, description="Audit Python dependencies of a source target with pip-audit")
    npm_audit: bool = Field(default=False, description="Audit npm dependencies of a source target with npm audit")
    # What to look at
    surfaces: tuple[SurfaceName, ...] = Field(default=(), description="Scan only these surfaces (empty: all)")
    tool_filter: tuple[str, ...] = Field(
        default=(), description="Scan only tools whose name matches one of these names or shell-style globs"
    )
    read_resources: bool = Field(default=False, description="Live targets: read resource contents (resources/read)")
    resource_mime_allowlist: tuple[str, ...] = Field(
        default=("text/plain", "text/html"), description="MIME types whose contents are read when read_resources is on"
    )
    protocol_probe: bool = Field(
        default=False, description="URL targets: run the active, read-only HTTP security checks of the protocol probe"
    )
    block_private_addresses: bool = Field(
        default=False,
        description="Refuse loopback, private, link-local, CGNAT and metadata addresses (the API sets it)",
    )
    # LLM judge (analyzer llm-judge): runs only when a base URL and a model are configured
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1"
    )
    llm_model: str | None = Field(default=None, description="Model name sent to the endpoint")
    llm_api_key: SecretStr | None = Field(default=None, description="Sent as Authorization: Bearer to the endpoint")
    llm_prompts_only: bool = Field(default=False, description="Return the judge's requests, call nothing")
    llm_timeout: float = Field(default=120.0, gt=0, le=3_600, description="Deadline per call to the endpoint, seconds")
    llm_concurrency: int = Field(default=4, ge=1, le=64, description="Calls to the endpoint in flight at once")
    llm_max_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of one call after a 429, 5xx, timeout or invalid answer"
    )
    llm_batch_tokens: int = Field(
        default=6_000, ge=500, le=1_000_000, description="Estimated tokens of scanned text per call (4 chars a token)"
    )
    llm_budget: float = Field(
        default=600.0, gt=0, le=86_400, description="Time budget of the whole LLM judge per scan, seconds"
    )
    llm_cache: bool = Field(default=True, description="Reuse verdicts of unchanged items and store new ones")
    llm_cache_dir: Path | None = Field(
        default=None, description="Directory of the verdict cache [$XDG_CACHE_HOME/mcts or ~/.cache/mcts]"
    )
    # History
    save: bool = Field(default=False, description="Save the scan to the history store")
    db_url: str | None = Field(default=None, description="History store URL [sqlite file in the user data directory]")

    def http_headers(self) -> dict[str, str]:
        """Headers to send to an HTTP target, the bearer token included."""
        headers = dict(self.headers)
        if self.bearer_token is not None:
            headers["Authorization"] = f"Bearer {self.bearer_token.get_secret_value()}"
        return headers


_LIMIT_KEYS = frozenset(Limits.model_fields)
_GATE_KEYS = frozenset(Gates.model_fields)
_ALIASES = {"min_category_score_v2": "min_category_score"}
_LIST_KEYS = frozenset({"analyzers", "surfaces", "tool_filter", "resource_mime_allowlist"})  # comma-separated in env
_ENV_PREFIX = "MCTS_"
_ENV_KEYS = {name.upper(): name for name in (*ScanOptions.model_fields, *_LIMIT_KEYS, *_GATE_KEYS)}


def resolve_options(
    flags: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    config_path: Path | None = None,
    policy_path: Path | None = None,
) -> ScanOptions:
    """Build ScanOptions from defaults, the config file, the policy file, the environment and flags.

    ``None`` flags are unset. ``policy_path`` defaults to ``.mcts/policy.yaml`` in ``cwd`` when present.
    """
    merged: dict[str, Any] = {}
    cwd = cwd or Path.cwd()
    file_values, source = _read_config(config_path, cwd)
    _merge(merged, file_values, source)
    policy = _policy_file(policy_path, cwd)
    if policy is not None:
        from mcts.policy.policy_file import read_policy_file  # lazy: mcts.policy imports this module

        _merge(merged, read_policy_file(policy), str(policy))
    _merge(merged, _from_env(env or {}), "environment")
    _merge(merged, {k: v for k, v in (flags or {}).items() if v is not None}, "command line")
    try:
        return ScanOptions.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None


def _merge(into: dict[str, Any], values: Mapping[str, Any], source: str) -> None:
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        key = _ALIASES.get(key, key)
        if key in _LIMIT_KEYS:
            into.setdefault("limits", {})[key] = value
        elif key == "limits" and isinstance(value, Mapping):
            into.setdefault("limits", {}).update({k.replace("-", "_"): v for k, v in value.items()})
        elif key in _GATE_KEYS:
            _merge_gate(into.setdefault("gates", {}), key, value)
        elif key == "gates" and isinstance(value, Mapping):
            gates = into.setdefault("gates", {})
            for gate, limit in value.items():
                name = _ALIASES.get(str(gate).replace("-", "_"), str(gate).replace("-", "_"))
                if name not in _GATE_KEYS:
                    raise ConfigError(f"unknown gate {gate!r} in {source}")
                _merge_gate(gates, name, limit)
        elif key in ScanOptions.model_fields:
            into[key] = value
        else:
            raise ConfigError(f"unknown setting {raw_key!r} in {source}")


def _merge_gate(gates: dict[str, Any], key: str, value: Any) -> None:
    if key == "min_category_score" and isinstance(value, Mapping):
        gates.setdefault(key, {}).update(value)  # tile by tile: a later source overrides only the tiles it names
    else:
        gates[key] = value


def _policy_file(policy_path: Path | None, cwd: Path) -> Path | None:
    if policy_path is not None:
        path = policy_path if policy_path.is_absolute() else cwd / policy_path
        if not path.is_file():
            raise ConfigError(f"policy file {policy_path} does not exist")
        return path
    default = cwd / ".mcts" / "policy.yaml"
    return default if default.is_file() else None


def category_pairs(values: Any, source: str) -> dict[str, Any]:
    """``["MCP03=70", "injection=60"]`` or ``"MCP03=70,injection=60"`` as a mapping of tile key to minimum."""
    items = values.split(",") if isinstance(values, str) else list(values)
    out: dict[str, Any] = {}
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        key, found, number = item.partition("=")
        if not found or not key.strip() or not number.strip():
            raise ConfigError(f"{source}: min_category_score {item!r} must look like KEY=N (e.g. MCP03=70)")
        out[key.strip()] = number.strip()
    return out


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(_ENV_PREFIX):
            continue
        key = _ENV_KEYS.get(name[len(_ENV_PREFIX) :])
        if not key or key in {"headers", "env", "limits", "gates"}:
            continue  # other parts of mcts own the other MCTS_* variables
        if key in _LIST_KEYS:
            values[key] = tuple(v.strip() for v in value.split(",") if v.strip())
        elif key == "min_category_score":
            values[key] = category_pairs(value, name)
        else:
            values[key] = value
    return values


def _read_config(config_path: Path | None, cwd: Path) -> tuple[dict[str, Any], str]:
    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(f"config file {config_path} does not exist")
        return _load_file(config_path), str(config_path)
    yaml_path = cwd / ".mcts" / "config.yaml"
    if yaml_path.is_file():
        return _load_file(yaml_path), str(yaml_path)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        section = _load_file(pyproject).get("tool", {}).get("mcts", {})
        if not isinstance(section, dict):
            raise ConfigError(f"[tool.mcts] in {pyproject} must be a table")
        return section, f"{pyproject} [tool.mcts]"
    return {}, "defaults"


def _load_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 -- yaml raises its own error family; reported, never swallowed
        raise ConfigError(f"cannot parse config file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings")
    return data


def _explain(exc: ValidationError) -> str:
    parts: dict[str, str] = {}
    for error in exc.errors():
        # Union members add their type names to the path (fail_on.literal['none']): keep only setting names
        # and list indexes, so the message names the setting whatever types the union has.
        where = ".".join(str(p) for p in error["loc"] if isinstance(p, int) or str(p).isidentifier())
        parts.setdefault(where, f"{where}: {error['msg']} (got {error.get('input')!r})")
    return "invalid settings: " + "; ".join(parts.values())
