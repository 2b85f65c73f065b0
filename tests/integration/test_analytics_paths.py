"""Introduction paths on the seed data, worked out from the sources.

Source 003: Sillamäe Lastekaitse Ühing organises the 2nd Ida-Virumaa forum (25–26.11.2016)
"koostöös Sotsiaalse Ettevõtluse Võrgustiku (SEV)"; its project is supported by
Hasartmängumaksu Nõukogu and Sotsiaalministeerium (Sept 2016 – Jan 2017), and the ministry
is involved in organising the forum. Sources 001/002: "Programmi tellijaks on
Rahandusministeerium ja Riigi Tugiteenuste Keskus", and SEV co-implements that 2019
programme. Source 000: Sotsiaalministeerium sits in SEV's think tank (from 29.10.2015).

So the regional forum's organiser reaches the ministry that commissioned the co-creation
programme in two hops: forum → SEV → programme; nothing shorter exists (the ministry's
only ties are through that programme).
"""

from __future__ import annotations

import pytest

from graph.analytics import paths
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.keys import Role
from tests.conftest import GraphQLClient

SILLAMAE = "sillamae-lastekaitse-uhing"
FORUM = "ida-virumaa-kodanikuuhiskonna-foorum-2016"
FORUM_PROJECT = "ida-virumaa-foorumi-projekt-2016"
PROGRAMME = "delegeerimise-ja-koosloome-arenguprogramm-2019"
THINK_TANK = "huvikaitse-mottekoja-kohtumised"


async def test_forum_organiser_to_the_commissioning_ministry(seeded: Graph) -> None:
    found = await paths.find(seeded, SILLAMAE, "rahandusministeerium", max_hops=3, limit=3)
    best = found.shortest[0]
    assert best.actor_ids == [SILLAMAE, "sev", "rahandusministeerium"]
    assert all(p.length == 3 for p in found.shortest[1:])

    forum, programme = best.hops
    # "Sillamäe Lastekaitse Ühing koostöös Sotsiaalse Ettevõtluse Võrgustiku (SEV) …
    # korraldab" the forum: a direct tie since issue 24, shorter than the shared forum
    assert forum.kind == "RELATIONSHIP" and forum.via is None and forum.target_tie is None
    assert (forum.source_tie.type, forum.source_tie.outgoing) == ("COOPERATES_WITH", True)
    assert forum.source_tie.properties["about"] == FORUM
    assert any(
        s.document.id == "doc-ida-virumaa-kodanikuuhiskonna-foorum-2016"
        and s.quote is not None
        and s.quote.startswith("Sillamäe Lastekaitse Ühing koostöös Sotsiaalse Ettevõtluse")
        for s in forum.sources
    )

    assert programme.via is not None and programme.via.id == PROGRAMME
    assert programme.source_tie.type == "IMPLEMENTED"
    assert programme.target_tie is not None and programme.target_tie.type == "COMMISSIONED"
    commissioned = [s for s in programme.sources if s.quote and "tellijaks" in s.quote]
    assert {s.document.id for s in commissioned} == {
        "doc-delegeerimise-arenguprogramm-uudis-2019",
        "doc-delegeerimise-arenguprogramm-brosuur",
    }
    # the news post has a no-break space after "tellijaks", as the source file does
    assert {s.quote for s in commissioned} == {
        "Programmi tellijaks on Rahandusministeerium ja Riigi Tugiteenuste Keskus",
        "Programmi tellijaks\xa0on Rahandusministeerium ja Riigi Tugiteenuste Keskus",
    }
    assert all(s.document.title for s in programme.sources)
    assert "Rahandusministeerium commissioned" in programme.explanation
    assert "Sillamäe Lastekaitse Ühing cooperates with" in forum.explanation


async def test_strongest_differs_from_shortest(seeded: Graph) -> None:
    # Sillamäe and Töötukassa share only the forum (strength 1). Sillamäe shares two ties
    # with SEV (the forum, and "koostöös" since issue 24) and two with Sotsiaalministeerium
    # (the forum and its project), and each of those shares two with Töötukassa: either
    # two-hop path is the stronger introduction. (Sillamäe and SEV, this test's pair
    # before issue 24, are now tied directly, so their direct path is also the strongest.)
    found = await paths.find(seeded, SILLAMAE, "tootukassa", max_hops=3, limit=3)
    assert found.detours_searched is True
    assert found.shortest[0].actor_ids == [SILLAMAE, "tootukassa"]
    assert found.shortest[0].strength == 1
    strongest = found.strongest[0]
    assert strongest.actor_ids in (
        [SILLAMAE, "sev", "tootukassa"],
        [SILLAMAE, "sotsiaalministeerium", "tootukassa"],
    )
    assert [h.strength for h in strongest.hops] == [2, 2]
    assert strongest.strength == 2 and strongest.total_strength == 4


