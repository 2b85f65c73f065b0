"""Documents into facts against the real engine: ingest a meeting record, review the
proposals, accept or reject; the graph gets exactly the accepted facts, each cited with
its quote (issue 27, item 2)."""

from __future__ import annotations

from typing import Any

import pytest

from graph import privacy
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.ingest import review, store
from graph.ingest.documents import DocumentMeta, ingest_text
from graph.ingest.facts import FactKind

MEETING = (
    "Koolituspäev\n\n"
    "Sotsiaalse Ettevõtluse Võrgustik korraldas 12.03.2019 Tartus seminari. "
    "Seminaril osalesid Sotsiaalkindlustusamet ja Eesti Töötukassa.\n"
)


async def _count(graph: Graph, query: str, **params: Any) -> int:
    async def work(tx: Any) -> int:
        return int((await (await tx.run(query, **params)).single(strict=True))[0])

    return await graph.read(work)


async def _facts(graph: Graph) -> tuple[int, int]:
    nodes = await _count(graph, "MATCH (n:Entity) WHERE NOT n:Document RETURN count(n)")
    rels = await _count(
        graph, "MATCH (:Entity)-[r]->(:Entity) WHERE type(r) <> 'CITED_IN' RETURN count(r)"
    )
    return nodes, rels


def _one(proposals: list[store.Proposal], **where: Any) -> store.Proposal:
    found = [p for p in proposals if all(getattr(p, k) == v for k, v in where.items())]
    assert len(found) == 1, (where, [(p.kind, p.name, p.rel_type) for p in proposals])
    return found[0]


async def test_accepting_a_meeting_creates_it_its_attendees_and_their_quotes(
    graph: Graph,
) -> None:
    got = await ingest_text(graph, MEETING, DocumentMeta(title="Seminar"), actor="test")
    assert got.created
    doc = await store.document(graph, got.document_id)
    assert doc is not None and doc.text == MEETING
    for p in got.proposals:
        assert doc.text[p.start : p.end] == p.quote  # every quote is where it says
        assert p.start <= p.at < p.to <= p.end
    event = _one(got.proposals, kind=FactKind.EVENT)
    assert event.name == "Seminar 12.03.2019" and event.props["startDate"] == "2019-03-12"
    attended = [p for p in got.proposals if p.rel_type == "ATTENDED"]
    assert {p.from_key for p in attended} == {
        "Organisation:sotsiaalkindlustusamet",
        "Organisation:eesti tootukassa",
    }
    assert await _facts(graph) == (0, 0)  # nothing enters the graph before review

    done = await review.decide(graph, [p.id for p in attended], accept=True, actor="test")
    assert len(done.created) == 3  # the event and both attendees

    async def rows(tx: Any) -> list[Any]:
        result = await tx.run(
            "MATCH (o:Organisation)-[a:ATTENDED]->(e:Event) "
            "MATCH (o)-[c:CITED_IN]->(d:Document {id: $doc}) "
            "RETURN o.name AS org, e.name AS event, a.sourceIds AS sources, "
            "a.evidence AS evidence, c.quote AS quote ORDER BY org",
            doc=got.document_id,
        )
        return [r.data() async for r in result]

    found = await graph.read(rows)
    quote = "Seminaril osalesid Sotsiaalkindlustusamet ja Eesti Töötukassa."
    assert [r["org"] for r in found] == ["Eesti Töötukassa", "Sotsiaalkindlustusamet"]
    for r in found:
        assert r["event"] == "Seminar 12.03.2019"
        assert r["sources"] == [got.document_id] and r["evidence"] == [quote]
        assert r["quote"] == quote
    cited = await _count(
        graph,
        "MATCH (:Event)-[c:CITED_IN]->(:Document {id: $d}) RETURN count(c)",
        d=got.document_id,
    )
    assert cited == 1
    after = await store.list_for(graph, got.document_id, status=store.Status.ACCEPTED)
    assert {p.id for p in after} >= {p.id for p in attended} | {event.id}


