"""The ``numnum-xl`` command line: one subcommand per module in :mod:`numnum_xl.commands`.

Exit status: 0 success / no errors found, 1 errors found, 2 the input could not be used
(one clear line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from numnum_xl import __version__

#: Subcommand modules (``numnum_xl.commands.<name>``), in the order ``--help`` lists them.
#: Each defines ``register(subparsers)`` that adds its parser and sets ``func``.
COMMANDS = ("template", "map", "header", "validate", "export", "duplicates", "clear", "push",
            "sandbox", "token", "addin", "exact", "peppol", "vies")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="numnum-xl",
        description="Controleer een klantenlijst in Excel voor ze naar NumNum gaat.",
    )
    parser.add_argument("--version", action="version", version=f"numnum-xl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"numnum_xl.commands.{name}").register(sub)
    return parser


class UsageError(Exception):
    """A problem with the input that the user must fix; printed as one line, exit 2."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    from numnum_xl.table import ReadError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from numnum_xl.safetext import EscapingStream, escape

    stdout = sys.stdout
    if stdout is not None and not isinstance(stdout, EscapingStream):
        sys.stdout = EscapingStream(stdout)  # a cell's escape sequence must not reach the terminal
    try:
        return int(args.func(args) or 0)
    except (ReadError, UsageError) as exc:
        print(f"numnum-xl: {escape(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `numnum-xl ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("numnum-xl: afgebroken", file=sys.stderr)
        return 130
    finally:
        if stdout is not None:
            sys.stdout = stdout
