"""`koostoo analyse`, run as a user would: scores end up on the nodes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from graph.analytics import network
from graph.driver import Graph
from seeds import dataset, loader


async def test_analyse_command_stores_scores(
    graph: Graph, neo4j_server: str, tmp_path: Path
) -> None:
    await loader.load(graph, dataset.read())
    env = dict(os.environ) | {"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path)}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "api.cli", "analyse", "--resolution", "1.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ORGANISATIONS" in done.stdout and "PEOPLE" in done.stdout
    net = await network.ego(graph, "sev", depth=1)
    sev = next(n for n in net.nodes if n.id == "sev")
    assert sev.scores["centralityDegree"] > 0
    assert isinstance(sev.scores["community"], int)
