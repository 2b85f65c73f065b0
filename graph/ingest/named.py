"""Every name a text gives, as the rules of `graph/ingest/mentions.py` find them, with
overlapping finds resolved (`all_mentions`); and the organisation a unit's name names
("Tartu Ülikooli Narva Kolledž": Tartu Ülikool, `UNIT_OF`)."""

from __future__ import annotations

from typing import Final

from graph.ingest.mentions import ORG, Mention, organisations, people, places
from graph.ingest.text import Word, institution, words


def all_mentions(text: str) -> list[Mention]:
    """Every name the rules find, overlapping ones resolved: organisations first, then
    places, then people in what is left."""
    ws = words(text)
    given = {p.name.split()[0] for p in people(text, ws, [])}
    orgs = _dedupe([_without_given_name(text, o, given) for o in organisations(text, ws)])
    orgs += _parents(text, ws, orgs)
    spots = _dedupe([p for p in places(text, ws) if not _overlaps(p, orgs)])
    taken = [(m.start, m.end) for m in (*orgs, *spots)]
    persons = people(text, ws, taken)
    return sorted([*orgs, *spots, *persons], key=lambda m: (m.start, -m.end))


#: The rule of an organisation named inside its unit's name ("Tartu Ülikooli Narva
#: Kolledž": Tartu Ülikool); the unit is PART_OF it.
UNIT_OF: Final = "the organisation a unit is part of"


def _parents(text: str, ws: list[Word], orgs: list[Mention]) -> list[Mention]:
    """'Tartu Ülikooli Narva Kolledž', 'Tallinna Tehnikaülikooli Ragnar Nurkse …
    instituut': a name that starts with another organisation's name in the genitive (an
    institution word after capitalised words) is a unit of that organisation, which the
    text names too."""
    out: list[Mention] = []
    for org in orgs:
        inner = [w for w in ws if org.start <= w.start and w.end <= org.end]
        for k in range(1, len(inner) - 1):
            head = institution(inner[k].text)
            if head is None or not all(w.capital for w in inner[: k + 1]):
                continue
            nominative, kind = head
            word = inner[k].text.lower()
            genitive = word[:-1] == nominative.lower() and word[-1] in "iue"
            if not genitive or not inner[k + 1].capital:
                break  # "Ülikooli Narva", not "Seltsiks Sinule" or "Ülikooli teadlased"
            name = text[org.start : inner[k].start] + nominative
            out.append(Mention(ORG, org.start, inner[k].end, name, kind, rule=UNIT_OF))
            break
    return out


def _without_given_name(text: str, org: Mention, given: set[str]) -> Mention:
    """'Jaan Heateo Sihtasutuses' (in "tegutses Jaan Heateo Sihtasutuses"): a name the
    text gives a person does not start an organisation's."""
    first = org.name.split(" ", 1)
    if len(first) == 2 and first[0] in given and org.rule == "institution word":
        cut = text.index(first[1][:3], org.start)
        return Mention(ORG, cut, org.end, first[1], org.kind, org.aliases, rule=org.rule)
    return org


def _overlaps(m: Mention, others: list[Mention]) -> bool:
    return any(o.start < m.end and m.start < o.end for o in others)


def _dedupe(found: list[Mention]) -> list[Mention]:
    """Of mentions that overlap, the longest (the first found of equal ones) stays."""
    kept: list[Mention] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if not _overlaps(m, kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)
