from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import Profile, Settings


def test_dev_defaults() -> None:
    s = Settings(_env_file=None)
    assert s.profile is Profile.DEV
    assert (s.host, s.port, s.local_bolt_port) == ("127.0.0.1", 8000, 7687)
    assert s.graphiql_enabled and s.introspection_enabled


@pytest.mark.parametrize("password", ["", "neo4j", "password"])
def test_production_refuses_default_passwords(password: str) -> None:
    with pytest.raises(ValidationError, match="NEO4J_PASSWORD"):
        Settings(KOOSTOO_PROFILE="production", NEO4J_URI="neo4j://db:7687", NEO4J_PASSWORD=password)


def test_production_needs_a_server_and_turns_off_the_ide() -> None:
    with pytest.raises(ValidationError, match="NEO4J_URI"):
        Settings(KOOSTOO_PROFILE="production", NEO4J_PASSWORD="a-real-secret-1")
    s = Settings(
        KOOSTOO_PROFILE="production", NEO4J_URI="neo4j://db:7687", NEO4J_PASSWORD="a-real-secret-1"
    )
    assert not s.graphiql_enabled and not s.introspection_enabled
    assert "a-real-secret-1" not in repr(s)


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOOSTOO_PORT", "9123")
    monkeypatch.setenv("KOOSTOO_INTROSPECTION", "false")
    s = Settings()
    assert s.port == 9123
    assert not s.introspection_enabled


def test_a_backup_key_is_secret_and_long_enough() -> None:
    with pytest.raises(ValidationError, match="KOOSTOO_BACKUP_KEY needs at least 32"):
        Settings(KOOSTOO_BACKUP_KEY="lühike")
    s = Settings(KOOSTOO_BACKUP_KEY="v" * 32)
    assert s.backup_key is not None and "v" * 32 not in repr(s)
    assert Settings(KOOSTOO_BACKUP_KEY="").backup_key is None  # `KOOSTOO_BACKUP_KEY=`: unset
