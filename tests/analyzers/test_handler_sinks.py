"""HandlerSinksAnalyzer over annotated handler fixtures in Python and TypeScript / JavaScript.

Each fixture under ``handlers/`` is a small server. A line that must be reported carries a comment
``NOT OK: <technique>``; every other line must stay below MEDIUM. The items and their handlers are read from the
fixture here (decorated functions; ``server.tool`` / ``registerTool`` calls), as the source collector would.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

from mcts.analyzers._taint_typescript import TsModule, text
from mcts.analyzers.base import AnalyzerContext, SkipAnalyzer
from mcts.analyzers.handler_sinks import HandlerSinksAnalyzer
from mcts.collect.result import SourceFiles
from mcts.model.finding import Finding, Severity, SourceRef, Surface
from mcts.model.inventory import Inventory, Tool
from mcts.model.source import ItemSource
from mcts.options import ScanOptions

HANDLERS = Path(__file__).parent / "handlers"
FIXTURES = sorted(p for p in HANDLERS.rglob("*") if p.suffix in (".py", ".ts", ".js"))
NOT_OK = re.compile(r"NOT OK: ([a-z\-]+)")
_SEVERITY = {"shell-injection-sink": Severity.HIGH, "code-eval-sink": Severity.HIGH,
             "sql-injection-sink": Severity.HIGH, "path-traversal-sink": Severity.MEDIUM,
             "ssrf-sink": Severity.MEDIUM, "template-injection-sink": Severity.MEDIUM,
             "read-only-promise-broken": Severity.MEDIUM}


def _python_items(relpath: str, source: str) -> tuple[list[Tool], list[ItemSource]]:
    tools, sources = [], []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        decorator = next((d for d in node.decorator_list if ".tool" in ast.unparse(d)), None)
        if decorator is None:
            continue
        annotations = None
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "annotations":
                    annotations = ast.literal_eval(keyword.value)
        tools.append(Tool(name=node.name, description=ast.get_docstring(node), annotations=annotations))
        params = tuple(a.arg for a in node.args.args if a.arg not in ("self", "ctx"))
        ref = SourceRef(file=relpath, line=decorator.lineno)
        sources.append(ItemSource(surface=Surface.TOOL, item=node.name, ref=ref, language="python",
                                  handler=node.name, params=params,
                                  handler_ref=SourceRef(file=relpath, line=node.lineno)))
    return tools, sources


def _ts_items(relpath: str, source: str) -> tuple[list[Tool], list[ItemSource]]:
    module = TsModule(source, relpath)
    tools, sources = [], []
    stack = [module.tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        func = node.child_by_field_name("function") if node.type == "call_expression" else None
        if func is None or func.type != "member_expression":
            continue
        if text(func.child_by_field_name("property")) not in ("tool", "registerTool"):
            continue
        args = node.child_by_field_name("arguments")
        parts = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        if not parts or parts[0].type != "string":
            continue
        handler = parts[-1]
        strings = [text(p)[1:-1] for p in parts[1:] if p.type == "string"]
        match = re.search(r"description:\s*\"([^\"]*)\"", " ".join(text(p) for p in parts[1:-1]))
        description = strings[0] if strings else (match.group(1) if match else None)
        read_only = any("readOnlyHint: true" in text(p) for p in parts[1:-1])
        name = text(parts[0])[1:-1]
        handler_name = text(handler) if handler.type == "identifier" else None
        line = handler.start_point[0] + 1 if handler_name is None else None
        tools.append(Tool(name=name, description=description,
                          annotations={"readOnlyHint": True} if read_only else None))
        ref = SourceRef(file=relpath, line=node.start_point[0] + 1)
        sources.append(ItemSource(surface=Surface.TOOL, item=name, ref=ref,
                                  language="typescript" if relpath.endswith(".ts") else "javascript",
                                  handler=handler_name,
                                  handler_ref=SourceRef(file=relpath, line=line) if line else None))
    return tools, sources


def run(path: Path) -> list[Finding]:
    """Scan one fixture file as a one-file source tree."""
    relpath = path.relative_to(HANDLERS).as_posix()
    source = path.read_text(encoding="utf-8")
    tools, sources = (_python_items if path.suffix == ".py" else _ts_items)(relpath, source)
    inventory = Inventory(tools=tuple(tools), sources=tuple(sources))
    files = SourceFiles(root=HANDLERS, texts={relpath: source})
    context = AnalyzerContext(options=ScanOptions(), target_kind="source", files=files)
    return HandlerSinksAnalyzer.load(context).analyze(inventory)


def expected(path: Path) -> set[tuple[int, str]]:
    """(line, technique) of every ``NOT OK`` mark in the fixture."""
    marks = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = NOT_OK.search(line)
        if match and not line.lstrip().startswith(('"""', "/**", "//")):
            marks.add((number, match.group(1)))
    return marks


