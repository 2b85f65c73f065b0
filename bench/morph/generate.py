"""The inflected-forms test set for the morphology candidates: `python -m bench.morph.generate`.

Every seeded organisation, person and programme name (and Estonian alias or short name),
inflected in the fourteen cases (plus the short illative) in the singular and, for
organisation and programme names whose head word the synthesiser knows as a common noun
(no guessing), in the plural, every variant it gives. As
Estonian does, only the last word of a multiword name is inflected ("Viljandi vallaga",
"Kaie Kotoviga"); in a hyphenated last word only its last part ("Kvernland-Bergiga").

The forms come from Vabamorf's *synthesiser* (`synthesize(lemma, form)` with guessing for
unknown proper nouns), never from a stemmer or analyser under test; where the synthesiser
knows no form, from written-out rules (the vowel stem + case ending, `source: rule`).
`WRITTEN` adds forms written by hand: the issue's examples and abbreviations (SEV-iga).

Also written: today's uninflected queries (each name as written, a prefix as typed) and
typo queries (one deterministic edit in the longest word), to check that nothing drops.

Output: bench/morph/forms.json, a list of {form, expected, label, name, case, number,
source, set}. A form that folds to the same text as a form of another entity is dropped
(it cannot have one right answer) and counted in the file's `dropped`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.morph import engine
from graph.text import LEGAL_FORMS, fold
from seeds import dataset

OUT = Path(__file__).with_name("forms.json")

#: Vabamorf's form codes: the fourteen cases (nominative first) and the short illative.
CASES = ("n", "g", "p", "ill", "in", "el", "all", "ad", "abl", "tr", "ter", "es", "ab", "kom")
#: Case endings after the genitive stem, for the rule fallback (singular only).
RULE_ENDINGS: dict[str, str | None] = {
    "n": None,
    "g": "",
    "ill": "sse",
    "in": "s",
    "el": "st",
    "all": "le",
    "ad": "l",
    "abl": "lt",
    "tr": "ks",
    "ter": "ni",
    "es": "na",
    "ab": "ta",
    "kom": "ga",
}

#: Written by hand: (form, expected id, case). The issue's examples, abbreviations with a
#: hyphen (as Estonian writes them), surnames whose synthesised form is a common noun's.
WRITTEN: tuple[tuple[str, str, str], ...] = (
    ("Töötukassaga", "tootukassa", "kom"),
    ("Rahandusministeeriumile", "rahandusministeerium", "all"),
    ("Rahandusministeeriumis", "rahandusministeerium", "in"),
    ("Viljandi vallaga", "viljandi-vald", "kom"),
    ("Sotsiaalkindlustusametiga", "sotsiaalkindlustusamet", "kom"),
    ("Kaie Kotoviga", "kaie-kotov", "kom"),
    ("Sillamäe Lastekaitse Ühingule", "sillamae-lastekaitse-uhing", "all"),
    ("Jaan Apsiga", "jaan-aps", "kom"),
    ("Jaan Apsi", "jaan-aps", "g"),
    ("Rait Kuusega", "rait-kuuse", "kom"),
    ("Tanel Kiigega", "tanel-kiik", "kom"),
    ("Tanel Kiige", "tanel-kiik", "g"),
    ("Signe Riisalole", "signe-riisalo", "all"),
    ("Rasmus Pedanikuga", "rasmus-pedanik", "kom"),
    ("Evelin Kostabiga", "evelin-kostabi", "kom"),
    ("Vassili Golikoviga", "vassili-golikov", "kom"),
    ("Anu-Mall Naaritsaga", "anu-mall-naarits", "kom"),
    ("SEV-iga", "sev", "kom"),
    ("SEVis", "sev", "in"),
    ("SEV-ile", "sev", "all"),
    ("EMSL-iga", "emsl", "kom"),
    ("EMSL-i", "emsl", "g"),
    ("ESF-ist", "euroopa-sotsiaalfond", "el"),
    ("Si-Labiga", "si-lab", "kom"),
    ("Si-Labis", "si-lab", "in"),
    ("Praxisega", "praxis", "kom"),
    ("Praxisest", "praxis", "el"),
    ("Tartu Ülikoolis", "tartu-ulikool", "in"),
    ("Tallinna Tehnikaülikoolist", "tallinna-tehnikaulikool", "el"),
    ("Heateo Sihtasutusega", "heateo-sa", "kom"),
    ("Päästeametile", "paasteamet", "all"),
    ("Pöördepunktis", "poordepunkt", "in"),
    ("Riigikantseleile", "riigikantselei", "all"),
    ("Vabariigi Valitsusele", "vabariigi-valitsus", "all"),
    ("Eesti Külaliikumise Kodukandiga", "kodukant", "kom"),
    ("Kodanikuühiskonna Sihtkapitalist", "kodanikuuhiskonna-sihtkapital", "el"),
)


#: Names that are phrases Estonian leaves as they are (one inflects "MTÜ" before them).
UNINFLECTED_NAMES = frozenset({"inimeselt-inimesele", "seltsiks-sinule", "teeme"})


def _common_noun(word: str) -> bool:
    """The synthesiser knows `word` as a common noun (no guessing): a plural applies."""
    return bool(engine().synthesize(word.lower(), "pl n", "S", "", False, False))


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _capitalise_like(form: str, model: str) -> str:
    return form[0].upper() + form[1:] if model[:1].isupper() else form


def _rule_forms(word: str, case: str) -> list[str]:
    """The vowel-stem rule for words the synthesiser does not know (singular only)."""
    stem = word if word[-1].lower() in "aeiouõäöü" else word + "i"
    if case == "n":
        return [word]
    if case == "p":
        return [stem + "t" if stem == word else stem]
    return [stem + (RULE_ENDINGS[case] or "")]


def _synthesise(word: str, case: str, number: str, *, person: bool) -> tuple[list[str], str]:
    """Forms of one word, and where they came from ('vabamorf' or 'rule')."""
    vm = engine()
    code = "adt" if case == "adt" else f"{number} {case}"
    attempts = [(word, "H"), (word, "")] if person else [(word.lower(), ""), (word, "")]
    for lemma, pos in attempts:
        found = [f for f in vm.synthesize(lemma, code, pos, "", True, False) if f]
        if found:
            return sorted({_capitalise_like(f, word) for f in found}), "vabamorf"
    if number == "sg" and case != "adt":
        return _rule_forms(word, case), "rule"
    return [], "none"


def _inflect(name: str, *, person: bool, plural: bool) -> list[dict[str, Any]]:
    words = name.split()
    if not words:
        return []
    head, last = words[:-1], words[-1]
    tail_prefix, _, tail = last.rpartition("-")
    if not tail or _is_abbreviation(tail) or not tail[0].isalpha() or fold(tail) in LEGAL_FORMS:
        return []
    out = []
    numbers = ("sg", "pl") if plural and _common_noun(tail) else ("sg",)
    for number in numbers:
        for case in (*CASES, "adt"):
            if case == "adt" and number == "pl":
                continue
            forms, source = _synthesise(tail, case, number, person=person)
            if number == "pl" and source != "vabamorf":
                continue
            for f in forms:
                inflected = f"{tail_prefix}-{f}" if tail_prefix else f
                out.append(
                    {
                        "form": " ".join([*head, inflected]),
                        "case": case,
                        "number": number,
                        "source": source,
                    }
                )
    return out


def _typo(name: str) -> str | None:
    """One deterministic edit in the longest word: the middle letter doubled or dropped."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if len(w) < 5:
        return None
    mid = len(w) // 2
    edited = w[:mid] + w[mid + 1 :] if len(w) % 2 else w[:mid] + w[mid] + w[mid:]
    words[longest] = edited
    return " ".join(words)


