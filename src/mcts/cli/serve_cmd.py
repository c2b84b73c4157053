"""``mcts serve``: run the REST API (docs/api.md) with uvicorn.

Settings come from the ``MCTS_API_*`` environment and the flags. Without an API key a loopback bind starts
with a warning and any other bind refuses to start (exit 2) unless ``--allow-unauthenticated``. The log shows
the URL actually bound (``--port 0`` picks a free port) and, per request, the request line and status only:
never a body, a header, an API key or a bearer token.
"""

from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import uvicorn

    from mcts.api.settings import ApiSettings


MIN_KEY_CHARS = 16
"""Shorter API keys get a warning at start."""


def register(app: typer.Typer) -> None:
    """Add ``mcts serve`` to ``app`` (once: registering again changes nothing)."""
    if not any(command.name == "serve" for command in app.registered_commands):
        app.command(name="serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to bind. Anything but loopback needs an API key "
                                      "(MCTS_API_KEY) or --allow-unauthenticated.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any free port).")] = 8080,
    allow_unauthenticated: Annotated[
        bool, typer.Option("--allow-unauthenticated", help="Serve a non-loopback bind without an API key.")
    ] = False,
    cors_origin: Annotated[
        list[str] | None, typer.Option("--cors-origin", help="Browser origin allowed to call the API (repeatable; "
                                       "'*' for any). Default: none.")
    ] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="critical, error, warning, info or debug.")] = "info",
) -> None:
    """Serve the REST API: /scan, /scan-tool, …, /health, and the Ramparts API under /v1/ramparts.

    OpenAPI at /docs. The MCTS surface is described in docs/api.md, the Ramparts one in docs/ramparts.md.

    Environment: MCTS_API_KEY, MCTS_API_KEYS, MCTS_LIVE_OK, MCTS_API_RATE_LIMIT_PER_MINUTE,
    MCTS_API_MAX_BODY_BYTES, MCTS_API_MAX_CONCURRENT_SCANS, MCTS_API_QUEUE_WAIT_SECONDS,
    MCTS_API_MAX_FANOUT_ITEMS, MCTS_API_SCAN_TIMEOUT_SECONDS, MCTS_API_SCAN_ROOT, MCTS_API_STDIO_ALLOW,
    MCTS_API_ALLOW_PRIVATE_TARGETS, MCTS_API_MAX_RESOURCE_BYTES, MCTS_DB_URL, MCTS_API_ALLOWED_HOSTS,
    MCTS_API_TRUST_PROXY.
    Stop it with Ctrl+C or SIGTERM (it finishes the requests in flight for up to 5 s). Exit codes: 2 for a
    configuration error or an unauthenticated non-loopback bind; after a signal, the shell's usual code (130
    for Ctrl+C).
    """
    from mcts.api.settings import ApiSettings
    from mcts.cli._common import _fail
    from mcts.errors import MctsError

    if log_level.lower() not in {"critical", "error", "warning", "info", "debug"}:
        raise _fail(f"--log-level must be critical, error, warning, info or debug, not {log_level!r}")
    try:
        settings = ApiSettings.from_env(
            os.environ, host=host, port=port, allow_unauthenticated=allow_unauthenticated or None,
            cors_origins=tuple(cors_origin) if cors_origin else None,
        )
    except MctsError as exc:
        raise _fail(str(exc)) from None
    _check_auth(settings)
    if not settings.scan_root.is_dir():
        raise _fail(f"the scan root {settings.scan_root} (MCTS_API_SCAN_ROOT) is not a directory")
    _describe(settings)
    from mcts.api import create_app

    listening_server(server_config(settings, create_app(settings), log_level=log_level.lower())).run()


def _check_auth(settings: ApiSettings) -> None:
    from mcts.cli._common import _fail

    if settings.api_keys():
        if any(len(key.get_secret_value()) < MIN_KEY_CHARS for key in settings.api_keys()):
            typer.echo(f"mcts: warning: an API key is shorter than {MIN_KEY_CHARS} characters and easy to guess; "
                       "use e.g. `openssl rand -hex 32`", err=True)
        return
    if settings.is_loopback_bind():
        typer.echo("mcts: warning: no API key (MCTS_API_KEY) is set: every local user and process can call this API",
                   err=True)
    elif not settings.allow_unauthenticated:
        raise _fail(f"refusing to serve {settings.host} without an API key: anyone who can reach it could run scans. "
                    "Set MCTS_API_KEY (callers send it as X-API-Key), bind to 127.0.0.1, or pass "
                    "--allow-unauthenticated if something in front of mcts authenticates callers")
    else:
        typer.echo(f"mcts: warning: serving {settings.host} WITHOUT authentication (--allow-unauthenticated)",
                   err=True)


def _describe(settings: ApiSettings) -> None:
    allowed = len(settings.stdio_allow)
    typer.echo(
        f"mcts: scan root {settings.scan_root}; {allowed} allow-listed stdio command pattern(s); private addresses "
        f"{'allowed' if settings.allow_private_targets else 'refused'}; live scans "
        f"{'need no consent (MCTS_LIVE_OK)' if settings.live_ok else 'need consent'}; "
        f"{settings.rate_limit_per_minute} requests/min per client; {settings.max_concurrent_scans} concurrent scans",
        err=True,
    )


def server_config(settings: ApiSettings, app: Any, *, log_level: str = "info") -> uvicorn.Config:
    """The uvicorn configuration mcts serves with (tests and benchmarks use it too).

    uvicorn's own X-Forwarded-For handling is off: it would let any local client choose its rate-limit
    address. mcts reads that header itself, and only when the operator sets MCTS_API_TRUST_PROXY.
    """
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["loggers"]["mcts"] = {"handlers": ["default"], "level": log_level.upper(), "propagate": False}
    return uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level=log_level, log_config=log_config,
        proxy_headers=False, server_header=False, access_log=True, timeout_graceful_shutdown=5,
    )


def listening_server(config: uvicorn.Config) -> uvicorn.Server:
    """A uvicorn server that prints the URL it actually bound once it listens (``--port 0`` included)."""
    import uvicorn

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                for url in (_url(s.getsockname()) for server in self.servers for s in server.sockets):
                    typer.echo(f"mcts: serving the REST API on {url} (OpenAPI: {url}/docs)", err=True)

    return _Server(config)


def _url(address: Any) -> str:
    host, port = address[0], address[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
