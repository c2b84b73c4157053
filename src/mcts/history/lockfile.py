"""Lockfiles: the content hashes (and the compared content) of every item of the servers a project relies on.

``mcts pin TARGET… -o mcts.lock`` writes one; ``mcts scan TARGET --lock mcts.lock`` compares what each server
lists now with it. The file is JSON meant to be committed and reviewed like code: a fixed key order, one
server per entry sorted by identity, items sorted by kind and name, two-space indentation and ASCII only (a
hidden character in a description shows as a ``\\u`` escape in the pull request, never as nothing). It
carries no timestamp and no secret, so pinning an unchanged server gives the same bytes::

    {
      "lockfile_version": 1,
      "note": "…",
      "servers": [
        {
          "identity": "stdio:npx -y @acme/weather-mcp@1.4.2#weather",
          "target": "npx -y @acme/weather-mcp@1.4.2",
          "target_kind": "stdio",
          "server": {"name": "weather", "version": "1.4.2", "title": null},
          "protocol_version": "2025-11-25",
          "change_detection": {"enabled": true, "compare_schemas": true, "compare_descriptions": true,
                               "ignore_fields": [], "sensitivity": "moderate"},
          "items": {"tools": {"get_forecast": {"hash": "sha256:…", "content": {"description": "…", …}}}}
        }
      ]
    }

Reading verifies every item's hash against its content: a lockfile edited by hand so that they disagree is
refused rather than trusted.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

from mcts.errors import MctsError
from mcts.history.changes import (
    KINDS,
    CanonicalItem,
    ChangeSettings,
    ChangeSummary,
    Kind,
    canonical_items,
    compare_items,
    content_hash,
)
from mcts.history.identity import identity_for
from mcts.model.inventory import Inventory
from mcts.model.report import TargetKind

LOCKFILE_VERSION: Literal[1] = 1
MAX_LOCKFILE_BYTES = 64 * 1024 * 1024
NOTE = ("Written by 'mcts pin'. Review changes to this file like code. Check servers against it with "
        "'mcts scan TARGET --lock FILE'; re-pin after reviewing an intended change.")


class LockfileError(MctsError):
    """A lockfile cannot be read, is not a lockfile, or was altered so that a hash no longer matches its content."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LockedItem(_Frozen):
    """One item: the hash of its compared content, and that content (so a drift can be shown as a diff)."""

    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    content: dict[str, JsonValue]


class LockedServerInfo(_Frozen):
    """What the server said about itself when it was pinned (shown, not compared)."""

    name: str | None = None
    version: str | None = None
    title: str | None = None


class LockedServer(_Frozen):
    """One pinned server."""

    identity: str = Field(min_length=1, description="mcts.history.identity of the target and server name")
    target: str = Field(description="The target as displayed (secrets redacted)")
    target_kind: TargetKind
    server: LockedServerInfo = Field(default_factory=LockedServerInfo)
    protocol_version: str | None = None
    change_detection: ChangeSettings = Field(default_factory=ChangeSettings)
    items: dict[Kind, dict[str, LockedItem]] = Field(default_factory=dict)

    def canonical(self) -> dict[str, CanonicalItem]:
        """The pinned items as canonical items, keyed ``kind/name``."""
        return {f"{kind}/{name}": CanonicalItem(kind, name, dict(item.content), item.hash)
                for kind, named in self.items.items() for name, item in named.items()}

    def base_identity(self) -> str:
        """The identity without the ``#server-name`` suffix."""
        name = self.server.name
        return self.identity.removesuffix(f"#{name}") if name else self.identity


class Lockfile(_Frozen):
    """A whole lockfile."""

    lockfile_version: Literal[1] = LOCKFILE_VERSION
    note: str = NOTE
    servers: tuple[LockedServer, ...] = ()

    def find(self, identity: str) -> LockedServer | None:
        """The entry pinned under ``identity``, if any."""
        return next((s for s in self.servers if s.identity == identity), None)


@dataclass(frozen=True)
class LockCheck:
    """How one scanned server compares with the lockfile."""

    identity: str
    entry: LockedServer | None
    summary: ChangeSummary
    notes: tuple[str, ...] = ()
    renamed: bool = False

    @property
    def drifted(self) -> bool:
        """Missing from the lockfile, renamed, or with items added, removed or modified."""
        enabled = self.entry is not None and self.entry.change_detection.enabled
        return self.entry is None or self.renamed or (enabled and self.summary.changed)


def pin_entry(target_kind: TargetKind, target: str, inventory: Inventory, settings: ChangeSettings) -> LockedServer:
    """The lockfile entry of a server reached through ``target`` (as displayed) that listed ``inventory``."""
    info = inventory.server_info
    name = info.name if info else None
    items: dict[Kind, dict[str, LockedItem]] = {}
    for item in sorted(canonical_items(inventory, settings).values(), key=lambda i: (KINDS.index(i.kind), i.name)):
        content = json.loads(json.dumps(item.content, sort_keys=True))  # nested keys in a stable order
        items.setdefault(item.kind, {})[item.name] = LockedItem(hash=item.hash, content=content)
    return LockedServer(
        identity=identity_for(target_kind, target, name), target=target, target_kind=target_kind,
        server=LockedServerInfo(name=name, version=info.version if info else None, title=info.title if info else None),
        protocol_version=inventory.protocol_version, change_detection=settings, items=items,
    )


