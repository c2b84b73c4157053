"""Targets: what to scan. ``parse_target`` is the one parser for every surface (CLI, API, config files).

Accepted forms:

- ``http://…`` / ``https://…``: a live server over streamable HTTP (SSE on fallback);
- ``stdio:///usr/local/bin/server``, ``stdio:npx:pkg:arg`` (Ramparts forms), ``stdio:CMD ARGS``, or a
  plain command line such as ``node /path/server.js --config c.json``: a live server over stdio;
- a path to a ``.json`` file: an inventory snapshot;
- a path to a ``.py``/``.ts``/``.js`` file or a directory: source;
- a path to an MCP client's config file (``mcp.json``, ``claude_desktop_config.json``, …): its servers.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from mcts.errors import TargetError

Transport = Literal["auto", "streamable-http", "sse"]
SOURCE_SUFFIXES = frozenset({".py", ".ts", ".js", ".mjs", ".cjs", ".tsx", ".mts", ".cts", ".jsx"})
CLIENT_CONFIG_NAMES = frozenset(
    {"mcp.json", "claude_desktop_config.json", "cline_mcp_settings.json", "mcp_config.json", ".mcp.json"}
)
_SECRET_WORDS = ("token", "key", "secret", "password", "passwd", "auth", "credential", "apikey", "sig")


class _Target(BaseModel):
    model_config = ConfigDict(frozen=True)

    raw: str = Field(description="The target as given (shown redacted in reports)")


class StdioTarget(_Target):
    """A server started as a subprocess and spoken to over stdin/stdout."""

    kind: Literal["stdio"] = "stdio"
    command: str
    args: tuple[str, ...] = ()

    def display(self) -> str:
        """The command line with arguments that look like secrets redacted."""
        return " ".join(shlex.quote(a) for a in redact_argv((self.command, *self.args)))


class HttpTarget(_Target):
    """A server reached over streamable HTTP or SSE."""

    kind: Literal["http"] = "http"
    url: str
    transport: Transport = "auto"

    def display(self) -> str:
        """The URL without userinfo and with secret-looking query values redacted."""
        return redact_url(self.url)


class SnapshotTarget(_Target):
    """An inventory saved earlier (MCP wire JSON)."""

    kind: Literal["snapshot"] = "snapshot"
    path: Path

    def display(self) -> str:
        """The path."""
        return str(self.path)


class SourceTarget(_Target):
    """A server's source file or repository."""

    kind: Literal["source"] = "source"
    path: Path

    def display(self) -> str:
        """The path."""
        return str(self.path)


class ClientConfigTarget(_Target):
    """An MCP client's configuration file, naming the servers it starts."""

    kind: Literal["client-config"] = "client-config"
    path: Path

    def display(self) -> str:
        """The path."""
        return str(self.path)


Target = Annotated[
    StdioTarget | HttpTarget | SnapshotTarget | SourceTarget | ClientConfigTarget, Field(discriminator="kind")
]


def parse_target(raw: str, *, transport: Transport = "auto", cwd: Path | None = None) -> Target:
    """Parse a target string into a typed target, or raise ``TargetError`` saying what is wrong."""
    text = raw.strip()
    if not text:
        raise TargetError("empty target: give a URL, a command, a snapshot .json, or a source path")
    if "\x00" in text:
        raise TargetError("target contains a NUL byte")
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return _parse_url(text, transport)
    if "://" in text.split(" ", 1)[0] and not lowered.startswith("stdio:"):
        scheme = text.split("://", 1)[0]
        raise TargetError(
            f"unsupported URL scheme {scheme!r} in {_shown_url(text)!r}: use http(s)://, stdio: or a path"
        )
    if lowered.startswith("stdio:"):
        return _parse_stdio_uri(text)
    path = Path(text).expanduser()
    if not path.is_absolute() and cwd is not None:
        path = cwd / path
    if path.exists():
        return _parse_path(text, path)
    return _parse_command(text, path)


def _parse_url(text: str, transport: Transport) -> HttpTarget:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError as exc:
        raise TargetError(f"malformed URL {_shown_url(text)!r}: {exc}") from None
    if not parts.hostname:
        raise TargetError(f"URL {_shown_url(text)!r} has no host")
    if any(c.isspace() for c in text):
        raise TargetError(f"URL {_shown_url(text)!r} contains white space")
    return HttpTarget(raw=text, url=text, transport=transport)


def _parse_stdio_uri(text: str) -> StdioTarget:
    rest = text[len("stdio:") :]
    if rest.startswith("//"):
        argv = _split(rest[2:], text)  # stdio:///usr/local/bin/server [args]
    elif " " not in rest.strip() and ":" in rest:
        argv = [part for part in rest.split(":") if part]  # stdio:npx:pkg:arg
    else:
        argv = _split(rest, text)
    if not argv:
        raise TargetError(f"stdio target {text!r} names no command")
    return StdioTarget(raw=text, command=argv[0], args=tuple(argv[1:]))


def _parse_path(text: str, path: Path) -> Target:
    if path.is_dir():
        return SourceTarget(raw=text, path=path)
    if path.name in CLIENT_CONFIG_NAMES:
        return ClientConfigTarget(raw=text, path=path)
    if path.suffix.lower() == ".json":
        return SnapshotTarget(raw=text, path=path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        return SourceTarget(raw=text, path=path)
    if path.is_file() and _is_executable(path):
        return StdioTarget(raw=text, command=str(path))
    raise TargetError(
        f"{text!r} is a file mcts does not know how to scan: expected a snapshot .json, "
        f"a source file ({', '.join(sorted(SOURCE_SUFFIXES))}), a directory or an executable server"
    )


def _parse_command(text: str, path: Path) -> Target:
    argv = _split(text, text)
    if len(argv) == 1:
        if path.suffix.lower() in {".json", *SOURCE_SUFFIXES} or "/" in text:
            raise TargetError(f"no such file: {text!r}")
        if shutil.which(argv[0]) is None:
            raise TargetError(f"{text!r} is not a file, a URL, or a command found on PATH")
    return StdioTarget(raw=text, command=argv[0], args=tuple(argv[1:]))


def _split(command_line: str, original: str) -> list[str]:
    try:
        return shlex.split(command_line)
    except ValueError as exc:
        raise TargetError(f"cannot parse command line {original!r}: {exc}") from None


def _is_executable(path: Path) -> bool:
    import os

    return os.access(path, os.X_OK)


def _looks_secret(name: str) -> bool:
    lowered = name.lower().lstrip("-")
    return any(word in lowered for word in _SECRET_WORDS)


def redact_argv(argv: tuple[str, ...]) -> list[str]:
    """Hide values of arguments whose flag or key looks like a secret (``--api-key X``, ``TOKEN=X``)."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append("***")
            hide_next = False
            continue
        name, eq, _value = arg.partition("=")
        if eq and _looks_secret(name):
            out.append(f"{name}=***")
        elif arg.startswith("-") and _looks_secret(arg):
            out.append(arg)
            hide_next = True
        else:
            out.append(arg)
    return out


def _shown_url(text: str) -> str:
    """``text`` for an error message: userinfo and secret-looking query values hidden, even when malformed."""
    try:
        return redact_url(text)
    except ValueError:
        return re.sub(r"//[^/?#]*@", "//", text)


def redact_url(url: str) -> str:
    """Drop userinfo and redact query values whose names look like secrets."""
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = urlencode(
        [(k, "***" if _looks_secret(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
