"""Plain text cells: spaces around the text, invisible characters, length, and values Excel
turned into something else (a date, a number that lost its leading zero or its last digits).

>>> [(i.code, i.suggestion) for i in check_text("  Janssen ", "last_name")]
[('text.whitespace', 'Janssen')]
>>> [i.code for i in check_text("Bakkerij\\nJanssen", "title")]
['text.control_chars']
>>> [(i.code, i.suggestion) for i in check_text("Jans\u200bsen", "last_name")]
[('text.control_chars', 'Janssen')]
>>> [i.code for i in check_text("Zoë\u202eBV", "title")]
['text.bidi']
>>> digits_of(403019261.0), digits_of(1.2345678901234567e17)
('403019261', None)
"""

from __future__ import annotations

import re
from typing import Any

from numnum_xl.rules.base import Issue, warning

#: NumNum's text columns are short; notes may be long.
MAX_LENGTH = {"private_notes": 10_000}
DEFAULT_MAX_LENGTH = 255
#: Excel keeps 15 significant digits; a longer number typed into a cell lost its tail.
EXACT_DIGITS = 15

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069"
                      r"\u00a0\u00ad\u061c\u180e\ufeff\r\n\t]")
#: Characters that take no room: removed, not turned into a space (zero-width space, joiners,
#: word joiner, BOM, soft hyphen) - and the bidi controls, reported on their own.
_REMOVE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u00ad\u061c\u180e\ufeff]")
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_MULTILINE_OK = {"private_notes", "address"}


def has_control(value: str) -> bool:
    """Whether ``value`` holds a line break, tab, control character or odd space (all of
    them non-printable, so printable text is answered without the pattern).

    >>> has_control("Bakkerij Janssen"), has_control("Bakkerij\u00a0Janssen")
    (False, True)
    >>> has_control("a\u202eb")
    True
    """
    return not value.isprintable() and _CONTROL.search(value) is not None


def check_text(value: str, key: str) -> tuple[Issue, ...]:
    """Issues with a text value as it stands in the cell (not stripped)."""
    issues: list[Issue] = []
    stripped = value.strip()
    if stripped != value:
        issues.append(warning("text.whitespace", stripped))
    allowed_breaks = key in _MULTILINE_OK
    bidi = _BIDI.findall(stripped)
    if bidi:
        issues.append(warning("text.bidi", _REMOVE.sub("", stripped),
                           codes=", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in bidi))))
    rest = _BIDI.sub("", stripped)
    if _CONTROL.search(rest) and not (
            allowed_breaks and not _CONTROL.search(re.sub(r"[\r\n]", "", rest))):
        clean = re.sub(r"\s+", " ", _CONTROL.sub(" ", _REMOVE.sub("", rest))).strip()
        issues.append(warning("text.control_chars", clean))
    limit = MAX_LENGTH.get(key, DEFAULT_MAX_LENGTH)
    if len(stripped) > limit:
        issues.append(warning("text.too_long", count=len(stripped)))
    return tuple(issues)


def digits_of(number: Any) -> str | None:
    """The digits of a whole number as text, or None when Excel cannot have kept them all."""
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    if isinstance(number, float) and not number.is_integer():
        return None
    whole = int(number)
    if whole < 0 or len(str(whole)) > EXACT_DIGITS:
        return None
    return str(whole)
