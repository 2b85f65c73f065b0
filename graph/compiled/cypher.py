"""A plan (`graph/compiled/plan.py`) as one Cypher statement whose one record is the
response's `data`.

Every field that needs rows of its own (a page, a single related entity, a reference,
sources) is a `CALL (x) { … RETURN collect(…) AS v }` subquery run for the row of its
entity, so each returns exactly one row; the maps are built by map literals over those
variables. Pages read the same windows as the resolvers (`Spec.window`,
`list_window`), so both order and page alike. What
Cypher cannot make as the resolvers do (base64 cursors) comes back as its parts and is
finished in Python (`Fix`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from graph import keys
from graph.actors import name_of_cypher
from graph.compiled import plan as p
from graph.listing import list_count, list_order, list_window
from graph.props import graphql_datetime


class NotCompiled(Exception):
    """The plan cannot be made one statement (its reads take the resolvers)."""


@dataclass(frozen=True)
class ListOf:
    """Finish every item of a list as `item` says."""

    item: Fix


class _Cursor:
    """Encode a keyset position as a cursor (`schema.pagination.encode_cursor`)."""

    def __repr__(self) -> str:
        return "CURSOR"


CURSOR = _Cursor()
#: What to finish in Python: a cursor, the items of a list, or keys of a map.
Fix: TypeAlias = _Cursor | ListOf | dict[str, "Fix"]


@dataclass(frozen=True)
class Statement:
    """A compiled read: its Cypher, the parameters it always passes, the pages whose
    `limit` is one more than `first` (to know whether a next page exists), and what
    is finished in Python (None: nothing)."""

    cypher: str
    static: dict[str, Any]
    plus_one: frozenset[str]
    fix: Fix | None
    key_check: bool


def _merge(a: Fix | None, b: Fix | None) -> Fix | None:
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            merged = _merge(out.get(k), v)
            if merged is not None:
                out[k] = merged
        return out
    if isinstance(a, ListOf) and isinstance(b, ListOf):
        item = _merge(a.item, b.item)
        assert item is not None
        return ListOf(item)
    if a is b:
        return a
    raise NotCompiled("one response key finished two ways for different types")


def _key(name: str) -> str:
    """A response key as a Cypher map key (GraphQL names never hold a backtick)."""
    return f"`{name}`"


def _map(entries: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{_key(k)}: {e}" for k, e in entries) + "}"


def _fixes(entries: list[tuple[str, Fix | None]]) -> Fix | None:
    found = {k: f for k, f in entries if f is not None}
    return found or None


@dataclass
class _Emitter:
    static: dict[str, Any] = field(default_factory=dict)
    plus_one: set[str] = field(default_factory=set)
    count: int = 0

    def name(self, base: str) -> str:
        self.count += 1
        return f"{base}{self.count}"

    def const(self, value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        name = self.name("c")
        self.static[name] = value
        return f"${name}"

    # --- entities ---------------------------------------------------------------

    def entity(self, ent: p.Entity, v: str) -> tuple[list[str], str, Fix | None]:
        """The clauses to run for the row of `v`, the expression of its map and its
        fixes; per label (a `CASE` on the labels) where the types differ."""
        if len(ent.by_label) == 1:
            ((_, fields),) = ent.by_label
            return self.fields(fields, v, guard=None)
        clauses: list[str] = []
        cases: list[str] = []
        fix: Fix | None = None
        for label, fields in ent.by_label:
            c, expr, f = self.fields(fields, v, guard=label)
            clauses += c
            cases.append(f"WHEN {v}:{label} THEN {expr}")
            fix = _merge(fix, f)
        return clauses, "CASE " + " ".join(cases) + " END", fix

    def fields(
        self, fields: p.Fields, v: str, guard: str | None
    ) -> tuple[list[str], str, Fix | None]:
        clauses: list[str] = []
        entries: list[tuple[str, str]] = []
        fixes: list[tuple[str, Fix | None]] = []
        where = f"WITH {v} WHERE {v}:{guard}\n" if guard else ""
        for key, f in fields:
            c, expr, fix = self.field(f, v, where)
            clauses += c
            entries.append((key, expr))
            fixes.append((key, fix))
        return clauses, _map(entries), _fixes(fixes)

    def field(self, f: p.Field, v: str, where: str) -> tuple[list[str], str, Fix | None]:
        match f:
            case p.Const(value):
                return [], self.const(value), None
            case p.Param(name):
                return [], f"${name}", None
            case p.Prop():
                return [], self.prop(v, f.key, f.kind, f.default), None
            case p.Expr(cypher):
                return [], cypher.format(n=v), None
            case p.Page():
                return self.page(f, v, where)
            case p.Single(spec, ent):
                r, m, out = self.name("r"), self.name("m"), self.name("one")
                c, expr, fix = self.entity(ent, m)
                body = (
                    f"MATCH {spec.pattern(v, r, m)}\n"
                    f"WITH {m}, {spec.sort_expr(m)} AS k, type({r}) AS t\n"
                    f"ORDER BY k, {m}.id, t LIMIT 1\n"
                )
                return [self._call(v, where + body, c, f"collect({expr})[0] AS {out}")], out, fix
            case p.Ref(key, label, ent):
                m, out = self.name("m"), self.name("ref")
                c, expr, fix = self.entity(ent, m)
                body = f"MATCH ({m}:Entity {{id: {v}.{key}}}) WHERE {m}:{label}\n"
                return [self._call(v, where + body, c, f"collect({expr})[0] AS {out}")], out, fix
            case p.Cited(parts):
                c_, d, out = self.name("c"), self.name("d"), self.name("src")
                order = f"{d}.id, {c_}.quote"
                clauses, entries, fixes = self.source_parts(parts, d, f"{c_}.quote")
                body = (
                    f"MATCH ({v})-[{c_}:CITED_IN]->({d}:Document)\n"
                    f"WITH {c_}, {d} ORDER BY {order}\n"
                )
                returns = f"collect({_map(entries)}) AS {out}"
                call = self._call(v, where + body, clauses, returns, order=order)
                return [call], out, ListOf(fixes) if fixes else None
        raise NotCompiled(f"no Cypher for {f!r}")

    def prop(self, v: str, key: str, kind: p.Kind, default: Any) -> str:
        expr = f"{v}.`{key}`"
        if kind == "datetime":
            return graphql_datetime(expr)
        if kind == "actor":
            return name_of_cypher(expr)
        if kind == "date":
            expr = f"toString({expr})"
        elif kind == "float":
            expr = f"toFloat({expr})"
        if default is not None:
            return f"coalesce({expr}, {self.const(default)})"
        return expr

    def source_parts(
        self, parts: tuple[tuple[str, p.SourcePart], ...], d: str, quote: str
    ) -> tuple[list[str], list[tuple[str, str]], Fix | None]:
        clauses: list[str] = []
        entries: list[tuple[str, str]] = []
        fixes: list[tuple[str, Fix | None]] = []
        for key, part in parts:
            match part:
                case p.Const(value):
                    entries.append((key, self.const(value)))
                case p.Quote():
                    entries.append((key, quote))
                case p.Document(ent):
                    c, expr, fix = self.entity(ent, d)
                    clauses += c
                    entries.append((key, f"CASE WHEN {d} IS NULL THEN null ELSE {expr} END"))
                    fixes.append((key, fix))
        return clauses, entries, _fixes(fixes)

    @staticmethod
    def _call(
        v: str, body: str, clauses: list[str], returns: str, *, order: str | None = None
    ) -> str:
        """`CALL (v) { body clauses RETURN returns }`; the rows put back in `order`
        after the clauses (work per row need not keep the order)."""
        inner = "".join(c + "\n" for c in clauses)
        if clauses and order:
            inner += f"WITH * ORDER BY {order}\n"
        return f"CALL ({v}) {{\n{body}{inner}RETURN {returns}\n}}"

    # --- pages ------------------------------------------------------------------

    def page(self, page: p.Page, v: str | None, where: str) -> tuple[list[str], str, Fix | None]:
        """A page's clauses (run for the row of `v`; at the root for a listing) and
        the expression of its connection map."""
        pre = page.prefix
        rows = self.name("rows")
        if isinstance(page.source, p.Link):
            spec = page.source.spec
            r, m = self.name("r"), self.name("m")
            window = spec.window(v or "", r, m, pre) + "\n"
            order = spec.order(m)
            key = f"[k, {m}.id, t]"
        else:
            listing = page.source
            r, m = "", "n"
            window = list_window(listing.label, listing.sort, listing.direction, pre)
            order = list_order(listing.direction)
            key = f"[k, {m}.id]"
        needs_next = any(
            isinstance(part, p.Info) and any(isinstance(i, p.HasNext) for _, i in part.parts)
            for _, part in page.parts
        )
        if needs_next:
            self.plus_one.add(pre)
        clauses: list[str] = []
        row: list[tuple[str, str]] = []
        outer: list[tuple[str, str]] = []
        fixes: list[tuple[str, Fix | None]] = []
        first = f"${pre}first"
        shown = f"{rows}[..{first}]" if needs_next else rows
        for out_key, part in page.parts:
            match part:
                case p.Const(value):
                    outer.append((out_key, self.const(value)))
                case p.Total():
                    outer.append((out_key, self.total(page, v)))
                case p.Nodes(ent):
                    c, expr, fix = self.entity(ent, m)
                    clauses += c
                    slot = self.name("x")
                    row.append((slot, expr))
                    outer.append((out_key, f"[x IN {shown} | x.{slot}]"))
                    fixes.append((out_key, ListOf(fix) if fix else None))
                case p.Edges(parts):
                    c, expr, fix = self.edge(parts, r, m, key)
                    clauses += c
                    slot = self.name("x")
                    row.append((slot, expr))
                    outer.append((out_key, f"[x IN {shown} | x.{slot}]"))
                    fixes.append((out_key, ListOf(fix) if fix else None))
                case p.Info(parts):
                    info: list[tuple[str, str]] = []
                    info_fix: list[tuple[str, Fix | None]] = []
                    for info_key, item in parts:
                        match item:
                            case p.Const(value):
                                info.append((info_key, self.const(value)))
                            case p.HasNext():
                                info.append((info_key, f"size({rows}) > {first}"))
                            case p.HasPrevious():
                                info.append((info_key, f"${pre}hasPrevious"))
                            case p.StartCursor():
                                info.append((info_key, f"{shown}[0].cursor"))
                                info_fix.append((info_key, CURSOR))
                            case p.EndCursor():
                                info.append((info_key, f"{shown}[-1].cursor"))
                                info_fix.append((info_key, CURSOR))
                        if isinstance(item, p.StartCursor | p.EndCursor):
                            row.append(("cursor", key))
                    outer.append((out_key, _map(info)))
                    fixes.append((out_key, _fixes(info_fix)))
        row = list(dict(row).items())
        returns = f"collect({_map(row)}) AS {rows}"
        if isinstance(page.source, p.Link):
            call = self._call(v or "", where + window, clauses, returns, order=order)
        else:
            inner = "".join(c + "\n" for c in clauses)
            if clauses:
                inner += f"WITH * ORDER BY {order}\n"
            call = f"CALL () {{\n{window}{inner}RETURN {returns}\n}}"
        out_clauses = [call]
        if isinstance(page.source, p.Listing) and any(
            isinstance(part, p.Total) for _, part in page.parts
        ):
            total = f"{pre}total"
            count = list_count(page.source.label, pre)
            out_clauses.append(f"CALL () {{\nCALL () {{{count}}}\nRETURN total AS {total}\n}}")
        return out_clauses, _map(outer), _fixes(fixes)

    def total(self, page: p.Page, v: str | None) -> str:
        if isinstance(page.source, p.Link):
            r, m = self.name("r"), self.name("m")
            return f"COUNT {{ MATCH {page.source.spec.pattern(v or '', r, m)} }}"
        return f"{page.prefix}total"

    def edge(
        self, parts: tuple[tuple[str, p.EdgePart], ...], r: str, m: str, key: str
    ) -> tuple[list[str], str, Fix | None]:
        clauses: list[str] = []
        entries: list[tuple[str, str]] = []
        fixes: list[tuple[str, Fix | None]] = []
        for out_key, part in parts:
            match part:
                case p.Const(value):
                    entries.append((out_key, self.const(value)))
                case p.Cursor():
                    entries.append((out_key, key))
                    fixes.append((out_key, CURSOR))
                case p.Node(ent):
                    c, expr, fix = self.entity(ent, m)
                    clauses += c
                    entries.append((out_key, expr))
                    fixes.append((out_key, fix))
                case p.RelType():
                    entries.append((out_key, "t"))
                case p.RelProp():
                    if not r:
                        raise NotCompiled("a relationship property of a list without one")
                    entries.append((out_key, self.prop(r, part.key, part.kind, part.default)))
                case p.RelSources(source_parts):
                    if not r:
                        raise NotCompiled("relationship sources of a list without one")
                    d, out = self.name("d"), self.name("rs")
                    c, src, fix = self.source_parts(source_parts, d, "q")
                    body = (
                        f"UNWIND range(0, size(coalesce({r}.sourceIds, [])) - 1) AS i\n"
                        f"WITH i, coalesce({r}.evidence[i], '') AS q, {r}.sourceIds[i] AS did\n"
                        f"OPTIONAL MATCH ({d}:Entity {{id: did}}) WHERE {d}:Document\n"
                    )
                    returns = f"collect({_map(src)}) AS {out}"
                    clauses.append(self._call(r, body, c, returns, order="i"))
                    entries.append((out_key, out))
                    fixes.append((out_key, ListOf(fix) if fix else None))
        return clauses, _map(entries), _fixes(fixes)

    # --- roots ------------------------------------------------------------------

    def root(self, root: p.Root) -> tuple[list[str], str, Fix | None]:
        match root:
            case p.Const(value):
                return [], self.const(value), None
            case p.Param(name):
                return [], f"${name}", None
            case p.Object(parts):
                return [], _map([(k, self.root(v)[1]) for k, v in parts]), None
            case p.ById(id_param, ent):
                v, out = self.name("v"), self.name("by")
                c, expr, fix = self.entity(ent, v)
                labels = " OR ".join(f"{v}:{label}" for label, _ in ent.by_label)
                body = f"MATCH ({v}:Entity {{id: ${id_param}}}) WHERE {labels}\n"
                inner = "".join(x + "\n" for x in c)
                return (
                    [f"CALL () {{\n{body}{inner}RETURN collect({expr})[0] AS {out}\n}}"],
                    out,
                    fix,
                )
            case p.Page():
                return self.page(root, None, "")
        raise NotCompiled(f"no Cypher for {root!r}")


def statement(roots: p.Roots, *, key_check: bool) -> Statement:
    """The one statement of a plan's root fields (`key_check`: it also says whether
    the caller's key is still active, `keys.STILL_ACTIVE`)."""
    emitter = _Emitter()
    clauses: list[str] = [keys.STILL_ACTIVE] if key_check else []
    entries: list[tuple[str, str]] = []
    fixes: list[tuple[str, Fix | None]] = []
    for key, root in roots:
        c, expr, fix = emitter.root(root)
        clauses += c
        entries.append((key, expr))
        fixes.append((key, fix))
    returns = f"RETURN {_map(entries)} AS data" + (", keyOk" if key_check else "")
    return Statement(
        cypher="\n".join([*clauses, returns]),
        static=emitter.static,
        plus_one=frozenset(emitter.plus_one),
        fix=_fixes(fixes),
        key_check=key_check,
    )
