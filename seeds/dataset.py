"""The curated seed dataset: reading the YAML files and validating them whole.

Records are validated by the same pydantic models the API uses (`…Create`), plus
their `sources`. Every problem is reported with file, line, record id and field,
and nothing is loaded while any problem remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, create_model

from graph.models import relationships as rel
from graph.models.common import Model
from graph.models.registry import REGISTRY
from graph.models.relationships import RelType, SourceRef
from graph.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES_DIR = Path(__file__).resolve().parent / "sources"

#: file name → (top-level key, node label)
NODE_FILES: dict[str, tuple[str, str]] = {
    "documents.yaml": ("documents", "Document"),
    "organisations.yaml": ("organisations", "Organisation"),
    "people.yaml": ("people", "Person"),
    "events.yaml": ("events", "Event"),
    "programmes.yaml": ("programmes", "Programme"),
    "services.yaml": ("services", "Service"),
    "service_categories.yaml": ("serviceCategories", "ServiceCategory"),
    "places.yaml": ("places", "Place"),
    "topics.yaml": ("topics", "Topic"),
    "campaigns.yaml": ("campaigns", "Campaign"),
}
RELATIONSHIPS_FILE = "relationships.yaml"

# The C loader when libyaml is there (several times faster), else the pure-Python one.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SeedRelationship(Model):
    type: RelType
    from_: str = Field(alias="from")
    to: str
    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[SourceRef]


def _seed_model(label: str) -> type[BaseModel]:
    spec = REGISTRY[label]
    needs_sources = label != "Document"
    return create_model(
        f"Seed{label}",
        __base__=spec.create,
        sources=(list[SourceRef], ... if needs_sources else []),
    )


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        what = f" ({self.record})" if self.record else ""
        return f"{where}{what} {self.field}: {self.message}"


class DatasetError(Exception):
    """The dataset has problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the seed data:\n" + "\n".join(map(str, problems))
        )


@dataclass
class NodeRecord:
    label: str
    id: str
    props: dict[str, Any]
    sources: list[SourceRef]


@dataclass
class RelRecord:
    type: RelType
    from_id: str
    to_id: str
    props: dict[str, Any]
    sources: list[SourceRef]


@dataclass
class Dataset:
    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)

    def by_label(self) -> dict[str, list[NodeRecord]]:
        out: dict[str, list[NodeRecord]] = {}
        for n in self.nodes:
            out.setdefault(n.label, []).append(n)
        return out


