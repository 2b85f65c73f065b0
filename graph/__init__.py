"""Everything that talks to Neo4j. Imports nothing else of ours."""
