"""The Starlette application, HTTP routes, auth, settings and the `koostoo` CLI."""
