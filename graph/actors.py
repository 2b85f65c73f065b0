"""How the audit and the CRM name who did something: `key:<name>:<key id>` for an API
key's holder (`graph.keys.actor_of`), or a word for the rest (`cli`, `seed`)."""

from __future__ import annotations


def name_of(actor: str) -> str:
    """The name a person reads for an actor: the holder's name for a key (`actor_of`),
    the actor itself otherwise (`cli`, `seed`)."""
    if not actor.startswith("key:") or actor.count(":") < 2:
        return actor
    return actor.removeprefix("key:").rsplit(":", 1)[0]


def key_id_of(actor: str) -> str | None:
    """The key id in a name made by `actor_of` (None for other actors, such as `cli`)."""
    if not actor.startswith("key:"):
        return None
    return actor.rsplit(":", 1)[1] or None


def name_of_cypher(expr: str) -> str:
    """Cypher: `name_of` the actor `expr` (null for null or empty), for reads that build
    their answer in Neo4j (`graph/compiled`)."""
    parts = f"split(substring({expr}, 4), ':')"
    return (
        f"CASE WHEN {expr} IS NULL OR {expr} = '' THEN null "
        f"WHEN {expr} STARTS WITH 'key:' AND size({expr}) - size(replace({expr}, ':', '')) >= 2 "
        f"THEN reduce(s = head({parts}), x IN {parts}[1..-1] | s + ':' + x) "
        f"ELSE {expr} END"
    )
