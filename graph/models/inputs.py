"""Input types the entity declarations share: what a value must be to be stored (a web
address, an organisation name in one script per word, a business-register code, …)
and the rules over several fields."""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Len
from pydantic import AfterValidator, AnyHttpUrl, StringConstraints

from graph.chars import describe
from graph.models.common import LongText, Name, ShortText, Tag, check_order, one_line
from graph.text import mixed_script_word


def _website(value: str) -> str | None:
    if value == "":
        return None
    AnyHttpUrl(value)  # raises a ValueError with the reason
    return one_line(value)


def _one_script_per_word(value: str) -> str:
    """An organisation name may not mix scripts within a word: 'Tööt' with a Cyrillic
    'о' would pass for the Latin name. (Whole words in Cyrillic stay valid.)"""
    found = mixed_script_word(value)
    if found:
        index, scripts = found
        raise ValueError(
            f"mixes {' and '.join(scripts)} letters in one word: {describe(value[index])} at "
            f"position {index + 1}"
        )
    return value


#: The name of an organisation: a `Name` whose every word is written in one script.
OrganisationName = Annotated[Name, AfterValidator(_one_script_per_word)]
#: An Estonian business-register code (registrikood): 8 ASCII digits.
RegistryCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{8}$")]
Website = Annotated[str, StringConstraints(max_length=500), AfterValidator(_website)]
Language = Annotated[ShortText, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Names = Annotated[list[Name], Len(max_length=50)]
Tags = Annotated[list[Tag], Len(max_length=50)]
Examples = Annotated[list[ShortText], Len(max_length=100)]
Body = Annotated[LongText, StringConstraints(min_length=1)]


def dates_in_order(props: dict[str, Any]) -> None:
    check_order(props.get("startDate"), props.get("endDate"), "endDate is before startDate")
