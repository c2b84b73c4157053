"""The history store's behaviour, run against a SQLite file and a real PostgreSQL (``db_url`` is parametrized)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import anyio
import pytest

from mcts.history import AmbiguousScanIdError, HistoryError, HistoryStore, inventory_hash
from mcts.history.changes import ChangeSettings, item_hashes
from mcts.model.inventory import Tool
from mcts.model.report import ScanReport, ScanStatus, TargetInfo

pytestmark = pytest.mark.anyio

HOSTILE = "nul\x00 surrogate\ud800 bidi\u202e tag\U000e0041 esc\x1b[2J emoji\U0001f600"


def variant(report: ScanReport, *, description: str | None = None, target: str | None = None) -> ScanReport:
    """``report`` with get_forecast's description (and the target) changed."""
    tools = tuple(t.model_copy(update={"description": description}) if t.name == "get_forecast" and description
                  else t for t in report.inventory.tools)
    update: dict[str, Any] = {"inventory": report.inventory.with_items(tools=tools)}
    if target is not None:
        update["target"] = TargetInfo(kind="http", value=target)
    return report.model_copy(update=update)


class FixedIds(HistoryStore):
    """A store whose scan ids are chosen by the test (to make prefixes collide on purpose)."""

    ids: ClassVar[list[str]] = []

    def _new_id(self) -> str:
        return self.ids.pop(0)


async def test_a_saved_report_comes_back_whole(db_url: str, scan_report: ScanReport) -> None:
    async with await HistoryStore.open(db_url) as store:
        scan_id = await store.save_scan(scan_report, identity="stdio:weather#weather", source="api")
        stored = await store.get_scan(scan_id)
    assert stored is not None
    assert stored.report == scan_report
    assert stored.inventory == scan_report.inventory
    assert len(scan_id) == 32 and int(scan_id, 16) >= 0
    assert (stored.id, stored.identity, stored.source) == (scan_id, "stdio:weather#weather", "api")
    assert stored.target == scan_report.target.value
    assert stored.target_kind == "snapshot"
    assert stored.status is scan_report.status
    assert stored.summary == scan_report.summary
    assert stored.max_severity == max((f.severity for f in scan_report.findings if f.suppressed is None),
                                      key=lambda s: s.rank)
    assert scan_report.score is not None and stored.score == scan_report.score.overall
    assert scan_report.score_v2 is not None and stored.security_score == scan_report.score_v2.security_score
    assert stored.risk_level == scan_report.score_v2.risk_level
    assert stored.inventory_hash == inventory_hash(scan_report.inventory)
    assert stored.created_at.tzinfo is not None
    assert abs(datetime.now(UTC) - stored.created_at) < timedelta(minutes=5)


async def test_hostile_strings_survive_exactly(db_url: str, scan_report: ScanReport) -> None:
    tool = Tool(name=HOSTILE, description=HOSTILE, input_schema={"type": "object", "description": HOSTILE})
    report = scan_report.model_copy(update={
        "inventory": scan_report.inventory.with_items(tools=(*scan_report.inventory.tools, tool),
                                                      instructions=HOSTILE)})
    async with await HistoryStore.open(db_url) as store:
        scan_id = await store.save_scan(report, identity="http://x/mcp#" + HOSTILE)
        stored = await store.get_scan(scan_id)
        assert stored is not None
        assert stored.report == report
        assert stored.report.inventory.tools[-1].description == HOSTILE
        # identity is found by its exact value; only NUL and the lone surrogate are escaped in the stored column
        [row] = await store.list_scans(identity="http://x/mcp#" + HOSTILE)
        assert row.identity == "http://x/mcp#" + HOSTILE.replace("\x00", "\\x00").replace("\ud800", "\\ud800")
        hashes = await store.item_hashes(scan_id)
    assert "\x00" not in "".join(hashes) and "tools/nul\\x00 surrogate\\ud800 bidi\u202e" in "".join(hashes)


async def test_a_scan_is_found_by_a_unique_prefix_only(db_url: str, scan_report: ScanReport) -> None:
    FixedIds.ids = ["abcd" + "0" * 28, "abcd" + "1" * 28, "beef" + "2" * 28]
    async with await FixedIds.open(db_url) as store:
        first, second, third = [await store.save_scan(scan_report, identity="s") for _ in range(3)]
        assert (await store.get_scan("abcd0")) is not None
        found = await store.get_scan("BEEF")  # case and surrounding space do not matter
        assert found is not None and found.id == third
        assert (await store.get_scan(f"  {first} ")) is not None
        with pytest.raises(AmbiguousScanIdError, match="matches several scans"):
            await store.get_scan("abcd")
        with pytest.raises(HistoryError, match="too short"):
            await store.get_scan("be")
        assert await store.get_scan("ffff") is None
        assert await store.get_scan("not-a-scan-id") is None
        assert await store.get_scan("%") is None
        assert await store.get_scan("a" * 33) is None
        assert second == "abcd" + "1" * 28


