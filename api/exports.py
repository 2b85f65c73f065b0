"""`GET /export/graph`: the network as cytoscape.js JSON, GraphML, GEXF or a CSV zip,
streamed while it is read from Neo4j; `GET /export/stakeholders`: a campaign's stakeholder
grid as CSV. Behind the bearer-key middleware; viewer or above."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from graph import crm, export
from graph.analytics.network import NetworkFilter
from graph.driver import Graph
from graph.errors import GraphError, InvalidInput, NotFound, Unavailable
from graph.export.stakeholders import stakeholders_csv
from graph.keys import ApiKey, Role


def _problem(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def _list(request: Request, name: str) -> tuple[str, ...] | None:
    values = [v for raw in request.query_params.getlist(name) for v in raw.split(",") if v]
    return tuple(values) if values else None


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput([(name, "must be a whole number")]) from None


def _refused(request: Request) -> Response | None:
    """The answer to a request without a key of the viewer role or above, or None."""
    principal: ApiKey | None = getattr(request.state, "principal", None)
    if principal is None:
        return _problem(401, "UNAUTHENTICATED", "send an API key as `Authorization: Bearer …`")
    if not principal.role.allows(Role.VIEWER):
        return _problem(403, "FORBIDDEN", "this needs a key with the viewer role or higher")
    return None


async def export_graph(request: Request) -> Response:
    if (refused := _refused(request)) is not None:
        return refused
    graph: Graph = request.state.graph
    params = request.query_params
    try:
        try:
            fmt = export.Format(params.get("format", "graphml"))
        except ValueError:
            raise InvalidInput(
                [("format", "must be one of " + ", ".join(f.value for f in export.Format))]
            ) from None
        centre = params.get("id") or None
        depth = _int(request, "depth", 1)
        kwargs: dict[str, object] = {
            "from_": params.get("from"),
            "to": params.get("to"),
            # caps an ego export; the whole graph (no `id`) is streamed uncapped
            "max_nodes": _int(request, "maxNodes", 5000),
        }
        types = _list(request, "relationshipTypes")
        labels = _list(request, "labels")
        if types is not None:
            kwargs["relationship_types"] = types
        if labels is not None:
            kwargs["labels"] = labels
        filter = NetworkFilter.model_validate(kwargs)
        await export.prepare(graph, centre=centre, depth=depth, filter=filter)
    except InvalidInput as e:
        problems = [{"field": f, "message": m} for f, m in e.problems]
        return _problem(400, "BAD_REQUEST", str(e), problems=problems)
    except NotFound as e:
        return _problem(404, "NOT_FOUND", str(e))
    except Unavailable:
        return _problem(503, "SERVICE_UNAVAILABLE", "the graph database is unavailable")
    except GraphError as e:
        return _problem(400, "BAD_REQUEST", str(e))
    name = f"koostoo-{centre or 'graph'}.{export.EXTENSIONS[fmt]}"
    return StreamingResponse(
        export.stream(graph, fmt, centre=centre, depth=depth, filter=filter),
        media_type=export.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def export_stakeholders(request: Request) -> Response:
    """`GET /export/stakeholders?campaign=<id>`: a campaign's stakeholder grid as CSV."""
    if (refused := _refused(request)) is not None:
        return refused
    campaign = request.query_params.get("campaign") or ""
    if not campaign:
        return _problem(
            400,
            "BAD_REQUEST",
            "campaign: give the campaign's id",
            problems=[{"field": "campaign", "message": "give the campaign's id"}],
        )
    try:
        grid = await crm.stakeholder_grid(request.state.graph, campaign)
    except NotFound as e:
        return _problem(404, "NOT_FOUND", str(e))
    except Unavailable:
        return _problem(503, "SERVICE_UNAVAILABLE", "the graph database is unavailable")
    found = sorted(
        (s for members in grid.quadrants.values() for s in members),
        key=lambda s: (-s.current.influence, -s.current.interest, s.node.id),
    )
    return Response(
        stakeholders_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="koostoo-{campaign}-stakeholders.csv"'
        },
    )
