"""The Strawberry GraphQL schema. May import `graph`, never `api`."""
