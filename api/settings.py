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
    # The built pages (`npm run build` in web/): by default web/dist of the source tree
    # this runs from; the image, whose code is installed apart from it, sets it.
    web_dist: Path | None = Field(default=None, alias="KOOSTOO_WEB_DIST")
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
    # The cost budget of one operation (schema/cost.py): a whole-network analytics
    # field costs 5,000, every object 1, multiplied by the `first` of the lists above
    # it. 25,000 holds four whole-network analyses and a few smaller ones, or a page of
    # 100 organisations × 10 members × 5 events (13,301).
    max_query_cost: int = Field(default=25_000, ge=1, alias="KOOSTOO_MAX_QUERY_COST")
    max_page_size: int = Field(default=100, ge=1, le=10000, alias="KOOSTOO_MAX_PAGE_SIZE")
    # Reads that compile run as one Cypher statement each (schema/compiled); off, every
    # read runs on the resolvers (the same answers, slower: for comparisons).
    compiled_reads: bool = Field(default=True, alias="KOOSTOO_COMPILED_READS")
    max_body_bytes: int = Field(default=1_000_000, ge=1024, alias="KOOSTOO_MAX_BODY_BYTES")
    # Arrays and objects nested deeper than this in a JSON body (or a JSON query
    # parameter) are refused with 400: no legitimate operation comes close.
    max_json_depth: int = Field(default=32, ge=4, le=200, alias="KOOSTOO_MAX_JSON_DEPTH")
    # Slow clients: a request body must keep coming (no pause over the read timeout)
    # and be complete within the body timeout, else 408. The server (api/server.py)
    # answers 408 to a request whose line and headers take longer than the header
    # timeout, 431 to headers over the size, closes a connection idle for the
    # keep-alive timeout between requests, and answers 503 while `max_connections`
    # connections are open.
    body_read_timeout: float = Field(default=10.0, gt=0, alias="KOOSTOO_BODY_READ_TIMEOUT")
    body_timeout: float = Field(default=30.0, gt=0, alias="KOOSTOO_BODY_TIMEOUT")
    header_timeout: float = Field(default=10.0, gt=0, alias="KOOSTOO_HEADER_TIMEOUT")
    max_header_bytes: int = Field(default=65_536, ge=4096, alias="KOOSTOO_MAX_HEADER_BYTES")
    keep_alive_timeout: int = Field(default=5, ge=1, alias="KOOSTOO_KEEP_ALIVE_TIMEOUT")
    max_connections: int = Field(default=1000, ge=1, alias="KOOSTOO_MAX_CONNECTIONS")
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

    # Audit events older than this many days are deleted by `koostoo audit prune`
    # (run it daily, e.g. from cron); 0 keeps them forever.
    audit_retention_days: int = Field(default=730, ge=0, alias="KOOSTOO_AUDIT_RETENTION_DAYS")

    # The key of the backups' MAC (HMAC-SHA256 over the whole file), held by the
    # operator apart from the backups. Production exports and restores only with it;
    # dev without it keeps a generated one in KOOSTOO_DATA_DIR (api/backup_key.py).
    backup_key: SecretStr | None = Field(default=None, alias="KOOSTOO_BACKUP_KEY")

    @model_validator(mode="after")
    def _refuse_short_backup_keys(self) -> Settings:
        if self.backup_key is not None and not self.backup_key.get_secret_value():
            self.backup_key = None  # `KOOSTOO_BACKUP_KEY=` means unset
        if self.backup_key is not None and len(self.backup_key.get_secret_value()) < 32:
            raise ValueError(
                "KOOSTOO_BACKUP_KEY needs at least 32 characters "
                "(for example the output of `openssl rand -base64 32`)"
            )
        return self

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
