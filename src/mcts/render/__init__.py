"""Renderers: a report (or several) -> text. One module per format; they only read the report."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import assert_never

from mcts.model.report import ScanReport


class Format(enum.StrEnum):
    """Output formats of ``mcts scan``."""

    TABLE = "table"
    JSON = "json"


def render(reports: Sequence[ScanReport], fmt: Format, *, color: bool = False, width: int = 120) -> str:
    """Render ``reports`` in ``fmt``: one report renders alone, several as a set."""
    if fmt is Format.JSON:
        from mcts.render.json import render_json

        return render_json(reports)
    if fmt is Format.TABLE:
        from mcts.render.table import render_table

        return render_table(reports, color=color, width=width)
    assert_never(fmt)
