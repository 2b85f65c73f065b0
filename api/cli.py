"""The `koostoo` command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID
from rich.table import Table

from api import local_key
from api.backup_key import BackupKeyMissing, backup_key
from api.runtime import neo4j_uri, open_graph
from api.settings import Settings
from graph import audit, backup, bulk, keys, local, maintenance, migrations
from graph.driver import Graph
from graph.errors import GraphError
from seeds import dataset, loader

T = TypeVar("T")

app = typer.Typer(help="Koostöö: the stakeholder network and CRM.", no_args_is_help=True)
neo4j_app = typer.Typer(
    help="Run the local Neo4j engine (when NEO4J_URI is unset).", no_args_is_help=True
)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(keys_app, name="keys")
import_app = typer.Typer(
    help="Import events and attendance from CSV or JSON Lines files (see seeds/README.md).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")
audit_app = typer.Typer(help="The audit trail: retention.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

out = Console()
err = Console(stderr=True)

CLI_ACTOR = "cli"


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as e:
        for problem in e.errors():
            err.print(f"[red]configuration:[/] {problem['msg'].removeprefix('Value error, ')}")
        raise typer.Exit(2) from e


def with_graph(work: Callable[[Graph], Awaitable[T]], *, migrate_first: bool = True) -> T:
    """Run `work` against the configured Neo4j (a local one is started if needed)."""
    settings = _settings()
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


@app.command()
def migrate() -> None:
    """Apply pending schema migrations (constraints and indexes)."""

    applied = with_graph(migrations.migrate, migrate_first=False)
    if applied:
        for m in applied:
            out.print(f"applied migration {m.version}: {m.name}")
    else:
        out.print(f"schema is current (version {migrations.LATEST_VERSION}); nothing to do")


class _Server(uvicorn.Server):
    banner: str = ""

    async def startup(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        await super().startup(sockets)  # type: ignore[arg-type]
        if self.banner and self.started:
            print(self.banner, flush=True)


@app.command()
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

    settings = _settings()
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
        report = await _seed(graph)
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


def _print_report(report: bulk.Report, *, dry_run: bool, title: str = "seed") -> None:
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


async def _seed(graph: Graph, *, dry_run: bool = False, quiet: bool = False) -> bulk.Report:
    data = dataset.read()
    with Progress(console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task(
            "seeding",
            total=len(data.nodes)
            + len(data.relationships)
            + sum(len(n.sources) for n in data.nodes),
        )
        report = await loader.load(
            graph,
            data,
            dry_run=dry_run,
            progress=lambda label, n: bar.update(task, advance=n, description=label),
        )
    return report


@app.command()
def seed(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
) -> None:
    """Load the curated dataset from the source documents (idempotent)."""
    try:
        report = with_graph(lambda graph: _seed(graph, dry_run=dry_run))
    except dataset.DatasetError as e:
        for problem in e.problems:
            err.print(f"[red]{problem}[/]")
        raise typer.Exit(1) from e
    _print_report(report, dry_run=dry_run)


@app.command()
def analyse(
    resolution: Annotated[
        float, typer.Option(help="Community resolution: higher gives more, smaller ones.")
    ] = 1.0,
) -> None:
    """Compute centrality and communities of the organisation and person networks and
    store them on the nodes (centralityDegree, …, community), to combine with filters."""
    from graph.analytics.centrality import analyse as run_analysis

    reports = with_graph(lambda graph: run_analysis(graph, resolution=resolution))
    table = Table("network", "nodes", "ties", "communities", "seconds")
    for r in reports:
        table.add_row(
            r.network.value, str(r.nodes), str(r.ties), str(r.communities), f"{r.seconds:.2f}"
        )
    out.print(table)


@app.command("export")
def export_all(
    file: Annotated[Path, typer.Argument(help="The JSON Lines file to write.")],
    all_: Annotated[
        bool, typer.Option("--all", help="Everything: entities, CRM, audit records, API keys.")
    ] = False,
) -> None:
    """Back up the whole graph to a signed, versioned JSON Lines file (`koostoo restore`
    reads it; it holds personal data: store it encrypted)."""
    if not all_:
        err.print("say --all: `koostoo export --all FILE` writes the whole graph")
        raise typer.Exit(2)
    key = _backup_key(_settings())
    report = with_graph(lambda graph: backup.export_all(graph, file, key=key))
    out.print(
        f"exported {report.nodes} nodes and {report.relationships} relationships to "
        f"{report.path} (content hash {report.hash}; signed with backup key {report.key_id})",
        soft_wrap=True,
        markup=False,
    )


def _backup_key(settings: Settings) -> bytes:
    try:
        return backup_key(settings)
    except BackupKeyMissing as e:
        err.print(f"[red]configuration:[/] {e}")
        raise typer.Exit(2) from e


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `koostoo export --all`.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the data of a non-empty database (saved first to "
            "KOOSTOO_DATA_DIR/backups, and put back if the restore fails).",
        ),
    ] = False,
    trust_unsigned: Annotated[
        bool,
        typer.Option(
            "--trust-unsigned",
            help="Read an unsigned backup of an older Koostöö (format 1) whose origin you "
            "vouch for; its API keys are not restored.",
        ),
    ] = False,
    in_batches: Annotated[
        bool,
        typer.Option(
            "--in-batches",
            help="Do not try one transaction first (a graph larger than Neo4j's transaction "
            "memory); a failure still puts the replaced graph back.",
        ),
    ] = False,
) -> None:
    """Restore a backup: its MAC and every line are checked before anything is written,
    and the graph it replaces is never lost."""
    settings = _settings()
    key = _backup_key(settings)

    async def work(graph: Graph) -> backup.RestoreReport:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("restoring", total=None)
            return await backup.restore(
                graph,
                file,
                key=key,
                force=force,
                trust_unsigned=trust_unsigned,
                saved_dir=settings.data_dir / "backups",
                one_transaction=not in_batches,
                progress=lambda what, n: bar.update(task, advance=n, description=what),
                notice=lambda line: bar.console.print(line, soft_wrap=True, markup=False),
            )

    report = with_graph(work)
    m = report.manifest
    signer = f"signed with backup key {m.key_id}" if m.signed else "unsigned (trusted)"
    lines = [
        f"checked {file}: {m.nodes} nodes, {m.relationships} relationships, schema version "
        f"{m.schema_version}, made {m.created_at}, {signer}"
    ]
    if report.wiped:
        how = "in one transaction" if report.one_transaction else "in batches"
        lines.append(
            f"replaced {report.wiped} existing nodes {how}; they are saved in {report.saved}"
        )
    lines.append(
        f"restored {report.nodes} nodes and {report.relationships} relationships; "
        f"content hash {report.hash} verified"
    )
    for line in lines:
        out.print(line, soft_wrap=True, markup=False)


class _ImportProgress:
    """The importer's progress (validation pass in bytes, write pass in rows) on stderr."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task: TaskID | None = None

    def phase(self, description: str, total: int | None) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(description, total=total)

    def advance(self, n: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, advance=n)


