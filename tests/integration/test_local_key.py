"""`make run`'s local admin key (api/local_key.py): one key per data directory, reused
across runs, rotated near its expiry, named for a person; and that name wherever people
read who did something (viewer, notes, tasks, the history, the timeline)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import local_key
from api.cli.serve import prepare_local_key
from api.settings import Settings
from graph import actors, keys
from graph.driver import Graph
from graph.errors import InvalidInput
from tests.conftest import GraphQLClient

MARI = "Mari Maasikas"


async def _start(graph: Graph, settings: Settings, name: str = MARI) -> local_key.LocalKey:
    """What one `koostoo serve --open-key --user-name NAME` does before it serves."""
    return await prepare_local_key(graph, settings, user_name=name, seed_if_empty=False)


async def _active(graph: Graph) -> list[keys.ApiKey]:
    return [k for k in await keys.list_all(graph) if k.active]


async def test_two_starts_reuse_one_key_kept_owner_only(graph: Graph, settings: Settings) -> None:
    first = await _start(graph, settings)
    second = await _start(graph, settings)
    assert first.outcome is local_key.Outcome.CREATED
    assert second.outcome is local_key.Outcome.REUSED
    assert second.secret == first.secret and second.key.id == first.key.id
    assert [(k.name, k.role) for k in await _active(graph)] == [(MARI, keys.Role.ADMIN)]
    kept = settings.data_dir / local_key.KEY_FILE
    assert kept.read_text().strip() == first.secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # The graph keeps the hash only: the secret is in no property of any node.
    async with graph.driver.session(database=graph.database) as s:
        found = await (
            await s.run(
                "MATCH (n) UNWIND keys(n) AS p WITH n[p] AS v WHERE toString(v) CONTAINS $s "
                "RETURN count(*) AS c",
                s=first.secret,
            )
        ).single(strict=True)
    assert found["c"] == 0


async def test_a_key_near_its_expiry_is_rotated_and_the_old_one_stops(
    graph: Graph, settings: Settings
) -> None:
    first = await _start(graph, settings)
    later = datetime.now(UTC) + local_key.LIFETIME - local_key.RENEW_WITHIN + timedelta(hours=1)
    renewed = await local_key.open_local_key(
        graph, settings.data_dir, name=MARI, actor="cli", now=later
    )
    assert renewed.outcome is local_key.Outcome.ROTATED
    assert renewed.secret != first.secret
    assert renewed.revoked is not None and renewed.revoked.id == first.key.id
    assert await keys.authenticate(graph, first.secret) is None
    assert await keys.authenticate(graph, renewed.secret) is not None
    assert renewed.key.expires_at is not None and renewed.key.expires_at > later
    assert (settings.data_dir / local_key.KEY_FILE).read_text().strip() == renewed.secret
    assert [k.id for k in await _active(graph)] == [renewed.key.id]
    # The next start reuses the renewed key.
    assert (await _start(graph, settings)).secret == renewed.secret


async def test_another_name_gets_a_new_key_and_the_old_one_is_revoked(
    graph: Graph, settings: Settings
) -> None:
    first = await _start(graph, settings)
    other = await _start(graph, settings, "Jüri Õunapuu")
    assert other.outcome is local_key.Outcome.CREATED
    assert other.revoked is not None and other.revoked.id == first.key.id
    assert await keys.authenticate(graph, first.secret) is None
    assert [k.name for k in await _active(graph)] == ["Jüri Õunapuu"]


@pytest.mark.parametrize("kept", ["kst_not-a-key-we-know", "", "  \n"])
async def test_an_unknown_or_empty_kept_secret_gets_a_new_key(
    graph: Graph, settings: Settings, kept: str
) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / local_key.KEY_FILE).write_text(kept)
    opened = await _start(graph, settings)
    assert opened.outcome is local_key.Outcome.CREATED and opened.revoked is None
    assert (settings.data_dir / local_key.KEY_FILE).read_text().strip() == opened.secret


async def test_a_revoked_kept_key_is_replaced(graph: Graph, settings: Settings) -> None:
    first = await _start(graph, settings)
    await keys.revoke(graph, first.key.id, actor="test")
    again = await _start(graph, settings)
    assert again.outcome is local_key.Outcome.CREATED
    assert again.secret != first.secret
    assert await keys.authenticate(graph, again.secret) is not None


def test_the_default_name_is_a_person_or_local_administrator() -> None:
    name = local_key.default_user_name()
    assert name and name not in ("root", "")


@pytest.mark.parametrize(
    "name", ["Mari\u202eMaasikas", "Mari\u200bMaasikas", "Mari\nMaasikas", "", " ", "x" * 101]
)
async def test_a_key_name_that_could_pass_for_another_is_refused(graph: Graph, name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await keys.create(graph, name=name, role=keys.Role.EDITOR, actor="test")
    assert refused.value.problems[0][0] == "name"


def test_name_of_reads_the_holder_of_a_key() -> None:
    key = keys.ApiKey(
        id="k1", name="a:b", role=keys.Role.EDITOR, prefix="kst_x", created_at=datetime.now(UTC)
    )
    assert actors.name_of(keys.actor_of(key)) == "a:b"
    assert actors.key_id_of(keys.actor_of(key)) == "k1"
    for other in ("cli", "seed", "key:", "key:odd"):
        assert actors.name_of(other) == other


@settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.text(
        st.characters(
            codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters=":"
        ),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip() == s and s)
)
def test_name_of_inverts_actor_of_for_any_name(name: str) -> None:
    key = keys.ApiKey(
        id="k-1", name=name, role=keys.Role.VIEWER, prefix="p", created_at=datetime.now(UTC)
    )
    assert actors.name_of(keys.actor_of(key)) == name


VIEWER = "{ viewer { name role } }"
CREATE_ORG = """mutation($name: String!) {
  createOrganisation(input: {name: $name, kind: NGO}) { ... on Organisation { id } }
}"""
NOTE = """mutation($about: [ID!]!) {
  createNote(input: {about: $about, body: "Kohtumine läks hästi"}) {
    ... on Note { id author authorName }
  }
}"""
TASK = """mutation($about: [ID!]) {
  createTask(input: {title: "Helista tagasi", about: $about}) {
    ... on Task { id author authorName }
  }
}"""
HISTORY = """query($id: ID!) {
  history(id: $id) { actor actorName action }
  timeline(id: $id) { kind detail }
}"""


@pytest.mark.parametrize("name", [MARI, "Jüri Õunapuu-Šõžäöü", "Мария Иванова"])
async def test_the_person_is_named_as_viewer_author_and_actor(
    graph: Graph, settings: Settings, client: httpx.AsyncClient, name: str
) -> None:
    opened = await _start(graph, settings, name)
    gql = GraphQLClient(client, opened.secret)
    assert (await gql(VIEWER))["viewer"] == {"name": name, "role": "admin"}
    org = (await gql(CREATE_ORG, name=f"Ühing {opened.key.id[:8]}"))["createOrganisation"]["id"]
    note = (await gql(NOTE, about=[org]))["createNote"]
    task = (await gql(TASK, about=[org]))["createTask"]
    # The key id stays in `author` (authorship checks); people read the name.
    for made in (note, task):
        assert made["authorName"] == name
        assert actors.key_id_of(made["author"]) == opened.key.id
    seen = await gql(HISTORY, id=org)
    assert {c["actorName"] for c in seen["history"]} == {name}
    assert all(actors.key_id_of(c["actor"]) == opened.key.id for c in seen["history"])
    details = {(t["kind"], t["detail"]) for t in seen["timeline"]}
    assert ("NOTE", name) in details and ("CHANGE", name) in details
