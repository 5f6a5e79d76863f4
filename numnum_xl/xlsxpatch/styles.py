"""``styles.xml`` edited in place: our fills, fonts and cell formats appended, nothing removed.

A marked cell keeps everything of its own format (number format, font, border, alignment,
protection) and gets our fill: one new ``<xf>`` per (original format, our fill), made once.

>>> st = Styles(MINIMAL)
>>> red = st.fill("FFFFC7CE")
>>> st.marked(0, red), st.marked(0, red), st.marked(0, red, text=True)
(1, 1, 2)
>>> b'<fgColor rgb="FFFFC7CE"/>' in st.to_bytes(), st.fill_of(1) == red
(True, True)
>>> st.is_our_fill(st.fill_of(1), {"FFFFC7CE"})
True
"""

from __future__ import annotations

import re

from numnum_xl.xlsxpatch.package import attrs, xml_attr

MINIMAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           b'</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
           b'<patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
           b"<left/><right/><top/><bottom/><diagonal/></border></borders>"
           b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
           b'</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           b'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
           b'xfId="0" builtinId="0"/></cellStyles></styleSheet>')
#: Built-in number format "@" (text).
TEXT_FORMAT = 49
_ORDER = (b"numFmts", b"fonts", b"fills", b"borders", b"cellStyleXfs", b"cellXfs",
          b"cellStyles", b"dxfs", b"tableStyles", b"colors", b"extLst")


def _elements(body: bytes, prefix: bytes, name: bytes) -> list[bytes]:
    return [m.group(0) for m in re.finditer(
        rb"<" + re.escape(prefix) + name + rb"\b[^>]*?(?:/>|>.*?</" + re.escape(prefix) + name
        + rb">)", body, re.S)]


