"""The `graphql-http` server audit suite (npm) against the live server.

Uvicorn serves the real app (real Neo4j, a real API key) on a free local port; the
audits run under node (`tests/contract/audit.mjs`, installed by
`make tests/contract/node_modules`). Every MUST passes.

SHOULDs we chose not to meet, and why (graphql-http 1.23.1, 8 of its SHOULDs):

All eight are about the newer `application/graphql-response+json` media type:
22EB (accept it and answer with that content type), 865D/556A/D586 (on a parse
failure: 4xx, exactly 400, no `data`), 51FE/74FF/5E5B (the same on a validation
failure) and 86EE (400 on variable coercion failure). Strawberry 0.341's ASGI view
does not negotiate that media type: it always answers `application/json`, for which
the spec requires 200 with `errors` on those failures, and the audits confirm we do
(the MUST audits for `application/json` all pass). Meeting these would mean
re-implementing content negotiation and status mapping around the framework's HTTP
view (api/app.py); clients lose nothing as long as they accept `application/json`,
which every GraphQL client does. Revisit when Strawberry supports the media type;
the test fails if any other SHOULD starts failing, or if a MUST fails.

Deliberate, not audited: requests without a valid API key get 401 before GraphQL runs
(the audits send a viewer key).
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import uvicorn

from api.app import create_app
from api.settings import Settings
from graph import keys
from graph.driver import Graph
from graph.keys import Role

HERE = Path(__file__).resolve().parent
#: SHOULD audits we accept failing, by id, with the reason (see the module docstring).
_MEDIA_TYPE = "application/graphql-response+json is not negotiated (see the docstring)"
ACCEPTED_SHOULD_FAILURES: dict[str, str] = {
    audit_id: _MEDIA_TYPE
    for audit_id in ("22EB", "865D", "556A", "D586", "51FE", "74FF", "5E5B", "86EE")
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _audit(graph: Graph, settings: Settings) -> list[dict[str, Any]]:
    assert (HERE / "node_modules" / "graphql-http").is_dir(), (
        "run `make tests/contract/node_modules` (npm ci in tests/contract) first"
    )
    _, secret = await keys.create(graph, name="contract", role=Role.VIEWER, actor="test")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, graph=graph), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
            assert not serving.done(), "uvicorn did not start"
        proc = await asyncio.create_subprocess_exec(
            "node",
            "audit.mjs",
            f"http://127.0.0.1:{port}/graphql",
            secret,
            cwd=HERE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
        assert proc.returncode == 0, err.decode()
        results: list[dict[str, Any]] = json.loads(out)
        return results
    finally:
        server.should_exit = True
        await serving


async def test_graphql_over_http_audits(graph: Graph, settings: Settings) -> None:
    results = await _audit(graph, settings)
    assert len(results) > 30
    must_failures = [r for r in results if r["name"].startswith("MUST") and r["status"] != "ok"]
    assert must_failures == [], json.dumps(must_failures, indent=2)
    should_failures = {
        r["id"]: r for r in results if r["name"].startswith("SHOULD") and r["status"] != "ok"
    }
    unexplained = {k: v for k, v in should_failures.items() if k not in ACCEPTED_SHOULD_FAILURES}
    assert unexplained == {}, json.dumps(unexplained, indent=2)
