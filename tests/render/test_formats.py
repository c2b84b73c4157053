"""Every format renders through ``render``, and ``mcts scan --format`` offers exactly the formats there are."""

from __future__ import annotations

import pytest

from mcts.cli import app
from mcts.render import Format, render
from tests.render.reports import decorated, scanned


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_one_and_several(fmt: Format) -> None:
    report = decorated(scanned(), incomplete=True)
    one = render([report], fmt)
    several = render([report, scanned()], fmt)
    assert one.strip() and several.strip()
    assert len(several) > len(one)


def test_cli_offers_every_format() -> None:
    assert set(app.FORMATS) == {f.value for f in Format}