def reported(findings: list[Finding]) -> set[tuple[int, str]]:
    """(line, technique) of every finding at MEDIUM or above."""
    return {(f.source.line, f.techniques[0]) for f in findings
            if f.source is not None and f.severity.rank >= Severity.MEDIUM.rank}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.relative_to(HANDLERS).as_posix())
def test_fixture(path: Path) -> None:
    findings = run(path)
    want, got = expected(path), reported(findings)
    if path.stem.endswith("_ok") and not path.stem.endswith("not_ok"):
        assert not want, "an OK fixture has no NOT OK marks"
    assert not got - want, f"unexpected MEDIUM+ findings: {sorted(got - want)}"
    assert want <= got, f"missed: {sorted(want - got)}"
    for finding in findings:
        technique = finding.techniques[0]
        if technique in _SEVERITY and finding.severity.rank >= Severity.MEDIUM.rank:
            assert finding.severity is _SEVERITY[technique], finding
        assert finding.source is not None and finding.source.file == path.relative_to(HANDLERS).as_posix()


def test_recall_over_all_not_ok_fixtures() -> None:
    want = got = 0
    for path in FIXTURES:
        marks = expected(path)
        want += len(marks)
        got += len(marks & reported(run(path)))
    assert want >= 50
    assert got / want >= 0.9


def test_evidence_shows_sink_line_and_taint_path() -> None:
    findings = run(HANDLERS / "python" / "shell_not_ok.py")
    restart = next(f for f in findings if f.location.item == "restart")
    assert restart.location.surface is Surface.TOOL and restart.location.field == "handler"
    assert restart.evidence.startswith("return os.system(cmdline)")
    assert "param unit -> _exec(cmdline) -> os.system()" in restart.evidence
    assert restart.severity is Severity.HIGH and restart.source is not None and restart.source.line == 35


def test_secret_values_are_masked() -> None:
    findings = run(HANDLERS / "python" / "secrets_not_ok.py")
    evidence = " ".join(f.evidence + (f.detail or "") for f in findings)
    assert "R4nd0mT0k3n" not in evidence and "MPLW5XR2" not in evidence and "qL7vX1mZ" not in evidence
    assert "chars redacted" in evidence
    assert {f.severity for f in findings if f.techniques == ("hardcoded-secret",)} == {Severity.HIGH, Severity.MEDIUM}


def test_weak_forms_are_low() -> None:
    findings = run(HANDLERS / "python" / "weak.py")
    assert findings, "argument injection and SQL passed through are reported"
    assert all(f.severity is Severity.LOW for f in findings), [(f.title, f.severity) for f in findings]
    assert {f.techniques[0] for f in findings} >= {"shell-injection-sink", "sql-injection-sink"}


def test_skips_without_source_files() -> None:
    context = AnalyzerContext(options=ScanOptions(), target_kind="snapshot")
    with pytest.raises(SkipAnalyzer, match="not a source scan"):
        HandlerSinksAnalyzer.load(context)


@pytest.mark.parametrize("source", [
    "", "def broken(:\n", "x" * 200_000, "\x00\x01garbage", "function (((", "@mcp.tool\ndef t(a):\n    return a\n",
])
def test_bad_input_does_not_crash(source: str) -> None:
    for relpath, language in (("bad.py", "python"), ("bad.ts", "typescript"), ("bad.js", "javascript")):
        item = ItemSource(surface=Surface.TOOL, item="t", ref=SourceRef(file=relpath, line=1), language=language,
                          handler="t", handler_ref=SourceRef(file=relpath, line=2))
        missing = ItemSource(surface=Surface.TOOL, item="u", ref=SourceRef(file="gone.py", line=1), language="python")
        inventory = Inventory(tools=(Tool(name="t", description="Read-only."),), sources=(item, missing))
        context = AnalyzerContext(options=ScanOptions(), target_kind="source",
                                  files=SourceFiles(root=HANDLERS, texts={relpath: source}))
        assert HandlerSinksAnalyzer.load(context).analyze(inventory) == []


def test_each_file_is_parsed_once_and_fast() -> None:
    body = (HANDLERS / "python" / "path_not_ok.py").read_text(encoding="utf-8")
    tools, sources = _python_items("big.py", body)
    inventory = Inventory(tools=tuple(tools) * 1, sources=tuple(sources) * 50)
    context = AnalyzerContext(options=ScanOptions(), target_kind="source",
                              files=SourceFiles(root=HANDLERS, texts={"big.py": body}))
    analyzer = HandlerSinksAnalyzer.load(context)
    start = time.perf_counter()
    analyzer.analyze(inventory)
    assert time.perf_counter() - start < 2.0
    assert list(analyzer._modules) == ["big.py"]
