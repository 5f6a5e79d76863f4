"""CLI subcommands; each module has ``register(subparsers)``. Imports inside the command
functions stay lazy so that ``numnum-xl --help`` starts fast."""
