"""What an API caller may scan: path targets inside the scan root, allow-listed stdio commands, public URLs.

The CLI user is trusted; an API caller is not. Every target and every path-valued request field passes
through here before anything is opened, started or connected to:

- a path (snapshot ``.json``, source file or directory) is taken relative to the scan root
  (``MCTS_API_SCAN_ROOT``), resolved with every symlink followed, and refused unless the real path is inside
  the real scan root; special files (FIFOs, devices, sockets) and client configuration files are refused;
- a ``stdio:`` URI, a plain command line or an executable under the root runs only when its command line
  matches one of ``MCTS_API_STDIO_ALLOW``'s patterns;
- an ``http(s)://`` URL is refused when its host is, or resolves to, a refused address
  (:mod:`mcts.netguard`) unless ``MCTS_API_ALLOW_PRIVATE_TARGETS=1``; the scan's own connections are pinned
  to checked addresses as well (``ScanOptions.block_private_addresses``), so this check is the early answer,
  not the only one;
- anything else is refused, saying which of the three it could have been.

Refusals raise :class:`TargetRefused` (HTTP 403); malformed input (empty, NUL or control characters, over-long,
an unparsable URL or command line) raises :class:`~mcts.errors.TargetError` (HTTP 400), of which
``TargetRefused`` is a subclass. No message echoes a file's contents, a URL's userinfo, a secret-looking query
value or a secret-looking argument.
"""

from __future__ import annotations

import functools
import os
import shlex
import stat
from fnmatch import fnmatchcase
from pathlib import Path

import anyio.to_thread
import httpx2

from mcts.api.settings import ApiSettings
from mcts.errors import TargetError
from mcts.model.target import (
    CLIENT_CONFIG_NAMES,
    SOURCE_SUFFIXES,
    HttpTarget,
    SnapshotTarget,
    SourceTarget,
    StdioTarget,
    Target,
    Transport,
    parse_target,
    redact_argv,
    redact_url,
)
from mcts.netguard import AddressRefused, InvalidHostError, NetworkGuard

SCAN_ROOT_SETTING = "MCTS_API_SCAN_ROOT"
STDIO_SETTING = "MCTS_API_STDIO_ALLOW"
MAX_TARGET_CHARS = 8192
MAX_PATH_CHARS = 4096


class TargetRefused(TargetError):
    """The API refuses this target or path; the message says why and how the operator can allow it (HTTP 403)."""


def admit_target(
    raw: str, settings: ApiSettings, *, transport: Transport = "auto", guard: NetworkGuard | None = None
) -> Target:
    """Parse ``raw`` (relative paths from the scan root) and return it if the policy allows it, else raise.

    A URL's host is resolved here, with a blocking resolver: from async code use :func:`admit_target_async`.
    ``guard`` replaces the default address guard (tests inject a resolver).
    """
    text = _clean(raw, "target", MAX_TARGET_CHARS)
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return _admit_url(text, settings, transport, guard or NetworkGuard())
    if lowered.startswith("stdio:"):
        return _admit_stdio(_parse_stdio_uri(text), settings)
    first_word = text.split(None, 1)[0]
    if "://" in first_word:
        scheme = first_word.split("://", 1)[0]
        raise TargetError(f"unsupported URL scheme {_show(scheme)}: the API scans http(s):// URLs, paths and commands")
    return _admit_path_or_command(text, settings)


async def admit_target_async(
    raw: str, settings: ApiSettings, *, transport: Transport = "auto", guard: NetworkGuard | None = None
) -> Target:
    """:func:`admit_target` in a worker thread, so a slow DNS answer never blocks the event loop."""
    call = functools.partial(admit_target, raw, settings, transport=transport, guard=guard)
    return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)


