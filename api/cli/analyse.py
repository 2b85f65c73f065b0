"""`koostoo analyse`: centrality and communities stored on the nodes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import out, with_graph


def analyse(
    resolution: Annotated[
        float, typer.Option(help="Community resolution: higher gives more, smaller ones.")
    ] = 1.0,
) -> None:
    """Compute centrality and communities of the organisation and person networks and
    store them on the nodes (centralityDegree, …, community), to combine with filters."""
    from graph.analytics.stored import analyse as run_analysis

    reports = with_graph(lambda graph: run_analysis(graph, resolution=resolution))
    table = Table("network", "nodes", "ties", "communities", "seconds")
    for r in reports:
        table.add_row(
            r.network.value, str(r.nodes), str(r.ties), str(r.communities), f"{r.seconds:.2f}"
        )
    out.print(table)
