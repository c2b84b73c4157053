"""Suppressions: an ignore file whose entries accept findings, each for a stated reason and until an optional date.

The file (``.mcts/ignore.yaml`` in the working directory when present, or ``--ignore-file`` / ``ignore_path``)
holds a list of entries, either bare or under a ``suppressions:`` key::

    suppressions:
      - id: MCTS-0123456789abcdef          # one finding, by its stable id
        reason: reviewed, the zero-width joiner is part of an emoji sequence
      - technique: hidden-homoglyph        # a technique at a location: item and field take * globs
        surface: tool                      # optional: server, instructions, tool, prompt, resource, ...
        item: "legacy_*"                   # required with technique (write "*" to mean every item)
        field: "inputSchema.*"             # optional, default "*"
        reason: vendor tool names, tracked in SEC-123
        expires: 2025-12-31                # optional: the entry stops applying the day after

Every criterion an entry gives must hold. A matched finding stays in the report with ``suppressed`` set and no
longer counts for the summary, scores, gates or ``--fail-on``. An expired entry does not apply (its findings count
again) and is reported as a warning; so is an entry that matched no finding of a report.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcts.errors import ConfigError
from mcts.model.finding import Finding, Suppression, Surface

DEFAULT_IGNORE_FILE = Path(".mcts") / "ignore.yaml"
_KEYS = frozenset({"id", "technique", "surface", "item", "field", "reason", "expires"})
_SURFACES = {s.value: s for s in Surface}


@dataclass(frozen=True, slots=True)
class IgnoreEntry:
    """One entry of an ignore file. ``None`` criteria match anything."""

    index: int
    source: str
    reason: str
    id: str | None = None
    technique: str | None = None
    surface: Surface | None = None
    item: str | None = None
    field: str | None = None
    expires: datetime.date | None = None

    def name(self) -> str:
        """How warnings and errors name this entry: ``entry 2 of .mcts/ignore.yaml (id MCTS-…)``."""
        what = f"id {self.id}" if self.id else f"technique {self.technique} at {self.item or '*'}"
        return f"entry {self.index} of {self.source.rpartition(':')[0]} ({what})"

    def expired(self, today: datetime.date) -> bool:
        """True once ``today`` is after the expiry date (the entry applies through that day)."""
        return self.expires is not None and today > self.expires

    def matches(self, finding: Finding) -> bool:
        """Whether every criterion of this entry holds for ``finding``."""
        if self.id is not None and finding.id != self.id:
            return False
        if self.technique is not None and self.technique not in finding.techniques:
            return False
        location = finding.location
        if self.surface is not None and location.surface is not self.surface:
            return False
        if self.item is not None and not _glob(self.item).fullmatch(location.item or ""):
            return False
        return self.field is None or bool(_glob(self.field).fullmatch(location.field))


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The parsed entries of one ignore file."""

    path: str
    entries: tuple[IgnoreEntry, ...]


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """``*`` matches any run of characters (dots included); everything else, ``[0]`` too, is literal."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def ignore_file_path(ignore_path: Path | None, cwd: Path) -> Path | None:
    """The ignore file to use: the given one (which must exist), else ``.mcts/ignore.yaml`` when present."""
    if ignore_path is not None:
        path = ignore_path if ignore_path.is_absolute() else cwd / ignore_path
        if not path.is_file():
            raise ConfigError(f"ignore file {ignore_path} does not exist")
        return path
    default = cwd / DEFAULT_IGNORE_FILE
    return default if default.is_file() else None


def load_ignore_file(ignore_path: Path | None, cwd: Path) -> IgnoreFile | None:
    """Read and validate the ignore file, or ``None`` when there is none. A bad file is a ConfigError."""
    path = ignore_file_path(ignore_path, cwd)
    if path is None:
        return None
    shown = _shown(path, cwd)
    try:
        data: Any = _yaml_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read ignore file {shown}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 -- yaml raises its own error family; reported, never swallowed
        raise ConfigError(f"cannot parse ignore file {shown}: {exc}") from None
    return IgnoreFile(path=shown, entries=parse_entries(data, shown))


def _yaml_load(text: str) -> Any:
    """YAML with dates left as strings, so a bad date is reported with its entry (not as a parse error)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        return str(node.value)

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 -- a SafeLoader subclass