def admit_path(value: str | Path, settings: ApiSettings, what: str) -> Path:
    """A path-valued request field (``corpus_stats_path``, …) resolved inside the scan root, or ``TargetRefused``.

    The value is taken relative to the scan root (no ``~`` or variable expansion), every symlink is followed,
    and the real path must be inside the real scan root (else :class:`TargetRefused`) and be an existing
    regular file (else :class:`~mcts.errors.TargetError`). ``what`` names the field in messages.
    """
    text = _clean(str(value), what, MAX_PATH_CHARS)
    root = _scan_root(settings)
    resolved, inside = _locate(text, root)
    if not inside:
        raise TargetRefused(_outside_message(what, text))
    try:
        mode = resolved.stat().st_mode
    except OSError:
        raise TargetError(f"{what} {_show(text)} does not exist under the scan root") from None
    if not stat.S_ISREG(mode):
        raise TargetError(f"{what} {_show(text)} is not a regular file")
    return resolved


def admit_weights_profile(value: str, settings: ApiSettings) -> str:
    """A ``weights_profile`` request value: a bundled profile name unchanged, anything else admitted as a path.

    The rule is the one ``load_profile`` applies: a name in ``bundled_profiles()`` is a profile, never a file.
    """
    from mcts.scoring.profile import bundled_profiles

    if value in bundled_profiles():
        return value
    return str(admit_path(value, settings, "weights_profile"))


def stdio_command_line(argv: tuple[str, ...] | list[str]) -> str:
    """The line ``MCTS_API_STDIO_ALLOW`` patterns are matched against: argv joined by single spaces.

    An argument that is empty or holds white space, a quote or a backslash is shell-quoted, so one argument
    can never pass for several (``["node", "a.js b"]`` is ``node 'a.js b'``, not ``node a.js b``).
    """
    return " ".join(shlex.quote(arg) if _needs_quoting(arg) else arg for arg in argv)


def _needs_quoting(arg: str) -> bool:
    return not arg or any(c.isspace() or c in "'\"\\" for c in arg)


def _admit_url(text: str, settings: ApiSettings, transport: Transport, guard: NetworkGuard) -> HttpTarget:
    shown = _show_url(text)
    if any(c.isspace() for c in text):
        raise TargetError(f"URL {shown} contains white space")
    try:
        url = httpx2.URL(text)
    except httpx2.InvalidURL as exc:
        raise TargetError(f"malformed URL {shown}: {exc}") from None
    if url.scheme not in {"http", "https"} or not url.raw_host:
        raise TargetError(f"URL {shown} has no host")
    if url.port is not None and not 0 < url.port <= 65535:
        raise TargetError(f"URL {shown} has port {url.port}, outside 1-65535")
    try:
        target = parse_target(text, transport=transport)
    except TargetError:
        raise TargetError(f"malformed URL {shown}") from None
    assert isinstance(target, HttpTarget)
    if settings.allow_private_targets:
        return target
    try:
        guard.check(url.raw_host.decode("ascii"))
    except InvalidHostError as exc:
        raise TargetError(f"URL {shown} refused: {exc}") from None
    except AddressRefused as exc:
        raise TargetRefused(f"URL {shown} refused: {exc}") from None
    return target


def _parse_stdio_uri(text: str) -> StdioTarget:
    try:
        target = parse_target(text)
    except TargetError:
        raise TargetError("cannot parse the stdio target: give stdio:///path/to/server or stdio:CMD ARGS") from None
    assert isinstance(target, StdioTarget)
    return target


def _admit_stdio(target: StdioTarget, settings: ApiSettings) -> StdioTarget:
    argv = (target.command, *target.args)
    line = stdio_command_line(argv)
    if any(fnmatchcase(line, pattern) for pattern in settings.stdio_allow):
        return target
    shown = _show(stdio_command_line(redact_argv(argv)))
    if not settings.stdio_allow:
        raise TargetRefused(
            f"stdio target {shown} refused: this server starts no commands ({STDIO_SETTING} is empty); "
            f"the operator can allow command lines with {STDIO_SETTING}"
        )
    raise TargetRefused(
        f"stdio target {shown} refused: its command line matches none of the patterns in {STDIO_SETTING}; "
        "the operator can add it there"
    )