async def test_a_stopped_detour_search_falls_back_to_the_shortest_paths(
    seeded: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a large dense network the detour search runs out of time; stand in a query
    # that does (a long count) and a short budget: Neo4j stops it, the answer stays.
    slow = "UNWIND range(1, 1000000000) AS i WITH i WHERE i < 0 RETURN [] AS nodes, [] AS rels"
    monkeypatch.setattr(paths, "candidates_query", lambda groups, max_raw: slow)
    monkeypatch.setattr(paths, "DETOUR_TIMEOUT", 0.2)
    found = await paths.find(seeded, SILLAMAE, "sev", max_hops=3, limit=3)
    assert found.detours_searched is False
    assert found.shortest[0].actor_ids == [SILLAMAE, "sev"]
    # Only shortest candidates are left: the stronger two-hop detour is not among them.
    assert [p.actor_ids for p in found.strongest] == [[SILLAMAE, "sev"]]


async def test_a_large_network_gets_no_detour_search(
    seeded: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "DETOUR_UP_TO", 50)  # the seed has 63 people and organisations
    found = await paths.find(seeded, SILLAMAE, "sev", max_hops=3, limit=3)
    assert found.detours_searched is False
    assert [p.actor_ids for p in found.strongest] == [[SILLAMAE, "sev"]]


async def test_as_of_keeps_only_ties_valid_then(seeded: Graph) -> None:
    # 1 Oct 2016: the forum (25.11.2016) has not happened, the think tank (from Oct 2015)
    # has, and Sillamäe's cooperation with SEV has no dates (valid at any time); the 2019
    # programme has not.
    target = "sotsiaalkindlustusamet"
    before = await paths.find(seeded, SILLAMAE, target, max_hops=3, as_of="2016-10-01")
    best = before.shortest[0]
    assert best.actor_ids == [SILLAMAE, "sev", target]
    assert [h.via.id if h.via else h.source_tie.type for h in best.hops] == [
        "COOPERATES_WITH",
        THINK_TANK,
    ]
    assert all(h.via is None or h.via.id != FORUM for p in before.shortest for h in p.hops)

    after = await paths.find(seeded, SILLAMAE, target, max_hops=3, as_of="2016-12-01")
    assert after.shortest[0].actor_ids == [SILLAMAE, target]
    assert [h.via.id for h in after.shortest[0].hops if h.via] == [FORUM]

    none = await paths.find(seeded, SILLAMAE, "rahandusministeerium", max_hops=4, as_of="2018")
    assert none.shortest == [] and none.strongest == []


async def test_bad_endpoints_and_bounds(seeded: Graph) -> None:
    with pytest.raises(NotFound):
        await paths.find(seeded, "no-such-org", "sev")
    with pytest.raises(InvalidInput) as e:
        await paths.find(seeded, FORUM, "sev")
    assert e.value.problems[0][0] == "from"
    with pytest.raises(InvalidInput) as e:
        await paths.find(seeded, "sev", "sev")
    assert e.value.problems[0][0] == "to"
    with pytest.raises(InvalidInput) as e:
        await paths.find(seeded, "sev", SILLAMAE, max_hops=9)
    assert e.value.problems[0][0] == "maxHops"
    with pytest.raises(InvalidInput) as e:
        await paths.find(seeded, "sev", SILLAMAE, as_of="last year")
    assert e.value.problems[0][0] == "asOf"


PATHS = """
query ($from: ID!, $to: ID!) {
  paths(from: $from, to: $to, maxHops: 3, limit: 1) {
    shortest { length strength hops {
      source { id name } target { id name } kind via { id type name startDate }
      sourceTie { type role } targetTie { type role } explanation
      sources { document { id title } quote }
    } }
    strongest { length strength }
    detoursSearched
  }
}
"""


async def test_paths_through_graphql(seeded: Graph, gql: dict[Role, GraphQLClient]) -> None:
    data = await gql[Role.VIEWER](PATHS, **{"from": SILLAMAE, "to": "rahandusministeerium"})
    [path] = data["paths"]["shortest"]
    assert path["length"] == 2 and data["paths"]["detoursSearched"] is True
    hops = path["hops"]
    assert [h["target"]["id"] for h in hops] == ["sev", "rahandusministeerium"]
    assert hops[1]["via"] == {
        "id": PROGRAMME,
        "type": "Programme",
        "name": "Avalike teenuste delegeerimise ja koosloome arenguprogramm kohalike "
        "omavalitsuste ja vabaühenduste esindajatele",
        "startDate": "2019-04",
    }
    assert hops[1]["targetTie"] == {"type": "COMMISSIONED", "role": None}
    assert any("tellijaks" in (s["quote"] or "") for s in hops[1]["sources"])
    body = (await gql[Role.VIEWER].post(PATHS, **{"from": "nobody", "to": "sev"})).json()
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
