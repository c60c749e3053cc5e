"""`python -m bulletin.cli`: the same as the `bulletin` script."""

from bulletin.cli import main

main()