def _prefix(name: str) -> str | None:
    """The name as typed so far: the last word cut to its first half (at least 3 letters)."""
    words = name.split()
    last = words[-1]
    if len(last) < 6:
        return None
    return " ".join([*words[:-1], last[: max(3, len(last) // 2)]])


def _names(record: dataset.NodeRecord) -> list[str]:
    p = record.props
    names = [p.get("name"), p.get("shortName"), *(p.get("aliases") or [])]
    return list(dict.fromkeys(n for n in names if n))


def build() -> dict[str, Any]:
    by_label = dataset.read().by_label()
    rows: list[dict[str, Any]] = []
    for label in ("Organisation", "Person", "Programme"):
        person = label == "Person"
        for record in by_label[label]:
            for name in _names(record):
                base = {"expected": record.id, "label": label, "name": name}
                rows.append({**base, "form": name, "set": "uninflected", "case": "-"})
                if (typo := _typo(name)) is not None:
                    rows.append({**base, "form": typo, "set": "typo", "case": "-"})
                if (prefix := _prefix(name)) is not None:
                    rows.append({**base, "form": prefix, "set": "prefix", "case": "-"})
                if record.id in UNINFLECTED_NAMES:
                    continue
                for item in _inflect(name, person=person, plural=not person):
                    if item["case"] == "n" and item["number"] == "sg":
                        continue  # the nominative is the name itself (set 'uninflected')
                    rows.append({**base, **item, "set": "inflected"})
    names = {r.id: r.props.get("name") for rs in by_label.values() for r in rs}
    for form, expected, case in WRITTEN:
        rows.append(
            {
                "form": form,
                "expected": expected,
                "label": "",
                "name": names[expected],
                "case": case,
                "number": "sg",
                "source": "written",
                "set": "written",
            }
        )
    # One folded form, one right answer: drop forms shared by two entities.
    owners: dict[str, set[str]] = {}
    for r in rows:
        owners.setdefault(fold(r["form"]), set()).add(r["expected"])
    kept, seen, dropped = [], set(), 0
    for r in rows:
        key = (fold(r["form"]), r["set"])
        if len(owners[key[0]]) > 1:
            dropped += 1
            continue
        if key in seen:
            continue
        seen.add(key)
        kept.append(r)
    return {"dropped_ambiguous": dropped, "forms": kept}


def main() -> None:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for r in data["forms"]:
        counts[r["set"]] = counts.get(r["set"], 0) + 1
    print(f"{OUT}: {counts}, dropped as ambiguous: {data['dropped_ambiguous']}")


if __name__ == "__main__":
    main()