async def test_rejecting_leaves_the_graph_unchanged(graph: Graph) -> None:
    got = await ingest_text(graph, MEETING, DocumentMeta(title="Seminar"), actor="test")
    before = await _facts(graph)
    done = await review.decide(graph, [p.id for p in got.proposals], accept=False, actor="t")
    assert len(done.rejected) == len(got.proposals)
    assert await _facts(graph) == before == (0, 0)
    left = await store.list_for(graph, got.document_id, status=store.Status.PROPOSED)
    assert left == []


async def test_a_second_ingest_of_the_same_text_proposes_nothing_new(graph: Graph) -> None:
    first = await ingest_text(graph, MEETING, DocumentMeta(title="Seminar"), actor="test")
    event = _one(first.proposals, kind=FactKind.EVENT)
    await review.decide(graph, [event.id], accept=True, actor="test")
    again = await ingest_text(
        graph, MEETING.replace("\n", "\r\n"), DocumentMeta(title="Other"), actor="test"
    )
    assert not again.created and again.document_id == first.document_id
    assert {p.id for p in again.proposals} == {p.id for p in first.proposals}
    assert _one(again.proposals, kind=FactKind.EVENT).status is store.Status.ACCEPTED
    assert await _count(graph, "MATCH (d:Document) RETURN count(d)") == 1
    assert await _count(graph, "MATCH (p:Proposal) RETURN count(p)") == len(first.proposals)


async def test_a_known_organisation_is_cited_not_created_again(graph: Graph) -> None:
    known = await ingest_text(
        graph, "Infopäeva korraldas Eesti Töötukassa.", DocumentMeta(title="a"), actor="t"
    )
    await review.accept_kind(graph, known.document_id, FactKind.ORGANISATION, actor="t")
    got = await ingest_text(graph, MEETING, DocumentMeta(title="Seminar"), actor="test")
    org = _one(got.proposals, kind=FactKind.ORGANISATION, name="Eesti Töötukassa")
    assert org.match_id is not None and org.candidates[0].id == org.match_id
    await review.decide(graph, [org.id], accept=True, actor="test")
    count = "MATCH (o:Organisation {name: 'Eesti Töötukassa'}) RETURN count(o)"
    assert await _count(graph, count) == 1
    cites = "MATCH (:Organisation)-[c:CITED_IN]->(:Document) RETURN count(c)"
    assert await _count(graph, cites) == 2


async def test_co_occurrence_is_never_accepted_in_bulk(graph: Graph) -> None:
    text = "Sotsiaalkindlustusamet ja Eesti Töötukassa avaldasid aruande."
    got = await ingest_text(graph, text, DocumentMeta(title="a"), actor="t")
    weak = _one(got.proposals, kind=FactKind.COOCCURRENCE)
    assert weak.weak and weak.rel_type is None
    done = await review.accept_kind(graph, got.document_id, FactKind.RELATIONSHIP, actor="t")
    assert done.accepted == []
    with pytest.raises(InvalidInput, match="needs a relationship type"):
        await review.decide(graph, [weak.id], accept=True, actor="t")
    assert await _facts(graph) == (0, 0)


