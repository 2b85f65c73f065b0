"""The example campaign seeded from the sources (seeds/data/campaigns.yaml): listed in
`campaigns`, marked as an example, its stakeholders on the grid, each assessment with
the quote it rests on."""

from __future__ import annotations

from graph.driver import Graph
from graph.keys import Role
from seeds import dataset
from tests.conftest import GraphQLClient

CAMPAIGN = "naide-sev-avalike-teenuste-huvikaitse"

CAMPAIGNS = """query($id: ID!) {
  campaigns(first: 100) { nodes { id name goal description stakeholders { node { id } } } }
  stakeholderGrid(campaignId: $id) {
    manageClosely { node { id } stance }
    keepSatisfied { node { id } }
    keepInformed { node { id } }
    monitor { node { id } }
  }
}"""

EVIDENCE = """query($id: ID!) {
  organisation(id: $id) {
    campaigns { edges { node { id } influence interest stance inferred note evidence
                        sources { document { id } quote } } }
  }
}"""


async def test_the_example_campaign_is_seeded_with_assessed_stakeholders(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    viewer = gql[Role.VIEWER]
    data = await viewer(CAMPAIGNS, id=CAMPAIGN)
    found = {c["id"]: c for c in data["campaigns"]["nodes"]}
    campaign = found[CAMPAIGN]
    assert campaign["description"].startswith("Example campaign:")
    assert "avalike teenuste" in campaign["goal"]
    seeded_stakeholders = {r.from_id for r in dataset.read().relationships if r.to_id == CAMPAIGN}
    assert {s["node"]["id"] for s in campaign["stakeholders"]} == seeded_stakeholders
    assert len(seeded_stakeholders) >= 5
    grid = data["stakeholderGrid"]
    on_grid = {s["node"]["id"] for q in grid.values() for s in q}
    assert on_grid == seeded_stakeholders
    assert {"siseministeerium", "sotsiaalkindlustusamet"} <= {
        s["node"]["id"] for s in grid["manageClosely"]
    }

    texts = {
        d.id: (dataset.SOURCES_DIR / d.props["file"]).read_text(encoding="utf-8")
        for d in dataset.read().nodes
        if d.label == "Document" and d.props.get("file")
    }
    for org in seeded_stakeholders:
        edges = (await viewer(EVIDENCE, id=org))["organisation"]["campaigns"]["edges"]
        (edge,) = [e for e in edges if e["node"]["id"] == CAMPAIGN]
        # An assessment, not a fact the text states: marked so, with its reasoning.
        assert edge["inferred"] is True and edge["note"]
        assert edge["stance"] in ("SUPPORT", "NEUTRAL", "OPPOSE")
        assert 1 <= edge["influence"] <= 5 and 1 <= edge["interest"] <= 5
        assert edge["sources"], org
        for source in edge["sources"]:
            assert source["quote"] in texts[source["document"]["id"]], (org, source)