async def test_a_duplicate_id_fails_cleanly_and_loses_nothing(db_url: str, scan_report: ScanReport) -> None:
    FixedIds.ids = ["c0ffee" + "0" * 26, "c0ffee" + "0" * 26]
    async with await FixedIds.open(db_url) as store:
        scan_id = await store.save_scan(scan_report, identity="s")
        with pytest.raises(HistoryError, match="saving a scan failed") as caught:
            await store.save_scan(variant(scan_report, description="changed"), identity="s")
        assert "INSERT" not in str(caught.value)  # no statement or parameters in the message
        assert await store.count_scans() == 1
        stored = await store.get_scan(scan_id)
        assert stored is not None and stored.report == scan_report
        assert len(await store.item_hashes(scan_id)) == 7


async def test_lists_newest_first_with_filters_and_paging(db_url: str, scan_report: ScanReport) -> None:
    async with await HistoryStore.open(db_url) as store:
        ids = []
        for n in range(6):
            identity = "http://a/mcp" if n % 2 == 0 else "http://b/mcp"
            ids.append(await store.save_scan(variant(scan_report, target=identity), identity=identity))
        everything = await store.list_scans()
        assert [row.id for row in everything] == ids[::-1]
        assert [row.id for row in await store.list_scans(limit=2, offset=1)] == ids[::-1][1:3]
        a_rows = await store.list_scans(identity="http://a/mcp")
        assert [row.id for row in a_rows] == [ids[4], ids[2], ids[0]]
        assert all(row.target == "http://a/mcp" for row in a_rows)
        assert [row.id for row in await store.list_scans(search="b/m")] == [ids[5], ids[3], ids[1]]
        assert await store.list_scans(identity="http://c/mcp") == []
        assert await store.count_scans() == 6
        assert await store.count_scans(identity="http://b/mcp") == 3
        assert everything[0].summary == scan_report.summary
        assert everything[0].status is ScanStatus(scan_report.status)


async def test_search_treats_like_wildcards_literally(db_url: str, scan_report: ScanReport) -> None:
    async with await HistoryStore.open(db_url) as store:
        plain = await store.save_scan(scan_report, identity="stdio:server_one")
        other = await store.save_scan(scan_report, identity="stdio:serverXone")
        percent = await store.save_scan(scan_report, identity="stdio:100%")
        assert [r.id for r in await store.list_scans(search="server_one")] == [plain]
        assert [r.id for r in await store.list_scans(search="%")] == [percent]
        assert {r.id for r in await store.list_scans(search="server")} == {plain, other}


async def test_baselines_are_set_read_and_replaced(db_url: str, scan_report: ScanReport) -> None:
    identity = "http://weather/mcp"
    changed = variant(scan_report, description="Now also reads your mail.")
    async with await HistoryStore.open(db_url) as store:
        assert await store.get_baseline(identity) is None
        first = await store.save_scan(scan_report, identity=identity)
        second = await store.save_scan(changed, identity=identity)
        await store.set_baseline(identity, first)
        baseline = await store.get_baseline(identity)
        assert baseline is not None
        assert (baseline.identity, baseline.scan_id) == (identity, first)
        assert baseline.report == scan_report and baseline.inventory == scan_report.inventory
        await store.set_baseline(identity, second[:8])  # a unique prefix names the scan too
        replaced = await store.get_baseline(identity)
        assert replaced is not None and replaced.scan_id == second
        assert replaced.inventory == changed.inventory
        assert replaced.updated_at >= baseline.updated_at
        with pytest.raises(HistoryError, match="no scan 'ffffffff'"):
            await store.set_baseline(identity, "ffffffff")
        assert (await store.get_baseline(identity)) == replaced  # a failed set changes nothing
        assert await store.get_baseline("http://other/mcp") is None


