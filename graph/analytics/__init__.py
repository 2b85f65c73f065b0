"""Network analytics over the stakeholder graph: ego networks, explained paths,
cooperation (partners), centrality and communities, service coverage, stale ties and
network diffs. Every function takes the `Graph` handle and returns pydantic models."""
