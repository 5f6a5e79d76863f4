"""The small JSON files kept beside a workbook (the code register, the export journal):
read with one clear message when damaged, written atomically.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"
>>> read(p, "register") is None
True
>>> _ = write(p, {"a": 1}); read(p, "register")
{'a': 1}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def read(path: str | os.PathLike[str], what: str) -> Any:
    """The JSON at ``path``, or None when the file does not exist; ValueError (Dutch, naming
    ``what`` and the file) when it cannot be read or is not JSON."""
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{what} {p} is onleesbaar: {exc}") from None


def write(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as JSON to ``path`` via a temp file and ``os.replace``."""
    out = Path(path)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return out
