"""One typed settings object; nothing else in the codebase reads the environment."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_NEO4J_PASSWORDS = frozenset({"", "neo4j", "password", "changeme", "koostoo"})


class Profile(StrEnum):
    DEV = "dev"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Configuration read from the environment (and an optional `.env` file)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(default=SecretStr(""), alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")

    host: str = Field(default="127.0.0.1", alias="KOOSTOO_HOST")
    port: int = Field(default=8000, ge=0, le=65535, alias="KOOSTOO_PORT")
    data_dir: Path = Field(default=Path("var"), alias="KOOSTOO_DATA_DIR")
    local_bolt_port: int = Field(default=7687, ge=0, le=65535, alias="KOOSTOO_LOCAL_BOLT_PORT")
    local_heap: str = Field(default="512m", alias="KOOSTOO_LOCAL_HEAP")
    local_pagecache: str = Field(default="256m", alias="KOOSTOO_LOCAL_PAGECACHE")
    #: the most memory one transaction may use in the local engine (db.memory.transaction.max)
    local_tx_max: str = Field(default="128m", alias="KOOSTOO_LOCAL_TX_MAX")
    profile: Profile = Field(default=Profile.DEV, alias="KOOSTOO_PROFILE")
    log_level: str = Field(default="INFO", alias="KOOSTOO_LOG_LEVEL")

    graphiql: bool | None = Field(default=None, alias="KOOSTOO_GRAPHIQL")
    introspection: bool | None = Field(default=None, alias="KOOSTOO_INTROSPECTION")
    max_query_depth: int = Field(default=10, ge=1, alias="KOOSTOO_MAX_QUERY_DEPTH")
    max_aliases: int = Field(default=30, ge=1, alias="KOOSTOO_MAX_ALIASES")
    max_tokens: int = Field(default=2000, ge=10, alias="KOOSTOO_MAX_TOKENS")
    max_page_size: int = Field(default=100, ge=1, le=10000, alias="KOOSTOO_MAX_PAGE_SIZE")
    max_body_bytes: int = Field(default=1_000_000, ge=1024, alias="KOOSTOO_MAX_BODY_BYTES")
    cors_origins: list[str] = Field(default_factory=list, alias="KOOSTOO_CORS_ORIGINS")

    # Fail fast when Neo4j is down: the driver's retry budget for a transaction and its
    # connect timeout (its defaults, 30 s each, would hold every request that long).
    neo4j_retry_seconds: float = Field(default=3.0, ge=0, alias="KOOSTOO_NEO4J_RETRY_SECONDS")
    neo4j_connect_timeout: float = Field(default=5.0, gt=0, alias="KOOSTOO_NEO4J_CONNECT_TIMEOUT")

    # The analyst console's own driver (graph/console.py `open_pool`): at most this many
    # console queries run at once per instance; the next waits this long for a turn.
    console_pool_size: int = Field(default=4, ge=1, le=50, alias="KOOSTOO_CONSOLE_POOL_SIZE")
    console_acquire_timeout: float = Field(
        default=5.0, gt=0, alias="KOOSTOO_CONSOLE_ACQUIRE_TIMEOUT"
    )

    # Token buckets, per instance (see api/ratelimit.py): a key (or an address) may send
    # this many requests at once, refilled at this many per minute; 0 turns a limit off.
    rate_limit_per_key: int = Field(default=1200, ge=0, alias="KOOSTOO_RATE_LIMIT_PER_KEY")
    rate_limit_per_ip: int = Field(default=3000, ge=0, alias="KOOSTOO_RATE_LIMIT_PER_IP")

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        if self.profile is Profile.PRODUCTION:
            if not self.neo4j_uri:
                raise ValueError(
                    "KOOSTOO_PROFILE=production needs NEO4J_URI: the local engine is for dev/tests"
                )
            if self.neo4j_password.get_secret_value() in DEFAULT_NEO4J_PASSWORDS:
                raise ValueError(
                    "KOOSTOO_PROFILE=production refuses an empty or default NEO4J_PASSWORD; "
                    "set a real one"
                )
        return self

    @property
    def is_dev(self) -> bool:
        return self.profile is Profile.DEV

    @property
    def graphiql_enabled(self) -> bool:
        return self.is_dev if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return self.is_dev if self.introspection is None else self.introspection

    @property
    def local_neo4j_dir(self) -> Path:
        return self.data_dir / "neo4j"
