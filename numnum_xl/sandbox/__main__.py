"""``python -m numnum_xl.sandbox``: run the sandbox server (see ``numnum-xl sandbox --help``)."""

from numnum_xl.commands.sandbox import main

if __name__ == "__main__":
    raise SystemExit(main())
