"""``python -m numnum_xl`` runs the CLI."""

from numnum_xl.cli import main

raise SystemExit(main())
