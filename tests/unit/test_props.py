"""graph/props.py: the timestamp pairs of `all_props` read as UTC ISO strings."""

from __future__ import annotations

from datetime import UTC, datetime

import neo4j.time as nt
import pytest

from graph.props import iso_utc, present

NOON = int(datetime(2020, 1, 1, 10, 0, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("nanosecond", "text"),
    [
        (0, "2020-01-01T10:00:00Z"),
        (978_000_000, "2020-01-01T10:00:00.978Z"),
        (123_456_000, "2020-01-01T10:00:00.123456Z"),
        (123_456_789, "2020-01-01T10:00:00.123456789Z"),
        (5, "2020-01-01T10:00:00.000000005Z"),
    ],
)
def test_iso_utc_prints_the_fraction_it_needs(nanosecond: int, text: str) -> None:
    assert iso_utc(NOON, nanosecond) == text
    assert datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00").timestamp() // 1 == NOON


def test_iso_utc_before_the_epoch() -> None:
    assert iso_utc(-1, 500_000_000) == "1969-12-31T23:59:59.500Z"


def test_present_decodes_pairs_drops_nulls_and_keeps_typed_values() -> None:
    typed = nt.DateTime(2020, 1, 1, 10, 0, 0, 0, tzinfo=UTC)
    assert present(
        {
            "createdAt": [NOON, 0],
            "updatedAt": [None, None],
            "name": "Põlva Külaselts",
            "tags": ["ä", "ž"],
        }
    ) == {"createdAt": "2020-01-01T10:00:00Z", "name": "Põlva Külaselts", "tags": ["ä", "ž"]}
    assert present({"createdAt": typed, "gone": None}) == {"createdAt": typed}
