"""Server identity: the key under which a server's baseline and lockfile entry are kept.

Two scans of the same server must give the same identity, and an identity must never carry a secret (it is
written to lockfiles that are committed and to the history store). It is computed from the target *as
displayed* (``Target.display()``: userinfo dropped, secret-looking values redacted), so the identity of a
target and the identity recomputed later from a report's ``target.value`` are the same string.

- ``http``: the URL normalized: scheme and host lowercased, the default port dropped, userinfo removed,
  secret-looking query values replaced by ``***``, query parameters sorted, the fragment dropped and trailing
  slashes of the path removed (an empty path is ``/``). ``https://Example.com:443/mcp/`` is
  ``https://example.com/mcp``.
- ``stdio``: ``stdio:`` and the command line (values of secret-looking arguments redacted as in
  ``mcts.model.target.redact_argv``, credential-shaped arguments masked), plus ``#`` and the server's
  ``serverInfo.name`` when known: one command can start different servers.
- ``snapshot``, ``source`` (and ``client-config``): the kind, ``:``, the resolved path, plus ``#`` and the
  server name when known.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mcts.model.target import Target, redact_argv, redact_url
from mcts.text.redact import redact_secrets

_DEFAULT_PORTS = {"http": 80, "https": 443}


def server_identity(target: Target, server_name: str | None) -> str:
    """The identity of the server reached through ``target`` whose ``serverInfo.name`` is ``server_name``."""
    return identity_for(target.kind, target.display(), server_name)


def identity_for(kind: str, displayed: str, server_name: str | None) -> str:
    """The identity from a target's kind and displayed value (``ScanReport.target``), and the server name.

    ``identity_for(t.kind, t.display(), name) == server_identity(t, name)`` for every target ``t``.
    """
    if kind == "http":
        return normalize_url(displayed)
    base = "stdio:" + normalize_command(displayed) if kind == "stdio" else f"{kind}:{_resolved(displayed)}"
    return f"{base}#{server_name}" if server_name else base


def normalize_url(url: str) -> str:
    """``url`` in the normal form described in this module's documentation (secrets never kept)."""
    parts = urlsplit(redact_url(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")  # urlsplit lowercases it
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:  # a malformed port: keep what was given rather than guess
        port = None
        host = parts.netloc.rpartition("@")[2].lower()
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)), safe="*")
    return urlunsplit((scheme, netloc, path, query, ""))


def normalize_command(command_line: str) -> str:
    """A command line with secret-looking argument values redacted and credential-shaped arguments masked."""
    try:
        argv = shlex.split(command_line)
    except ValueError:  # not produced by StdioTarget.display(); keep it whole rather than guess
        return redact_secrets(command_line)
    return shlex.join(redact_secrets(arg) for arg in redact_argv(tuple(argv)))


def _resolved(displayed: str) -> str:
    try:
        return str(Path(displayed).expanduser().resolve())
    except (OSError, RuntimeError):  # a symlink loop or an unreadable parent: the path as given
        return displayed
