"""The pure rules behind the CRM: quadrant boundaries, merge property rules, scrubbing."""

from __future__ import annotations

import json

import pytest

from graph.crm import Assessment, Quadrant, quadrant
from graph.data_subject import ERASED, Concern
from graph.merge import _merged_props
from graph.models.relationships import Stance
from graph.privacy import ERASE_KEYS, _scrub


@pytest.mark.parametrize(
    ("influence", "interest", "expected"),
    [
        (5, 5, Quadrant.MANAGE_CLOSELY),
        (3, 3, Quadrant.MANAGE_CLOSELY),
        (3, 2, Quadrant.KEEP_SATISFIED),
        (2, 3, Quadrant.KEEP_INFORMED),
        (2, 2, Quadrant.MONITOR),
        (1, 1, Quadrant.MONITOR),
    ],
)
def test_quadrants_split_at_three(influence: int, interest: int, expected: Quadrant) -> None:
    a = Assessment(influence=influence, interest=interest, stance=Stance.NEUTRAL)
    assert quadrant(a) is expected


def test_merge_fills_gaps_and_turns_names_into_aliases() -> None:
    keep = {"id": "a", "name": "SEV", "aliases": ["S.E.V."], "website": None, "tags": []}
    gone = {
        "id": "b",
        "name": "Sotsiaalsete Ettevõtete Võrgustik",
        "shortName": "SEV",
        "aliases": ["S.E.V.", "Social Enterprise Network"],
        "website": "https://sev.ee",
        "tags": ["network"],
        "createdAt": "x",
    }
    changes = _merged_props(keep, gone, "Organisation")
    assert changes["aliases"] == [
        "S.E.V.",
        "Sotsiaalsete Ettevõtete Võrgustik",
        "Social Enterprise Network",
    ]
    assert changes["website"] == "https://sev.ee" and changes["tags"] == ["network"]
    assert "id" not in changes and "createdAt" not in changes and "name" not in changes


def test_scrub_replaces_personal_and_quoting_values() -> None:
    own = json.dumps({"name": "Mari", "email": "m@x.ee", "kind": None, "erased": False})
    scrubbed = json.loads(_scrub(own, ERASE_KEYS[Concern.OWN]) or "{}")
    assert scrubbed == {"name": ERASED, "email": ERASED, "kind": None, "erased": False}
    rel = json.dumps({"type": "MEMBER_OF", "from": "mari", "evidence": ["Mari leads"]})
    assert json.loads(_scrub(rel, ERASE_KEYS[Concern.RELATIONSHIP]) or "{}") == {
        "type": "MEMBER_OF",
        "from": "mari",
        "evidence": ERASED,
    }
    assert _scrub(None, ERASE_KEYS[Concern.OWN]) is None