async def test_latest_scan_and_inventory_hash_find_an_unchanged_listing(db_url: str, scan_report: ScanReport) -> None:
    identity = "http://weather/mcp"
    changed = variant(scan_report, description="Changed.")
    async with await HistoryStore.open(db_url) as store:
        assert await store.latest_scan(identity) is None
        old = await store.save_scan(scan_report, identity=identity)
        new = await store.save_scan(changed, identity=identity)
        latest = await store.latest_scan(identity)
        assert latest is not None and latest.id == new
        same = await store.latest_scan(identity, inventory_hash=inventory_hash(scan_report.inventory))
        assert same is not None and same.id == old
        assert await store.latest_scan(identity, inventory_hash="0" * 64) is None
    assert inventory_hash(scan_report.inventory) != inventory_hash(changed.inventory)


async def test_item_hashes_equal_strict_change_detection(db_url: str, scan_report: ScanReport) -> None:
    async with await HistoryStore.open(db_url) as store:
        scan_id = await store.save_scan(scan_report, identity="s")
        stored = await store.item_hashes(scan_id[:6])
        with pytest.raises(HistoryError, match="no scan"):
            await store.item_hashes("f" * 32)
    expected = item_hashes(scan_report.inventory, ChangeSettings(sensitivity="strict"))
    assert stored == expected
    assert list(stored) == list(expected)  # listing order kept
    assert {key.split("/")[0] for key in stored} == {"tools", "prompts", "resources", "resource_templates",
                                                     "instructions"}


async def test_cache_puts_gets_and_overwrites(db_url: str) -> None:
    async with await HistoryStore.open(db_url) as store:
        assert await store.cache_get("llm-judge", "k") is None
        await store.cache_put("llm-judge", "k", b"\x00verdict\xff")
        assert await store.cache_get("llm-judge", "k") == b"\x00verdict\xff"
        await store.cache_put("llm-judge", "k", b"second")
        assert await store.cache_get("llm-judge", "k") == b"second"
        assert await store.cache_get("other", "k") is None
        await store.cache_put("llm-judge", "big", b"x" * 1_048_576)
        assert await store.cache_get("llm-judge", "big") == b"x" * 1_048_576
        with pytest.raises(ValueError, match="at most 1048576 bytes"):
            await store.cache_put("llm-judge", "too-big", b"x" * 1_048_577)
        with pytest.raises(ValueError, match="keys 1-512"):
            await store.cache_put("llm-judge", "k" * 513, b"")
        with pytest.raises(ValueError, match="namespaces"):
            await store.cache_get("", "k")


async def test_fifty_concurrent_saves_lose_nothing(db_url: str, scan_report: ScanReport) -> None:
    saved: list[str] = []
    async with await HistoryStore.open(db_url) as store:

        async def save(n: int) -> None:
            saved.append(await store.save_scan(variant(scan_report, description=f"v{n}"), identity=f"server-{n % 5}"))

        async with anyio.create_task_group() as group:
            for n in range(50):
                group.start_soon(save, n)
        assert await store.count_scans() == 50
        assert {row.id for row in await store.list_scans(limit=100)} == set(saved)
        assert await store.count_scans(identity="server-3") == 10
        for scan_id in saved[::7]:
            assert (await store.get_scan(scan_id)) is not None


async def test_a_reopened_store_keeps_everything(db_url: str, scan_report: ScanReport) -> None:
    store = await HistoryStore.open(db_url)
    scan_id = await store.save_scan(scan_report, identity="s")
    await store.set_baseline("s", scan_id)
    await store.cache_put("ns", "k", b"v")
    await store.close()
    async with await HistoryStore.open(db_url) as again:
        stored = await again.get_scan(scan_id)
        baseline = await again.get_baseline("s")
        assert stored is not None and stored.report == scan_report
        assert baseline is not None and baseline.scan_id == scan_id
        assert await again.cache_get("ns", "k") == b"v"


async def test_bad_arguments_are_refused_before_anything_is_written(db_url: str, scan_report: ScanReport) -> None:
    async with await HistoryStore.open(db_url) as store:
        with pytest.raises(ValueError, match="non-empty"):
            await store.save_scan(scan_report, identity="  ")
        with pytest.raises(ValueError, match="at most 8192"):
            await store.save_scan(scan_report, identity="x" * 8193)
        with pytest.raises(ValueError, match="source must be"):
            await store.save_scan(scan_report, identity="s", source="Robert'); DROP TABLE scans;--")
        with pytest.raises(ValueError, match="limit"):
            await store.list_scans(limit=-1)
        with pytest.raises(ValueError, match="non-empty"):
            await store.set_baseline("", "abcd")
        assert await store.count_scans() == 0
        assert repr(store).startswith("HistoryStore(")
