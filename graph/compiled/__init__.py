"""Compiled reads: a GraphQL read as one Cypher statement whose one record is the
response's `data` (issue 23). `plan.py` says what a read selects, `cypher.py` makes the
statement, `run.py` runs it; the GraphQL side (`schema/compiled`) makes the plans and
falls back to the resolvers for what it cannot plan."""
