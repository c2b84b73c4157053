"""The JSON Schema of the JSON report, generated from the report models.

``python -m mcts.model.schema`` prints it; ``make schema`` writes it to ``docs/report.schema.json`` and a test
checks that the file is current. The schema accepts either document the JSON renderer writes: one
``ScanReport`` or a ``ReportSet``. It describes the serialised form (``by_alias=True``,
``mode="serialization"``); fields the renderer may omit (``exclude_none=True``) are never required.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import models_json_schema

from mcts.model.report import SCHEMA_VERSION, ReportSet, ScanReport

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"https://mcts.dev/schema/report-{SCHEMA_VERSION}.json"


def report_schema() -> dict[str, Any]:
    """The report schema as plain data: ``anyOf`` a ``ScanReport`` or a ``ReportSet``, sharing ``$defs``."""
    refs, definitions = models_json_schema(
        [(ScanReport, "serialization"), (ReportSet, "serialization")],
        by_alias=True,
        ref_template="#/$defs/{model}",
    )
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "mcts scan report",
        "description": (
            f"The JSON report of mcts (schema_version {SCHEMA_VERSION}): one ScanReport for one target, "
            "or a ReportSet for several."
        ),
        "anyOf": [refs[(ScanReport, "serialization")], refs[(ReportSet, "serialization")]],
        "$defs": definitions.get("$defs", {}),
    }


def schema_text() -> str:
    """The schema as deterministic text: sorted keys, indent 2, ASCII, a trailing newline."""
    return json.dumps(report_schema(), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def main() -> None:
    """Print the schema to standard output."""
    import sys

    sys.stdout.write(schema_text())


if __name__ == "__main__":
    main()
