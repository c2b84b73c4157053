"""Name squatting: tool or prompt names a person cannot tell apart, and look-alikes of well-known tools.

**Threat.** A model picks a tool by its name and description; so does the person approving the call. A server
that lists ``read_file`` twice, or ``read_file`` next to ``reаd_file`` (with a Cyrillic ``а``), ``read-file``,
``Read_File`` or ``read_fi1e``, lets a malicious tool be chosen in place of the real one, and an approval
dialog shows the user the name they expect. A single tool named like a well-known tool of another server
(``send_emaiI``, ``executе_command``) but spelled with look-alike characters aims at the same confusion across
servers. Names one character apart (``get_balance`` / ``get_baiance``) are a weaker signal.

**Example.** Two tools ``transfer_funds`` and ``transfer_fund5``; one tool ``rеad_file`` whose ``е`` is Cyrillic.

**Fix.** Give every tool a distinct, plainly spelled ASCII name. Names that differ only in case, separators,
look-alike letters or digits read as letters are reported at MEDIUM; names one edit apart at LOW, except
ordinary pairs: singular and plural (``get_file`` / ``get_files``), ``get`` / ``set``, and version or step
numbers (``query_v1`` / ``query_v2``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator, Sequence

from mcts.analyzers._names import WELL_KNOWN_TOOLS, fold, lookalike_chars, name_words, plain
from mcts.analyzers.base import Analyzer
from mcts.model.finding import Confidence, Finding, Location, Severity, Surface
from mcts.model.inventory import Inventory

_MIN_EDIT_LENGTH = 6
_MAX_EDIT_LENGTH = 64
_MAX_BUCKET = 32  # a deletion variant shared by more names than this is a naming scheme, not a squat
_VERB_PAIRS = frozenset({frozenset(p) for p in (("get", "set"), ("get", "let"), ("put", "pop"), ("add", "and"),
                                                 ("run", "ran"), ("list", "lost"), ("to", "do"))})


@functools.cache
def _well_known_keys() -> dict[str, str]:
    return {fold(name): name for name in WELL_KNOWN_TOOLS}


class NameSquattingAnalyzer(Analyzer):
    """Compares the names within one inventory, and each name with a short list of well-known tools."""

    id = "name-squatting"
    title = "Look-alike tool name"
    techniques = ("name-squatting",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM

    def check_inventory(self, inventory: Inventory) -> Iterator[Finding]:
        """Tools are compared with tools and prompts with prompts: they are separate namespaces."""
        yield from self._names(Surface.TOOL, [t.name for t in inventory.tools])
        yield from self._names(Surface.PROMPT, [p.name for p in inventory.prompts])

    def _names(self, surface: Surface, names: Sequence[str]) -> Iterator[Finding]:
        kind = surface.value
        flagged: set[str] = set()
        groups: dict[str, list[str]] = {}
        for capital_i_as_l in (False, True):
            keyed: dict[str, list[str]] = defaultdict(list)
            for name in names:
                keyed[fold(name, capital_i_as_l=capital_i_as_l)].append(name)
            for members in keyed.values():
                if len(members) > 1:
                    yield from self._same_fold(surface, kind, members, flagged)
            if surface is Surface.TOOL:
                yield from self._well_known(surface, keyed, flagged)
            groups = groups or keyed
        yield from self._one_edit_apart(surface, kind, list(groups), groups, flagged)

    def _same_fold(self, surface: Surface, kind: str, members: list[str], flagged: set[str]) -> Iterator[Finding]:
        counts: dict[str, int] = defaultdict(int)
        for name in members:
            counts[name] += 1
        for name, count in counts.items():
            if count > 1 and name not in flagged:
                flagged.add(name)
                yield self.finding(
                    Location(surface=surface, item=name, field="name"), f"{name} (listed {count} times)",
                    title=f"Duplicate {kind} name", confidence=Confidence.HIGH,
                    detail=f"{count} {kind}s share the name {name!r}; a client calls whichever it resolves first")
        distinct = list(counts)
        if len(distinct) < 2:
            return
        canonical = min(distinct, key=lambda n: (len(lookalike_chars(n)), not n.isascii(), distinct.index(n)))
        for name in distinct:
            if name == canonical or name in flagged:
                continue
            flagged.add(name)
            odd = lookalike_chars(name) if plain(name) != plain(canonical) else []
            how = f"look-alike characters {_show_chars(odd)}" if odd else "case or separators only"
            yield self.finding(
                Location(surface=surface, item=name, field="name"), f"{name} vs {canonical} ({how})",
                title=f"Two {kind}s a person cannot tell apart",
                confidence=Confidence.HIGH if odd else Confidence.MEDIUM,
                detail=f"{name!r} and {canonical!r} read the same to a person; they differ in {how}")

    def _well_known(self, surface: Surface, groups: dict[str, list[str]], flagged: set[str]) -> Iterator[Finding]:
        for key, members in groups.items():
            target = _well_known_keys().get(key)
            if target is None:
                continue
            for name in dict.fromkeys(members):
                if name in flagged or plain(name) == plain(target):
                    continue
                flagged.add(name)
                odd = lookalike_chars(name)
                yield self.finding(
                    Location(surface=surface, item=name, field="name"),
                    f"{name} imitates {target}" + (f" ({_show_chars(odd)})" if odd else ""),
                    title="Look-alike of a well-known tool name", confidence=Confidence.HIGH,
                    detail=f"{name!r} reads as the common tool {target!r} but is spelled with look-alike characters")

    def _one_edit_apart(self, surface: Surface, kind: str, keys: list[str], groups: dict[str, list[str]],
                        flagged: set[str]) -> Iterator[Finding]:
        order = {key: index for index, key in enumerate(keys)}
        buckets: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            if _MIN_EDIT_LENGTH <= len(key) <= _MAX_EDIT_LENGTH:
                for variant in {key} | {key[:i] + key[i + 1:] for i in range(len(key))}:
                    buckets[variant].append(key)
        pairs: set[tuple[str, str]] = set()
        for bucket in buckets.values():
            if 1 < len(bucket) <= _MAX_BUCKET:
                pairs.update((a, b) for a in bucket for b in bucket if order[a] < order[b])
        for first, second in sorted(pairs, key=lambda p: (order[p[1]], order[p[0]])):
            a, b = groups[first][0], groups[second][0]
            if b in flagged or not _one_edit(first, second) or _ordinary_pair(a, b):
                continue
            flagged.add(b)
            yield self.finding(
                Location(surface=surface, item=b, field="name"), f"{b} vs {a}",
                title=f"{kind.capitalize()} names one character apart", severity=Severity.LOW,
                confidence=Confidence.LOW,
                detail=f"{b!r} differs from {a!r} by one character; check that both are meant to exist")


def _one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance of at most one (substitution, insertion, deletion or swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
        return a[i + 1:] == b[i + 1:] or swapped
    return a[i:] == b[i + 1:]


def _ordinary_pair(a: str, b: str) -> bool:
    """Singular/plural, get/set-style verb pairs and numbered variants: names meant to differ."""
    wa, wb = name_words(a), name_words(b)
    if len(wa) != len(wb):
        return False
    diff = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    short, long = sorted((x, y), key=len)
    if long in {short + "s", short + "es"} or (short.endswith("y") and long == short[:-1] + "ies"):
        return True
    if frozenset((x, y)) in _VERB_PAIRS:
        return True
    return x.rstrip("0123456789") == y.rstrip("0123456789") and any(c.isdigit() for c in x + y)


def _show_chars(chars: list[str]) -> str:
    shown = []
    for char in dict.fromkeys(chars):
        shown.append(f"{char!r} U+{ord(char):04X}" if not char.isascii() else repr(char))
    return ", ".join(shown)


__all__ = ["NameSquattingAnalyzer"]