class Styles:
    """The collections of one ``styles.xml``, with appended elements kept apart."""

    def __init__(self, data: bytes) -> None:
        m = re.search(rb"<((?:\w+:)?)styleSheet\b", data)
        self.prefix = m.group(1) if m else b""
        self.data = data
        self.original = {}
        self.added: dict[bytes, list[bytes]] = {}
        for name, child in ((b"fonts", b"font"), (b"fills", b"fill"), (b"cellXfs", b"xf")):
            self.original[name] = _elements(self._body(name), self.prefix, child)
            self.added[name] = []
        self._xf_cache: dict[tuple, int] = {}
        self._fill_cache: dict[str, int] = {}
        if not self.original[b"fills"]:
            p = self.prefix
            self.added[b"fills"] += [b"<" + p + b"fill><" + p + b'patternFill patternType="none"/>'
                                     b"</" + p + b"fill>", b"<" + p + b"fill><" + p
                                     + b'patternFill patternType="gray125"/></' + p + b"fill>"]
        if not self.original[b"fonts"]:
            self.added[b"fonts"].append(b"<" + self.prefix + b"font/>")
        if not self.original[b"cellXfs"]:
            self.added[b"cellXfs"].append(b"<" + self.prefix + b'xf numFmtId="0" fontId="0" '
                                          b'fillId="0" borderId="0"/>')

    def _body(self, name: bytes) -> bytes:
        p = re.escape(self.prefix)
        m = re.search(rb"<" + p + name + rb"\b[^>]*?(?:/>|>(.*?)</" + p + name + rb">)",
                      self.data, re.S)
        return (m.group(1) or b"") if m else b""

    def _all(self, name: bytes) -> list[bytes]:
        return self.original[name] + self.added[name]

    def _append(self, name: bytes, xml: bytes) -> int:
        self.added[name].append(xml)
        return len(self._all(name)) - 1

    # --- what we add ---------------------------------------------------------------------
    def fill(self, argb: str) -> int:
        """The id of a solid fill in colour ``argb`` (added once)."""
        if argb not in self._fill_cache:
            p = self.prefix
            self._fill_cache[argb] = self._append(
                b"fills", b"<" + p + b"fill><" + p + b'patternFill patternType="solid"><' + p
                + b"fgColor rgb=" + xml_attr(argb).encode() + b"/><" + p
                + b'bgColor indexed="64"/></' + p + b"patternFill></" + p + b"fill>")
        return self._fill_cache[argb]

    def font(self, *, bold: bool = False, size: float | None = None, color: str | None = None,
             underline: bool = False) -> int:
        """A font like the workbook's default (font 0), bold/coloured/underlined/sized."""
        base = self._all(b"fonts")[0]
        sz = re.search(rb'<(?:\w+:)?sz\b[^>]*?val="([^"]+)"', base)
        name = re.search(rb'<(?:\w+:)?name\b[^>]*?val="([^"]+)"', base)
        p = self.prefix
        parts = [b"<" + p + b"b/>"] if bold else []
        if underline:
            parts.append(b"<" + p + b"u/>")
        parts.append(b"<" + p + b'sz val="' + (str(size).encode() if size else
                                                (sz.group(1) if sz else b"11")) + b'"/>')
        if color:
            parts.append(b"<" + p + b"color rgb=" + xml_attr(color).encode() + b"/>")
        parts.append(b"<" + p + b"name val=\"" + (name.group(1) if name else b"Calibri")
                     + b'"/>')
        return self._append(b"fonts", b"<" + p + b"font>" + b"".join(parts) + b"</" + p
                            + b"font>")

    def xf(self, *, font: int = 0, fill: int = 0, num_fmt: int = 0, wrap: bool = False,
           top: bool = False, border: int = 0) -> int:
        """A new cell format of our own (summary and state sheets)."""
        key = ("own", font, fill, num_fmt, wrap, top, border)
        if key not in self._xf_cache:
            p = self.prefix
            a = (b'<%sxf numFmtId="%d" fontId="%d" fillId="%d" borderId="%d" xfId="0"'
                 % (p, num_fmt, font, fill, border))
            a += b' applyFont="1"' if font else b""
            a += b' applyFill="1"' if fill else b""
            a += b' applyNumberFormat="1"' if num_fmt else b""
            if wrap or top:
                align = b"<" + p + b"alignment" + (b' vertical="top"' if top else b"") + (
                    b' wrapText="1"' if wrap else b"") + b"/>"
                self._xf_cache[key] = self._append(b"cellXfs", a + b' applyAlignment="1">'
                                                   + align + b"</" + p + b"xf>")
            else:
                self._xf_cache[key] = self._append(b"cellXfs", a + b"/>")
        return self._xf_cache[key]

    def marked(self, original: int | None, fill: int, *, text: bool = False,
               reuse: bool = False) -> int:
        """The format of a cell that had format ``original`` and gets ``fill``: everything of
        the original kept, the fill replaced (and the number format "@" when ``text``).
        ``reuse``: an existing identical format is taken instead of a new one."""
        original = original or 0
        key = ("mark", original, fill, text)
        if key not in self._xf_cache:
            xfs = self._all(b"cellXfs")
            base = xfs[original] if original < len(xfs) else xfs[0]
            xml = _set_attr(base, b"fillId", b"%d" % fill)
            if not reuse:
                xml = _set_attr(xml, b"applyFill", b"1")
            if text:
                xml = _set_attr(_set_attr(xml, b"numFmtId", b"%d" % TEXT_FORMAT),
                                b"applyNumberFormat", b"1")
            same = xfs.index(xml) if reuse and xml in xfs else None
            self._xf_cache[key] = same if same is not None else self._append(b"cellXfs", xml)
        return self._xf_cache[key]

    # --- reading ---------------------------------------------------------------------------
    def fill_of(self, xf: int | None) -> int:
        """The fill id of cell format ``xf``."""
        xfs = self._all(b"cellXfs")
        xml = xfs[xf or 0] if (xf or 0) < len(xfs) else b""
        m = re.search(rb'\bfillId="(\d+)"', xml[: xml.find(b">") + 1])
        return int(m.group(1)) if m else 0

    def fill_xml(self, fill: int) -> bytes:
        """The XML of fill ``fill``."""
        fills = self._all(b"fills")
        return fills[fill] if fill < len(fills) else b""

    def is_our_fill(self, fill: int, colours: set[str]) -> bool:
        """Whether fill ``fill`` is a solid fill in one of ``colours`` (ARGB)."""
        xml = self.fill_xml(fill)
        if b'patternType="solid"' not in xml:
            return False
        m = re.search(rb'<(?:\w+:)?fgColor\b[^>]*?\brgb="([0-9A-Fa-f]{6,8})"', xml)
        return bool(m) and m.group(1).decode().upper().rjust(8, "F") in colours

    @property
    def changed(self) -> bool:
        """Whether anything was added."""
        return any(self.added.values())

    def to_bytes(self) -> bytes:
        """The part with the added elements (and their counts)."""
        data = self.data
        for name in (b"fonts", b"fills", b"cellXfs"):
            if self.added[name]:
                data = self._put(data, name, self._all(name))
        return data

    def _put(self, data: bytes, name: bytes, elements: list[bytes]) -> bytes:
        p = self.prefix
        new = (b"<" + p + name + b' count="%d">' % len(elements) + b"".join(elements) + b"</"
               + p + name + b">")
        m = re.search(rb"<" + re.escape(p) + name + rb"\b[^>]*?(?:/>|>.*?</" + re.escape(p)
                      + name + rb">)", data, re.S)
        if m is not None:
            old_attrs = attrs(re.match(rb"<[^>]*>", m.group(0)).group(0))
            extra = b"".join(b" " + k.encode() + b"=" + xml_attr(v).encode()
                             for k, v in old_attrs.items() if k != "count")
            new = new.replace(b' count="', extra + b' count="', 1)
            return data[:m.start()] + new + data[m.end():]
        # insert before the first element that follows it in schema order
        for later in _ORDER[_ORDER.index(name) + 1:]:
            lm = re.search(rb"<" + re.escape(p) + later + rb"\b", data)
            if lm:
                return data[:lm.start()] + new + data[lm.start():]
        end = data.rfind(b"</" + p + b"styleSheet>")
        return data[:end] + new + data[end:]


def _set_attr(xml: bytes, name: bytes, value: bytes) -> bytes:
    end = xml.find(b">")
    if xml[end - 1:end] == b"/":
        end -= 1
    head = xml[:end]
    pat = re.compile(rb"\s" + name + rb'="[^"]*"')
    if pat.search(head):
        head = pat.sub(b" " + name + b'="' + value + b'"', head, count=1)
    else:
        head = head.rstrip() + b" " + name + b'="' + value + b'"'
    return head + xml[end:]
