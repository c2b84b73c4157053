"""The YARA-X rule set: ``yara/*.yar`` compiled once per process, with every rule's metadata checked.

Each ``.yar`` file is one family, compiled into a namespace named after its stem. Every public rule must
carry the meta ``technique`` (an id from ``taxonomy/techniques.yaml``), ``severity``
(info|low|medium|high|critical), ``confidence`` (low|medium|high) and ``title`` (one sentence shown as the
finding's title); ``description`` is optional. Private rules are helpers and need none. A syntax error, a
slow pattern, a missing or unknown meta value, or a folder without rules is a ``RuleLoadError`` naming the
file and the line: a scanner that silently runs zero rules reports every server as clean.

Rules may test three global strings set before each scan: ``surface`` (server|instructions|tool|prompt|
resource|resource_template), ``field`` (the dotted field path, e.g. ``inputSchema.properties.path.description``)
and ``view`` (raw|revealed|base64|hex|…: which reading of the string is being scanned).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yara_x

from mcts.errors import MctsError
from mcts.model.finding import Confidence, Severity
from mcts.taxonomy import load_taxonomy

RULES_DIR = Path(__file__).parent / "yara"
GLOBALS = ("surface", "field", "view")
SCAN_TIMEOUT_SECONDS = 10
REQUIRED_META = ("technique", "severity", "confidence", "title")

_DECLARATION = re.compile(r"^[ \t]*((?:(?:private|global)[ \t]+)*)rule[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


class RuleLoadError(MctsError):
    """A rule file does not compile, or a rule's metadata is missing or wrong; the message names file and line."""


@dataclass(frozen=True)
class RuleInfo:
    """What a rule declares about its findings, and where it is written."""

    namespace: str
    identifier: str
    file: Path
    line: int
    technique: str
    severity: Severity
    confidence: Confidence
    title: str
    description: str | None = None


class RuleScanner:
    """One ``yara_x.Scanner`` (not thread-safe: one per thread), setting the globals only when they change."""

    def __init__(self, rules: yara_x.Rules) -> None:
        self._scanner = yara_x.Scanner(rules)
        self._scanner.set_timeout(SCAN_TIMEOUT_SECONDS)
        self._globals = dict.fromkeys(GLOBALS, "")

    def scan(self, data: bytes, *, surface: str, field: str, view: str) -> tuple[yara_x.Rule, ...]:
        """The rules matching ``data`` read as ``view`` of ``field`` on ``surface``.

        Raises ``yara_x.TimeoutError`` past ``SCAN_TIMEOUT_SECONDS``: the analyzer then fails, never passes.
        """
        for name, value in (("surface", surface), ("field", field), ("view", view)):
            if self._globals[name] != value:
                self._scanner.set_global(name, value)
                self._globals[name] = value
        return self._scanner.scan(data).matching_rules


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules, their metadata by ``(namespace, identifier)``, and the files they came from."""

    rules: yara_x.Rules
    info: Mapping[tuple[str, str], RuleInfo]
    files: tuple[Path, ...]
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def scanner(self) -> RuleScanner:
        """The calling thread's scanner (created on first use)."""
        scanner: RuleScanner | None = getattr(self._local, "scanner", None)
        if scanner is None:
            scanner = RuleScanner(self.rules)
            self._local.scanner = scanner
        return scanner

    def families(self) -> tuple[str, ...]:
        """The namespaces (file stems), in file order."""
        return tuple(path.stem for path in self.files)


@functools.cache
def load_rules(directory: Path = RULES_DIR) -> RuleSet:
    """Compile every ``*.yar`` in ``directory`` (once per process and folder) and check every rule's metadata."""
    files = tuple(sorted(directory.glob("*.yar")))
    if not files:
        raise RuleLoadError(f"{directory}: no *.yar rule files found")
    declarations: dict[tuple[str, str], tuple[Path, int, bool]] = {}
    rules = _compile(directory, files, declarations)
    info: dict[tuple[str, str], RuleInfo] = {}
    for rule in rules:
        key = (rule.namespace, rule.identifier)
        path, line, private = declarations.get(key, (directory / f"{rule.namespace}.yar", 0, False))
        if not private:
            info[key] = _rule_info(rule, path, line)
    if not info:
        raise RuleLoadError(f"{directory}: the rule files declare no public rule")
    return RuleSet(rules=rules, info=info, files=files)


def _compile(directory: Path, files: tuple[Path, ...], declarations: dict[tuple[str, str], tuple[Path, int, bool]]
             ) -> yara_x.Rules:
    """Compile ``files`` into one rule set, recording where each rule is declared.

    The compiler must be dropped on the thread that made it (yara-x objects are bound to their thread), so no
    error may leave it referenced from a traceback's frame, to be collected later on another thread.
    """
    compiler = yara_x.Compiler(error_on_slow_pattern=True)
    try:
        for name in GLOBALS:
            compiler.define_global(name, "")
        for path in files:
            source = path.read_text(encoding="utf-8")
            compiler.new_namespace(path.stem)
            try:
                compiler.add_source(source, origin=str(path))
            except yara_x.CompileError as exc:
                raise RuleLoadError(f"{path}: does not compile: {exc}") from None
            for match in _DECLARATION.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                declarations[(path.stem, match.group(2))] = (path, line, "private" in match.group(1))
        try:
            return compiler.build()
        except yara_x.CompileError as exc:  # pragma: no cover -- add_source reports errors first
            raise RuleLoadError(f"{directory}: rules do not build: {exc}") from None
    finally:
        del compiler


def _rule_info(rule: yara_x.Rule, path: Path, line: int) -> RuleInfo:
    where = f"{path}:{line}: rule {rule.identifier}"
    meta: dict[str, object] = dict(rule.metadata)
    missing = [key for key in REQUIRED_META if not isinstance(meta.get(key), str) or not str(meta[key]).strip()]
    if missing:
        required = ", ".join(REQUIRED_META)
        raise RuleLoadError(f"{where}: missing or empty meta {', '.join(missing)} (required: {required})")
    technique, severity, confidence = str(meta["technique"]), str(meta["severity"]), str(meta["confidence"])
    if technique not in load_taxonomy().techniques:
        raise RuleLoadError(f"{where}: unknown technique {technique!r} (see taxonomy/techniques.yaml)")
    if severity not in {s.value for s in Severity}:
        raise RuleLoadError(f"{where}: unknown severity {severity!r} (one of {', '.join(Severity)})")
    if confidence not in {c.value for c in Confidence}:
        raise RuleLoadError(f"{where}: unknown confidence {confidence!r} (one of {', '.join(Confidence)})")
    description = meta.get("description")
    if description is not None and not isinstance(description, str):
        raise RuleLoadError(f"{where}: meta description must be a string")
    return RuleInfo(
        namespace=rule.namespace,
        identifier=rule.identifier,
        file=path,
        line=line,
        technique=technique,
        severity=Severity(severity),
        confidence=Confidence(confidence),
        title=str(meta["title"]).strip(),
        description=description.strip() if description else None,
    )


__all__ = ["GLOBALS", "RULES_DIR", "RuleInfo", "RuleLoadError", "RuleScanner", "RuleSet", "load_rules"]
