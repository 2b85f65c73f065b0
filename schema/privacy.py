"""Who sees personal data: the fields the model marks personal (`Prop(personal=True)`:
people's e-mail and phone) are shown to editors and up only (least exposure), on the
entity and in the audit snapshots of `history`."""

from __future__ import annotations

from typing import Final

from graph.keys import Role
from graph.models.registry import TYPES
from schema.context import Context, Info

#: Every property the model marks personal.
PERSONAL: Final = frozenset(f.key for t in TYPES for f in t.fields if f.prop.personal)


def sees_personal(info: Info) -> bool:
    """True if the caller may see personal data (contact details)."""
    return may_see_personal(info.context)


def may_see_personal(context: Context) -> bool:
    """`sees_personal` for a request's context (the compiled reads plan by it)."""
    return context.has_role(Role.EDITOR)
