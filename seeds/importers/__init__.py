"""Importers of events and attendance (CSV or JSON Lines; see seeds/README.md). An
import run validates the whole file, resolves its references, then writes:

1. Validation pass (streaming, `validation.py`, one for every importer): every row is
   parsed and validated (`reading.py`, `rows.py`); only the keys needed to find
   duplicates and the distinct references are kept (for attendance, also the few
   properties of each attendance). The references that could be ids are looked up
   while the pass goes on (`References`, `matching.IdLookup`).
2. Resolution (`resolve.py`): references are matched to existing entities (by id,
   e-mail, or normalised name) or planned for creation; unknown or ambiguous ones are
   problems, as are the duplicates and mismatches of the domain rules (`rules.py`).
   Any problem so far → `ImportProblems`, nothing written.
3. Write pass (`writing.py`): batches of `UNWIND … MERGE` (graph/bulk/), each its own
   transaction, a few in flight at once (`bulk.Pipeline`). Events re-read the file
   (streaming); attendance writes what the validation pass kept. Ids are
   deterministic, so an interrupted run can simply be run again. With `dry_run`, the
   same batches are planned in read transactions instead (`bulk.plan_*`): nothing is
   written.
4. One audit event for the run (actor, file, counts), besides the per-node audit
   events the bulk writers record.

Each importer has its own module (`events.py`, `attendance.py`); `run.py` holds what a
run takes and gives. `IMPORTERS` names them by kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from graph.driver import Graph
from seeds.importers.attendance import import_attendance
from seeds.importers.events import import_events
from seeds.importers.run import ImportResult, Options, ProgressSink

Importer = Callable[[Graph, Path, Options, ProgressSink | None], Awaitable[ImportResult]]
IMPORTERS: dict[str, Importer] = {"events": import_events, "attendance": import_attendance}
