"""API server settings: the operator's choices, from ``MCTS_API_*`` / ``MCTS_*`` environment variables and flags.

These are about the server (who may call it, how much, what it may reach); how each scan runs is still
``ScanOptions``, built per request from the config file, the environment and the request body.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from mcts.errors import ConfigError

_TRUE = {"1", "true", "yes", "on"}


class ApiSettings(BaseModel):
    """Everything ``create_app`` needs. Frozen; build with :meth:`from_env` or directly in tests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    api_key: SecretStr | None = Field(default=None, description="MCTS_API_KEY: required as X-API-Key when set")
    extra_api_keys: tuple[SecretStr, ...] = Field(
        default=(), description="MCTS_API_KEYS: more accepted keys (comma-separated; rotation, one per client)"
    )
    allow_unauthenticated: bool = Field(default=False, description="--allow-unauthenticated: no key on a public bind")
    live_ok: bool = Field(default=False, description="MCTS_LIVE_OK=1: live scans need no per-request consent")
    rate_limit_per_minute: int = Field(default=30, ge=1, description="MCTS_API_RATE_LIMIT_PER_MINUTE, per client")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="MCTS_API_MAX_BODY_BYTES")
    max_concurrent_scans: int = Field(default=2, ge=1, description="MCTS_API_MAX_CONCURRENT_SCANS")
    queue_wait_seconds: float = Field(
        default=2.0, ge=0, description="MCTS_API_QUEUE_WAIT_SECONDS: how long a scan waits for a slot before 503"
    )
    max_fanout_items: int = Field(default=50, ge=1, description="MCTS_API_MAX_FANOUT_ITEMS: items per batch page")
    scan_timeout_seconds: float = Field(default=300.0, gt=0, description="MCTS_API_SCAN_TIMEOUT_SECONDS (504)")
    scan_root: Path = Field(default_factory=Path.cwd, description="MCTS_API_SCAN_ROOT: path targets stay inside")
    stdio_allow: tuple[str, ...] = Field(
        default=(), description="MCTS_API_STDIO_ALLOW: command lines (shell-style globs) that may be started"
    )
    allow_private_targets: bool = Field(
        default=False, description="MCTS_API_ALLOW_PRIVATE_TARGETS=1: URLs may reach loopback and private addresses"
    )
    max_resource_bytes: int = Field(default=1_048_576, ge=1024, description="MCTS_API_MAX_RESOURCE_BYTES")
    cors_origins: tuple[str, ...] = Field(default=(), description="--cors-origin: browser origins allowed (or *)")
    trust_proxy_headers: bool = Field(
        default=False, description="MCTS_API_TRUST_PROXY: take the client address from X-Forwarded-For"
    )
    db_url: SecretStr | None = Field(
        default=None, description="MCTS_DB_URL: history store URL (scans, baselines); unset: the user's SQLite file",
    )
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="MCTS_API_ALLOWED_HOSTS: Host header values accepted (empty: localhost names on a loopback "
        "bind, any otherwise); stops DNS rebinding against a local server",
    )

    def api_keys(self) -> tuple[SecretStr, ...]:
        """Every accepted API key (``api_key`` first; empty strings are no key); empty: the API is unauthenticated."""
        keys = (*((self.api_key,) if self.api_key is not None else ()), *self.extra_api_keys)
        return tuple(key for key in keys if key.get_secret_value())

    def is_loopback_bind(self) -> bool:
        """Whether ``host`` only accepts connections from this machine."""
        if self.host in {"localhost", "localhost.localdomain"}:
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> ApiSettings:
        """Read the ``MCTS_API_*`` variables (and ``MCTS_LIVE_OK``) from ``env``; ``overrides`` (flags) win."""
        values: dict[str, Any] = {}
        for name, value in env.items():
            key = _ENV.get(name)
            if key is None or value == "":
                continue
            if key in {"live_ok", "allow_private_targets", "trust_proxy_headers"}:
                values[key] = value.strip().lower() in _TRUE
            elif key in {"stdio_allow", "extra_api_keys", "allowed_hosts"}:
                values[key] = tuple(p.strip() for p in value.replace("\n", ",").split(",") if p.strip())
            else:
                values[key] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"invalid API settings: {problems}") from None


_ENV = {
    "MCTS_API_KEY": "api_key",
    "MCTS_API_KEYS": "extra_api_keys",
    "MCTS_API_ALLOWED_HOSTS": "allowed_hosts",
    "MCTS_LIVE_OK": "live_ok",
    "MCTS_API_RATE_LIMIT_PER_MINUTE": "rate_limit_per_minute",
    "MCTS_API_MAX_BODY_BYTES": "max_body_bytes",
    "MCTS_API_MAX_CONCURRENT_SCANS": "max_concurrent_scans",
    "MCTS_API_QUEUE_WAIT_SECONDS": "queue_wait_seconds",
    "MCTS_API_MAX_FANOUT_ITEMS": "max_fanout_items",
    "MCTS_API_SCAN_TIMEOUT_SECONDS": "scan_timeout_seconds",
    "MCTS_API_SCAN_ROOT": "scan_root",
    "MCTS_API_STDIO_ALLOW": "stdio_allow",
    "MCTS_API_ALLOW_PRIVATE_TARGETS": "allow_private_targets",
    "MCTS_API_MAX_RESOURCE_BYTES": "max_resource_bytes",
    "MCTS_API_TRUST_PROXY": "trust_proxy_headers",
    "MCTS_DB_URL": "db_url",
}