def _items_with_lines(path: Path, key: str) -> list[tuple[int, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise DatasetError([Problem(path.name, line, "", "yaml", str(e).splitlines()[0])]) from e
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise DatasetError([Problem(path.name, 1, "", key, f"expected a top-level list `{key}:`")])
    assert isinstance(root, yaml.MappingNode)  # `data` is a mapping, so its node is one
    seq = next(v for k, v in root.value if k.value == key)
    return [
        (node.start_mark.line + 1, item) for node, item in zip(seq.value, data[key], strict=True)
    ]


def _msg(err: Any) -> str:
    return str(err["msg"]).removeprefix("Value error, ")


def _loc(err: Any) -> str:
    return ".".join(str(p) for p in err["loc"]) or "record"


def _path_up(parents: dict[str, list[str]], start: str, target: str) -> list[str] | None:
    """The PART_OF path from `start` up to `target` (`[start, …, target]`), or None."""
    via: dict[str, str] = {}
    frontier = [start]
    while frontier:
        child = frontier.pop(0)
        if child == target:
            path = [child]
            while path[0] != start:
                path.insert(0, via[path[0]])
            return path
        for parent in parents.get(child, []):
            if parent not in via and parent != start:
                via[parent] = child
                frontier.append(parent)
    return None


def read(data_dir: Path = DATA_DIR, sources_dir: Path = SOURCES_DIR) -> Dataset:
    """Read and validate the whole dataset; raise `DatasetError` listing every problem."""
    problems: list[Problem] = []
    dataset = Dataset()
    labels: dict[str, str] = {}
    where: dict[str, tuple[str, int]] = {}
    documents: dict[str, NodeRecord] = {}
    #: (label, folded name) → id, for the types whose names are unique
    named: dict[tuple[str, str], str] = {}

    for file_name, (key, label) in NODE_FILES.items():
        model = _seed_model(label)
        for line, item in _items_with_lines(data_dir / file_name, key):
            record_id = str(item.get("id", "")) if isinstance(item, dict) else ""
            if record_id in labels:
                first = where[record_id]
                message = f"duplicate id (first at {first[0]}:{first[1]})"
                problems.append(Problem(file_name, line, record_id, "id", message))
                continue
            # Known even when invalid, so one bad record does not cascade into
            # "unknown id" problems wherever it is referenced.
            labels[record_id] = label
            where[record_id] = (file_name, line)
            try:
                parsed = model.model_validate(item)
            except ValidationError as e:
                problems += [
                    Problem(file_name, line, record_id, _loc(err), _msg(err)) for err in e.errors()
                ]
                continue
            data = parsed.model_dump(by_alias=True, mode="json", exclude={"id", "sources"})
            spec = REGISTRY[label]
            if spec.unique_name:
                folded = (label, fold(data.get(spec.name_property) or ""))
                if folded in named:
                    other = named[folded]
                    problems.append(
                        Problem(
                            file_name,
                            line,
                            record_id,
                            spec.name_property,
                            f"the name of {other!r} ({where[other][0]}:{where[other][1]}) once "
                            f"case, accents and spacing are ignored; {label} names are unique",
                        )
                    )
                    continue
                named[folded] = record_id
            node = NodeRecord(label, record_id, data, list(getattr(parsed, "sources", [])))
            dataset.nodes.append(node)
            if label == "Document":
                documents[record_id] = node

    texts: dict[str, str] = {}
    for doc in documents.values():
        if doc.props.get("file"):
            path = sources_dir / doc.props["file"]
            if not path.exists():
                line = where[doc.id][1]
                problems.append(
                    Problem("documents.yaml", line, doc.id, "file", f"{path} does not exist")
                )
            else:
                texts[doc.id] = path.read_text(encoding="utf-8")

    def check_sources(file_name: str, line: int, record: str, sources: list[SourceRef]) -> None:
        for i, src in enumerate(sources):
            if src.document not in documents:
                problems.append(
                    Problem(
                        file_name,
                        line,
                        record,
                        f"sources.{i}.document",
                        f"unknown document {src.document!r}",
                    )
                )
                continue
            text = _text_of(src.document)
            if text is not None and src.quote not in text:
                problems.append(
                    Problem(
                        file_name,
                        line,
                        record,
                        f"sources.{i}.quote",
                        f"not found verbatim in {documents[src.document].props['file']}: "
                        f"{src.quote[:60]!r}",
                    )
                )

    def _text_of(doc_id: str) -> str | None:
        """The text a quote must come from: the document's own file, or for a
        publication without a file, the quote is checked against all source files."""
        if doc_id in texts:
            return texts[doc_id]
        return "\n".join(texts.values()) or None

    for node in dataset.nodes:
        file_name, line = where[node.id]
        check_sources(file_name, line, node.id, node.sources)
        publisher = node.props.get("publisher")
        if publisher and labels.get(publisher) != "Organisation":
            problems.append(
                Problem(
                    file_name,
                    line,
                    node.id,
                    "publisher",
                    f"{publisher!r} is not an organisation id",
                )
            )

    seen: dict[tuple[str, str, str], int] = {}
    #: the PART_OF ties read so far: child → parents
    parents: dict[str, list[str]] = {}
    for line, item in _items_with_lines(data_dir / RELATIONSHIPS_FILE, "relationships"):
        label_of = (
            f"{item.get('type')} {item.get('from')}->{item.get('to')}"
            if isinstance(item, dict)
            else ""
        )
        try:
            r = SeedRelationship.model_validate(item)
        except ValidationError as e:
            problems += [
                Problem(RELATIONSHIPS_FILE, line, label_of, _loc(err), _msg(err))
                for err in e.errors()
            ]
            continue
        ok = True
        for end, end_id in (("from", r.from_), ("to", r.to)):
            if end_id not in labels:
                problems.append(
                    Problem(RELATIONSHIPS_FILE, line, label_of, end, f"unknown id {end_id!r}")
                )
                ok = False
        if not ok:
            continue
        if not rel.allowed(r.type, labels[r.from_], labels[r.to]):
            problems.append(
                Problem(
                    RELATIONSHIPS_FILE,
                    line,
                    label_of,
                    "type",
                    f"({labels[r.from_]})-[:{r.type.value}]->({labels[r.to]}) is not in the model; "
                    f"allowed: {rel.describe(r.type)}",
                )
            )
            continue
        try:
            props = rel.props_model(r.type).model_validate(r.properties)
        except ValidationError as e:
            problems += [
                Problem(RELATIONSHIPS_FILE, line, label_of, f"properties.{_loc(err)}", _msg(err))
                for err in e.errors()
            ]
            continue
        triple = (r.type.value, r.from_, r.to)
        if triple in seen:
            problems.append(
                Problem(
                    RELATIONSHIPS_FILE,
                    line,
                    label_of,
                    "type",
                    f"duplicate relationship (first at line {seen[triple]})",
                )
            )
            continue
        if r.type is RelType.PART_OF:
            cycle = _path_up(parents, r.to, r.from_)
            if cycle is not None:
                why = (
                    f"{r.from_!r} cannot be PART_OF itself"
                    if r.to == r.from_
                    else f"{r.to!r} is already part of {r.from_!r} ({' → '.join(cycle)})"
                )
                problems.append(
                    Problem(
                        RELATIONSHIPS_FILE, line, label_of, "to", f"{why}; PART_OF makes no cycles"
                    )
                )
                continue
            parents.setdefault(r.from_, []).append(r.to)
        seen[triple] = line
        check_sources(RELATIONSHIPS_FILE, line, label_of, r.sources)
        dataset.relationships.append(
            RelRecord(
                r.type,
                r.from_,
                r.to,
                props.model_dump(by_alias=True, mode="json", exclude_none=True),
                r.sources,
            )
        )

    if problems:
        raise DatasetError(problems)
    return dataset
