"""Estonian lemmas (graph/morph.py, Vabamorf) and the lemma index's query (graph/search.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import morph
from graph.lucene import lemma_query
from graph.morph import inflected
from graph.search import LEMMA_EXACT_BONUS, key_bonus
from graph.text import fold


def test_names_in_any_case_give_the_lemma_of_the_name() -> None:
    assert morph.lemmas("Sotsiaalkindlustusametiga") == ["sotsiaalkindlustusamet"]
    assert morph.lemmas("Kaie Kotoviga") == ["kaie", "kotov"]
    assert "tootukassa" in morph.lemmas("Töötukassaga")
    assert "rahandusministeerium" in morph.lemmas("Rahandusministeeriumis")
    assert "uhing" in morph.lemmas("Ühingule")
    assert "vald" in morph.lemmas("Viljandi valla omavalitsusega")


def test_the_nominative_and_its_inflected_forms_share_a_lemma() -> None:
    for name, forms in {
        "Kotov": ["Kotovi", "Kotovit", "Kotovile", "Kotovilt", "Kotoviga", "Kotovita"],
        "Sotsiaalkindlustusamet": ["Sotsiaalkindlustusametisse", "Sotsiaalkindlustusametist"],
        "Pöördepunkt": ["Pöördepunktis", "Pöördepunktideni"],
    }.items():
        base = set(morph.lemmas(name))
        for form in forms:
            assert base & set(morph.lemmas(form)), (name, form)


def test_unknown_proper_nouns_typed_in_lower_case_are_guessed_as_names() -> None:
    assert "kotov" in morph.lemmas("kotoviga")
    assert "pedanik" in morph.lemmas("pedanikuga")


def test_abbreviations_and_hyphenated_names_keep_their_parts() -> None:
    assert morph.lemmas("SEV-iga") == ["sev"]
    assert {"si", "lab"} <= set(morph.lemmas("Si-Labiga"))
    assert {"anu", "mall", "naarits"} <= set(morph.lemmas("Anu-Mall Naaritsaga"))
    assert morph.tokens("„Seltsiks Sinule“, SEV'iga") == ["Seltsiks", "Sinule", "SEV'iga"]


def test_accents_and_cyrillic_are_folded_as_the_search_folds_them() -> None:
    assert fold("šokolaad") in morph.lemmas("šokolaadiga")
    assert morph.lemmas("Шахтёрский") == [fold("Шахтёрский")]
    assert morph.lemmas("žürii") == ["zurii"]


def test_no_words_no_lemmas() -> None:
    assert morph.lemmas("") == []
    assert morph.lemmas(" -- „“ ... ") == []
    assert morph.lemmas("a" * (morph.MAX_WORD + 1)) == []


def test_query_words_offer_the_surface_form_and_every_lemma() -> None:
    assert morph.query_words("Kaie Kotoviga") == [("kaie", ("kaie",)), ("kotoviga", ("kotov",))]
    assert morph.query_words("Si-Labiga")[0] == ("si-labiga", ("si lab", "si labi"))


def test_the_lemma_query_requires_every_word_and_escapes_lucene_syntax() -> None:
    assert lemma_query([("kotoviga", ("kotov",))]) == (
        "lemmaText:(+(kotoviga^3 OR kotoviga* OR kotov^2))"
    )
    assert lemma_query([("si-labiga", ("si lab",))]) == (
        "lemmaText:(+((si AND labiga)^3 OR (si AND labiga*) OR (si AND lab)^2))"
    )
    assert lemma_query([("kotoviga", ("kotov",))], every=False, field="k") == (
        "k:((kotoviga^3 OR kotov^2))"
    )
    assert lemma_query([]) is None
    # a word that folds to nothing ('\ufe70') asks for nothing (it made '+(^3 OR *)',
    # which Lucene cannot parse)
    assert lemma_query([("", ()), ("kotoviga", ("kotov",))]) == (
        "lemmaText:(+(kotoviga^3 OR kotoviga* OR kotov^2))"
    )
    assert lemma_query([("", ())]) is None


_WORDLIKE = re.compile(r"^\w+$", re.UNICODE)
_ESTONIAN = st.text(
    alphabet=st.sampled_from("abdefghijklmnoprstuvõäöüšžABEKLMPRSTÕÄÖÜŠŽжёйшщ -'’„“.,!?*:~"),
    max_size=40,
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(_ESTONIAN)
def test_any_text_gives_folded_lemma_words_and_a_well_formed_query(text: str) -> None:
    found = morph.lemmas(text)
    assert all(_WORDLIKE.match(w) and fold(w) == w for w in found)
    assert len(found) == len(set(found))
    words = morph.query_words(text)
    assert len(words) == len(morph.tokens(text))
    query = lemma_query(words)
    assert (query is None) == (not words)
    if query is not None:
        # all of it in the lemma field; every Lucene operator character in it is
        # escaped or one the builder wrote
        assert query.startswith("lemmaText:(") and query.endswith(")")
        bare = re.sub(r"\\.", "", query.removeprefix("lemmaText:("))
        assert not re.search(r'[!{}\[\]"~?:/]', bare)


def test_a_name_and_its_inflected_forms_share_a_lemma_key() -> None:
    def same(a: str, b: str) -> bool:
        return bool(set(morph.lemma_keys(a)) & set(morph.lemma_keys(b)))

    assert same("Tartu Ülikoolis", "Tartu Ülikool")
    assert not same("Tartu Ülikoolis", "Tartu Ülikooli Narva Kolledž")
    assert same("Jaan Apsiga", "Jaan Aps")
    assert same("Töötukassaga", "Töötukassa")
    assert not same("Töötukassaga", "Eesti Töötukassa")
    # legal forms at either end do not count, as in normalise_name ("sa" is also "you")
    assert same("Heateo Sihtasutusega", "Heateo SA")
    assert same("SA Autistikat", "Autistika")
    assert morph.lemma_keys("SA") != []


def test_lemma_keys_are_bounded() -> None:
    many = " ".join(["Apsiga"] * 8)  # three analyses each: 3^8 combinations
    assert len(morph.lemma_keys(many)) == morph.MAX_KEYS
    assert morph.name_keys(["Jaan Aps", "Jaan Aps"]) == ["jaan aps"]


def test_only_text_with_an_inflected_word_needs_the_lemma_branch() -> None:
    assert not inflected(morph.query_words("tootukassa"))
    assert not inflected(morph.query_words("Rasmus"))
    assert inflected(morph.query_words("Töötukassaga"))
    assert inflected(morph.query_words("Kaie Kotoviga"))
    assert not inflected([])


def test_runs_of_words_get_a_share_of_the_whole_name_bonus() -> None:
    whole = dict(key_bonus("Töötukassaga"))
    assert whole["tootukassa"] == LEMMA_EXACT_BONUS
    runs = dict(key_bonus("kohtumine Töötukassaga", runs=True))
    assert runs["tootukassa"] == LEMMA_EXACT_BONUS / 2
    assert runs["kohtumine tootukassa"] == LEMMA_EXACT_BONUS
    assert "tootukassa" not in dict(key_bonus("kohtumine Töötukassaga"))
    assert dict(key_bonus("koostöös Viljandi valla", runs=True))["viljandi vald"] == pytest.approx(
        LEMMA_EXACT_BONUS * 2 / 3
    )
