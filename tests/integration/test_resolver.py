"""The one resolver (graph/resolver.py): id → registry code → name or alias → lemma →
fuzzy → some words, candidates with how they matched, and no silent pick among
near-equals."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j import AsyncManagedTransaction

from graph import resolver
from graph.driver import Graph
from graph.resolver import Match


async def _top(graph: Graph, text: str, *types: str, partial: bool = True) -> list[Any]:
    found = await resolver.resolve(graph, text, types or None, partial=partial)
    return [(c.id, c.match) for c in found[:1]]


async def test_each_kind_of_match_in_order(seeded: Graph) -> None:
    assert await _top(seeded, "tootukassa") == [("tootukassa", Match.ID)]
    assert await _top(seeded, "Horisont MTÜ") == [("horisont", Match.NAME)]
    assert await _top(seeded, "töötukassa", "Organisation") == [("tootukassa", Match.NAME)]
    assert await _top(seeded, "Sotsiaalkindlustusametiga") == [
        ("sotsiaalkindlustusamet", Match.LEMMA)
    ]
    assert await _top(seeded, "Kaie Kotoviga", "Person") == [("kaie-kotov", Match.LEMMA)]
    assert await _top(seeded, "Tööttukassa", "Organisation") == [("tootukassa", Match.FUZZY)]
    assert await _top(seeded, "kohtumine Töötukassaga") == [("tootukassa", Match.PARTIAL)]
    assert await _top(seeded, "kohtumine Töötukassaga", partial=False) == []
    # an id of another type is not a candidate of the types asked for
    assert await _top(seeded, "narva", "Person") == []
    # an id that no name has all the words of (found in the same query as the names)
    doc = "doc-delegeerimise-arenguprogramm-brosuur"
    assert await _top(seeded, doc) == [(doc, Match.ID)]
    assert await _top(seeded, f" {doc} ", "Document") == [(doc, Match.ID)]


async def test_a_registry_code_is_its_organisation(seeded: Graph) -> None:
    async def code(tx: AsyncManagedTransaction) -> None:
        await tx.run("MATCH (o:Organisation {id: 'horisont'}) SET o.registryCode = '80012345'")

    await seeded.write(code)
    assert await _top(seeded, "80012345") == [("horisont", Match.REGISTRY_CODE)]
    assert await _top(seeded, "80012345", "Person") == []
    assert await _top(seeded, "8001234") == []  # not a code: seven digits


async def test_decide_takes_only_a_single_best_match_that_says_which(seeded: Graph) -> None:
    def decided(found: list[resolver.Candidate]) -> str | None:
        chosen = resolver.decide(found)
        return chosen.id if chosen else None

    assert decided(await resolver.resolve(seeded, "Sotsiaalkindlustusametiga")) == (
        "sotsiaalkindlustusamet"
    )
    # a typo resembles, it does not decide
    typo = await resolver.resolve(seeded, "Tööttukassa", ["Organisation"])
    assert decided(typo) is None
    assert [c.id for c in resolver.similar(typo)][:1] == ["tootukassa"]
    assert "did you mean 'Eesti Töötukassa' (organisation tootukassa)" in resolver.did_you_mean(
        resolver.similar(typo)
    )
    misspelt = await resolver.resolve(seeded, "Sotsiaalministeeeriumi", ["Organisation"])
    assert "sotsiaalministeerium" in [c.id for c in resolver.similar(misspelt)]
    # Vabamorf reads the tripled letter away; a typo all the same, not a decision
    assert decided(misspelt) is None

    # two organisations that share an alias: near-equals, neither is picked
    async def twins(tx: AsyncManagedTransaction) -> None:
        await tx.run(
            "MATCH (a:Organisation {id: 'sev'}), (b:Organisation {id: 'si-lab'}) "
            "SET a.aliases = a.aliases + ['Kaksik'], b.aliases = coalesce(b.aliases, []) + "
            "['Kaksik'], a.lemmaKeys = a.lemmaKeys + ['kaksik'], "
            "b.lemmaKeys = b.lemmaKeys + ['kaksik']"
        )

    await seeded.write(twins)
    both = await resolver.resolve(seeded, "Kaksik", ["Organisation"])
    assert {c.id for c in both if c.match is Match.NAME} == {"sev", "si-lab"}
    assert resolver.decide(both) is None


_WORDS = st.sampled_from(
    ["Töötukassa", "Tööttukassa", "kohtumine", "SEV", "Kotoviga", "Narva", "ž", "Шахтёр", "sa"]
)


@settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(_WORDS, max_size=4).map(" ".join))
async def test_candidates_are_ordered_and_decide_is_never_a_guess(seeded: Graph, text: str) -> None:
    found = await resolver.resolve(seeded, text)
    ranks = [list(Match).index(c.match) for c in found]
    assert ranks == sorted(ranks)
    assert len({c.id for c in found}) == len(found)
    chosen = resolver.decide(found)
    if chosen is not None:
        assert chosen.match in resolver.DECISIVE
        assert [c for c in found if c.match is chosen.match] == [chosen]