def build_lockfile(entries: Iterable[LockedServer], *, keep: Lockfile | None = None) -> Lockfile:
    """A lockfile of ``entries`` (sorted by identity); with ``keep``, its other entries are kept too."""
    by_identity = {s.identity: s for s in keep.servers} if keep else {}
    by_identity.update({s.identity: s for s in entries})
    return Lockfile(servers=tuple(by_identity[k] for k in sorted(by_identity)))


def lockfile_text(lock: Lockfile) -> str:
    """The file's text: fields in declaration order, two-space indentation, ASCII only, a final newline."""
    return json.dumps(lock.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def write_lockfile(lock: Lockfile, path: Path) -> None:
    """Write ``lock`` to ``path`` atomically: a temporary file in the same directory renamed over it."""
    text = lockfile_text(lock)
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LockfileError(f"cannot write lockfile {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LockfileError(f"cannot write lockfile {path}: {exc.strerror or exc}") from None


def read_lockfile(path: Path) -> Lockfile:
    """Read and verify a lockfile; raise ``LockfileError`` saying what is wrong and what to do."""
    hint = f"write one with 'mcts pin TARGET -o {path}'"
    try:
        if path.is_dir():
            raise LockfileError(f"lockfile {path} is a directory, not a file written by 'mcts pin'")
        size = path.stat().st_size
        if size > MAX_LOCKFILE_BYTES:
            raise LockfileError(f"lockfile {path} is {size} bytes, over the {MAX_LOCKFILE_BYTES}-byte limit")
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise LockfileError(f"lockfile {path} does not exist: {hint}") from None
    except OSError as exc:
        raise LockfileError(f"cannot read lockfile {path}: {exc.strerror or exc}") from None
    except RecursionError:
        raise LockfileError(f"lockfile {path} nests JSON too deeply to read") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LockfileError(f"lockfile {path} is not valid JSON ({exc}): {hint}") from None
    if not isinstance(data, dict) or "lockfile_version" not in data:
        raise LockfileError(f"{path} is not an mcts lockfile (no lockfile_version): {hint}")
    if data["lockfile_version"] != LOCKFILE_VERSION:
        raise LockfileError(f"lockfile {path} has version {data['lockfile_version']!r}; this mcts reads version "
                            f"{LOCKFILE_VERSION}: upgrade mcts or re-pin")
    try:
        lock = Lockfile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))[:200]}: {e['msg']}" for e in exc.errors()[:3])
        raise LockfileError(f"lockfile {path} is malformed: {problems}") from None
    _verify(lock, path)
    return lock


def _verify(lock: Lockfile, path: Path) -> None:
    seen: set[str] = set()
    for server in lock.servers:
        if server.identity in seen:
            raise LockfileError(f"lockfile {path} pins {server.identity!r} twice: keep one entry")
        seen.add(server.identity)
        for kind, named in server.items.items():
            for name, item in named.items():
                if content_hash(item.content) != item.hash:
                    raise LockfileError(
                        f"lockfile {path}: the hash of {kind}/{name[:100]!r} of {server.identity[:200]!r} does not "
                        "match its content (edited by hand?): restore the file or re-pin the server"
                    )


def check_against(
    lock: Lockfile,
    target_kind: str,
    target: str,
    inventory: Inventory,
    *,
    selected: Callable[[Kind, str], bool] | None = None,
    unseen: frozenset[Kind] = frozenset(),
) -> LockCheck:
    """Compare a server's ``inventory`` with its lockfile entry, under the settings it was pinned with.

    ``selected(kind, name)`` restricts the comparison to the items a scan looked at (``--surface``, ``--tool``);
    items of the ``unseen`` kinds (listings cut short or filtered) that are missing now are not called removed.
    """
    info = inventory.server_info
    name = info.name if info else None
    identity = identity_for(target_kind, target, name)
    entry, notes, renamed = lock.find(identity), [], False
    if entry is None:
        base = identity_for(target_kind, target, None)
        same_target = [s for s in lock.servers if s.base_identity() == base]
        if len(same_target) != 1:
            return LockCheck(identity, None, ChangeSummary(), ("not in the lockfile: review it, then pin it",))
        entry, renamed = same_target[0], name is not None  # no name: the scan never got as far as the handshake
        if renamed:
            notes.append(f"the server calls itself {name!r}; it was pinned as {entry.server.name!r}")
    if not entry.change_detection.enabled:
        return LockCheck(identity, entry, ChangeSummary(), ("change detection is off for it in the lockfile",), renamed)
    pinned = entry.canonical()
    current = canonical_items(inventory, entry.change_detection)
    if selected is not None:
        pinned = {k: i for k, i in pinned.items() if selected(i.kind, i.name)}
        current = {k: i for k, i in current.items() if selected(i.kind, i.name)}
    hidden = sorted({i.kind for k, i in pinned.items() if i.kind in unseen and k not in current})
    if hidden:
        pinned = {k: i for k, i in pinned.items() if k in current or i.kind not in unseen}
        notes.append(f"removals not checked for {', '.join(hidden)}: the listing was incomplete or filtered")
    if info and entry.server.version != info.version:
        notes.append(f"server version {entry.server.version!r} when pinned, {info.version!r} now")
    return LockCheck(identity, entry, compare_items(pinned, current), tuple(notes), renamed)
