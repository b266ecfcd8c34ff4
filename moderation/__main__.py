"""`python -m moderation` runs the `moderate` command."""

from .cli import main

main()