def _import(kind: str, file: Path, *, dry_run: bool, create_missing: bool, batch_size: int) -> None:
    from seeds.importers.reading import ImportProblems
    from seeds.importers.runner import IMPORTERS, ImportResult, Options

    options = Options(
        create_missing=create_missing, dry_run=dry_run, batch_size=batch_size, actor=CLI_ACTOR
    )

    async def work(graph: Graph) -> ImportResult:
        with Progress(console=err, transient=True) as bar:
            return await IMPORTERS[kind](graph, file, options, _ImportProgress(bar))

    try:
        result = with_graph(work)
    except ImportProblems as e:
        for problem in e.problems:
            err.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        err.print(f"[red]{file.name}: not imported; nothing was written.[/]")
        raise typer.Exit(1) from e
    _print_report(result.report, dry_run=dry_run, title=f"import {kind}: {result.file}")
    out.print(f"{result.rows} rows read")


_ImportFile = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, help="A .csv (; or ,) or .jsonl file, UTF-8."
    ),
]
_DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check and show what would change; write nothing.")
]
_CreateMissing = Annotated[
    bool,
    typer.Option(
        "--create-missing",
        help="Create people and organisations that match nothing (default: report them).",
    ),
]
_BatchSize = Annotated[int, typer.Option(min=1, max=50_000, help="Rows per write transaction.")]


