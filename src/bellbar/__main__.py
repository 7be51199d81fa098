"""`python -m bellbar` is the same as the `bellbar` command."""

from bellbar.cli import main

raise SystemExit(main())
