"""`python -m api.cli`: the `koostoo` command line."""

from api.cli import main

main()