def parse_entries(data: Any, shown: str) -> tuple[IgnoreEntry, ...]:
    """Validate the YAML document of an ignore file named ``shown``: entries are numbered from 1."""
    if data is None:
        return ()
    if isinstance(data, dict):
        extra = set(data) - {"suppressions"}
        if extra:
            raise ConfigError(f"ignore file {shown}: unknown top-level key(s) {sorted(map(str, extra))}; "
                              "expected 'suppressions'")
        data = data.get("suppressions") or []
    if not isinstance(data, list):
        raise ConfigError(f"ignore file {shown} must hold a list of entries (or a 'suppressions:' list)")
    return tuple(_entry(raw, index, shown) for index, raw in enumerate(data, start=1))


def _entry(raw: Any, index: int, shown: str) -> IgnoreEntry:
    where = f"ignore file {shown}, entry {index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping with a reason and an id or a technique")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(map(str, unknown))}; allowed: {', '.join(sorted(_KEYS))}")
    values = {key: _text(raw, key, where) for key in ("id", "technique", "surface", "item", "field", "reason")}
    if not values["reason"]:
        raise ConfigError(f"{where}: a reason is mandatory (say why this finding is accepted)")
    if not values["id"] and not values["technique"]:
        raise ConfigError(f"{where}: give the finding 'id', or a 'technique' with a location (surface, item, field)")
    if values["technique"] and not values["id"] and values["item"] is None:
        raise ConfigError(f"{where}: a technique entry needs an 'item' (a tool, prompt or resource name; '*' for all)")
    surface = None
    if values["surface"] is not None:
        surface = _SURFACES.get(values["surface"])
        if surface is None:
            raise ConfigError(f"{where}: unknown surface {values['surface']!r}; one of {', '.join(_SURFACES)}")
    return IgnoreEntry(
        index=index, source=f"{shown}:{index}", reason=values["reason"] or "", id=values["id"] or None,
        technique=values["technique"] or None, surface=surface, item=values["item"], field=values["field"],
        expires=_date(raw.get("expires"), where),
    )


def _text(raw: dict[Any, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be a string, not {type(value).__name__}")
    return str(value).strip()


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: expires {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _shown(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def apply_suppressions(
    findings: Sequence[Finding], ignore: IgnoreFile | None, today: datetime.date
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """Mark the findings the live entries accept (the first matching entry wins); return them and the warnings.

    Any ``suppressed`` mark already on a finding is recomputed, so applying twice gives the same result.
    """
    if ignore is None or not ignore.entries:
        return tuple(_unmarked(findings)), ()
    live = [e for e in ignore.entries if not e.expired(today)]
    by_id: dict[str, list[IgnoreEntry]] = {}
    for e in live:
        if e.id is not None:
            by_id.setdefault(e.id, []).append(e)
    by_location = [e for e in live if e.id is None]
    used: set[int] = set()
    came_back: dict[int, int] = {}
    expired = [e for e in ignore.entries if e.expired(today)]
    out: list[Finding] = []
    for finding in _unmarked(findings):
        entry = _first_match(finding, by_id.get(finding.id, ()), by_location)
        if entry is None:
            for old in expired:
                if old.matches(finding):
                    came_back[old.index] = came_back.get(old.index, 0) + 1
                    break
            out.append(finding)
            continue
        used.add(entry.index)
        mark = Suppression(reason=entry.reason, expires=entry.expires, source=entry.source)
        out.append(finding.model_copy(update={"suppressed": mark}))
    warnings = [
        f"ignore {e.name()} expired on {e.expires}: it no longer applies"
        + (f" and {came_back[e.index]} finding(s) count again" if e.index in came_back else "")
        for e in expired
    ]
    warnings += [f"ignore {e.name()} matched no finding" for e in live if e.index not in used]
    return tuple(out), tuple(warnings)


def _first_match(
    finding: Finding, with_id: Sequence[IgnoreEntry], by_location: Sequence[IgnoreEntry]
) -> IgnoreEntry | None:
    """The lowest-numbered entry that matches: id entries are looked up, not scanned (large files stay fast)."""
    best = next((e for e in with_id if e.matches(finding)), None)
    for entry in by_location:
        if best is not None and entry.index > best.index:
            break
        if entry.matches(finding):
            return entry
    return best


def _unmarked(findings: Iterable[Finding]) -> Iterable[Finding]:
    for finding in findings:
        yield finding if finding.suppressed is None else finding.model_copy(update={"suppressed": None})
