"""The curated dataset: provenance checked against the source files, and a broken
dataset reported precisely (file, line, record, field) before anything is written."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from seeds import dataset

DATA = dataset.DATA_DIR
SOURCES = dataset.SOURCES_DIR


def test_every_quote_is_an_exact_substring_of_its_source() -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in SOURCES.glob("*.txt")}
    docs = yaml.safe_load((DATA / "documents.yaml").read_text())["documents"]
    file_of = {d["id"]: d.get("file") for d in docs}
    checked = 0
    for path in DATA.glob("*.yaml"):
        for items in yaml.safe_load(path.read_text()).values():
            for item in items:
                for src in item.get("sources", []):
                    file = file_of[src["document"]]
                    pool = [texts[file]] if file else list(texts.values())
                    assert any(src["quote"] in t for t in pool), (path.name, item.get("id"), src)
                    checked += 1
    assert checked > 700


def test_the_dataset_is_valid_and_covers_the_sources() -> None:
    data = dataset.read()
    counts = Counter(n.label for n in data.nodes)
    assert counts["Document"] >= 5
    assert counts["ServiceCategory"] == 7
    assert counts["Organisation"] >= 40 and counts["Event"] >= 30 and counts["Person"] >= 8
    assert all(n.sources for n in data.nodes if n.label != "Document")
    assert all(r.sources for r in data.relationships)
    names = {n.props.get("name") for n in data.nodes}
    for expected in (
        "Eesti Töötukassa",
        "Sotsiaalkindlustusamet",
        "Sotsiaalministeerium",
        "Sotsiaalsete Ettevõtete Võrgustik",
        "Sillamäe Lastekaitse Ühing",
    ):
        assert expected in names


def test_spellings_resolve_to_one_entity() -> None:
    data = dataset.read()
    sev = next(n for n in data.nodes if n.id == "sev")
    assert {"SEV", "Sotsiaalse Ettevõtluse Võrgustik"} <= set(sev.props["aliases"])
    tootukassa = next(n for n in data.nodes if n.id == "tootukassa")
    assert tootukassa.props["name"] == "Eesti Töötukassa"
    assert "Töötukassa" in tootukassa.props["aliases"]
    assert tootukassa.props["nameEn"] == "Estonian Unemployment Insurance Fund"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(dataset.DatasetError) as e:
        dataset.read(data_dir, SOURCES)
    return [str(p) for p in e.value.problems]


def test_altered_quote_is_reported_with_file_line_and_field(broken: Path) -> None:
    _replace(broken / "organisations.yaml", "Lisaks aitab SEV kaasa", "Lisaks aitas SEV kaasa")
    problems = _problems(broken)
    assert len(problems) == 1
    assert problems[0].startswith("organisations.yaml:4 (sev) sources.0.quote: not found verbatim")


def test_unknown_endpoint_and_forbidden_pair_are_reported(broken: Path) -> None:
    _replace(broken / "relationships.yaml", "  from: siseministeerium\n", "  from: no-such-org\n")
    _replace(
        broken / "relationships.yaml",
        "- type: IMPLEMENTED\n  from: sev\n",
        "- type: HELD_AT\n  from: sev\n",
    )
    problems = _problems(broken)
    assert any(
        "relationships.yaml:" in p and "from: unknown id 'no-such-org'" in p for p in problems
    )
    assert any("(Organisation)-[:HELD_AT]->(Programme) is not in the model" in p for p in problems)


def test_bad_enum_date_and_duplicate_id(broken: Path) -> None:
    _replace(broken / "organisations.yaml", "kind: NETWORK", "kind: CLUB")
    _replace(broken / "events.yaml", "startDate: '2015-10-29'", "startDate: '2015-02-30'")
    _replace(broken / "topics.yaml", "- id: ", "- id: sev\n  name: Dup\n  sources: []\n- id: ")
    problems = "\n".join(_problems(broken))
    assert "(sev) kind: Input should be 'MINISTRY'" in problems
    assert "startDate: is not a real date" in problems
    assert "topics.yaml:" in problems and "duplicate id (first at organisations.yaml:4)" in problems


def test_yaml_syntax_error_names_the_line(broken: Path) -> None:
    (broken / "places.yaml").write_text("places:\n- id: x\n  name: [unclosed\n", encoding="utf-8")
    problems = _problems(broken)
    assert problems[0].startswith("places.yaml:")


def test_names_that_fold_alike_and_part_of_cycles_are_reported(broken: Path) -> None:
    """What the database refuses (unique folded names, migration 6; PART_OF cycles) is
    reported by line before anything is loaded."""
    _replace(
        broken / "topics.yaml",
        "- id: ",
        "- id: teine-teema\n  name: ' HUVIKAITSE '\n  sources: []\n- id: ",
    )
    (broken / "relationships.yaml").write_text(
        (broken / "relationships.yaml").read_text(encoding="utf-8")
        + "- type: PART_OF\n  from: narva\n  to: narva\n  sources: []\n"
        + "- type: PART_OF\n  from: ida-viru-maakond\n  to: narva\n  sources: []\n",
        encoding="utf-8",
    )
    problems = "\n".join(_problems(broken))
    assert (
        "topics.yaml:7 (huvikaitse) name: the name of 'teine-teema' (topics.yaml:4) once case, "
        "accents and spacing are ignored; Topic names are unique"
    ) in problems
    assert "to: 'narva' cannot be PART_OF itself; PART_OF makes no cycles" in problems
    assert "'narva' is already part of 'ida-viru-maakond' (narva → ida-viru-maakond)" in problems
