"""Cooperation partners on the seed data, with answers worked out from the sources.

Source 000 (SEV project page): the think tank's meetings 29.10.15–03.11.16 list as
"Osalised" Siseministeerium, Sotsiaalministeerium, Sotsiaalkindlustusamet, Eesti
Töötukassa, Riigikantselei, Kodanikuühiskonna Sihtkapital, Eesti Maaomavalitsuste Liit,
EMSL, Eesti Külaliikumine Kodukant, TTÜ Ragnar Nurkse instituut, Praxis and Balti
Uuringute Instituut; SEV runs the think tank. Source 003 (Ida-Virumaa forum, 25–26.11.2016):
Sillamäe Lastekaitse Ühing organises it with SEV and the Ida-Virumaa civil-society network
at Narva College; the Rajaleidja centre, Sotsiaalkindlustusamet, Töötukassa and
Sotsiaalministeerium are involved. Töötukassa's own seminars (04.10 and 25.10.2016) name
no partner organisation.
"""

from __future__ import annotations

import pytest

from graph.analytics import cooperation
from graph.driver import Graph
from graph.errors import InvalidInput

THINK_TANK = "huvikaitse-mottekoja-kohtumised"
FORUM = "ida-virumaa-kodanikuuhiskonna-foorum-2016"

THINK_TANK_ONLY = {
    "siseministeerium",
    "riigikantselei",
    "kodanikuuhiskonna-sihtkapital",
    "eesti-maaomavalitsuste-liit",
    "emsl",
    "kodukant",
    "ragnar-nurkse-instituut",
    "praxis",
    "balti-uuringute-instituut",
}
FORUM_ONLY = {
    "sillamae-lastekaitse-uhing",
    "ida-virumaa-kodanikuuhiskonna-vorgustik",
    "narva-kolledz",
    "ida-virumaa-rajaleidja-keskus",
}
BOTH = {"sev", "sotsiaalministeerium", "sotsiaalkindlustusamet"}


async def test_partners_of_tootukassa_in_2016(seeded: Graph) -> None:
    found = (await cooperation.partners(seeded, ["tootukassa"], from_="2016", to="2016"))[
        "tootukassa"
    ]
    by_id = {p.organisation_id: p for p in found}
    assert set(by_id) == THINK_TANK_ONLY | FORUM_ONLY | BOTH
    # the three that shared both the think tank and the forum come first
    assert {p.organisation_id for p in found[:3]} == BOTH
    for oid in BOTH:
        p = by_id[oid]
        assert p.weight == 2
        assert {s.id for s in p.shared} == {THINK_TANK, FORUM}
        assert (p.first_date, p.last_date) == ("2015-10-29", "2016-11-26")
        assert [s.id for s in p.shared] == [FORUM, THINK_TANK]  # newest first
    for oid in THINK_TANK_ONLY:
        assert by_id[oid].weight == 1
        assert [s.id for s in by_id[oid].shared] == [THINK_TANK]
    for oid in FORUM_ONLY:
        assert [s.id for s in by_id[oid].shared] == [FORUM]
    sev_forum = next(s for s in by_id["sev"].shared if s.id == FORUM)
    assert sev_forum.own_roles == ["ORGANISED"]
    assert sev_forum.partner_roles == ["ORGANISED"]
    assert by_id["sillamae-lastekaitse-uhing"].name == "Sillamäe Lastekaitse Ühing"


async def test_window_drops_activities_outside_it(seeded: Graph) -> None:
    # 2015 only: the think tank series (from 29.10.2015) overlaps, the 2016 forum does not.
    found = (await cooperation.partners(seeded, ["tootukassa"], from_="2015", to="2015-12"))[
        "tootukassa"
    ]
    assert {p.organisation_id for p in found} == THINK_TANK_ONLY | BOTH
    assert all(p.weight == 1 for p in found)
    # 2017 onwards: Töötukassa took part in nothing dated then.
    later = await cooperation.partners(seeded, ["tootukassa"], from_="2017")
    assert later == {"tootukassa": []}


async def test_batched_for_several_organisations_and_unknown_ids(seeded: Graph) -> None:
    found = await cooperation.partners(
        seeded, ["rahandusministeerium", "no-such-org", "tootukassa"]
    )
    assert list(found) == ["rahandusministeerium", "no-such-org", "tootukassa"]
    assert found["no-such-org"] == []
    # Source 001: the Ministry of Finance and RTK commission the 2019 programme, the ESF
    # funds it, Si-Lab and SEV implement it.
    rahandus = {p.organisation_id: p.weight for p in found["rahandusministeerium"]}
    assert rahandus == {
        "riigi-tugiteenuste-keskus": 1,
        "euroopa-sotsiaalfond": 1,
        "si-lab": 1,
        "sev": 1,
    }


async def test_bad_window_names_the_field(seeded: Graph) -> None:
    with pytest.raises(InvalidInput) as e:
        await cooperation.partners(seeded, ["sev"], from_="2016-13")
    assert e.value.problems[0][0] == "from"
    with pytest.raises(InvalidInput) as e:
        await cooperation.partners(seeded, ["sev"], from_="2017", to="2016")
    assert e.value.problems[0][0] == "to"
