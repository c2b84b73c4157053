"""Table tests of every YARA-X rule family: ``cases/<family>.yaml`` holds the texts each family must and must not flag.

A case file is ``{family: <yar stem>, techniques: [ids], match: [...], no_match: [...]}``. An entry is a string
(a tool description) or ``{text, surface, field, severity}``: ``surface`` is tool (default), prompt, resource,
resource_template, instructions or server; ``field`` a wire path on that item (``description`` by default;
``name``, ``inputSchema.properties.path.description``, ``arguments[0].description``, ``uriTemplate``, ...; a
path ending in ``#key`` puts the text in as a key of the object at that path, e.g. ``inputSchema.properties#key``
for a parameter name); ``severity`` the minimum expected (default medium).

NOT OK (``match``): at least one yara-rules finding at or above that severity, with one of the file's techniques,
located at the field that holds the text. OK (``no_match``): no yara-rules finding at medium or above at all.
Every case file found is run, whoever wrote it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcts.analyzers.base import AnalyzerContext
from mcts.analyzers.yara_rules import YaraRulesAnalyzer
from mcts.model.finding import Finding, Location, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.options import ScanOptions
from mcts.rules import RULES_DIR, load_rules
from mcts.taxonomy import load_taxonomy
from mcts.text.reveal import reveal

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.glob("*.yaml"))
MIN_CASES = 12
ITEM = {"tool": "sample_tool", "prompt": "sample_prompt", "resource": "file:///srv/docs/readme.md",
        "resource_template": "file:///srv/docs/{path}"}
_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@dataclass(frozen=True)
class Case:
    """One entry of a case file, normalised."""

    family: str
    techniques: tuple[str, ...]
    expect_match: bool
    text: str
    surface: str
    field: str
    severity: Severity


@cache
def load_case_file(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def _entry(family: str, techniques: tuple[str, ...], expect: bool, raw: object) -> Case:
    if isinstance(raw, str):
        raw = {"text": raw}
    assert isinstance(raw, dict) and isinstance(raw.get("text"), str), f"{family}: bad entry {raw!r}"
    surface = str(raw.get("surface", "tool"))
    default_field = {"instructions": "instructions", "server": "serverInfo.description"}.get(surface, "description")
    return Case(family, techniques, expect, raw["text"], surface, str(raw.get("field", default_field)),
                Severity(raw.get("severity", "medium")))


def all_cases() -> list[Any]:
    params = []
    for path in CASE_FILES:
        data = load_case_file(path)
        family = str(data.get("family", path.stem))
        techniques = tuple(data.get("techniques") or ())
        for key, expect in (("match", True), ("no_match", False)):
            for index, raw in enumerate(data.get(key) or ()):
                case = _entry(family, techniques, expect, raw)
                params.append(pytest.param(case, id=f"{family}-{key}-{index}"))
    return params


# --------------------------------------------------------------------------------------------------------------
# Building an inventory whose text really sits at the case's field


def _tokens(path: str) -> list[str | int]:
    return [int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(path)]


def _put(root: Any, tokens: list[str | int], value: Any) -> None:
    """Set ``value`` at ``tokens`` inside nested dicts and lists, creating what is missing."""
    node = root
    for index, (token, after) in enumerate(itertools.pairwise(tokens)):
        if isinstance(token, int):
            while len(node) <= token:
                node.append({"name": f"arg{len(node)}"})
        elif not isinstance(node.get(token), dict | list):
            node[token] = [] if isinstance(after, int) else {}
            if index and tokens[index - 1] == "properties" and isinstance(node[token], dict):
                node[token]["type"] = "string"
        node = node[token]
    last = tokens[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append("")
    node[last] = value


def build_inventory(case_text: str, surface: str, field: str) -> Inventory:
    """A one-item inventory with ``case_text`` at ``field`` of an item on ``surface``."""
    tokens: list[str | int] = _tokens(field.removesuffix("#key"))
    value: Any = case_text
    if field.endswith("#key"):
        tokens.append(case_text)
        value = {"type": "string", "description": "A value."}
    if surface == "instructions":
        return Inventory(instructions=case_text)
    if surface == "server":
        info: dict[str, Any] = {"serverInfo": {"name": "sample-server", "version": "1.0.0"}}
        _put(info, tokens, value)
        return Inventory.model_validate(info)
    items: dict[str, dict[str, Any]] = {
        "tool": {"name": ITEM["tool"], "description": "Does one thing.", "inputSchema": {"type": "object"}},
        "prompt": {"name": ITEM["prompt"], "description": "A prompt."},
        "resource": {"uri": ITEM["resource"], "name": "readme"},
        "resource_template": {"uriTemplate": ITEM["resource_template"], "name": "docs"},
    }
    item = items[surface]
    _put(item, tokens, value)
    wire = {"tool": "tools", "prompt": "prompts", "resource": "resources", "resource_template": "resourceTemplates"}
    return Inventory.model_validate({wire[surface]: [item]})


def locations_of(inventory: Inventory, text: str) -> set[tuple[Surface, str | None, str]]:
    return {(loc.surface, loc.item, loc.field) for loc, value in inventory.texts() if value == text}


def _key(location: Location) -> tuple[Surface, str | None, str]:
    return location.surface, location.item, location.field


@cache
def analyzer() -> YaraRulesAnalyzer:
    return YaraRulesAnalyzer(AnalyzerContext(options=ScanOptions(), target_kind="snapshot"), load_rules())


def run(inventory: Inventory) -> list[Finding]:
    return analyzer().analyze(inventory)


def _show(findings: list[Finding]) -> str:
    return "\n".join(f"  {f.severity.value} {f.techniques[0]} {f.location.display()} [{f.title}] {f.evidence}"
                     for f in findings) or "  (none)"


# --------------------------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("case", all_cases())
def test_case(case: Case) -> None:
    inventory = build_inventory(case.text, case.surface, case.field)
    where = locations_of(inventory, case.text)
    assert where, f"the test could not place the text at {case.surface}.{case.field}"
    findings = run(inventory)
    if case.expect_match:
        hits = [f for f in findings if f.severity.rank >= case.severity.rank and f.techniques[0] in case.techniques
                and _key(f.location) in where]
        assert hits, (f"NOT OK text was not flagged >= {case.severity.value} with {case.techniques} at "
                      f"{case.surface}.{case.field}:\n  {case.text!r}\nfindings:\n{_show(findings)}")
        assert all(f.evidence and f.title and f.location.span is not None for f in hits)
    else:
        loud = [f for f in findings if f.severity.rank >= Severity.MEDIUM.rank]
        assert not loud, f"OK text was flagged:\n  {case.text!r}\nfindings:\n{_show(loud)}"


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_file_is_well_formed(path: Path) -> None:
    data = load_case_file(path)
    assert set(data) <= {"family", "techniques", "match", "no_match"}, f"{path.name}: unknown keys"
    family = data.get("family")
    assert family == path.stem, f"{path.name}: family must be the file stem"
    assert (RULES_DIR / f"{family}.yar").is_file(), f"{path.name}: no rule file {family}.yar"
    techniques = data.get("techniques")
    assert techniques, f"{path.name}: list the techniques its matches may report"
    for technique in techniques:
        load_taxonomy().technique(technique)
    declared = {info.technique for key, info in load_rules().info.items() if key[0] == family}
    assert set(techniques) <= declared, f"{path.name}: techniques no rule of {family}.yar reports"
    assert len(data.get("match") or ()) >= MIN_CASES, f"{path.name}: fewer than {MIN_CASES} match cases"
    assert len(data.get("no_match") or ()) >= MIN_CASES, f"{path.name}: fewer than {MIN_CASES} no_match cases"


@pytest.mark.parametrize("stem", [p.stem for p in sorted(RULES_DIR.glob("*.yar"))])
def test_every_rule_file_has_cases_and_every_rule_fires(stem: str) -> None:
    path = CASES / f"{stem}.yaml"
    assert path.is_file(), f"rule family {stem}.yar has no case file {path}"
    data = load_case_file(path)
    rules = load_rules()
    scanner = rules.scanner()
    fired: set[str] = set()
    for raw in data.get("match") or ():
        case = _entry(stem, tuple(data["techniques"]), True, raw)
        for location, text in build_inventory(case.text, case.surface, case.field).texts():
            for view in reveal(text).views():
                matched = scanner.scan(view.text.encode("utf-8", "surrogatepass"), surface=location.surface.value,
                                       field=location.field, view=view.kind.value)
                fired.update(rule.identifier for rule in matched if rule.namespace == stem)
    silent = sorted(ident for ns, ident in rules.info if ns == stem and ident not in fired)
    assert not silent, f"rules of {stem}.yar that no match case exercises: {silent}"
