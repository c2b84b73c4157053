"""Weights profiles: every bundled profile validates with contiguous bands; broken profiles are ConfigErrors."""

from __future__ import annotations

import itertools
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcts.errors import ConfigError
from mcts.scoring.profile import bundled_profiles, load_profile, parse_profile

BUNDLED_TEXT = resources.files("mcts.scoring").joinpath("profiles", "manual_v1.yaml").read_text(encoding="utf-8")


def _profile_with(**changes: Any) -> str:
    data = yaml.safe_load(BUNDLED_TEXT)
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return yaml.safe_dump(data)


def test_manual_v1_is_bundled_and_default(tmp_path: Path) -> None:
    assert "manual_v1" in bundled_profiles()
    profile = load_profile("manual_v1", tmp_path)
    assert profile.name == "manual_v1"
    assert [b.name for b in profile.bands] == ["none", "low", "medium", "high", "critical"]


@pytest.mark.parametrize("name", bundled_profiles())
def test_every_bundled_profile_has_contiguous_bands(name: str, tmp_path: Path) -> None:
    bands = load_profile(name, tmp_path).bands
    assert bands[0].min == 0
    assert bands[-1].max is None
    for band, following in itertools.pairwise(bands):
        assert band.max == following.min
        assert band.max is not None and band.min < band.max


def test_band_for_uses_half_open_bands(tmp_path: Path) -> None:
    profile = load_profile("manual_v1", tmp_path)
    for band in profile.bands:
        assert profile.band_for(band.min) == band.name
        if band.max is not None:
            assert profile.band_for(band.max - 1e-9) == band.name
            assert profile.band_for(band.max) != band.name
    assert profile.band_for(1e12) == profile.bands[-1].name
    assert profile.band_rank("none") == 0 < profile.band_rank("high") < profile.band_rank("critical")
    with pytest.raises(ConfigError, match="unknown risk level 'severe'"):
        profile.band_rank("severe")


BAD_BANDS = {
    "gap": ([{"name": "a", "min": 0, "max": 10}, {"name": "b", "min": 12, "max": None}], "gap between a"),
    "overlap": ([{"name": "a", "min": 0, "max": 10}, {"name": "b", "min": 8, "max": None}], "a .max 10.0. overlaps b"),
    "not from zero": ([{"name": "a", "min": 1, "max": 10}, {"name": "b", "min": 10, "max": None}], "start at 0"),
    "closed top": ([{"name": "a", "min": 0, "max": 10}, {"name": "b", "min": 10, "max": 20}], "open-ended"),
    "open middle": ([{"name": "a", "min": 0, "max": None}, {"name": "b", "min": 10, "max": None}], "only the last"),
    "empty band": ([{"name": "a", "min": 0, "max": 0}, {"name": "b", "min": 0, "max": None}], "empty or reversed"),
    "duplicate": ([{"name": "a", "min": 0, "max": 5}, {"name": "a", "min": 5, "max": None}], "unique"),
    "none": ([], "at least one band"),
}


@pytest.mark.parametrize("case", sorted(BAD_BANDS))
def test_bad_bands_are_rejected(case: str) -> None:
    bands, message = BAD_BANDS[case]
    with pytest.raises(ConfigError, match=message):
        parse_profile(_profile_with(bands=bands), "test")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity_weights__info": None}, "severity_weights is missing info"),
        ({"severity_weights__high": -1}, "severity_weights.high must be a finite number >= 0"),
        ({"exploitability__techniques": {"no-such-technique": 2}}, "unknown technique ids: no-such-technique"),
        ({"categories__groups__protocol": None}, "must define exactly injection"),
        ({"categories__groups__injection": {"categories": ["MCP11"]}}, "unknown OWASP categories: MCP11"),
        ({"confidence__range__high": [1.2, 1.5]}, "0 <= low <= 1 <= high"),
        ({"reachability__http": None}, "reachability is missing http"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_profiles_name_the_problem(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_profile(_profile_with(**changes), "test")


def test_profile_from_a_path(tmp_path: Path) -> None:
    (tmp_path / "strict.yaml").write_text(_profile_with(name="strict", severity_weights__low=4), encoding="utf-8")
    profile = load_profile("strict.yaml", tmp_path)  # relative to cwd
    assert profile.name == "strict"
    assert profile.severity_weights["low"] == 4  # type: ignore[index]
    assert load_profile(str(tmp_path / "strict.yaml"), Path("/")).name == "strict"


@pytest.mark.parametrize(
    ("text", "message"),
    [("name: [unclosed", "cannot parse"), ("- a list", "must be a mapping"), ("", "must be a mapping")],
)
def test_unreadable_profile_files(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_profile("p.yaml", tmp_path)


def test_unknown_profile_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"neither a bundled profile .manual_v1. nor a file"):
        load_profile("manual_v9", tmp_path)
