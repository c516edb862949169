"""`python -m bench` (what `make bench` runs): every scenario, one table."""

from .run import main

main()
