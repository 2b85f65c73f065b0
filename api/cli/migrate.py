"""`koostoo migrate`: the schema migrations."""

from __future__ import annotations

from api.cli.common import out, with_graph
from graph import migrations


def migrate() -> None:
    """Apply pending schema migrations (constraints and indexes)."""

    applied = with_graph(migrations.migrate, migrate_first=False)
    if applied:
        for m in applied:
            out.print(f"applied migration {m.version}: {m.name}")
    else:
        out.print(f"schema is current (version {migrations.LATEST_VERSION}); nothing to do")
