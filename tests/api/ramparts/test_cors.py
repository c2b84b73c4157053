"""CORS: off by default (no header for any origin); ``--cors-origin`` opens the surface to the listed origins only."""

from __future__ import annotations

from pathlib import Path

from mcts.api.settings import ApiSettings
from tests.api.conftest import running_api
from tests.api.ramparts.conftest import ramparts_settings

DASHBOARD = "https://dashboard.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type,x-api-key,x-javelin-apikey"}


def test_cors_is_off_by_default(tmp_path: Path) -> None:
    with running_api(ramparts_settings(tmp_path / "h.db")) as api, api.client() as http:
        preflight = http.options("/v1/ramparts/scan", headers={"Origin": DASHBOARD, **PREFLIGHT})
        health = http.get("/v1/ramparts/health", headers={"Origin": DASHBOARD})
    assert "access-control-allow-origin" not in preflight.headers
    assert health.status_code == 200 and "access-control-allow-origin" not in health.headers


def test_listed_origins_may_call_the_surface_with_the_javelin_header(tmp_path: Path) -> None:
    settings = ramparts_settings(tmp_path / "h.db", cors_origins=(DASHBOARD,))
    with running_api(settings) as api, api.client() as http:
        allowed = http.options("/v1/ramparts/scan", headers={"Origin": DASHBOARD, **PREFLIGHT})
        other = http.options("/v1/ramparts/scan", headers={"Origin": "https://evil.example", **PREFLIGHT})
        health = http.get("/v1/ramparts/health", headers={"Origin": DASHBOARD})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == DASHBOARD
    assert "x-javelin-apikey" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    assert "access-control-allow-origin" not in other.headers
    assert health.headers["access-control-allow-origin"] == DASHBOARD


def test_the_cors_origin_flag_reaches_the_settings() -> None:
    settings = ApiSettings.from_env({}, cors_origins=("*",))
    assert settings.cors_origins == ("*",)
