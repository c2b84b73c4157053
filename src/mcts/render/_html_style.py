"""The inline stylesheet of the HTML report (no external fonts, images or scripts)."""

from __future__ import annotations

CSS = """
:root { --fg:#1f2328; --muted:#59636e; --bg:#ffffff; --line:#d1d9e0; --panel:#f6f8fa;
  --critical:#82071e; --high:#cf222e; --medium:#9a6700; --low:#0969da; --info:#59636e;
  --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: var(--fg); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
.report + .report { margin-top: 48px; border-top: 4px solid var(--line); padding-top: 24px; }
.muted { color: var(--muted); }
.mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0; }
table { border-collapse: collapse; }
table.meta th { text-align: left; padding: 2px 16px 2px 0; color: var(--muted); font-weight: 600; }
table.meta td { overflow-wrap: anywhere; }
table.grid { width: 100%; margin: 8px 0; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
table.grid th { background: var(--panel); white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
tr.warn td { background: #fff8c5; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0; }
.tile { flex: 1 1 160px; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  background: var(--panel); border-top: 6px solid var(--muted); }
.tile .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 28px; font-weight: 700; }
.tile .note { color: var(--muted); font-size: 13px; }
.tile.ok, .tile.grade-a, .tile.grade-b { border-top-color: var(--ok); }
.tile.warn, .tile.grade-c, .tile.grade-d, .tile.risk-medium, .tile.risk-moderate { border-top-color: var(--warn); }
.tile.bad, .tile.grade-f, .tile.risk-high, .tile.risk-critical, .tile.risk-severe { border-top-color: var(--bad); }
.tile.risk-low, .tile.risk-minimal, .tile.risk-none { border-top-color: var(--ok); }
.cats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.cat { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; border-left: 6px solid var(--muted); }
.cat .key { font-weight: 700; } .cat .value { font-size: 22px; font-weight: 700; }
.cat .name { color: var(--muted); font-size: 12px; }
.cat.ok { border-left-color: var(--ok); } .cat.warn { border-left-color: var(--warn); }
.cat.bad { border-left-color: var(--bad); }
.callout { border: 1px solid var(--line); border-left: 6px solid var(--warn); border-radius: 6px;
  padding: 8px 16px; margin: 16px 0; background: #fff8c5; }
.callout.bad { border-left-color: var(--bad); background: #ffebe9; }
.callout h2 { border: 0; margin: 6px 0; font-size: 17px; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 6px;
  padding: 10px 14px; margin: 10px 0; }
.finding .meta { font-size: 13px; margin: 2px 0 6px; }
.finding .where { color: var(--muted); overflow-wrap: anywhere; }
.finding pre.evidence { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; }
.finding p { margin: 6px 0; }
.badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px; font-size: 12px;
  font-weight: 700; text-transform: uppercase; background: var(--info); }
.sev-critical { border-left-color: var(--critical); } .badge.sev-critical { background: var(--critical); }
.sev-high { border-left-color: var(--high); } .badge.sev-high { background: var(--high); }
.sev-medium { border-left-color: var(--medium); } .badge.sev-medium { background: var(--medium); }
.sev-low { border-left-color: var(--low); } .badge.sev-low { background: var(--low); }
h3.sev-head { border-left: 6px solid var(--info); padding-left: 8px; }
h3.sev-critical { border-left-color: var(--critical); } h3.sev-high { border-left-color: var(--high); }
h3.sev-medium { border-left-color: var(--medium); } h3.sev-low { border-left-color: var(--low); }
details.suppressed { margin: 16px 0; } details.suppressed summary { cursor: pointer; font-weight: 600; }
details.suppressed .finding { opacity: .75; }
.supp { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { details.suppressed { display: block; } .finding { break-inside: avoid; } }
"""
