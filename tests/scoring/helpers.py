"""Builders for scoring tests: real Finding and Inventory objects, and a seeded generator of random findings."""

from __future__ import annotations

import random
from pathlib import Path

from mcts.model.finding import Confidence, Finding, Location, Severity, Surface, finding_id
from mcts.model.inventory import Inventory
from mcts.model.report import TargetInfo
from mcts.model.score import LegacyScore, ScoreV2
from mcts.options import ScanOptions
from mcts.scoring import compute_scores
from mcts.taxonomy import load_taxonomy

TOOLS = ("read_file", "write_file", "send_email", "run_query", "list_issues", "fetch_url")
INVENTORY = Inventory.model_validate({
    "instructions": "Use these tools to work with the user's files, mail and database.",
    "tools": [{"name": n, "description": f"{n.replace('_', ' ')}.", "inputSchema": {"type": "object"}} for n in TOOLS],
    "prompts": [{"name": "summarize", "description": "Summarize a document."}],
    "resources": [{"uri": "file:///notes.txt", "name": "notes"}],
})
LOCAL = TargetInfo(kind="stdio", value="python server.py")
NETWORK = TargetInfo(kind="http", value="https://mcp.example.com/mcp")
FIELDS = ("description", "name", "title", "inputSchema.properties.path.description",
          "inputSchema.properties.opts.properties.mode.items.enum[0]", "annotations.title", "outputSchema.description")


def make_finding(
    *,
    severity: Severity = Severity.HIGH,
    confidence: Confidence = Confidence.HIGH,
    technique: str = "instruction-override",
    surface: Surface = Surface.TOOL,
    item: str | None = "read_file",
    field: str = "description",
    evidence: str = "ignore previous instructions",
    title: str = "Tells the model to ignore its instructions",
) -> Finding:
    """A finding as an analyzer would build it (owasp keys from the taxonomy)."""
    location = Location(surface=surface, item=item, field=field)
    return Finding(
        id=finding_id("test", location, evidence + severity.value + technique),
        analyzer="test",
        techniques=(technique,),
        owasp=load_taxonomy().technique(technique).owasp,
        severity=severity,
        confidence=confidence,
        location=location,
        title=title,
        evidence=evidence,
        remediation="Remove it.",
    )


def random_finding(rng: random.Random, index: int) -> Finding:
    """A random but well-formed finding on ``INVENTORY``."""
    surface = rng.choice([Surface.TOOL, Surface.TOOL, Surface.TOOL, Surface.SERVER, Surface.INSTRUCTIONS,
                          Surface.PROMPT, Surface.RESOURCE])
    item = {Surface.TOOL: rng.choice(TOOLS), Surface.PROMPT: "summarize", Surface.RESOURCE: "file:///notes.txt"}
    return make_finding(
        severity=rng.choice(list(Severity)),
        confidence=rng.choice(list(Confidence)),
        technique=rng.choice(sorted(load_taxonomy().techniques)),
        surface=surface,
        item=item.get(surface),
        field="instructions" if surface is Surface.INSTRUCTIONS else rng.choice(FIELDS),
        evidence=f"evidence {index}",
        title=f"finding {index}",
    )


def scores(findings: list[Finding], tmp: Path, target: TargetInfo = LOCAL, **options: object) -> tuple[
        LegacyScore, ScoreV2]:
    """compute_scores with default options (updated by ``options``), run in the empty directory ``tmp``."""
    legacy, v2 = compute_scores(findings, INVENTORY, target, ScanOptions.model_validate(options), tmp)
    assert v2 is not None
    return legacy, v2


def all_scores(legacy: LegacyScore, v2: ScoreV2) -> dict[str, float]:
    """Every higher-is-safer number of a result, by name."""
    out: dict[str, float] = {"legacy.overall": legacy.overall}
    if v2.security_score is not None:
        out["security_score"] = v2.security_score
    out.update({f"category.{k}": v for k, v in v2.category_scores.items()})
    out.update({f"dimension.{k}": v for k, v in v2.dimension_scores.items()})
    return out


def all_risks(legacy: LegacyScore, v2: ScoreV2) -> dict[str, float]:
    """Every higher-is-riskier number of a result, by name."""
    return {"legacy.raw_risk": legacy.raw_risk, "absolute_risk": v2.absolute_risk,
            "risk_range.low": v2.risk_range[0], "risk_range.high": v2.risk_range[1],
            "percentile": v2.percentile or 0.0}
