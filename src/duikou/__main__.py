"""`python -m duikou` runs the command line, like the `duikou` script."""

from duikou.cli import main

main()
