"""The data steps of the migrations that fill or reshape data (graph/migrations.py runs
them, also on data restored from an older backup): `fill_lemmas` gives entities written
before Estonian lemmas their `lemmaText` and `lemmaKeys`; `cooperation_edges` turns
`PROVIDES.forOrganisation` into the ties the model has for it. Each is idempotent: a
rerun finds nothing to do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from neo4j import AsyncManagedTransaction

from graph.driver import Graph
from graph.models.registry import TYPES
from graph.models.spec import EntityType

#: How many entities one step of `fill_lemmas` reads and writes.
LEMMA_PAGE = 1000


def _missing_lemmas(label: str) -> str:
    return f"""
MATCH (n:{label}) WHERE n.lemmaText IS NULL
WITH n ORDER BY n.id LIMIT $page
RETURN collect([n.id, [k IN $keys | n[k]]]) AS rows
"""


def _set_lemmas(label: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (n:{label} {{id: row.id}})
SET n.lemmaText = row.text, n.lemmaKeys = row.keys
"""


def _lemma_step(spec: EntityType) -> Callable[[AsyncManagedTransaction], Awaitable[int]]:
    async def step(tx: AsyncManagedTransaction) -> int:
        keys = list(spec.derived_from)
        found = await (
            await tx.run(_missing_lemmas(spec.label), page=LEMMA_PAGE, keys=keys)
        ).single(strict=True)
        rows = []
        for entity_id, values in found["rows"]:
            made = spec.derived(dict(zip(keys, values, strict=True)))
            rows.append({"id": entity_id, "text": made["lemmaText"], "keys": made["lemmaKeys"]})
        await tx.run(_set_lemmas(spec.label), rows=rows)
        return len(rows)

    return step


async def fill_lemmas(graph: Graph) -> int:
    """Give every entity of a searchable type that has no `lemmaText` (written before
    there was one) the `lemmaText` and `lemmaKeys` that `EntityType.derived` gives new
    ones; return how many were given them."""
    filled = 0
    for spec in (t for t in TYPES if t.meta.searchable):
        step = _lemma_step(spec)
        while (done := await graph.write(step)) > 0:
            filled += done
    return filled


#: How many PROVIDES relationships one step of `cooperation_edges` turns into edges.
PROVIDES_PAGE = 1000

#: One page of `PROVIDES {forOrganisation}` (a property naming the organisation a service
#: is provided in cooperation with, for) made into the ties the model has for it: the
#: provider `COOPERATES_WITH` the organisation `about` the service, and the service is
#: `DELIVERED_FOR` it, both with the PROVIDES edge's sources, quotes, period and note.
#: An id that names no organisation is kept in the edge's note, so nothing is lost.
_PROVIDES_FOR = """
MATCH (p:Organisation)-[r:PROVIDES]->(s:Service)
WHERE r.forOrganisation IS NOT NULL
WITH p, r, s LIMIT $page
OPTIONAL MATCH (m:Organisation {id: r.forOrganisation})
CALL (p, r, s, m) {
  WITH * WHERE m IS NOT NULL
  MERGE (p)-[c:COOPERATES_WITH]->(m)
  ON CREATE SET c.createdAt = datetime(), c.about = s.id, c.basis = r.basis,
                c.from = r.from, c.to = r.to, c.note = r.note, c.inferred = r.inferred,
                c.sourceIds = r.sourceIds, c.evidence = r.evidence
  SET c.updatedAt = datetime()
  MERGE (s)-[d:DELIVERED_FOR]->(m)
  ON CREATE SET d.createdAt = datetime(), d.from = r.from, d.to = r.to, d.status = r.status,
                d.note = r.note, d.inferred = r.inferred,
                d.sourceIds = r.sourceIds, d.evidence = r.evidence
  SET d.updatedAt = datetime()
}
SET r.note = CASE WHEN m IS NULL
                  THEN coalesce(r.note + ' ', '') + 'for organisation ' + r.forOrganisation
                  ELSE r.note END
REMOVE r.forOrganisation
RETURN count(*) AS n
"""


async def cooperation_edges(graph: Graph) -> int:
    """Turn every `PROVIDES.forOrganisation` into `COOPERATES_WITH` and `DELIVERED_FOR`
    edges (see `_PROVIDES_FOR`); return how many PROVIDES edges had one."""

    async def step(tx: AsyncManagedTransaction) -> int:
        row = await (await tx.run(_PROVIDES_FOR, page=PROVIDES_PAGE)).single(strict=True)
        return int(row["n"])

    done = 0
    while (n := await graph.write(step)) > 0:
        done += n
    return done
