"""`koostoo keys create|list|rotate|revoke`: API keys (a secret is printed once, on
stdout only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import CLI_ACTOR, err, out, with_graph
from graph import keys
from graph.driver import Graph

app = typer.Typer(help="Manage API keys.", no_args_is_help=True)


@app.command("create")
def keys_create(
    name: Annotated[
        str,
        typer.Option(
            help="The person (or service) the key belongs to, e.g. 'Mari Maasikas': shown "
            "on the page and as the author of their notes and changes."
        ),
    ],
    role: Annotated[
        keys.Role, typer.Option(help="viewer < editor < analyst < admin")
    ] = keys.Role.VIEWER,
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, help="Expire after this many days (default: never).")
    ] = None,
) -> None:
    """Create an API key; prints only the key (shown once) on stdout."""
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None

    async def work(graph: Graph) -> str:
        key, secret = await keys.create(
            graph, name=name, role=role, actor=CLI_ACTOR, expires_at=expires
        )
        err.print(f"created {key.role.value} key {key.name!r} (id {key.id})")
        return secret

    print(with_graph(work))


@app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List API keys (never their secrets)."""
    found = with_graph(keys.list_all)
    if as_json:
        for k in found:
            print(k.model_dump_json(by_alias=True))
        return
    table = Table("id", "name", "role", "prefix", "created", "expires", "status")
    for k in found:
        status = "revoked" if k.revoked_at else ("active" if k.active else "expired")
        table.add_row(
            k.id,
            k.name,
            k.role.value,
            k.prefix + "…",
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.expires_at:%Y-%m-%d}" if k.expires_at else "never",
            status,
        )
    out.print(table)


@app.command("rotate")
def keys_rotate(
    key: Annotated[str, typer.Argument(help="The key's id, name or displayed prefix.")],
    expires_in_days: Annotated[
        int | None,
        typer.Option(min=1, help="Expire after this many days (default: the old key's expiry)."),
    ] = None,
) -> None:
    """Replace a key with a new secret (same name and role) and revoke the old one at once;
    prints only the new key on stdout."""
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None

    async def work(graph: Graph) -> str:
        new, secret = await keys.rotate(graph, key, actor=CLI_ACTOR, expires_at=expires)
        err.print(f"rotated {new.role.value} key {new.name!r} (new id {new.id}); old one revoked")
        return secret

    print(with_graph(work))


@app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="The key's id, name or displayed prefix.")],
) -> None:
    """Revoke an API key at once."""

    async def work(graph: Graph) -> keys.ApiKey:
        return await keys.revoke(graph, key, actor=CLI_ACTOR)

    revoked = with_graph(work)
    out.print(f"revoked {revoked.name!r} (id {revoked.id})")
