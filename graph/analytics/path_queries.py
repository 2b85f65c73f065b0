"""The Cypher of the introduction paths (`graph/analytics/paths.py`): the step rules,
the shortest-path and detour searches, tie strengths and the one-statement explained
shortest paths."""

from __future__ import annotations

from typing import Final

from graph.analytics.dates import end_of, start_of

ACTORS: Final = ("Organisation", "Person")
VIAS: Final = ("Event", "Programme", "Service", "Document")
DIRECT: Final = ("MEMBER_OF", "PART_OF", "COOPERATES_WITH")
TAKES_PART: Final = (
    "ATTENDED",
    "ORGANISED",
    "FUNDED",
    "IMPLEMENTED",
    "COMMISSIONED",
    "PROVIDES",
    "DELIVERED_FOR",
    "DEVELOPED",
    "AUTHORED",
    "BROUGHT_IDEA",
    "GREW_OUT_OF",
)
MAX_HOPS: Final = 6
MAX_LIMIT: Final = 20
CANDIDATES: Final = 200
#: path lengths considered: the shortest, and the next two (room for stronger detours)
GROUPS: Final = 3
#: seconds a path search may take before it is stopped
TIMEOUT: Final = 30.0
#: seconds the search for longer, stronger detours may take
DETOUR_TIMEOUT: Final = 1.0
#: networks of more actors than this get no detour search: on the M synthetic network
#: (40k actors) it never finished within DETOUR_TIMEOUT and cost 1-2 s of Neo4j CPU
DETOUR_UP_TO: Final = 10_000
#: how much longer (in relationships) than the shortest paths a detour may be: 2 is one
#: more shared activity (actor–activity–actor) or two more direct ties
DETOUR_EXTRA: Final = 2

_REL_AS_OF = f"""
($asOf IS NULL OR ((r.from IS NULL OR {start_of("r.from")} <= $asOf)
                   AND (r.to IS NULL OR {end_of("r.to")} >= $asOf)))
"""
_NODE_AS_OF = f"""
($asOf IS NULL OR NOT (y:Event OR y:Programme) OR
  (coalesce(y.startDate, y.endDate) IS NOT NULL
   AND {start_of("coalesce(y.startDate, y.endDate)")} <= $asOf))
"""
_TYPES = "|".join(DIRECT + TAKES_PART)
_NODE_OK = (
    "(y:Organisation OR y:Person OR y:Event OR y:Programme OR y:Service OR y:Document) "
    f"AND {_NODE_AS_OF}"
)
_STEP = (
    f"(x)-[r:{_TYPES}]-(y) WHERE {_NODE_OK} "
    "AND (type(r) <> 'PART_OF' OR (x:Organisation AND y:Organisation)) "
    f"AND {_REL_AS_OF}"
)
# The same rules, as predicates over every node and relationship of a path.
_PATH_OK = (
    f"all(y IN nodes(p) WHERE {_NODE_OK}) AND all(r IN relationships(p) WHERE "
    "(type(r) <> 'PART_OF' OR (startNode(r):Organisation AND endNode(r):Organisation)) "
    f"AND {_REL_AS_OF})"
)

#: from Neo4j's count store: no scan
ACTOR_COUNT: Final = """
CALL () { MATCH (o:Organisation) RETURN count(o) AS n
          UNION ALL MATCH (p:Person) RETURN count(p) AS n }
RETURN sum(n) AS n
"""

ENDPOINTS: Final = """
UNWIND [$from, $to] AS eid
OPTIONAL MATCH (n:Entity {id: eid})
RETURN eid, [l IN labels(n) WHERE l <> 'Entity'][0] AS type
"""

_NODE_MAP = (
    "{id: n.id, type: [l IN labels(n) WHERE l <> 'Entity'][0], name: coalesce(n.name, n.id), "
    "kind: n.kind, startDate: n.startDate, endDate: n.endDate}"
)


#: A path `p` as the explanation needs it. The relationships' bookkeeping timestamps
#: are nulled: a path never shows them, and the driver spends about 0.2 ms hydrating
#: each DateTime (up to 200 candidate paths of up to 12 relationships, two each).
_NODES_OF = f"[n IN nodes(p) | {_NODE_MAP}]"
_RELS_OF = """[rel IN relationships(p) | {type: type(rel), start: startNode(rel).id,
                                   end: endNode(rel).id,
                                   props: rel {.*, createdAt: null, updatedAt: null}}]"""
