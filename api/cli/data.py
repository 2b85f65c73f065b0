"""The data commands: `koostoo seed` (the curated dataset), `koostoo export --all` and
`koostoo restore` (whole-graph backups), `koostoo import events|attendance` (files of
meeting records)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from api.backup_key import BackupKeyMissing, backup_key
from api.cli.common import (
    CLI_ACTOR,
    BatchSize,
    DryRun,
    err,
    load_settings,
    out,
    print_report,
    with_graph,
)
from api.settings import Settings
from graph import backup, bulk
from graph.driver import Graph
from seeds import dataset, loader

import_app = typer.Typer(
    help="Import events and attendance from CSV or JSON Lines files (see seeds/README.md).",
    no_args_is_help=True,
)


async def seed_graph(graph: Graph, *, dry_run: bool = False, quiet: bool = False) -> bulk.Report:
    """Load the curated dataset into `graph`, with a progress bar on stderr."""
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


def seed(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
) -> None:
    """Load the curated dataset from the source documents (idempotent)."""
    try:
        report = with_graph(lambda graph: seed_graph(graph, dry_run=dry_run))
    except dataset.DatasetError as e:
        for problem in e.problems:
            err.print(f"[red]{problem}[/]")
        raise typer.Exit(1) from e
    print_report(report, dry_run=dry_run)


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
    key = _backup_key(load_settings())
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
    settings = load_settings()
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


def _import(
    kind: str,
    file: Path,
    *,
    dry_run: bool,
    create_missing: bool,
    batch_size: int,
    create_similar: bool = False,
) -> None:
    from seeds.importers import IMPORTERS
    from seeds.importers.reading import ImportProblems
    from seeds.importers.run import ImportResult, Options

    options = Options(
        create_missing=create_missing or create_similar,
        create_similar=create_similar,
        dry_run=dry_run,
        batch_size=batch_size,
        actor=CLI_ACTOR,
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
    print_report(result.report, dry_run=dry_run, title=f"import {kind}: {result.file}")
    for note in result.notes:
        out.print(note, markup=False, highlight=False, soft_wrap=True)
    if result.created:
        out.print(
            ("would create: " if dry_run else "created: ") + "; ".join(result.created),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    out.print(f"{result.rows} rows read")


_ImportFile = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, help="A .csv (; or ,) or .jsonl file, UTF-8."
    ),
]
_CreateMissing = Annotated[
    bool,
    typer.Option(
        "--create-missing",
        help="Create people and organisations that match nothing (default: report them).",
    ),
]


_CreateSimilar = Annotated[
    bool,
    typer.Option(
        "--create-similar",
        help="With --create-missing (implied): create them also when an existing one has a "
        "similar name (default: report it as 'did you mean').",
    ),
]


@import_app.command("events")
def import_events(
    file: _ImportFile,
    dry_run: DryRun = False,
    create_missing: _CreateMissing = False,
    create_similar: _CreateSimilar = False,
    batch_size: BatchSize = 5_000,
) -> None:
    """Import events (name, kind, dates, place, programme, organisers, source)."""
    _import(
        "events",
        file,
        dry_run=dry_run,
        create_missing=create_missing,
        create_similar=create_similar,
        batch_size=batch_size,
    )


@import_app.command("attendance")
def import_attendance(
    file: _ImportFile,
    dry_run: DryRun = False,
    create_missing: _CreateMissing = False,
    create_similar: _CreateSimilar = False,
    batch_size: BatchSize = 5_000,
) -> None:
    """Import who attended which event, in what role (and their organisation)."""
    _import(
        "attendance",
        file,
        dry_run=dry_run,
        create_missing=create_missing,
        create_similar=create_similar,
        batch_size=batch_size,
    )
