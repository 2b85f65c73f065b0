"""Curated seed data, the seed loader and importers. May import `graph`."""
