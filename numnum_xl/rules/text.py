"""Plain text cells: spaces around the text, invisible characters, length, and values Excel
turned into something else (a date, a number that lost its leading zero or its last digits).

>>> [(i.code, i.suggestion) for i in check_text("  Janssen ", "last_name")]
[('text.whitespace', 'Janssen')]
>>> [i.code for i in check_text("Bakkerij\\nJanssen", "title")]
['text.control_chars']
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

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u00a0\r\n\t]")
_MULTILINE_OK = {"private_notes", "address"}


def has_control(value: str) -> bool:
    """Whether ``value`` holds a line break, tab, control character or odd space."""
    return _CONTROL.search(value) is not None


def check_text(value: str, key: str) -> tuple[Issue, ...]:
    """Issues with a text value as it stands in the cell (not stripped)."""
    issues: list[Issue] = []
    stripped = value.strip()
    if stripped != value:
        issues.append(warning("text.whitespace", stripped))
    allowed_breaks = key in _MULTILINE_OK
    if _CONTROL.search(stripped) and not (
            allowed_breaks and not _CONTROL.search(re.sub(r"[\r\n]", "", stripped))):
        clean = re.sub(r"\s+", " ", _CONTROL.sub(" ", stripped)).strip()
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