_PATH_ROW = f"""
RETURN {_NODES_OF} AS nodes,
       {_RELS_OF} AS rels
LIMIT $candidates
"""


def shortest_query(max_raw: int) -> str:
    # The length bound must be a literal in Cypher; it is an int.
    return f"""
MATCH (a:Entity {{id: $from}}), (b:Entity {{id: $to}})
MATCH p = allShortestPaths((a)-[:{_TYPES}*1..{int(max_raw)}]-(b))
WHERE {_PATH_OK}
{_PATH_ROW}"""


def candidates_query(groups: int, max_raw: int) -> str:
    # The group count and the quantifier bound must be literals in Cypher; both are ints.
    # SHORTEST k GROUPS: every path of the k shortest lengths, enumerated lazily, so
    # LIMIT bounds the enumeration (not the search state, hence DETOUR_TIMEOUT).
    return f"""
MATCH (a:Entity {{id: $from}}), (b:Entity {{id: $to}})
MATCH p = SHORTEST {int(groups)} GROUPS (a) ({_STEP}){{1,{int(max_raw)}}} (b)
{_PATH_ROW}"""


#: The strength of the tie between actors `u` and `v` (`strength`): the activities both
#: took part in, and their direct ties (valid on `$asOf`). `u`'s activities are listed
#: first and `v`'s are looked up among them: a two-hop pattern was planned as an
#: expansion into `u` from each of `v`'s activities, which walks every participant of
#: a large event (38k db hits for the 19 pairs of one path search on the S network).
_PAIR_STRENGTH = f"""
  WITH u, v, [(u)-[r:{"|".join(TAKES_PART)}]-(y)
              WHERE (y:Event OR y:Programme OR y:Service OR y:Document)
                AND {_NODE_AS_OF} AND {_REL_AS_OF} | y] AS mine
  RETURN COUNT {{ MATCH (v)-[r:{"|".join(TAKES_PART)}]-(y)
                 WHERE y IN mine AND {_REL_AS_OF} RETURN DISTINCT y }}
       + COUNT {{ MATCH (u)-[r:MEMBER_OF|PART_OF|COOPERATES_WITH]-(v)
                 WHERE {_REL_AS_OF} RETURN DISTINCT r }} AS strength
"""

STRENGTH: Final = f"""
UNWIND $pairs AS pair
MATCH (u:Entity {{id: pair[0]}}), (v:Entity {{id: pair[1]}})
CALL (u, v) {{{_PAIR_STRENGTH}}}
RETURN pair[0] AS u, pair[1] AS v, strength
"""


def explained_shortest_query(max_raw: int) -> str:
    """The shortest paths between `$from` and `$to` and all that explains them, in one
    statement: the endpoints' types (`ends`: `[id, type]`, checked in Python), the
    candidate paths (`shortest_query`'s rows, none unless both are actors), the strength
    of every pair of consecutive actors on them (`[u, v, strength]`) and the titles of
    their documents (`[id, title]`)."""
    return f"""
CALL () {{
  UNWIND [$from, $to] AS eid
  OPTIONAL MATCH (n:Entity {{id: eid}})
  RETURN collect([eid, [l IN labels(n) WHERE l <> 'Entity'][0]]) AS ends
}}
CALL (ends) {{
  WITH ends WHERE all(e IN ends WHERE e[1] IN $actors)
  MATCH (a:Entity {{id: $from}}), (b:Entity {{id: $to}})
  MATCH p = allShortestPaths((a)-[:{_TYPES}*1..{int(max_raw)}]-(b))
  WHERE {_PATH_OK}
  WITH p LIMIT $candidates
  RETURN collect(p) AS ps
}}
CALL (ps) {{
  UNWIND ps AS p
  WITH [n IN nodes(p) WHERE n:Organisation OR n:Person] AS actors
  UNWIND range(0, size(actors) - 2) AS i
  WITH DISTINCT actors[i] AS u, actors[i + 1] AS v
  CALL (u, v) {{{_PAIR_STRENGTH}}}
  RETURN collect([u.id, v.id, strength]) AS strengths
}}
CALL (ps) {{
  UNWIND ps AS p
  UNWIND relationships(p) AS rel
  UNWIND coalesce(rel.sourceIds, []) AS did
  WITH DISTINCT did
  MATCH (d:Document {{id: did}})
  RETURN collect([d.id, d.title]) AS titles
}}
RETURN ends, [p IN ps | {{nodes: {_NODES_OF}, rels: {_RELS_OF}}}] AS rows, strengths, titles
"""
