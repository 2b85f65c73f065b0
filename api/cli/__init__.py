"""The `koostoo` command line, one module per command family: `migrate`, `serve`,
`data` (seed, export, restore, import), `ingest` (documents into proposed facts),
`analyse`, `local_neo4j` (neo4j), `keys` and `audit`; `common` holds what they share.
The commands are registered here, in the order `--help` lists them."""

from __future__ import annotations

import typer

from api.cli import analyse, audit, data, ingest, keys, local_neo4j, migrate, serve

app = typer.Typer(help="Koostöö: the stakeholder network and CRM.", no_args_is_help=True)
app.command()(migrate.migrate)
app.command()(serve.serve)
app.command()(data.seed)
app.command()(analyse.analyse)
app.command("export")(data.export_all)
app.command()(data.restore)
app.add_typer(local_neo4j.app, name="neo4j")
app.add_typer(keys.app, name="keys")
app.add_typer(data.import_app, name="import")
app.command()(ingest.ingest)
app.add_typer(audit.app, name="audit")


def main() -> None:
    app()