def _admit_path_or_command(text: str, settings: ApiSettings) -> Target:
    root = _scan_root(settings)
    resolved, inside = _locate(text, root)
    if inside and os.path.lexists(resolved):
        return _admit_existing(text, resolved, settings)
    argv = _split_command(text)
    if len(argv) > 1 or any(fnmatchcase(stdio_command_line(argv), pattern) for pattern in settings.stdio_allow):
        return _admit_stdio(StdioTarget(raw=text, command=argv[0], args=tuple(argv[1:])), settings)
    if not inside:
        raise TargetRefused(_outside_message("target", text))
    raise TargetRefused(
        f"target {_show(_redacted_words(argv))} refused: it is not an existing file or directory under the scan "
        f"root ({SCAN_ROOT_SETTING}), not an http(s):// URL and not a command line allowed by {STDIO_SETTING}"
    )


def _admit_existing(text: str, resolved: Path, settings: ApiSettings) -> Target:
    """A path that exists inside the root: its kind by name and type, like ``parse_target``."""
    try:
        mode = resolved.stat().st_mode
    except OSError:
        raise TargetError(f"target {_show(text)} cannot be read") from None
    if stat.S_ISDIR(mode):
        return SourceTarget(raw=text, path=resolved)
    if not stat.S_ISREG(mode):
        raise TargetRefused(f"target {_show(text)} refused: it is not a regular file or a directory")
    if resolved.name in CLIENT_CONFIG_NAMES:
        raise TargetRefused(
            f"target {_show(text)} refused: an MCP client configuration names servers to start or reach; "
            "the API does not scan it: scan each server's URL, or a command line the operator allows"
        )
    suffix = resolved.suffix.lower()
    if suffix == ".json":
        return SnapshotTarget(raw=text, path=resolved)
    if suffix in SOURCE_SUFFIXES:
        return SourceTarget(raw=text, path=resolved)
    if os.access(resolved, os.X_OK):
        return _admit_stdio(StdioTarget(raw=text, command=str(resolved)), settings)
    raise TargetError(
        f"target {_show(text)} is a file mcts does not know how to scan: expected a snapshot .json, "
        f"a source file ({', '.join(sorted(SOURCE_SUFFIXES))}), a directory or an executable server"
    )


def _split_command(text: str) -> list[str]:
    try:
        argv = shlex.split(text)
    except ValueError:
        raise TargetError("cannot parse the target as a command line (an unbalanced quote?)") from None
    if not argv:
        raise TargetError("empty target: give a URL, a command, a snapshot .json, or a source path")
    return argv


def _scan_root(settings: ApiSettings) -> Path:
    root = Path(os.path.realpath(settings.scan_root))
    if not root.is_dir():
        raise TargetRefused(f"the scan root is not an existing directory: the operator must fix {SCAN_ROOT_SETTING}")
    return root


def _locate(text: str, root: Path) -> tuple[Path, bool]:
    """``text`` (relative to ``root``) with every symlink resolved, and whether that real path is inside ``root``."""
    candidate = Path(text)
    try:
        resolved = Path(os.path.realpath(candidate if candidate.is_absolute() else root / candidate))
    except (OSError, ValueError):
        return root / "?", False
    return resolved, resolved == root or resolved.is_relative_to(root)


def _outside_message(what: str, text: str) -> str:
    return (
        f"{what} {_show(text)} refused: the path is outside the scan root (with symlinks followed); "
        f"only files and directories under the scan root set by {SCAN_ROOT_SETTING} can be used"
    )


def _clean(value: str, what: str, limit: int) -> str:
    """``value`` stripped; ``TargetError`` when empty, over-long or holding NUL or other control characters."""
    if not isinstance(value, str):
        raise TargetError(f"{what} must be a string")
    text = value.strip()
    if not text:
        raise TargetError(f"empty {what}")
    if len(text) > limit:
        raise TargetError(f"{what} is {len(text)} characters long; the limit is {limit}")
    if "\x00" in text:
        raise TargetError(f"{what} contains a NUL byte")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise TargetError(f"{what} contains control characters")
    return text


def _redacted_words(argv: list[str]) -> str:
    return stdio_command_line(redact_argv(tuple(argv)))


def _show_url(text: str) -> str:
    try:
        return _show(redact_url(text))
    except ValueError:
        return "(unparsable URL)"


def _show(text: str, limit: int = 200) -> str:
    """``text`` quoted and escaped for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
