"""How ties read in sentences, for people: a relationship between its ends in the model's
words (`Relation.reads`, "is a member of"), in the direction it was recorded; how an actor
took part in an event, programme or service, with its role in words ("took part in … as
a speaker"), never as a code (`SPEAKER`). Paths and the cooperation view explain their
ties with these, so each front end gets the same sentence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from graph.models.relationships import RELATION, RelType

#: How an actor took part in an activity `{x}`, by relationship type and role.
_TOOK_PART: Final[dict[tuple[str, str | None], str]] = {
    ("ATTENDED", None): "took part in {x}",
    ("ATTENDED", "PARTICIPANT"): "took part in {x} as a participant",
    ("ATTENDED", "SPEAKER"): "spoke at {x}",
    ("ATTENDED", "TRAINER"): "was a trainer at {x}",
    ("ATTENDED", "MODERATOR"): "moderated {x}",
    ("ATTENDED", "MENTOR"): "was a mentor in {x}",
    ("ATTENDED", "COORDINATOR"): "coordinated {x}",
    ("ORGANISED", None): "organised {x}",
    ("ORGANISED", "HOST"): "hosted {x}",
    ("ORGANISED", "CO_ORGANISER"): "co-organised {x}",
    ("FUNDED", None): "funded {x}",
    ("COMMISSIONED", None): "commissioned {x}",
    ("IMPLEMENTED", None): "implemented {x}",
    ("PROVIDES", None): "provides {x}",
    ("MEMBER_OF", None): "was a member of {x}",
    ("DEVELOPED", None): "developed {x}",
    ("BROUGHT_IDEA", None): "brought an idea to {x}",
    ("AUTHORED", None): "wrote {x}",
    # recorded from the service to the organisation it is delivered for
    ("DELIVERED_FOR", None): "has {x} delivered for it",
}

#: Activity kinds as nouns where lower-casing the code does not read well.
_NOUNS: Final = {"THINK_TANK_MEETING": "think-tank meeting", "OTHER": None}


def words(code: str) -> str:
    """A code in words: `CO_ORGANISER` → "co-organiser", `INFO_DAY` → "info day"."""
    special = {"CO_ORGANISER": "co-organiser", "THINK_TANK_MEETING": "think-tank meeting"}
    return special.get(code, code.lower().replace("_", " "))


def took_part(rel_type: str, role: str | None, thing: str) -> str:
    """How an actor took part in `thing`: "co-organised the forum “…”"."""
    phrase = _TOOK_PART.get((rel_type, role))
    if phrase is not None:
        return phrase.format(x=thing)
    base = _TOOK_PART.get((rel_type, None), f"{words(rel_type)} {{x}}").format(x=thing)
    return f"{base} (role: {words(role) if role.isupper() else role})" if role else base


def activity(type_: str, kind: str | None, name: str) -> str:
    """An event, programme or service as a noun phrase: "the forum “…”"."""
    noun = _NOUNS.get(kind, words(kind)) if kind else None
    return f"the {noun or type_.lower()} “{name}”"


def span(start: str | None, end: str | None) -> str:
    """A partial-date period: "2016-11-25 – 2016-11-26", "2016", "date not recorded"."""
    if start and end and start != end:
        return f"{start} – {end}"
    return start or end or "date not recorded"


def _ties(ties: Sequence[tuple[str, str | None]], thing: str) -> str:
    parts = [took_part(t, r, thing if i == 0 else "it") for i, (t, r) in enumerate(ties)]
    return " and ".join(parts)


def shared(
    a: str,
    a_ties: Sequence[tuple[str, str | None]],
    b: str,
    b_ties: Sequence[tuple[str, str | None]],
    thing: str,
    when: str,
) -> str:
    """Two actors in the same activity, each with how they took part (relationship type,
    role): "A organised the forum “…”, and B co-organised it (2016-11-25 – 2016-11-26)"."""
    first = _ties(a_ties, thing)
    if list(a_ties) == list(b_ties):
        verb = first.split(" ", 1)[0]
        also = {"was": "so was", "provides": "so does"}.get(verb, "so did")
        return f"{a} {first}, and {also} {b} ({when})"
    return f"{a} {first}, and {b} {_ties(b_ties, 'it')} ({when})"


def relationship(start: str, rel_type: str, end: str, props: Mapping[str, Any]) -> str:
    """A direct relationship as recorded, start to end, in the model's words:
    "Jaan Aps is a member of SEV (role: juhatuse esimees), 2012 – 2017"."""
    try:
        reads = RELATION[RelType(rel_type)].reads
    except ValueError:
        reads = words(rel_type)
    sentence = f"{start} {reads} {end}"
    role = props.get("roleEn") or props.get("role")
    if role:
        sentence += f" (role: {words(role) if str(role).isupper() else role})"
    since, until = props.get("from"), props.get("to")
    if since and until:
        sentence += f", {span(since, until)}"
    elif since:
        sentence += f", since {since}"
    elif until:
        sentence += f", until {until}"
    return sentence
