"""`koostoo serve`: the API and the explorer (and, with `--open-key`, a fresh admin key
in the URL it prints)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
import uvicorn

from api.cli.common import CLI_ACTOR, err, load_settings
from api.cli.data import seed_graph
from api.runtime import neo4j_uri, open_graph
from graph import keys, maintenance, migrations
from graph.driver import Graph
from graph.errors import GraphError


class _Server(uvicorn.Server):
    banner: str = ""

    async def startup(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        await super().startup(sockets)  # type: ignore[arg-type]
        if self.banner and self.started:
            print(self.banner, flush=True)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default KOOSTOO_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KOOSTOO_PORT).")] = None,
    open_key: Annotated[
        bool, typer.Option("--open-key", help="Create a fresh admin key and print a URL with it.")
    ] = False,
    seed_if_empty: Annotated[
        bool, typer.Option("--seed-if-empty", help="With --open-key: seed an empty database.")
    ] = False,
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

                async def make_key(graph: Graph) -> str:
                    await migrations.migrate(graph)
                    if seed_if_empty and await maintenance.count_entities(graph) == 0:
                        report = await seed_graph(graph)
                        print(f"Seeded the empty database: {report.changed} records.", flush=True)
                    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
                    _, secret = await keys.create(
                        graph,
                        name=f"local-admin-{stamp}",
                        role=keys.Role.ADMIN,
                        actor=CLI_ACTOR,
                        expires_at=datetime.now(UTC) + timedelta(days=30),
                    )
                    return secret

                async def run() -> str:
                    async with open_graph(settings, uri) as graph:
                        return await make_key(graph)

                secret = asyncio.run(run())
                shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
                banner = (
                    f"\nKoostöö is running. Open: http://{shown}:{port}/?key={secret}\n"
                    f"(Neo4j: {uri}; press Ctrl-C to stop)\n"
                )
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
