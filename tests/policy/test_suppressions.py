"""Suppressions: the ignore file's validation, matching by id and by technique + location, expiry, warnings."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from mcts.engine import scan_async
from mcts.errors import ConfigError
from mcts.model.finding import Severity, Surface
from mcts.model.report import ScanReport
from mcts.options import ScanOptions
from mcts.policy import finalize
from mcts.policy.gates import ExitCode, exit_code, failing_findings
from mcts.policy.suppressions import IgnoreFile, apply_suppressions, load_ignore_file, parse_entries
from tests.policy.conftest import write

TODAY = datetime.date(2025, 6, 1)
HIDDEN_TEXT_ONLY = ScanOptions(analyzers=("hidden-text",))


async def scan_in(cwd: Path, snapshot: Path, options: ScanOptions | None = None) -> ScanReport:
    # only hidden-text: the fixture's findings stay what the tests expect whatever other analyzers learn
    return await scan_async(str(snapshot), options or HIDDEN_TEXT_ONLY, cwd=cwd)


def by_item(report: ScanReport, item: str, field: str = "description") -> list[str]:
    return [f.id for f in report.findings if f.location.item == item and f.location.field == field]


@pytest.mark.anyio
async def test_no_ignore_file_suppresses_nothing(tmp_path: Path, snapshot: Path) -> None:
    report = await scan_in(tmp_path, snapshot)
    assert len(report.findings) == 4
    assert all(f.suppressed is None for f in report.findings)
    assert report.summary.total == 4
    assert report.summary.suppressed == 0
    assert report.score is not None  # every returned report is finalized


@pytest.mark.anyio
async def test_suppress_by_id(tmp_path: Path, snapshot: Path) -> None:
    plain = await scan_in(tmp_path, snapshot)
    (critical,) = [f for f in plain.findings if f.severity is Severity.CRITICAL]
    write(tmp_path, "ignore.yaml", f"- id: {critical.id}\n  reason: fixture tool, reviewed\n  expires: 2999-01-01\n")
    report = await scan_in(tmp_path, snapshot)
    marked = {f.id: f.suppressed for f in report.findings}
    assert len(marked) == 4  # suppressed findings stay in the report
    mark = marked[critical.id]
    assert mark is not None
    assert mark.reason == "fixture tool, reviewed"
    assert mark.expires == datetime.date(2999, 1, 1)
    assert mark.source == ".mcts/ignore.yaml:1"
    assert sum(m is not None for m in marked.values()) == 1
    # the summary, --fail-on and the scores count only what is left
    assert (report.summary.total, report.summary.critical, report.summary.suppressed) == (3, 0, 1)
    assert failing_findings(report, Severity.HIGH) == 0
    assert exit_code([report], Severity.HIGH) is ExitCode.PASS
    assert exit_code([plain], Severity.HIGH) is ExitCode.FINDINGS
    assert report.score is not None and plain.score is not None
    assert report.score.overall > plain.score.overall
    assert report.coverage.warnings == ()


@pytest.mark.anyio
async def test_suppress_by_technique_and_location_globs(tmp_path: Path, snapshot: Path) -> None:
    write(tmp_path, "ignore.yaml", """
suppressions:
  - technique: hidden-zero-width
    surface: tool
    item: "read_*"
    field: "inputSchema.*"
    reason: path hint copied from upstream docs
""")
    report = await scan_in(tmp_path, snapshot)
    suppressed = [f for f in report.findings if f.suppressed]
    assert [(f.location.item, f.location.field) for f in suppressed] == [
        ("read_file", "inputSchema.properties.path.description")
    ]
    # read_file's own description and legacy_sync are not covered by the glob
    assert report.summary.suppressed == 1
    assert report.summary.medium == 2


@pytest.mark.anyio
async def test_star_item_covers_every_item_and_other_techniques_stay(tmp_path: Path, snapshot: Path) -> None:
    write(tmp_path, "ignore.yaml", "- {technique: hidden-zero-width, item: '*', reason: accepted for now}\n")
    report = await scan_in(tmp_path, snapshot)
    assert report.summary.suppressed == 3
    assert report.summary.critical == 1  # the tag-character finding is another technique
    assert all(f.suppressed for f in report.findings if "hidden-zero-width" in f.techniques)


@pytest.mark.anyio
async def test_wrong_surface_or_technique_does_not_match(tmp_path: Path, snapshot: Path) -> None:
    write(tmp_path, "ignore.yaml", """
