"""The date-window arguments of the analytics fields (partial dates, as
`graph/analytics/dates.py` reads them)."""

from __future__ import annotations

from typing import Annotated

import strawberry

_FROM_HELP = "Keep ties and events valid on or after this (partial) date."
_TO_HELP = "Keep ties and events valid on or before this (partial) date."
FromArg = Annotated[str | None, strawberry.argument(name="from", description=_FROM_HELP)]
ToArg = Annotated[str | None, strawberry.argument(description=_TO_HELP)]
