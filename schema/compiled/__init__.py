"""The GraphQL side of the compiled reads (issue 23): a validated read as a plan
(`walk.py`, from the model through `fields.py`), run as one statement
(`graph/compiled`) by `execute.py`, which sends everything it cannot plan to the
resolvers."""
