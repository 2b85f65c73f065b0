"""`koostoo ingest FILE…`: documents into proposed facts, the review flow for scripts.

Every file is read and checked first (format, encoding, size); if any cannot be read,
nothing is written and each problem is listed as `FILE: reason`. Then each document is
stored once (its text's content hash: a file ingested before proposes nothing new) and
its facts are proposed. `--accept-known` accepts the stated relationships between
entities that already exist; `--accept-all` every stated fact (never the weak
co-occurrences), one transaction per batch; `--json` prints the proposals.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from api.cli.common import CLI_ACTOR, err, out, with_graph
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.ingest import review, store
from graph.ingest.documents import DocumentMeta, ingest_text
from graph.ingest.facts import FactKind
from graph.ingest.formats import Extracted, extract
from graph.models.common import partial_date_bounds

_Files = Annotated[
    list[Path],
    typer.Argument(
        help="Plain text, Markdown, HTML, PDF (text layer) or DOCX files.",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]


def _read(files: list[Path]) -> list[tuple[Path, Extracted]]:
    read: list[tuple[Path, Extracted]] = []
    problems: list[str] = []
    for path in files:
        try:
            read.append((path, extract(path.read_bytes(), path.name)))
        except InvalidInput as e:
            problems += [f"{path}: {message}" for _, message in e.problems]
        except OSError as e:
            problems.append(f"{path}: cannot be read ({e.strerror})")
    if problems:
        for problem in problems:
            err.print(f"[red]{escape(problem)}[/]", soft_wrap=True)
        err.print("nothing was ingested")
        raise typer.Exit(1)
    return read


async def _accept_all(graph: Graph, doc_id: str) -> review.Decided:
    pending = await store.list_for(graph, doc_id, status=store.Status.PROPOSED)
    return await review.accept_in_batches(
        graph, [p.id for p in pending if not p.weak], actor=CLI_ACTOR
    )


async def _ingest(
    graph: Graph,
    read: list[tuple[Path, Extracted]],
    *,
    accept_known: bool,
    accept_all: bool,
    date: str | None = None,
) -> list[dict[str, Any]]:
    report = []
    for path, got in read:
        meta = DocumentMeta(title=(got.title or path.stem)[:200], file=path.name, date=date)
        ingested = await ingest_text(graph, got.text, meta, actor=CLI_ACTOR)
        decided = review.Decided()
        if accept_all:
            decided = await _accept_all(graph, ingested.document_id)
        elif accept_known:
            decided = await review.accept_known(graph, ingested.document_id, actor=CLI_ACTOR)
        proposals = await store.list_for(graph, ingested.document_id)
        report.append(
            {
                "file": str(path),
                "format": got.format.value,
                "documentId": ingested.document_id,
                "created": ingested.created,
                "accepted": len(decided.accepted),
                "entitiesCreated": len(decided.created),
                "proposals": [p.model_dump(mode="json", by_alias=True) for p in proposals],
                "datesWithoutYear": [
                    {"line": line, "text": written} for line, written in ingested.without_year
                ],
            }
        )
    return report


def ingest(
    files: _Files,
    accept_known: Annotated[
        bool,
        typer.Option(
            "--accept-known", help="Accept stated facts between entities that already exist."
        ),
    ] = False,
    accept_all: Annotated[
        bool,
        typer.Option(
            "--accept-all",
            help="Accept every stated fact (trusted records); never the weak co-occurrences.",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the proposals as JSON on stdout.")
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The documents' date (2019, 2019-01 or 2019-01-28): a date the text writes "
            "without its year ('09.04') takes it from this.",
        ),
    ] = None,
) -> None:
    """Propose the facts documents state, each with its quote, for review."""
    if date is not None:
        try:
            for bound in partial_date_bounds(date):
                datetime.date.fromisoformat(bound)
        except ValueError:
            err.print(f"[red]--date: {escape(date)!r} is not a date (2019, 2019-01, 2019-01-28)[/]")
            raise typer.Exit(2) from None
    read = _read(files)
    report = with_graph(
        lambda graph: _ingest(
            graph, read, accept_known=accept_known, accept_all=accept_all, date=date
        )
    )
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
        return
    for doc in report:
        table = Table("kind", "proposed", "accepted", "rejected", title=doc["file"])
        for kind in FactKind:
            mine = [p for p in doc["proposals"] if p["kind"] == kind.value]
            counts = [sum(p["status"] == s.value for p in mine) for s in store.Status]
            table.add_row(kind.value.lower(), *(str(c) for c in counts))
        out.print(table)
        note = "new document" if doc["created"] else "ingested before: nothing new proposed"
        out.print(
            f"{doc['documentId']}: {note}; {doc['accepted']} accepted, "
            f"{doc['entitiesCreated']} entities created"
        )
        if doc["datesWithoutYear"]:
            where = ", ".join(f"{d['text']} (line {d['line']})" for d in doc["datesWithoutYear"])
            err.print(
                f"[yellow]{escape(doc['file'])}: {len(doc['datesWithoutYear'])} dates have no "
                f"year the text gives, and what they date was not proposed: {escape(where)}. "
                "Give the document's date with --date.[/]",
                soft_wrap=True,
            )
