"""`koostoo serve`: the API and the explorer (and, with `--open-key`, the local admin key
in the URL it prints: kept in KOOSTOO_DATA_DIR and reused across runs, `api/local_key.py`)."""

from __future__ import annotations

import asyncio
import socket
from typing import Annotated

import typer
import uvicorn

from api import local_key
from api.cli.common import CLI_ACTOR, err, load_settings
from api.cli.data import seed_graph
from api.runtime import neo4j_uri, open_graph
from api.settings import Settings
from graph import maintenance, migrations
from graph.driver import Graph
from graph.errors import GraphError


class _Server(uvicorn.Server):
    banner: str = ""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.banner and self.started:
            print(self.banner, flush=True)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default KOOSTOO_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KOOSTOO_PORT).")] = None,
    open_key: Annotated[
        bool,
        typer.Option(
            "--open-key",
            help="Print a URL that signs you in with the local admin key (kept in "
            "KOOSTOO_DATA_DIR, reused across runs, rotated a week before it expires).",
        ),
    ] = False,
    seed_if_empty: Annotated[
        bool, typer.Option("--seed-if-empty", help="With --open-key: seed an empty database.")
    ] = False,
    user_name: Annotated[
        str | None,
        typer.Option(
            help="With --open-key: your name, shown on the page and as the author of your "
            "notes and changes (default: your account's full name, or "
            f"{local_key.DEFAULT_NAME!r}).",
        ),
    ] = None,
) -> None:
    """Serve the API and the explorer (starting a local Neo4j when NEO4J_URI is unset)."""
    from api import logs
    from api.app import create_app
    from api.server import config as server_config

    settings = load_settings()
    logs.configure(settings.log_level)
    host = host or settings.host
    port = port if port is not None else settings.port
    try:
        with neo4j_uri(settings) as uri:
            settings = settings.model_copy(update={"neo4j_uri": uri})
            banner = ""
            if open_key:

                async def run() -> local_key.LocalKey:
                    async with open_graph(settings, uri) as graph:
                        return await prepare_local_key(
                            graph, settings, user_name=user_name, seed_if_empty=seed_if_empty
                        )

                opened = asyncio.run(run())
                banner = open_key_banner(opened, host=host, port=port, neo4j=uri)
            server = _Server(
                server_config(
                    create_app(settings),
                    settings,
                    host=host,
                    port=port,
                    log_config=None,
                    lifespan="on",
                )
            )
            server.banner = banner
            server.run()
    except GraphError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1) from e


async def prepare_local_key(
    graph: Graph, settings: Settings, *, user_name: str | None, seed_if_empty: bool
) -> local_key.LocalKey:
    """What `serve --open-key` does before it serves: migrate, seed an empty database
    when asked, and open the local admin key (`api/local_key.py`)."""
    await migrations.migrate(graph)
    if seed_if_empty and await maintenance.count_entities(graph) == 0:
        report = await seed_graph(graph)
        print(f"Seeded the empty database: {report.changed} records.", flush=True)
    return await local_key.open_local_key(
        graph,
        settings.data_dir,
        name=user_name or local_key.default_user_name(),
        actor=CLI_ACTOR,
    )


def open_key_banner(opened: local_key.LocalKey, *, host: str, port: int, neo4j: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    key = opened.key
    until = f"until {key.expires_at:%Y-%m-%d}" if key.expires_at else "without expiry"
    what = {
        local_key.Outcome.CREATED: "a new admin key",
        local_key.Outcome.REUSED: "your admin key",
        local_key.Outcome.ROTATED: "your admin key, renewed (the old one is revoked)",
    }[opened.outcome]
    return (
        f"\nKoostöö is running. Open: http://{shown}:{port}/?key={opened.secret}\n"
        f"(signed in as {key.name} with {what}, valid {until}; "
        f"Neo4j: {neo4j}; press Ctrl-C to stop)\n"
    )
