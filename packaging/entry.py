"""The frozen bundle's entry point: the same `bellbar` command as the pip install."""

from bellbar.cli import main

raise SystemExit(main())
