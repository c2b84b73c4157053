"""SupplyChainAnalyzer over annotated manifest trees, name tables, and audits with recorded and fake tools.

``supply_chain/not_ok`` holds manifests whose every ``NOT OK`` line is one row of ``EXPECTED``;
``supply_chain/ok`` holds realistic manifests (a locked Python server, an npm server with bounded ranges)
that must give no finding at all. Audits run real programs: fake ``pip-audit`` / ``npm`` executables on PATH
that print recorded outputs (see ``supply_chain/README.md``), sleep past the deadline or print garbage.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import anyio
import pytest

from mcts.analyzers._audit import AuditError, AuditIncomplete, parse_npm_audit, parse_pip_audit, scrubbed_env
from mcts.analyzers._manifests import Ecosystem
from mcts.analyzers._typosquat import find_squat
from mcts.analyzers.base import AnalyzerContext, SkipAnalyzer
from mcts.analyzers.supply_chain import SupplyChainAnalyzer
from mcts.collect.result import SourceFiles
from mcts.engine import analyze
from mcts.model.finding import Finding, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.model.report import AnalyzerStatus
from mcts.options import ScanOptions

DATA = Path(__file__).parent / "supply_chain"
RECORDED, DOCUMENTED = DATA / "recorded", DATA / "documented"
CRITICAL, HIGH, MEDIUM, LOW, INFO = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO
UNPINNED, SCRIPT, URL, SQUAT, VULN = ("unpinned-dependency", "install-script", "url-dependency",
                                      "typosquat-dependency", "known-vulnerable-dependency")

# (file, line, technique, severity, evidence excerpt): every finding of not_ok/, and no other
EXPECTED = [
    ("pyproject.toml", 6, UNPINNED, MEDIUM, "mcp >=1.2.0"),  # runtime, lower bound only, no lockfile
    ("pyproject.toml", 8, SQUAT, MEDIUM, "pydnatic"),  # two letters swapped in pydantic
    ("pyproject.toml", 9, URL, MEDIUM, "git+https://github.com/example/geo-utils"),  # git, no commit
    ("pyproject.toml", 10, URL, LOW, "tiles-1.0.tar.gz#sha256="),  # archive held by a hash
    ("pyproject.toml", 14, UNPINNED, LOW, "pytest"),  # dev extra
    ("requirements-base.txt", 1, UNPINNED, MEDIUM, "requests"),  # reached through -r
    ("requirements.txt", 3, SQUAT, HIGH, "fast-mcp"),  # separator variant of fastmcp
    ("requirements.txt", 4, URL, HIGH, "http://pkgs.example.com"),  # plain http
    ("setup.py", 12, SCRIPT, HIGH, "urlretrieve"),  # download at install time
    ("setup.py", 16, UNPINNED, MEDIUM, "mcp >=1.2.0"),  # same requirement, another manifest
    ("setup.py", 17, SCRIPT, MEDIUM, "cmdclass['install']: PostInstall"),
    ("web/package.json", 7, SCRIPT, MEDIUM, "preinstall: node scripts/check-node.js"),
    ("web/package.json", 8, SCRIPT, HIGH, "postinstall: node -e"),  # fetches and runs remote code
    ("web/package.json", 9, SCRIPT, LOW, "prepare: npm run build"),
    ("web/package.json", 13, SQUAT, HIGH, "@modelcontextprotocol-sdk/sdk"),  # look-alike official scope
    ("web/package.json", 14, UNPINNED, MEDIUM, "zod *"),
    ("web/package.json", 15, SQUAT, MEDIUM, "expresss"),
    ("web/package.json", 16, URL, MEDIUM, "github:someone/mcp-helpers"),
    ("web/package.json", 17, URL, LOW, "pinned-helpers.git#1f0e3dad"),  # full commit id
    ("web/package.json", 21, UNPINNED, LOW, "typescript latest"),  # dev dependency
]


FIXTURE_SUFFIX = ".fixture"  # lockfiles are stored as <name>.fixture: the repository commits no lockfile


def tree(root: Path) -> SourceFiles:
    """The files of ``root`` as a source scan hands them to analyzers (``x.lock.fixture`` read as ``x.lock``)."""
    return SourceFiles(root, {p.relative_to(root).as_posix().removesuffix(FIXTURE_SUFFIX): p.read_text("utf-8")
                              for p in root.rglob("*") if p.is_file()})


def run(files: SourceFiles, **options: object) -> list[Finding]:
    context = AnalyzerContext(options=ScanOptions(**options), target_kind="source", files=files)
    return SupplyChainAnalyzer.load(context).analyze(Inventory())


def key(finding: Finding) -> tuple[str, int]:
    assert finding.source is not None
    return finding.source.file, finding.source.line


def test_not_ok_tree_gives_exactly_the_expected_findings() -> None:
    findings = sorted(run(tree(DATA / "not_ok")), key=key)
    got = [(*key(f), f.techniques[0], f.severity) for f in findings]
    assert got == [row[:4] for row in EXPECTED]
    for finding, row in zip(findings, EXPECTED, strict=True):
        assert row[4] in finding.evidence
        assert finding.evidence.startswith(row[0] + ": ")
        assert finding.location.surface is Surface.SERVER and finding.location.item is None
        assert finding.location.field == "dependencies"
        assert finding.owasp and "MCP04" in finding.owasp and finding.remediation


def test_ok_trees_give_no_finding() -> None:
    assert run(tree(DATA / "ok")) == []


def test_skips_when_not_a_source_scan() -> None:
    with pytest.raises(SkipAnalyzer, match="not a source scan"):
        SupplyChainAnalyzer.load(AnalyzerContext(options=ScanOptions(), target_kind="snapshot"))


def test_lockfile_in_a_parent_folder_covers_manifests_below_it() -> None:
    files = SourceFiles(Path("/nonexistent"), {
        "package-lock.json": "{}", "packages/api/package.json": '{"dependencies": {"express": "*"}}',
        "services/py/pyproject.toml": '[project]\ndependencies = ["mcp"]\n',
    })
    found = run(files)
    assert [(f.techniques[0], f.severity, key(f)) for f in found] == [
        (UNPINNED, MEDIUM, ("services/py/pyproject.toml", 2))]


@pytest.mark.parametrize(("name", "ecosystem", "target"), [
    ("fastmcp", Ecosystem.PYPI, None),
    ("fast_mcp", Ecosystem.PYPI, "fastmcp"),
    ("reqeusts", Ecosystem.PYPI, "requests"),
    ("requests", Ecosystem.PYPI, None),
    ("Requests", Ecosystem.PYPI, None),
    ("requests-oauthlib", Ecosystem.PYPI, None),
    ("pydantic-core", Ecosystem.PYPI, None),
    ("pyaml", Ecosystem.PYPI, None),
    ("boto", Ecosystem.PYPI, None),
    ("mcp", Ecosystem.PYPI, None),
    ("mcpx", Ecosystem.PYPI, None),  # one edit from a three-letter name is not a signal
    ("mcp-server-fetchh", Ecosystem.PYPI, "mcp-server-fetch"),
    ("mcp-server-kubernetes", Ecosystem.PYPI, None),
    ("@modelcontextprotocol/sdk", Ecosystem.NPM, None),
    ("@modelcontextprotocol/server-gdrive", Ecosystem.NPM, None),  # the official scope is the org's own
    ("@modelcontextprotoco1/sdk", Ecosystem.NPM, "@modelcontextprotocol/sdk"),
    ("@model-context-protocol/sdk", Ecosystem.NPM, "@modelcontextprotocol/sdk"),
    ("modelcontextprotocol-sdk", Ecosystem.NPM, "@modelcontextprotocol/sdk"),
    ("@anthropic-ai/claude-code", Ecosystem.NPM, None),
    ("expresss", Ecosystem.NPM, "express"),
    ("exprses", Ecosystem.NPM, "express"),
    ("request", Ecosystem.NPM, None),
    ("tslint", Ecosystem.NPM, None),
    ("jsdoc", Ecosystem.NPM, None),
    ("zod", Ecosystem.NPM, None),
    ("zodd", Ecosystem.NPM, None),
    ("typescript-eslint", Ecosystem.NPM, None),
    ("", Ecosystem.NPM, None),
])
def test_typosquat_table(name: str, ecosystem: Ecosystem, target: str | None) -> None:
    squat = find_squat(name, ecosystem)
    assert (squat.target if squat else None) == target


@pytest.mark.parametrize("texts", [
    {"package.json": "[1, 2]"},
    {"package.json": "{not json"},
    {"package.json": '{"dependencies": [], "scripts": null, "devDependencies": {"a": 3}}'},
    {"pyproject.toml": "[project\n"},
    {"pyproject.toml": '[project]\ndependencies = "mcp"\noptional-dependencies = []\n'},
    {"setup.py": "def (:\n"},
    {"setup.cfg": "[options\ninstall_requires = x"},
    {"requirements.txt": "\n\n--index-url https://pypi.org/simple\n\\\n-r\n###\n" + "a" * 200_000},
    {"uv.lock": "[[package]\n"},
    {"Pipfile.lock": "[]"},
    {"package-lock.json": '{"packages": {"": {}, "node_modules/x": "odd"}}'},
])
def test_bad_manifests_never_crash(texts: dict[str, str]) -> None:
    for finding in run(SourceFiles(Path("/nonexistent"), texts)):
        assert finding.severity in (INFO, LOW, MEDIUM)


def test_unreadable_manifest_is_reported() -> None:
    (found,) = run(SourceFiles(Path("/nonexistent"), {"pyproject.toml": "[project\n"}))
    assert found.severity is INFO and found.title == "Manifest could not be read" and "not valid TOML" in found.evidence


def test_include_outside_the_tree_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("evil-package\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "base.txt").write_text("flask\n")
    files = SourceFiles(root, {"requirements.txt": "-r ../secret.txt\n-r base.txt\n"})
    found = sorted(run(files), key=key)
    assert [(f.severity, f.evidence) for f in found] == [
        (MEDIUM, "base.txt: flask"),  # read from disk: inside the root
        (INFO, "requirements.txt: line 1: -r ../secret.txt points outside the scanned tree"),
    ]


def test_locked_npm_packages_with_install_scripts_and_plain_http() -> None:
    lock = ('{"lockfileVersion": 3, "packages": {"": {"name": "a"},\n "node_modules/esbuild": {"version": "0.21.5",'
            ' "hasInstallScript": true},\n "node_modules/old": {"version": "1.0.0", "resolved": '
            '"http://registry.example.com/old/-/old-1.0.0.tgz"}}}')
    found = sorted(run(SourceFiles(Path("/x"), {"package-lock.json": lock})), key=lambda f: f.severity.rank)
    assert [(f.techniques[0], f.severity, key(f)) for f in found] == [
        (SCRIPT, LOW, ("package-lock.json", 1)), (URL, HIGH, ("package-lock.json", 3))]
    assert "esbuild" in found[0].evidence


# -- audit output parsing (recorded and documented outputs) -----------------------------------------------------


def test_parse_recorded_pip_audit_where_the_index_refused_every_lookup() -> None:
    result = parse_pip_audit((RECORDED / "pip_audit_index_refused.json").read_text())
    assert result.vulnerable == () and result.audited == 0
    assert [name for name, _ in result.skipped] == ["requests", "jinja2", "mcp", "click"]
    assert "not found on PyPI" in result.skipped[0][1]


def test_parse_documented_pip_audit_with_vulnerabilities() -> None:
    result = parse_pip_audit((DOCUMENTED / "pip_audit_vulnerable.json").read_text())
    assert [(p.name, p.version, p.advisories[0].id, p.advisories[0].fix_versions) for p in result.vulnerable] == [
        ("requests", "2.19.0", "PYSEC-2018-28", ("2.20.0",)), ("jinja2", "2.10", "GHSA-462w-v97r-4m45", ("2.10.1",))]
    assert result.skipped == () and result.audited == 3
    assert "CVE-2019-10906" in result.vulnerable[1].advisories[0].aliases


@pytest.mark.parametrize(("stdout", "message"), [
    ("", "printed nothing"),
    ("No known vulnerabilities found", "not JSON"),
    ("[]", "not a JSON object"),
    ('{"dependencies": {}}', "no 'dependencies' list"),
    ('[{"name": "x", "version": "1", "vulns": []}]', "not a JSON object"),  # the format of pip-audit < 2
    ('{"dependencies": [{"version": "1"}]}', "without a name"),
])
def test_parse_pip_audit_rejects_bad_output(stdout: str, message: str) -> None:
    with pytest.raises(AuditError, match=message):
        parse_pip_audit(stdout)


def test_parse_documented_npm_audit() -> None:
    result = parse_npm_audit((DOCUMENTED / "npm_audit_vulnerable.json").read_text())
    assert [(p.name, p.severity, p.fix) for p in result.vulnerable] == [
        ("lodash", "critical", "available"), ("minimist", "critical", "minimist@1.2.8"),
        ("mkdirp", "moderate", "available"),
    ]
    assert [a.id for a in result.vulnerable[0].advisories] == ["GHSA-p6mc-m468-83gw", "GHSA-35jh-r3h4-6jhm"]
    assert result.vulnerable[2].advisories[0].id == "via minimist"
    assert parse_npm_audit((DOCUMENTED / "npm_audit_clean.json").read_text()).vulnerable == ()


@pytest.mark.parametrize(("fixture", "message"), [
    ("npm_audit_refused_405.json", "405 Method Not Allowed"),
    ("npm_audit_enolock.json", "ENOLOCK"),
])
def test_parse_recorded_npm_audit_failures(fixture: str, message: str) -> None:
    with pytest.raises(AuditError, match=message):
        parse_npm_audit((RECORDED / fixture).read_text())


def test_scrubbed_env_drops_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPM_TOKEN", "npm_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    env = scrubbed_env()
    assert "NPM_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["HTTPS_PROXY"] == "http://proxy.internal:3128" and "PATH" in env


# -- audits end to end, with fake tools on PATH ------------------------------------------------------------------


def fake_tool(bin_dir: Path, name: str, script: str) -> None:
    """An executable ``name`` in ``bin_dir`` running ``script`` with this Python interpreter."""
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!{sys.executable}\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def printing(fixture: Path, code: int) -> str:
    return f"import sys\nsys.stdout.write(open({str(fixture)!r}).read())\nsys.exit({code})"


PY_TREE = {"requirements.txt": "requests==2.19.0\njinja2==2.10\nclick==8.1.7\n"}
NPM_TREE = {"package.json": (RECORDED / "package.json").read_text(),
            "package-lock.json": (RECORDED / f"package-lock.json{FIXTURE_SUFFIX}").read_text()}


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only the fake tools (and nothing else that could be found)."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", str(directory))
    return directory


def audit(texts: dict[str, str], **options: object) -> tuple[list[Finding], AuditIncomplete | None]:
    try:
        return run(SourceFiles(Path("/nonexistent"), texts), **options), None
    except AuditIncomplete as exc:
        return list(exc.findings), exc


def test_pip_audit_vulnerabilities_found(bin_dir: Path) -> None:
    fake_tool(bin_dir, "pip-audit", printing(DOCUMENTED / "pip_audit_vulnerable.json", 1))
    found, incomplete = audit(PY_TREE, pip_audit=True)
    assert incomplete is None
    vulns = sorted((f for f in found if f.techniques == (VULN,)), key=key)
    assert [(key(f), f.severity) for f in vulns] == [(("requirements.txt", 1), MEDIUM),
                                                     (("requirements.txt", 2), MEDIUM)]
    assert "PYSEC-2018-28 (CVE-2018-18074" in vulns[0].evidence and "fixed in 2.20.0" in (vulns[0].detail or "")


def test_pip_audit_that_skipped_everything_is_partial_not_clean(bin_dir: Path) -> None:
    fake_tool(bin_dir, "pip-audit", printing(RECORDED / "pip_audit_index_refused.json", 0))
    found, incomplete = audit(PY_TREE, pip_audit=True)
    assert incomplete is not None and "pip-audit partial" in str(incomplete)
    (note,) = found
    assert note.severity is INFO and "jinja2 (Dependency not found on PyPI" in note.evidence


def test_pip_audit_partial_lists_skipped_and_unpinned(bin_dir: Path) -> None:
    fake_tool(bin_dir, "pip-audit", printing(DOCUMENTED / "pip_audit_partial.json", 1))
    texts = {"requirements.txt": "jinja2==2.10\ninternal-tools==0.3.1\nflask>=2\n"}
    found, incomplete = audit(texts, pip_audit=True)
    assert incomplete is not None
    by_technique = {f.techniques[0]: f for f in found}
    assert by_technique[VULN].severity in (MEDIUM, INFO)
    partial = next(f for f in found if f.title.startswith("pip-audit partial"))
    assert "flask (version not pinned: >=2)" in partial.evidence and "internal-tools" in partial.evidence
    assert any(f.title == "Known vulnerability in jinja2 2.10" for f in found)


def test_pip_audit_missing_tool_is_unavailable(bin_dir: Path) -> None:
    found, incomplete = audit(PY_TREE, pip_audit=True)
    assert incomplete is not None and "pip-audit is not installed" in str(incomplete)
    assert [f.severity for f in found] == [INFO] and found[0].title.startswith("pip-audit unavailable")


def test_pip_audit_offline_traceback_is_unavailable(bin_dir: Path) -> None:
    stderr = RECORDED / "pip_audit_osv_offline.stderr"
    fake_tool(bin_dir, "pip-audit", f"import sys\nsys.stderr.write(open({str(stderr)!r}).read())\nsys.exit(1)")
    _, incomplete = audit(PY_TREE, pip_audit=True)
    assert incomplete is not None and "NameResolutionError" in str(incomplete)


def test_pip_audit_timeout_kills_the_tool(bin_dir: Path) -> None:
    fake_tool(bin_dir, "pip-audit", "import time\ntime.sleep(30)")
    _, incomplete = audit(PY_TREE, pip_audit=True, analyzer_timeout=2.0)
    assert incomplete is not None and "did not finish within" in str(incomplete)


def test_pip_audit_bad_json_is_unavailable(bin_dir: Path) -> None:
    fake_tool(bin_dir, "pip-audit", "print('{\"dependencies\": [')")
    _, incomplete = audit(PY_TREE, pip_audit=True)
    assert incomplete is not None and "not JSON" in str(incomplete)


def test_npm_audit_vulnerabilities_found(bin_dir: Path) -> None:
    fake_tool(bin_dir, "npm", printing(DOCUMENTED / "npm_audit_vulnerable.json", 1))
    found, incomplete = audit(NPM_TREE, npm_audit=True)
    assert incomplete is None
    vulns = {f.evidence.split(":")[1].strip().split()[0]: f for f in found if f.techniques == (VULN,)}
    assert vulns["lodash"].severity is CRITICAL and key(vulns["lodash"]) == ("package.json", 1)
    assert vulns["mkdirp"].severity is MEDIUM and key(vulns["mkdirp"]) == ("package-lock.json", 1)


def test_npm_audit_registry_refusal_is_unavailable(bin_dir: Path) -> None:
    fake_tool(bin_dir, "npm", printing(RECORDED / "npm_audit_refused_405.json", 1))
    found, incomplete = audit(NPM_TREE, npm_audit=True)
    assert incomplete is not None and "405" in str(incomplete)
    assert [f.title for f in found] == ["npm audit unavailable: known vulnerabilities were not checked"]


def test_npm_audit_without_lockfile_is_unavailable(bin_dir: Path) -> None:
    fake_tool(bin_dir, "npm", printing(DOCUMENTED / "npm_audit_clean.json", 0))
    _, incomplete = audit({"package.json": NPM_TREE["package.json"], "yarn.lock": ""}, npm_audit=True)
    assert incomplete is not None and "no package-lock.json for package.json" in str(incomplete)


def test_npm_audit_clean_and_complete(bin_dir: Path) -> None:
    fake_tool(bin_dir, "npm", printing(DOCUMENTED / "npm_audit_clean.json", 0))
    found, incomplete = audit(NPM_TREE, npm_audit=True)
    assert incomplete is None and found == []


def test_engine_marks_an_incomplete_audit_failed(bin_dir: Path) -> None:
    options = ScanOptions(pip_audit=True)
    files = SourceFiles(Path("/nonexistent"), PY_TREE)
    _, runs = anyio.run(lambda: analyze(Inventory(), options, "source", classes=[SupplyChainAnalyzer], files=files))
    (run_,) = runs
    assert run_.status is AnalyzerStatus.FAILED and "pip-audit unavailable" in (run_.reason or "")


def test_real_pip_audit_when_installed() -> None:
    """With a real pip-audit on PATH the analyzer either completes or says why not; it never calls it clean."""
    if not any(os.access(Path(p) / "pip-audit", os.X_OK) for p in os.environ.get("PATH", "").split(os.pathsep)):
        pytest.skip("pip-audit is not on PATH")
    found, incomplete = audit({"requirements.txt": "jinja2==2.10\n"}, pip_audit=True, analyzer_timeout=60.0)
    assert incomplete is not None or any(f.techniques == (VULN,) for f in found)
