"""What every command family shares: the consoles, the settings, running work against
the configured Neo4j, the report table of loads, and the options several commands take."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from api.runtime import neo4j_uri, open_graph
from api.settings import Settings
from graph import bulk, migrations
from graph.driver import Graph
from graph.errors import GraphError

T = TypeVar("T")

out = Console()
err = Console(stderr=True)

CLI_ACTOR = "cli"


def load_settings() -> Settings:
    """The settings from the environment; a configuration error exits with status 2."""
    try:
        return Settings()
    except ValidationError as e:
        for problem in e.errors():
            err.print(f"[red]configuration:[/] {problem['msg'].removeprefix('Value error, ')}")
        raise typer.Exit(2) from e


def with_graph(work: Callable[[Graph], Awaitable[T]], *, migrate_first: bool = True) -> T:
    """Run `work` against the configured Neo4j (a local one is started if needed)."""
    settings = load_settings()
    try:
        with neo4j_uri(settings, announce=False) as uri:

            async def run() -> T:
                async with open_graph(settings, uri) as graph:
                    if migrate_first:
                        await migrations.migrate(graph)
                    return await work(graph)

            return asyncio.run(run())
    except GraphError as e:
        # Whole lines, as written: a message names files and lines (`FILE:LINE: …`).
        err.print(f"[red]error:[/] {escape(str(e))}", soft_wrap=True)
        raise typer.Exit(1) from e


def print_report(report: bulk.Report, *, dry_run: bool, title: str = "seed") -> None:
    """What a load changed (or would change), per label and relationship type."""
    table = Table(
        "what",
        "created",
        "updated",
        "unchanged",
        title="would change (dry run, nothing written)" if dry_run else title,
    )
    for name, c in [*report.nodes.items(), *report.relationships.items()]:
        table.add_row(name, str(c.created), str(c.updated), str(c.unchanged))
    out.print(table)
    verb = "would change" if dry_run else "changed"
    out.print(f"{report.changed} records {verb}")


DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check and show what would change; write nothing.")
]
BatchSize = Annotated[int, typer.Option(min=1, max=50_000, help="Rows per write transaction.")]
