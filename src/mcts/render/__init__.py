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
    SARIF = "sarif"
    MARKDOWN = "markdown"
    HTML = "html"


def render(reports: Sequence[ScanReport], fmt: Format, *, color: bool = False, width: int = 120) -> str:
    """Render ``reports`` in ``fmt``: one report renders alone, several as a set."""
    if fmt is Format.JSON:
        from mcts.render.json import render_json

        return render_json(reports)
    if fmt is Format.TABLE:
        from mcts.render.table import render_table

        return render_table(reports, color=color, width=width)
    if fmt is Format.SARIF:
        from mcts.render.sarif import render_sarif

        return render_sarif(reports)
    if fmt is Format.MARKDOWN:
        from mcts.render.markdown import render_markdown

        return render_markdown(reports)
    if fmt is Format.HTML:
        from mcts.render.html import render_html

        return render_html(reports)
    assert_never(fmt)
