"""`python -m synthwright` runs the command line."""

from .cli import main

main()
