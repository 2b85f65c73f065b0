"""Search with Estonian morphology (prototype, issue 24): a name written in any of the
fourteen cases finds its entity, and what found it before still ranks first."""

from __future__ import annotations

import json
from pathlib import Path

from graph.driver import Graph
from graph.search import index_lemmas, search

FORMS = Path(__file__).resolve().parents[2] / "bench" / "morph" / "forms.json"


async def _first(graph: Graph, text: str, *, morphology: bool = True) -> str | None:
    hits = await search(graph, text, morphology=morphology)
    return hits[0].node.id if hits else None


async def test_inflected_names_find_their_entity(seeded: Graph) -> None:
    await index_lemmas(seeded)
    wanted = {
        "Töötukassaga": "tootukassa",
        "Rahandusministeeriumile": "rahandusministeerium",
        "Sotsiaalkindlustusametiga": "sotsiaalkindlustusamet",
        "Kaie Kotoviga": "kaie-kotov",
        "kaie kotoviga": "kaie-kotov",
        "Viljandi vallaga": "viljandi-vald",
        "Sillamäe Lastekaitse Ühingule": "sillamae-lastekaitse-uhing",
        "SEV-iga": "sev",
        "Tartu Ülikoolis": "tartu-ulikool",
    }
    for text, entity in wanted.items():
        assert await _first(seeded, text) == entity, text
    # without the lemma matcher these are today's misses (an event whose name has the
    # word as written comes first, or nothing is found)
    assert await _first(seeded, "Kaie Kotoviga", morphology=False) is None
    assert await _first(seeded, "Sotsiaalkindlustusametiga", morphology=False) != (
        "sotsiaalkindlustusamet"
    )
    assert await _first(seeded, "Tartu Ülikoolis", morphology=False) == "narva-kolledz"


async def test_surface_matches_still_rank_first(seeded: Graph) -> None:
    await index_lemmas(seeded)
    for text, entity in {
        "tootukassa": "tootukassa",
        "Eesti Tööt": "tootukassa",
        "sotsiaalkindlustusamt": "sotsiaalkindlustusamet",
        "Tartu Ülikool": "tartu-ulikool",
        "Tartu Ülikooli Narva": "narva-kolledz",
        "rasmus": "rasmus-pedanik",
    }.items():
        assert await _first(seeded, text) == entity, text
        assert await _first(seeded, text, morphology=False) == entity, text


async def test_the_generated_forms_of_people_and_organisations(seeded: Graph) -> None:
    """Every tenth singular form of bench/morph/forms.json (Vabamorf's synthesiser, never
    the analyser under test) and every form written by hand: at least 95 % first."""
    await index_lemmas(seeded)
    forms = json.loads(FORMS.read_text(encoding="utf-8"))["forms"]
    sample = [f for f in forms if f["set"] == "inflected" and f["number"] == "sg"][::10]
    sample += [f for f in forms if f["set"] == "written"]
    misses = [f["form"] for f in sample if await _first(seeded, f["form"]) != f["expected"]]
    assert len(misses) <= 0.05 * len(sample), misses
