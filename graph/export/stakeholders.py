"""A campaign's stakeholder grid as CSV: one row per stakeholder with the latest
assessment, its quadrant and the evidence recorded for it. Cells are escaped as the
graph export's CSV is (`csv_cell`: a text that would start a formula is shown as text),
and every text is quoted, so a name holding `;` or `,` stays one cell."""

from __future__ import annotations

import csv
import io

from graph import actors
from graph.crm import Stakeholder, quadrant
from graph.export.csv_zip import csv_cell

HEADER = (
    "name",
    "type",
    "id",
    "influence",
    "interest",
    "quadrant",
    "stance",
    "assessedAt",
    "evidence",
    "assessedBy",
)


def stakeholders_csv(stakeholders: list[Stakeholder]) -> str:
    """The CSV text (UTF-8 with a byte order mark, which spreadsheets need to read
    õ, ä, ö, ü, š, ž and Cyrillic as written), most influential first."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(HEADER)
    for s in stakeholders:
        a = s.current
        name = getattr(s.node, "name", None) or s.node.id
        row = [
            name,
            s.label,
            s.node.id,
            a.influence,
            a.interest,
            quadrant(a).value,
            a.stance.value,
            a.assessed_at.isoformat() if a.assessed_at else None,
            a.note,
            actors.name_of(a.by) if a.by else None,
        ]
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
