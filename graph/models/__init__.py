"""Pydantic domain models: input (`…Create`/`…Update`) and stored shapes per aggregate."""