- {technique: hidden-zero-width, surface: prompt, item: '*', reason: only prompts}
- {technique: hidden-bidi-control, item: read_file, reason: another technique}
""")
    report = await scan_in(tmp_path, snapshot)
    assert report.summary.suppressed == 0
    assert len(report.coverage.warnings) == 2
    assert all("matched no finding" in w for w in report.coverage.warnings)
    assert "entry 1 of .mcts/ignore.yaml" in report.coverage.warnings[0]


@pytest.mark.anyio
async def test_expired_entry_comes_back_with_a_warning(tmp_path: Path, snapshot: Path) -> None:
    write(tmp_path, "ignore.yaml", """
- technique: hidden-zero-width
  item: legacy_sync
  field: description
  reason: waiting for the vendor fix
  expires: 2001-02-03
""")
    report = await scan_in(tmp_path, snapshot)
    assert report.summary.suppressed == 0
    assert by_item(report, "legacy_sync")
    (warning,) = report.coverage.warnings
    assert "entry 1 of .mcts/ignore.yaml" in warning
    assert "expired on 2001-02-03" in warning
    assert "1 finding(s) count again" in warning


@pytest.mark.anyio
async def test_entry_applies_through_its_expiry_day(tmp_path: Path, snapshot: Path) -> None:
    plain = await scan_in(tmp_path, snapshot)
    (fid,) = by_item(plain, "legacy_sync")
    write(tmp_path, "ignore.yaml", f"- {{id: {fid}, reason: r, expires: 2025-06-01}}\n")
    options = HIDDEN_TEXT_ONLY
    on_the_day = finalize(plain, options, tmp_path, today=TODAY)
    after = finalize(plain, options, tmp_path, today=TODAY + datetime.timedelta(days=1))
    assert on_the_day.summary.suppressed == 1
    assert after.summary.suppressed == 0
    assert any("expired" in w for w in after.coverage.warnings)


@pytest.mark.anyio
async def test_finalize_twice_is_the_same(tmp_path: Path, snapshot: Path) -> None:
    write(tmp_path, "ignore.yaml", "- {technique: hidden-zero-width, item: nothing_here, reason: r}\n")
    report = await scan_in(tmp_path, snapshot)
    again = finalize(report, HIDDEN_TEXT_ONLY, tmp_path)
    assert again.findings == report.findings
    assert again.coverage.warnings == report.coverage.warnings  # the warning is not repeated
    assert again.summary == report.summary
    # removing the file lifts the marks on the next finalize
    (tmp_path / ".mcts" / "ignore.yaml").unlink()
    assert finalize(report, HIDDEN_TEXT_ONLY, tmp_path).summary.suppressed == 0


@pytest.mark.anyio
async def test_explicit_ignore_path_and_first_entry_wins(tmp_path: Path, snapshot: Path) -> None:
    other = tmp_path / "accepted.yaml"
    other.write_text("- {technique: hidden-zero-width, item: '*', reason: first}\n"
                     "- {technique: hidden-zero-width, item: legacy_sync, reason: second}\n", encoding="utf-8")
    options = HIDDEN_TEXT_ONLY.model_copy(update={"ignore_path": Path("accepted.yaml")})
    report = await scan_in(tmp_path, snapshot, options)
    reasons = {f.suppressed.reason for f in report.findings if f.suppressed}
    assert reasons == {"first"}
    assert report.coverage.warnings == ("ignore entry 2 of accepted.yaml (technique hidden-zero-width at "
                                        "legacy_sync) matched no finding",)


def test_brackets_in_field_paths_are_literal() -> None:
    (entry,) = parse_entries([{"technique": "t", "item": "p", "field": "arguments[0].*", "reason": "r"}], "f")
    from mcts.model.finding import Finding, Location

    def finding(field: str) -> Finding:
        return Finding(id="MCTS-x", analyzer="a", techniques=("t",), severity=Severity.LOW, confidence="high",
                       location=Location(surface=Surface.PROMPT, item="p", field=field), title="t", evidence="e",
                       remediation="r")

    assert entry.matches(finding("arguments[0].description"))
    assert not entry.matches(finding("arguments0.description"))
    assert not entry.matches(finding("arguments[1].description"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {id: MCTS-1}\n", "entry 1: a reason is mandatory"),
        ("- {id: MCTS-1, reason: '  '}\n", "a reason is mandatory"),
        ("- {id: MCTS-1, reason: ok}\n- {id: MCTS-2, reason: ok, expires: 31/12/2025}\n",
         "entry 2: expires '31/12/2025' is not an ISO date"),
        ("- {id: MCTS-1, reason: ok, expires: 2025-02-30}\n", "is not an ISO date"),
        ("- {id: MCTS-1, reason: ok, until: 2025-01-01}\n", "unknown key(s) ['until']"),
        ("- {reason: no criteria}\n", "give the finding 'id', or a 'technique'"),
        ("- {technique: hidden-zero-width, reason: 'everywhere?'}\n", "needs an 'item'"),
        ("- {technique: t, item: x, surface: toolz, reason: r}\n", "unknown surface 'toolz'"),
        ("- {id: [1, 2], reason: r}\n", "id must be a string"),
        ("- just a string\n", "entry 1: must be a mapping"),
        ("ignores: []\n", "unknown top-level key(s) ['ignores']"),
        ("suppressions: {id: x}\n", "must hold a list of entries"),
        ("- {id: x, reason: [unclosed\n", "cannot parse ignore file"),
    ],
)
def test_bad_ignore_file_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "ignore.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_ignore_file(None, tmp_path)
    assert message in str(info.value)
    assert ".mcts/ignore.yaml" in str(info.value)


def test_missing_explicit_ignore_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ignore file nope\.yaml does not exist"):
        load_ignore_file(Path("nope.yaml"), tmp_path)


def test_empty_ignore_file_and_no_file(tmp_path: Path) -> None:
    assert load_ignore_file(None, tmp_path) is None
    write(tmp_path, "ignore.yaml", "# nothing accepted yet\n")
    loaded = load_ignore_file(None, tmp_path)
    assert loaded is not None and loaded.entries == ()
    assert apply_suppressions((), loaded, TODAY) == ((), ())


@pytest.mark.anyio
async def test_bad_ignore_file_fails_before_scanning(tmp_path: Path, snapshot: Path) -> None:
    write(tmp_path, "ignore.yaml", "- {id: x}\n")
    with pytest.raises(ConfigError, match="a reason is mandatory"):
        await scan_in(tmp_path, snapshot)


@pytest.mark.anyio
async def test_lowest_numbered_entry_wins_between_id_and_location(tmp_path: Path, snapshot: Path) -> None:
    plain = await scan_in(tmp_path, snapshot)
    (fid,) = by_item(plain, "legacy_sync")
    by_location = {"technique": "hidden-zero-width", "item": "legacy_*", "reason": "by location"}
    by_id = {"id": fid, "reason": "by id"}
    for entries, winner in (([by_location, by_id], "by location"), ([by_id, by_location], "by id")):
        ignore = IgnoreFile(path="f", entries=parse_entries(entries, "f"))
        findings, warnings = apply_suppressions(plain.findings, ignore, TODAY)
        (marked,) = [f for f in findings if f.suppressed]
        assert marked.id == fid and marked.suppressed is not None and marked.suppressed.reason == winner
        assert len(warnings) == 1 and "matched no finding" in warnings[0]
