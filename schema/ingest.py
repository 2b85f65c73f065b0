"""Documents into facts through GraphQL: `proposeFromDocument` (text, or a file sent as
base64), the review of a document's proposals, and their acceptance or rejection.

Everything here needs the editor role, reading included: proposals are unreviewed text
from a document (people's names, contact details), not yet facts of the graph.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

import strawberry

from graph import entities
from graph.errors import GraphError, InvalidInput, NotFound
from graph.ingest import review, store
from graph.ingest.documents import DocumentMeta, dates_without_year, ingest_text
from graph.ingest.facts import FactKind
from graph.ingest.formats import extract
from graph.models.entities import DocumentKind
from graph.models.relationships import RelType
from schema.context import Info
from schema.cost import NEIGHBOURHOOD, PAIR, Cost
from schema.errors import (
    ConflictProblem,
    NotFoundProblem,
    ValidationProblem,
    from_graph_error,
    problem_for,
    validation_problem,
)
from schema.permissions import CanWrite

strawberry.enum(FactKind, description="What a proposed fact is.")
strawberry.enum(store.Status, name="ProposalStatus", description="Where a proposal stands.")


@strawberry.type(description="An existing entity a proposed one may be (merge into it).")
class ProposalCandidate:
    id: strawberry.ID
    type: str
    name: str
    score: float


@strawberry.type(
    description="A fact proposed from a document, with the exact quote that supports it: "
    "`quote` is the document's `text[start:end]`, and the name or date it is about is at "
    "`text[mentionStart:mentionEnd]`."
)
class Proposal:
    id: strawberry.ID
    document_id: strawberry.ID
    kind: FactKind
    status: store.Status
    quote: str
    start: int
    end: int
    mention_start: int
    mention_end: int
    rule: str = strawberry.field(description="Which extraction rule found it.")
    type: str | None = strawberry.field(description="An entity's type (Organisation, …).")
    name: str | None
    props: str = strawberry.field(description="JSON of the proposed properties.")
    relationship_type: str | None = strawberry.field(
        description="A relationship's type (null for a co-occurrence until edited)."
    )
    from_key: str | None = strawberry.field(description="The `key` of the entity it starts at.")
    to_key: str | None
    key: str = strawberry.field(description="Stable within the document.")
    weak: bool = strawberry.field(
        description="A co-occurrence: a suggestion, never accepted in bulk."
    )
    match_id: strawberry.ID | None = strawberry.field(
        description="The existing entity it is (accepting cites that one, creates none)."
    )
    match_name: str | None
    candidates: list[ProposalCandidate]
    entity_id: strawberry.ID | None = strawberry.field(
        description="What an accepted entity proposal became."
    )

    @classmethod
    def from_model(cls, p: store.Proposal) -> Proposal:
        return cls(
            id=strawberry.ID(p.id),
            document_id=strawberry.ID(p.document_id),
            kind=p.kind,
            status=p.status,
            quote=p.quote,
            start=p.start,
            end=p.end,
            mention_start=p.at,
            mention_end=p.to,
            rule=p.rule,
            type=p.label,
            name=p.name,
            props=json.dumps(p.props, ensure_ascii=False, sort_keys=True),
            relationship_type=p.rel_type,
            from_key=p.from_key,
            to_key=p.to_key,
            key=p.key,
            weak=p.weak,
            match_id=strawberry.ID(p.match_id) if p.match_id else None,
            match_name=p.match_name,
            candidates=[
                ProposalCandidate(id=strawberry.ID(c.id), type=c.label, name=c.name, score=c.score)
                for c in p.candidates
            ],
            entity_id=strawberry.ID(p.entity_id) if p.entity_id else None,
        )


@strawberry.type(description="A date the text writes without its year, where it is.")
class DateWithoutYear:
    line: int = strawberry.field(description="1 for the text's first line.")
    text: str = strawberry.field(description='As written ("09.04").')


@strawberry.type(description="An ingested document: its text and its proposed facts.")
class IngestedDocument:
    id: strawberry.ID
    title: str
    text: str
    content_hash: str
    created: bool = strawberry.field(
        description="False when the same text was ingested before: nothing new was proposed."
    )
    proposals: list[Proposal]
    date: str | None = strawberry.field(description="The document's date, as given.")

    @strawberry.field(
        description="Dates neither the text nor the document's date gives a year: what they "
        "date is not proposed. Propose the same text again with its `date` to add those facts."
    )
    def dates_without_year(self) -> list[DateWithoutYear]:
        return [
            DateWithoutYear(line=line, text=written)
            for line, written in dates_without_year(self.text, self.date, digest=self.content_hash)
        ]


@strawberry.type(description="A document with stated facts still under review.")
class DocumentToReview:
    id: strawberry.ID
    title: str
    pending: int = strawberry.field(description="Stated facts not yet accepted or rejected.")


@strawberry.type(description="What a review decision did.")
class ReviewDecision:
    accepted: list[strawberry.ID]
    rejected: list[strawberry.ID]
    created: list[strawberry.ID] = strawberry.field(description="The entities it created.")


@strawberry.input(description="A file's content, base64-encoded, and its name.")
class FileUpload:
    name: str
    content_base64: str


@strawberry.input(description="A document to propose facts from: its text or a file.")
class ProposeInput:
    title: str | None = strawberry.field(
        default=None, description="Defaults to the file's own title, else its name."
    )
    text: str | None = None
    file: FileUpload | None = strawberry.field(
        default=None, description="Plain text, Markdown, HTML, PDF (text layer) or DOCX."
    )
    kind: DocumentKind = DocumentKind.OTHER
    language: str | None = "et"
    date: str | None = strawberry.field(
        default=None, description="Partial ISO date; years missing in the text come from it."
    )
    url: str | None = None


@strawberry.input(description="Changes to a proposal before it is accepted.")
class EditProposalInput:
    name: str | None = None
    props: str | None = strawberry.field(default=None, description="JSON object merged in.")
    relationship_type: str | None = None
    merge_into: strawberry.ID | None = strawberry.field(
        default=None, description="An existing entity this proposed entity is."
    )


IngestResult = Annotated[
    IngestedDocument | ValidationProblem | ConflictProblem, strawberry.union("IngestResult")
]
ReviewResult = Annotated[
    ReviewDecision | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("ReviewResult"),
]
EditResult = Annotated[
    Proposal | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("EditProposalResult"),
]


def _decision(d: review.Decided) -> ReviewDecision:
    return ReviewDecision(
        accepted=[strawberry.ID(i) for i in d.accepted],
        rejected=[strawberry.ID(i) for i in d.rejected],
        created=[strawberry.ID(i) for i in d.created],
    )


async def _document(
    info: Info, doc_id: str, created: bool, proposals: list[store.Proposal]
) -> IngestedDocument | None:
    doc = await store.document(info.context.graph, doc_id)
    if doc is None:
        return None
    return IngestedDocument(
        id=strawberry.ID(doc.id),
        title=doc.title,
        text=doc.text,
        content_hash=doc.content_hash,
        created=created,
        proposals=[Proposal.from_model(p) for p in proposals],
        date=doc.date,
    )


def _text_of(input: ProposeInput) -> tuple[str, str | None, str | None]:
    """The text, the title the file gives, and the file's name."""
    if (input.text is None) == (input.file is None):
        raise InvalidInput([("input.text", "give either text or file")])
    if input.text is not None:
        return input.text, None, None
    assert input.file is not None
    try:
        data = base64.b64decode(input.file.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput([("input.file.contentBase64", "is not base64")]) from None
    try:
        got = extract(data, input.file.name)
    except InvalidInput as e:
        raise InvalidInput([("input.file", m) for _, m in e.problems]) from None
    return got.text, got.title, input.file.name


@strawberry.type
class IngestQuery:
    @strawberry.field(
        permission_classes=[CanWrite],
        directives=[Cost(weight=PAIR)],
        description="An ingested document's text and proposals (filtered by status and "
        "kind), or null. Editors only: proposals are not yet facts.",
    )
    async def document_proposals(
        self,
        info: Info,
        document_id: strawberry.ID,
        status: store.Status | None = None,
        kind: FactKind | None = None,
    ) -> IngestedDocument | None:
        try:
            found = await store.list_for(
                info.context.graph, str(document_id), status=status, kind=kind
            )
            return await _document(info, str(document_id), False, found)
        except GraphError as e:
            raise from_graph_error(e) from e

    @strawberry.field(
        permission_classes=[CanWrite],
        directives=[Cost(weight=PAIR)],
        description="Documents whose stated facts are not all decided, newest first "
        "(at most 100). Editors only.",
    )
    async def documents_to_review(self, info: Info, first: int = 20) -> list[DocumentToReview]:
        if not 1 <= first <= 100:
            raise from_graph_error(InvalidInput([("first", "must be 1 to 100")]))
        found = await store.awaiting(info.context.graph, first=first)
        return [
            DocumentToReview(id=strawberry.ID(d.id), title=d.title, pending=d.pending)
            for d in found
        ]


@strawberry.type
class IngestMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="Store a document (once per text: a content hash) and propose the facts "
        "it states, each with its quote and offsets. Nothing enters the graph until accepted.",
        graphql_type=IngestResult,
    )
    async def propose_from_document(self, info: Info, input: ProposeInput) -> object:
        try:
            text, file_title, file_name = _text_of(input)
            title = (input.title or file_title or file_name or text.strip().split("\n")[0])[:200]
            meta = DocumentMeta(
                title=title,
                kind=input.kind.value,
                language=input.language,
                date=input.date,
                url=input.url,
                file=file_name,
            )
            got = await ingest_text(info.context.graph, text, meta, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)
        return await _document(info, got.document_id, got.created, got.proposals)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Accept proposals (and the entities at the ends of accepted "
        "relationships) in one transaction, cited with their document and quote.",
        graphql_type=ReviewResult,
    )
    async def accept_proposals(self, info: Info, ids: list[strawberry.ID]) -> object:
        try:
            done = await review.decide(
                info.context.graph, [str(i) for i in ids], accept=True, actor=info.context.actor
            )
        except GraphError as e:
            return problem_for(e)
        return _decision(done)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Reject proposals: the graph is unchanged, and they are not proposed again.",
        graphql_type=ReviewResult,
    )
    async def reject_proposals(self, info: Info, ids: list[strawberry.ID]) -> object:
        try:
            done = await review.decide(
                info.context.graph, [str(i) for i in ids], accept=False, actor=info.context.actor
            )
        except GraphError as e:
            return problem_for(e)
        return _decision(done)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Accept every proposal of one kind still under review in a document "
        "(never the weak co-occurrences).",
        graphql_type=ReviewResult,
    )
    async def accept_all_proposals(
        self, info: Info, document_id: strawberry.ID, kind: FactKind
    ) -> object:
        try:
            done = await review.accept_kind(
                info.context.graph, str(document_id), kind, actor=info.context.actor
            )
        except GraphError as e:
            return problem_for(e)
        return _decision(done)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Edit a proposal before accepting it: its name, properties, a "
        "co-occurrence's relationship type, or the existing entity it is (merge into).",
        graphql_type=EditResult,
    )
    async def edit_proposal(
        self, info: Info, id: strawberry.ID, input: EditProposalInput
    ) -> object:
        graph = info.context.graph
        try:
            props = None
            if input.props is not None:
                try:
                    props = json.loads(input.props)
                except json.JSONDecodeError as e:
                    raise InvalidInput([("input.props", f"is not JSON ({e.msg})")]) from None
                if not isinstance(props, dict):
                    raise InvalidInput([("input.props", "must be a JSON object")])
            match = None
            if input.merge_into is not None:
                target = await entities.get(graph, str(input.merge_into))
                if target is None:
                    raise NotFound(str(input.merge_into))
                name = getattr(target, "name", None) or target.id
                match = (target.id, str(name), entities.model_label(target))
            if input.relationship_type is not None and (
                input.relationship_type not in RelType.__members__
            ):
                return validation_problem(
                    [("input.relationshipType", f"unknown: {input.relationship_type}")]
                )
            p = await store.edit(
                graph,
                str(id),
                name=input.name,
                props=props,
                rel_type=input.relationship_type,
                match=match,
            )
        except GraphError as e:
            return problem_for(e)
        return Proposal.from_model(p)
