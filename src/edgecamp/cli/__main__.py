"""`python -m edgecamp.cli`, the same as the `edgecamp` command."""

from edgecamp.cli import main

raise SystemExit(main())
