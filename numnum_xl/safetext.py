"""Text from a cell, made safe to show, and the tricks text can play.

* :func:`escape`: control characters (terminal escape sequences, line breaks inside a value),
  bidi controls and other invisible format characters made visible as ``\\x1b``, ``\\u202e``;
  :class:`EscapingStream` does this for everything written to the console;
* :func:`remove_invisible`: zero-width characters removed (not replaced by a space);
* :func:`bidi_controls` and :func:`mixed_script`: text that reads differently from what it is
  (right-to-left overrides; a Cyrillic ``а`` inside a Latin e-mail address).

>>> escape("Bakkerij\\x1b]0;pwned\\x07 Janssen")
'Bakkerij\\\\x1b]0;pwned\\\\x07 Janssen'
>>> escape("a\\u202eb\\nc", keep="\\n")
'a\\\\u202eb\\nc'
>>> remove_invisible("Jans\\u200bsen\\ufeff")
'Janssen'
>>> mixed_script("jаn@example.be"), mixed_script("jan@example.be"), mixed_script("Зоя Janssen")
(True, False, False)
>>> bidi_controls("factuur\\u202egpj.exe")
['U+202E']
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any, TextIO

#: Characters that change how text is laid out without being seen.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Zero-width characters: nothing a customer list needs; removed by ``--fix``.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
                     r"\ufeff\ufff9-\ufffb\u00ad\u180e]")
_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
#: Scripts whose letters look alike (homoglyphs).
_CONFUSABLE = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


def _code(ch: str) -> str:
    """``\\x1b`` for a C0 control, else ``\\u0085``: the second form is also a valid escape
    inside a JSON string (``--json`` output passes through :class:`EscapingStream` too)."""
    n = ord(ch)
    return f"\\x{n:02x}" if n < 0x20 else f"\\u{n:04x}"


def escape(text: str, keep: str = "") -> str:
    """``text`` with every control/format character shown as an escape (except ``keep``)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _code(m.group()), text)


def remove_invisible(text: str) -> str:
    """``text`` without zero-width characters."""
    return _INVISIBLE.sub("", text)


def bidi_controls(text: str) -> list[str]:
    """The bidi control characters in ``text`` (``U+202E``...), in order."""
    return [f"U+{ord(ch):04X}" for ch in text if ch in BIDI]


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    try:
        first = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return None
    return first if first in _CONFUSABLE else "OTHER"


def mixed_script(text: str, whole: bool = False) -> bool:
    """Whether one word of ``text`` (all of it when ``whole`` or an e-mail address) mixes
    letters of look-alike scripts (Latin, Cyrillic, Greek...)."""
    words = [text] if whole or "@" in text else text.split()
    for word in words:
        scripts = {s for s in map(_script, word) if s is not None and s != "OTHER"}
        if len(scripts) > 1:
            return True
    return False


class EscapingStream(io.TextIOBase):
    """A text stream that escapes control characters (line breaks, tabs kept) on the way to
    ``stream``: a cell holding a terminal escape sequence cannot clear the screen."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape(text, keep="\n\r\t"))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
