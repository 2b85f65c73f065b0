"""`koostoo neo4j start|stop|status`: the local Neo4j engine (when NEO4J_URI is unset)."""

from __future__ import annotations

import typer

from api.cli.common import err, load_settings, out
from graph import local
from graph.errors import GraphError

app = typer.Typer(
    help="Run the local Neo4j engine (when NEO4J_URI is unset).", no_args_is_help=True
)


@app.command("start")
def neo4j_start() -> None:
    """Start the local Neo4j in the background; prints its Bolt URI."""
    settings = load_settings()
    home = settings.local_neo4j_dir.resolve()
    running = local.read_running(home)
    if running is not None:
        out.print(running[1])
        err.print(f"already running (pid {running[0]})")
        return
    engine = local.LocalNeo4j(
        home=home,
        port=settings.local_bolt_port,
        heap=settings.local_heap,
        pagecache=settings.local_pagecache,
        watch_parent=False,
    )
    try:
        uri = engine.start()
    except GraphError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1) from e
    # Leave the engine running: we only drop our handle on it.
    engine.process = None
    out.print(uri)


@app.command("stop")
def neo4j_stop() -> None:
    """Stop the background local Neo4j."""
    home = load_settings().local_neo4j_dir.resolve()
    if local.stop_running(home):
        out.print("stopped")
    else:
        out.print("not running")


@app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, and where. Exit status 3 when it does not."""
    home = load_settings().local_neo4j_dir.resolve()
    running = local.read_running(home)
    if running is None:
        out.print(f"not running (data directory {home})")
        raise typer.Exit(3)
    out.print(f"running: pid {running[0]}, {running[1]}, data directory {home}")
