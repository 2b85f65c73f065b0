"""`koostoo audit prune`: the retention of the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer

from api.cli.common import CLI_ACTOR, BatchSize, DryRun, load_settings, out, with_graph
from graph import audit

app = typer.Typer(help="The audit trail: retention.", no_args_is_help=True)


@app.command("prune")
def audit_prune(dry_run: DryRun = False, batch_size: BatchSize = 10_000) -> None:
    """Delete audit events older than KOOSTOO_AUDIT_RETENTION_DAYS (default 730; 0 keeps
    them forever). The pruning is itself audited. Run it daily, e.g. from cron."""
    days = load_settings().audit_retention_days
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
