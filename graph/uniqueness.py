"""What keeps names and unique fields unique: the friendly checks every create and
rename goes through (a Conflict that names the entity that has the name or value), and
the translation of a uniqueness constraint's violation (the guarantee, also against
concurrent writers: migrations 6 and 8) into the same Conflict."""

from __future__ import annotations

from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, TxWork
from graph.errors import Conflict
from graph.models.registry import REGISTRY

T = TypeVar("T")


def _same_names(label: str) -> str:
    """Per row `{i, id, sortKey, nameKey}`: another `label` entity with the same folded
    name or one that looks the same (both keys indexed), the former first."""
    return f"""
UNWIND $rows AS row
CALL (row) {{
  MATCH (n:{label} {{sortKey: row.sortKey}}) WHERE n.id <> row.id
  RETURN n, true AS same ORDER BY n.id LIMIT 1
  UNION
  MATCH (n:{label} {{nameKey: row.nameKey}}) WHERE n.id <> row.id
  RETURN n, false AS same ORDER BY n.id LIMIT 1
}}
WITH row, n, same ORDER BY same DESC
WITH row, collect([n.id, n[$nameProperty], same])[0] AS clash
RETURN row.i AS i, clash
"""


async def name_clashes(
    tx: AsyncManagedTransaction, label: str, names: list[tuple[str, str]]
) -> dict[int, str]:
    """For each `(id, name)` of `names` (by index) that a `label` entity other than `id`
    already has, or that looks the same as another's name (the same confusable
    skeleton): why the name cannot be used. Empty for a type without unique names.

    The one check every way of naming an entity goes through: creates and renames
    (`create_in_tx`, `update_in_tx`: the API, the CRM, merges) and the importers'
    `--create-missing`."""
    spec = REGISTRY[label]
    if not spec.unique_name or not names:
        return {}
    rows = []
    for i, (own_id, name) in enumerate(names):
        keys = spec.derived({spec.name_property: name})
        rows.append({"i": i, "id": own_id, "sortKey": keys["sortKey"], "nameKey": keys["nameKey"]})
    result = await tx.run(_same_names(spec.label), rows=rows, nameProperty=spec.name_property)
    found: dict[int, str] = {}
    async for r in result:
        if r["clash"] is None:
            continue
        other_id, other_name, same = r["clash"]
        name = names[r["i"]][1]
        found[r["i"]] = (
            f"a {label} named {name!r} already exists (id {other_id!r})"
            if same
            else f"{name!r} looks like the {label} {other_name!r} (id {other_id!r}): they "
            "differ only in characters that look alike"
        )
    return found


async def check_name_free(tx: AsyncManagedTransaction, label: str, name: str, own_id: str) -> None:
    clash = (await name_clashes(tx, label, [(own_id, name)])).get(0)
    if clash:
        raise Conflict(clash, field=REGISTRY[label].name_property)


def _holder_of(label: str, prop: str) -> str:
    return f"MATCH (n:{label} {{{prop}: $value}}) WHERE n.id <> $id RETURN n.id AS id LIMIT 1"


async def check_unique_values(
    tx: AsyncManagedTransaction, label: str, props: dict[str, Any], own_id: str
) -> None:
    """The friendly check of the type's unique fields (`Prop.unique`) among `props`: a
    Conflict that names the entity holding the value. (The guarantee, also against a
    concurrent writer, is the field's uniqueness constraint.)"""
    for prop in REGISTRY[label].unique_fields:
        value = props.get(prop)
        if value is None:
            continue
        held = await (await tx.run(_holder_of(label, prop), value=value, id=own_id)).single()
        if held:
            raise Conflict(
                f"the {label} {held['id']!r} already has the {prop} {value!r}", field=prop
            )


async def write_named(graph: Graph, label: str, name: Any, work: TxWork[T]) -> T:
    """`graph.write(work)` for a write that sets the name `name` (or None): a violation of
    the unique folded name (a concurrent writer committed the name first; the constraint
    of migration 6 is the guarantee, `name_clashes` the friendly check before it) becomes
    the same Conflict as `check_name_free`'s, naming the entity that has the name."""
    try:
        return await graph.write(work)
    except Conflict as e:
        if e.field != "sortKey" or not REGISTRY[label].unique_name or not isinstance(name, str):
            raise

        async def holder(tx: AsyncManagedTransaction) -> str | None:
            return (await name_clashes(tx, label, [("", name)])).get(0)

        clash = await graph.read(holder)
        raise Conflict(
            clash or f"a {label} named {name!r} already exists",
            field=REGISTRY[label].name_property,
        ) from e
