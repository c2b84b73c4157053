"""The HTML report: self-contained, no script, every server string escaped, and it really renders (headless
Chromium screenshot that is not blank)."""

from __future__ import annotations

import datetime
import fcntl
import html
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from mcts.model.inventory import Inventory
from mcts.model.report import ScanReport, ScanStatus, TargetInfo
from mcts.render import Format, render
from mcts.render.html import render_html
from mcts.text.escape import escape_text
from tests.render.reports import decorated, scanned

CHROMIUM = Path("/usr/bin/chromium")
LOCK = Path("/tmp/mcts-chromium-install.lock")


@pytest.fixture(scope="module")
def plain() -> ScanReport:
    return scanned()


@pytest.fixture(scope="module")
def full(plain: ScanReport) -> ScanReport:
    return decorated(plain, incomplete=True)


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's chromium, installed on first use (under a file lock, so parallel runs install it once)."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            pytest.skip("chromium is not installed and cannot be installed here (needs apt-get as root)")
        with LOCK.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not CHROMIUM.exists():
                env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
                for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
                    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900, check=False)
                    if done.returncode != 0:
                        pytest.skip(f"cannot install chromium: {' '.join(argv)} failed: {done.stderr[-500:]}")
    if not CHROMIUM.exists():
        pytest.skip("chromium installation finished without /usr/bin/chromium")
    return CHROMIUM


def test_self_contained_without_script(full: ScanReport, plain: ScanReport) -> None:
    text = render_html([full, plain])
    assert render([full, plain], Format.HTML) == text
    assert text.startswith("<!DOCTYPE html>")
    lowered = text.lower()
    assert "<script" not in lowered
    assert not re.search(r"\son[a-z]+\s*=", lowered), "no event handler attributes"
    assert not re.search(r"(src|href)\s*=", lowered), "nothing is fetched or linked"
    assert "@import" not in lowered and "url(" not in lowered
    assert "content-security-policy" in lowered and "default-src 'none'" in text
    assert text.count('<section class="report">') == 2


def test_every_evidence_string_escaped(full: ScanReport) -> None:
    text = render_html([full])
    assert any("<" in f.evidence for f in full.findings), "the fixture has markup in evidence"
    for finding in full.findings:
        assert html.escape(escape_text(finding.evidence, limit=4000), quote=True) in text
    for raw in ('<span style="display:none">', "<!-- Before using", "<b>|`x`|</b>", "<i>x</i>"):
        assert raw not in text
    assert "&lt;span style=&quot;display:none&quot;&gt;" in text
    assert not any(0xE0000 <= ord(c) <= 0xE007F or c in "\x1b\u202e\u200b\x07" for c in text)


def test_scores_tiles_gates_and_status(full: ScanReport) -> None:
    text = render_html([full])
    assert ">7/100<" in text and "grade F" in text
    assert ">critical<" in text and "absolute risk 61.2" in text
    assert ">12/100<" in text
    for key in [f"MCP{n:02d}" for n in range(1, 11)] + ["injection", "supply_chain"]:
        assert f'<div class="key">{key}</div>' in text
    assert "Tool Poisoning" in text
    assert "Scan incomplete" in text and "tools/list failed: timeout after 30s" in text
    assert "Gate violations" in text and "security score 12 &lt; min_security_score 60" in text
    assert "Suppressed findings (2)" in text and "Suppressed until 2030-01-31" in text
    assert "Top contributors" in text
    assert "Analyzer runs" in text and "boom &lt;i&gt;x&lt;/i&gt;" in text
    order = [text.index(f'sev-head sev-{s}"') for s in ("critical", "high", "medium", "low")]
    assert order == sorted(order), "findings grouped by severity, worst first"


def test_plain_and_empty_reports(plain: ScanReport) -> None:
    text = render_html([plain])
    assert "Risk level" not in text and "Gate violations" not in text and "OWASP" not in text
    empty = ScanReport(
        mcts_version="0", status=ScanStatus.INCOMPLETE, target=TargetInfo(kind="http", value="http://h\u202e/"),
        started_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC), duration_ms=0, inventory=Inventory(),
    )
    text = render_html([empty])
    assert "No findings in what could be seen." in text and "No reason was recorded." in text
    assert "http://h\\u202e/" in text
    assert "<p>No reports.</p>" in render_html([])


def png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and color in (2, 6)
    bpp = 3 if color == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def test_renders_in_headless_chromium(full: ScanReport, chromium: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html([full]), encoding="utf-8")
    shot = tmp_path / "shot.png"
    argv = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,900",
            page.as_uri()]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert shot.is_file(), f"no screenshot: {done.returncode} {done.stderr[-1000:]}"
    width, height, bpp, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    colors: set[bytes] = set()
    dark = 0
    for row in rows[::3]:
        for x in range(0, width * bpp, bpp * 3):
            pixel = row[x : x + 3]
            colors.add(pixel)
            dark += sum(pixel) < 200
    assert len(colors) > 20, "the screenshot is (nearly) one colour: blank page"
    assert dark > 500, "no text was drawn"
