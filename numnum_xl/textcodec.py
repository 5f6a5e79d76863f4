"""Decode a text file (CSV) so that nothing is silently changed.

* Valid UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they are.
* *Mostly* valid UTF-8 (a few bad bytes among many valid multi-byte characters) stays UTF-8:
  the bad bytes become U+FFFD and the cells holding them are reported, instead of the whole file
  turning into cp1252 mojibake.
* Otherwise a single-byte code page is chosen by evidence (cp1252, Mac Roman or Latin-1): the
  one whose text holds the fewest tell-tale characters (typographic punctuation glued inside a
  word, C1 controls, symbols no customer list uses). The choice is said, and the cells that still
  hold a tell-tale character are flagged.
* In any decoding, UTF-8 read as cp1252 somewhere upstream ("ZoÃ«") is recognised by
  re-encoding: :func:`mojibake_repair` gives the text it most likely was.

>>> decode("Zoë;Brasserie".encode("utf-8"))[:2]
('Zoë;Brasserie', 'utf-8')
>>> text, enc, bad = decode("Zoë;Brasserie\\nCafé;X\\n".encode("utf-8") + b"\\xe9t\\xe9\\n")
>>> enc, bad, text.splitlines()[2]
('utf-8', 2, '\ufffdt\ufffd')
>>> decode("Brasserie Zoë".encode("mac_roman"))[:2]
('Brasserie Zoë', 'mac_roman')
>>> decode("Brasserie Zoë".encode("cp1252"))[:2]
('Brasserie Zoë', 'cp1252')
>>> mojibake_repair("Brasserie ZoÃ«"), mojibake_repair("Zoë"), mojibake_repair("Ã la carte")
('Brasserie Zoë', None, None)
>>> suspicious("Zo‘ en zo"), suspicious("Zo ‘quoted’ text"), suspicious("Zoë")
(True, False, False)
"""

from __future__ import annotations

import re

#: Share of invalid UTF-8 sequences among all non-ASCII sequences up to which a file is still
#: taken to be UTF-8 (with the bad bytes reported): text in a single-byte code page almost never
#: forms a valid UTF-8 multi-byte sequence by chance.
MOSTLY_UTF8 = 0.5
#: Code pages tried when the file is not UTF-8, most common first (ties go to the first).
FALLBACKS = ("cp1252", "mac_roman", "latin-1")

#: Characters a Belgian customer list does not hold glued to letters: they betray a wrong code
#: page (Mac Roman ``ë`` read as cp1252 is ``‘``; cp1252 ``é`` read as Mac Roman is ``È``...).
_GLUED = re.compile(r"(?<=\w)[‘“”•†‡‰ˆ˜™Ÿ¨¸¯˘˙˚˝˛ˇ√∫∂∑∏π∞≠≤≥÷◊ﬁﬂΩ¬ƒ∆]|"
                    r"[•†‡‰ˆ˜™¨¸¯˘˙˚˝˛ˇ√∫∂∑∏π∞≠≤≥÷◊ﬁﬂΩ¬ƒ∆](?=\w)")
_C1 = re.compile(r"[\x80-\x9f]")
#: A UTF-8 lead byte followed by a continuation byte, as cp1252 (or Latin-1) shows them.
_LEADS = bytes(range(0xC2, 0xF0)).decode("latin-1")
_CONTINUATIONS = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b)
                         for b in range(0x80, 0xC0))
MOJIBAKE = re.compile(f"[{re.escape(_LEADS)}][{re.escape(_CONTINUATIONS)}]")


def _utf8_stats(data: bytes) -> tuple[int, int]:
    """(valid non-ASCII sequences, invalid sequences) in ``data``."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good, bad


#: Letters with accents that Dutch, French and German names use: evidence for a code page.
_ACCENTED = re.compile(r"(?<=\w)[éèëêàâäçîïôöûüùñßóíáú]|[ÉÈÀÇÖÜ](?=\w)")


def _score(text: str) -> int:
    """How plausible ``text`` is: accented letters inside words count for, tell-tale
    characters (typographic signs glued to letters, C1 controls) three times against."""
    return (len(_ACCENTED.findall(text)) - 3 * len(_GLUED.findall(text))
            - 3 * len(_C1.findall(text)))


def decode(data: bytes) -> tuple[str, str, int]:
    """``(text, encoding, bad)``: ``bad`` counts UTF-8 sequences replaced by U+FFFD.

    Raises :class:`UnicodeDecodeError` for UTF-16 that is not valid UTF-16, and for text no
    code page explains (no candidate shows accented letters and cp1252 cannot decode it).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", 0
    else:
        enc = "utf-8"
    try:
        return data.decode(enc), enc, 0
    except UnicodeDecodeError as exc:
        error = exc
    good, bad = _utf8_stats(data)
    if good and bad <= MOSTLY_UTF8 * (good + bad):
        return data.decode(enc, errors="replace"), enc, bad
    best: tuple[int, int, str, str] | None = None
    for rank, name in enumerate(FALLBACKS):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidate = (_score(text), -rank, name, text)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None  # latin-1 decodes everything
    if best[2] != "cp1252" and best[0] <= 0:
        raise error
    return best[3], best[2], 0


def suspicious(value: str) -> bool:
    """Whether ``value`` holds a character that betrays a wrong code page."""
    return bool(_GLUED.search(value) or _C1.search(value))


def mojibake_repair(value: str) -> str | None:
    """The text ``value`` was before UTF-8 was read as cp1252 ("ZoÃ«" → "Zoë"), else None."""
    if not MOJIBAKE.search(value):
        return None
    for name in ("cp1252", "latin-1"):
        try:
            fixed = value.encode(name).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != value:
            return fixed
    return None
