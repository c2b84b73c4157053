"""The versioned JSON report (``docs/report.schema.json``).

One report prints as one object; several print as ``{"schema_version": ..., "reports": [...]}``. The text is
pure ASCII (``\\uXXXX`` escapes), so a server's bidi, tag or control characters never reach a terminal raw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mcts.model.report import ReportSet, ScanReport


def report_document(reports: Sequence[ScanReport]) -> dict[str, Any]:
    """The JSON document for ``reports`` as plain data."""
    model: ScanReport | ReportSet = reports[0] if len(reports) == 1 else ReportSet(reports=tuple(reports))
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def render_json(reports: Sequence[ScanReport]) -> str:
    """The JSON text for ``reports``."""
    return json.dumps(report_document(reports), indent=2, ensure_ascii=True) + "\n"