@import_app.command("events")
def import_events(
    file: _ImportFile,
    dry_run: _DryRun = False,
    create_missing: _CreateMissing = False,
    batch_size: _BatchSize = 5_000,
) -> None:
    """Import events (name, kind, dates, place, programme, organisers, source)."""
    _import("events", file, dry_run=dry_run, create_missing=create_missing, batch_size=batch_size)


@import_app.command("attendance")
def import_attendance(
    file: _ImportFile,
    dry_run: _DryRun = False,
    create_missing: _CreateMissing = False,
    batch_size: _BatchSize = 5_000,
) -> None:
    """Import who attended which event, in what role (and their organisation)."""
    _import(
        "attendance", file, dry_run=dry_run, create_missing=create_missing, batch_size=batch_size
    )


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local Neo4j in the background; prints its Bolt URI."""
    settings = _settings()
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


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the background local Neo4j."""
    home = _settings().local_neo4j_dir.resolve()
    if local.stop_running(home):
        out.print("stopped")
    else:
        out.print("not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, and where. Exit status 3 when it does not."""
    home = _settings().local_neo4j_dir.resolve()
    running = local.read_running(home)
    if running is None:
        out.print(f"not running (data directory {home})")
        raise typer.Exit(3)
    out.print(f"running: pid {running[0]}, {running[1]}, data directory {home}")


@keys_app.command("create")
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


@keys_app.command("list")
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


@keys_app.command("rotate")
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


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="The key's id, name or displayed prefix.")],
) -> None:
    """Revoke an API key at once."""

    async def work(graph: Graph) -> keys.ApiKey:
        return await keys.revoke(graph, key, actor=CLI_ACTOR)

    revoked = with_graph(work)
    out.print(f"revoked {revoked.name!r} (id {revoked.id})")


@audit_app.command("prune")
def audit_prune(dry_run: _DryRun = False, batch_size: _BatchSize = 10_000) -> None:
    """Delete audit events older than KOOSTOO_AUDIT_RETENTION_DAYS (default 730; 0 keeps
    them forever). The pruning is itself audited. Run it daily, e.g. from cron."""
    days = _settings().audit_retention_days
    if days == 0:
        out.print("KOOSTOO_AUDIT_RETENTION_DAYS is 0: audit events are kept forever; nothing to do")
        return
    cutoff = datetime.now(UTC) - timedelta(days=days)
    report = with_graph(
        lambda graph: audit.prune(
            graph, before=cutoff, actor=CLI_ACTOR, dry_run=dry_run, batch_size=batch_size
        )
    )
    verb = "would delete" if dry_run else "deleted"
    oldest = f"; the oldest from {report.oldest:%Y-%m-%d}" if report.oldest else ""
    out.print(
        f"{verb} {report.deleted} audit events older than {days} days "
        f"(recorded before {cutoff:%Y-%m-%d %H:%M} UTC){oldest}",
        soft_wrap=True,
    )


@app.command("bench")
def bench_command(
    size: Annotated[str, typer.Option(help="S (1k organisations), M (10k) or L (100k).")] = "S",
    duration: Annotated[float, typer.Option(min=0.5, help="Seconds per measured cell.")] = 5.0,
) -> None:
    """Benchmark ours vs the raw driver vs the Neo4j GraphQL Library; writes bench/RESULTS.md.

    Needs a source checkout (bench/ is not installed) and the peer's npm packages,
    which `make bench` installs."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    if not (root / "bench" / "run.py").is_file():
        err.print("[red]error:[/] bench/ is not here: run `koostoo bench` from a source checkout")
        raise typer.Exit(2)
    if size.upper() not in ("XS", "S", "M", "L"):
        err.print(f"[red]error:[/] --size must be S, M or L, not {size!r}")
        raise typer.Exit(2)
    if not (root / "bench" / "peer" / "node_modules").is_dir():
        err.print("[yellow]the peer's npm packages are missing: run `make bench` once[/]")
    cmd = [sys.executable, "-m", "bench.run", "--size", size.upper(), "--duration", str(duration)]
    raise typer.Exit(subprocess.run(cmd, cwd=root, check=False).returncode)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
