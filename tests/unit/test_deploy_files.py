"""The production files: the compose file and the image are checked for what they promise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_compose_runs_neo4j_community_with_auth_health_and_a_volume() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    assert "healthcheck" in neo4j
    assert any(v.endswith(":/data") for v in neo4j["volumes"])


def test_compose_api_waits_for_a_healthy_neo4j_and_runs_in_production() -> None:
    api = _compose()["services"]["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["KOOSTOO_PROFILE"] == "production"
    assert env["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")  # no default secret
    assert (ROOT / "Dockerfile").exists()