async def test_erasing_a_person_drops_the_proposals_that_quote_them(graph: Graph) -> None:
    got = await ingest_text(
        graph,
        MEETING + "Seminari juhtis projektijuht Mari Maasikas.\n",
        DocumentMeta(title="Seminar"),
        actor="test",
    )
    led = _one(got.proposals, rel_type="ATTENDED", from_key="Person:mari maasikas")
    done = await review.decide(graph, [led.id], accept=True, actor="test")
    person = _one(got.proposals, kind=FactKind.PERSON)
    assert len(done.created) == 2  # the seminar and Mari
    mari = (await store.list_for(graph, got.document_id, kind=FactKind.PERSON))[0].entity_id
    assert mari is not None
    exported = await privacy.export_person(graph, mari, actor="test")
    assert {(q["kind"], q["relType"]) for q in exported["proposals"]} == {
        ("PERSON", None),
        ("RELATIONSHIP", "ATTENDED"),
    }  # what the documents proposed about her is part of what is held about her
    assert all("Mari Maasikas" in q["quote"] for q in exported["proposals"])
    await privacy.erase_person(graph, mari, actor="test")
    left = await store.list_for(graph, got.document_id)
    assert person.id not in {p.id for p in left}
    assert not [p for p in left if "Mari" in (p.name or "") or "mari" in (p.from_key or "")]
    assert len(left) == len(got.proposals) - 2  # the person and the attendance


async def test_accepting_all_of_a_kind_goes_in_batches(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "MAX_BATCH", 1)  # as if the document were very long
    got = await ingest_text(graph, MEETING, DocumentMeta(title="Seminar"), actor="test")
    done = await review.accept_kind(graph, got.document_id, FactKind.RELATIONSHIP, actor="t")
    attended = [p.id for p in got.proposals if p.rel_type == "ATTENDED"]
    assert set(attended) <= set(done.accepted)
    assert await _count(graph, "MATCH (:Organisation)-[a:ATTENDED]->(:Event) RETURN count(a)") == 2
    assert await _count(graph, "MATCH (e:Event) RETURN count(e)") == 1


async def test_a_revised_document_proposes_nothing_already_accepted_or_rejected(
    graph: Graph,
) -> None:
    first = await ingest_text(graph, MEETING, DocumentMeta(title="Seminar"), actor="test")
    took_part = [p for p in first.proposals if p.rel_type == "ATTENDED"]
    kept = next(p for p in took_part if "tootukassa" in (p.from_key or ""))
    dropped = next(p for p in took_part if p is not kept)
    await review.decide(graph, [kept.id], accept=True, actor="test")
    await review.decide(graph, [dropped.id], accept=False, actor="test")

    revised = MEETING + "Lisainfo saab Sotsiaalse Ettevõtluse Võrgustikust.\n"
    again = await ingest_text(graph, revised, DocumentMeta(title="Seminar, v2"), actor="test")
    assert again.created and again.document_id != first.document_id  # another text
    status = {p.key: p.status for p in again.proposals}
    assert status[kept.key] is store.Status.ACCEPTED
    assert status[dropped.key] is store.Status.REJECTED
    event = _one(again.proposals, kind=FactKind.EVENT)
    assert event.status is store.Status.ACCEPTED and event.entity_id is not None
    # what was decided is not proposed again; the rest still is
    open_keys = {p.key for p in again.proposals if p.status is store.Status.PROPOSED}
    decided = {p.key for p in first.proposals} - {
        p.key for p in await store.list_for(graph, first.document_id, status=store.Status.PROPOSED)
    }
    assert open_keys and not open_keys & decided
    done = await review.accept_kind(graph, again.document_id, FactKind.RELATIONSHIP, actor="t")
    # only the organiser, never decided, is new; the seminar and Töötukassa are not
    # created twice, and the rejected attendance stays out of the graph
    names = "MATCH (n:Entity) WHERE n.id IN $ids RETURN collect(n.name)"
    assert await _names(graph, names, ids=done.created) == ["Sotsiaalse Ettevõtluse Võrgustik"]
    assert await _count(graph, "MATCH (e:Event) RETURN count(e)") == 1
    assert await _count(graph, "MATCH (o:Organisation) RETURN count(o)") == 2  # and the organiser
    assert await _count(graph, "MATCH (:Organisation)-[a:ATTENDED]->() RETURN count(a)") == 1


async def _names(graph: Graph, query: str, **params: Any) -> list[str]:
    async def work(tx: Any) -> list[str]:
        return list((await (await tx.run(query, **params)).single(strict=True))[0])

    return await graph.read(work)
