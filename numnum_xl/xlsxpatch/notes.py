"""A sheet's notes (legacy comments + their VML shapes), merged with ours.

The user's own notes stay: a note we add to a cell that has one keeps its author and its text
(runs and formatting included) and gets ours below the line :data:`SEPARATOR`. Cells without a
note get a new one by ``NumNum`` with a VML shape sized to its text.

>>> c = Comments(None, b"")
>>> c.put("B2", "Fout: x")
(None, 'Fout: x')
>>> print(c.texts()["B2"])
Fout: x
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from numnum_xl.xlsxpatch.package import TRANSITIONAL_MAIN, attrs, unescape, xml_attr, xml_text

AUTHOR = "NumNum"
SEPARATOR = "— NumNum —"
_COMMENT = re.compile(rb"<((?:\w+:)?)comment\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?comment>)", re.S)
_AUTHOR = re.compile(rb"<(?:\w+:)?author\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?author>)", re.S)
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


def text_of(element: bytes) -> str:
    """The plain text of a ``<comment>`` (runs joined, phonetic hints left out)."""
    inner = _RPH.sub(b"", element)
    return "".join(unescape((m.group(1) or b"").decode("utf-8")) for m in _T.finditer(inner))


@dataclass
class Original:
    """A note the user had before we marked the cell."""

    xml: bytes
    text: str
    author: str


class Comments:
    """One comments part, edited."""

    def __init__(self, data: bytes | None, main_ns: bytes) -> None:
        if not data:
            ns = main_ns or TRANSITIONAL_MAIN.encode()
            data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="'
                    + ns + b'"><authors></authors><commentList></commentList></comments>')
        self.data = data
        m = re.search(rb"<((?:\w+:)?)comments\b", data)
        self.p = m.group(1) if m else b""
        self.authors = [unescape((a.group(1) or b"").decode("utf-8"))
                        for a in _AUTHOR.finditer(data)]
        self.new_authors: list[str] = []
        self.by_ref: dict[str, re.Match[bytes]] = {}
        for cm in _COMMENT.finditer(data):
            ref = attrs(cm.group(2)).get("ref", "").replace("$", "").upper()
            self.by_ref.setdefault(ref, cm)
        self.replaced: dict[str, bytes] = {}
        #: our new notes: (author id, text), their XML made as the part is written
        self.added: list[tuple[int, str]] = []
        self.added_refs: list[str] = []

    def original(self, ref: str) -> Original | None:
        """The user's note on ``ref``, if any."""
        cm = self.by_ref.get(ref)
        if cm is None:
            return None
        a = attrs(cm.group(2))
        try:
            author = self.authors[int(a.get("authorId", "0"))]
        except (ValueError, IndexError):
            author = ""
        return Original(cm.group(0), text_of(cm.group(0)), author)

    def _author_id(self, name: str) -> int:
        everyone = self.authors + self.new_authors
        if name in everyone:
            return everyone.index(name)
        self.new_authors.append(name)
        return len(everyone)

    def put(self, ref: str, ours: str) -> tuple[Original | None, str]:
        """Write our note on ``ref``; returns (the user's note before, the whole text now)."""
        p = self.p
        run = (b"<" + p + b"r><" + p + b'rPr><sz val="9"/></' + p + b"rPr><" + p
               + b't xml:space="preserve">')
        end_run = b"</" + p + b"t></" + p + b"r>"
        old = self.original(ref)
        if old is None:
            self.added.append((self._author_id(AUTHOR), ours))
            self.added_refs.append(ref)
            return None, ours
        written = f"{old.text}\n{SEPARATOR}\n{ours}"
        xml = old.xml
        tm = re.search(rb"<((?:\w+:)?)text\b[^>]*>(.*)</(?:\w+:)?text>", xml, re.S)
        extra = run + xml_text(f"\n{SEPARATOR}\n{ours}").encode() + end_run
        if tm is None:
            new = xml.replace(b"</" + p + b"comment>", b"<" + p + b"text>" + extra + b"</" + p
                              + b"text></" + p + b"comment>")
        else:
            body = tm.group(2)
            if not re.search(rb"<(?:\w+:)?r\b", body):  # plain <t>: make it a run
                body = re.sub(rb"(<(?:\w+:)?t\b[^>]*?(?:/>|>.*?</(?:\w+:)?t>))",
                              b"<" + p + b"r>" + rb"\1" + b"</" + p + b"r>", body, count=1,
                              flags=re.S)
            ph = re.search(rb"<(?:\w+:)?(?:rPh|phoneticPr)\b", body)
            cut = ph.start() if ph else len(body)
            body = body[:cut] + extra + body[cut:]
            new = xml[:tm.start(2)] + body + xml[tm.end(2):]
        self.replaced[ref] = new
        return old, written

    def _added_xml(self, ref: str, aid: int, ours: str) -> bytes:
        p = self.p
        return (b"<" + p + b"comment ref=" + xml_attr(ref).encode() + b' authorId="%d"><' % aid
                + p + b"text><" + p + b"r><" + p + b'rPr><sz val="9"/></' + p + b"rPr><" + p
                + b't xml:space="preserve">' + xml_text(ours).encode() + b"</" + p + b"t></" + p
                + b"r></" + p + b"text></" + p + b"comment>")

    def added_notes(self) -> Iterator[tuple[str, str]]:
        """(cell, text) of every note we added, in the order they were put."""
        for ref, (_aid, ours) in zip(self.added_refs, self.added, strict=True):
            yield ref, ours

    def replaced_texts(self) -> dict[str, str]:
        """(cell -> text now) of the user's notes ours were added to."""
        return {ref: text_of(xml) for ref, xml in self.replaced.items()}

    def texts(self) -> dict[str, str]:
        """Every note's text now (for tests and checks)."""
        out = {ref: text_of(self.replaced.get(ref, cm.group(0))) for ref, cm in
               self.by_ref.items()}
        for ref, (aid, ours) in zip(self.added_refs, self.added, strict=True):
            out[ref] = text_of(self._added_xml(ref, aid, ours))
        return out

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.replaced or self.added)

    def to_bytes(self) -> bytes:
        """The comments part with our changes."""
        return b"".join(self.pieces())

    def pieces(self) -> Iterator[bytes]:
        """The comments part with our changes, in pieces: a note at a time (a million notes
        are never one bytes object)."""
        p = self.p
        data = self.data
        if self.replaced:
            def sub(cm: re.Match[bytes]) -> bytes:
                ref = attrs(cm.group(2)).get("ref", "").replace("$", "").upper()
                if ref in self.replaced and self.by_ref.get(ref) is not None \
                        and self.by_ref[ref].start() == cm.start():
                    return self.replaced[ref]
                return cm.group(0)
            data = _COMMENT.sub(sub, data)
        if self.new_authors:
            new = b"".join(b"<" + p + b"author>" + xml_text(a).encode() + b"</" + p + b"author>"
                           for a in self.new_authors)
            m = re.search(rb"</(?:\w+:)?authors>", data)
            if m:
                data = data[:m.start()] + new + data[m.start():]
            else:
                m = re.search(rb"<(?:\w+:)?authors\s*/>", data)
                if m:
                    data = data[:m.start()] + b"<" + p + b"authors>" + new + b"</" + p \
                        + b"authors>" + data[m.end():]
        if not self.added:
            yield data
            return
        m = re.search(rb"</(?:\w+:)?commentList>", data)
        if m:
            start, end, before, after = m.start(), m.start(), b"", b""
        else:
            m = re.search(rb"<(?:\w+:)?commentList\s*/>", data)
            before, after = b"<" + p + b"commentList>", b"</" + p + b"commentList>"
            if m:
                start, end = m.start(), m.end()
            else:
                start = end = data.rfind(b"</" + p + b"comments>")
        yield data[:start] + before
        for ref, (aid, ours) in zip(self.added_refs, self.added, strict=True):
            yield self._added_xml(ref, aid, ours)
        yield after + data[end:]


# --- VML ---------------------------------------------------------------------------------------

_VML_HEAD = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" '
             b'xmlns:o="urn:schemas-microsoft-com:office:office" '
             b'xmlns:x="urn:schemas-microsoft-com:office:excel">'
             b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>')
_NS = (b' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
       b' xmlns:x="urn:schemas-microsoft-com:office:excel"')
_SHAPETYPE = (b'<v:shapetype' + _NS + b' id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
              b'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
              b'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def note_size(text: str) -> tuple[int, int]:
    """Width and height (pixels) of a note box that shows ``text``.

    >>> note_size("kort")
    (200, 35)
    """
    lines = text.split("\n")
    longest = max(len(line) for line in lines)
    width = min(max(longest * 6 + 20, 200), 420)
    per_line = max((width - 20) // 6, 20)
    height = min(sum(max(1, -(-len(line) // per_line)) for line in lines) * 15 + 20, 600)
    return width, height


_SHAPE = re.compile(rb"<(\w+:)?shape\b[^>]*>.*?</(?:\w+:)?shape>", re.S)


def vml_resized(data: bytes, cells: dict[tuple[int, int], str]) -> bytes:
    """The VML with the note boxes of ``cells`` ((row, column) -> text, 1-based) made big
    enough for their text (a user's note that now carries ours below it)."""
    def fix(m: re.Match[bytes]) -> bytes:
        shape = m.group(0)
        rm = re.search(rb"<(?:\w+:)?Row>\s*(\d+)\s*</(?:\w+:)?Row>", shape)
        cm = re.search(rb"<(?:\w+:)?Column>\s*(\d+)\s*</(?:\w+:)?Column>", shape)
        if not rm or not cm:
            return shape
        text = cells.get((int(rm.group(1)) + 1, int(cm.group(1)) + 1))
        if text is None:
            return shape
        w, h = note_size(text)
        shape = re.sub(rb"width:[\d.]+(?:pt|px)", b"width:%dpx" % w, shape, count=1)
        return re.sub(rb"height:[\d.]+(?:pt|px)", b"height:%dpx" % h, shape, count=1)
    return _SHAPE.sub(fix, data)


def vml_with_shapes(data: bytes | None, cells: Iterable[tuple[int, int, str]]) -> bytes:
    """A VML drawing (the existing one, or a new one) with a note shape per (row, column,
    text) cell; rows and columns 1-based."""
    return b"".join(vml_pieces(data, cells))


def vml_pieces(data: bytes | None, cells: Iterable[tuple[int, int, str]]) -> Iterator[bytes]:
    """:func:`vml_with_shapes` in pieces, a shape at a time (``cells`` may be an iterator)."""
    if not data:
        data = _VML_HEAD + b"</xml>"
    ids = [int(n) for n in re.findall(rb"_x0000_s(\d+)", data)]
    next_id = max([*ids, 1024]) + 1
    end = data.rfind(b"</xml>")
    yield data[:end] if end >= 0 else data
    if b'id="_x0000_t202"' not in data:
        yield _SHAPETYPE
    for i, (row, col, text) in enumerate(cells):
        w, h = note_size(text)
        cols, rows = max(2, -(-w // 64)), max(3, -(-h // 20))
        r0, c0 = row - 1, col - 1
        top = max(r0 - 1, 0)
        anchor = f"{c0 + 1}, 15, {top}, 10, {c0 + 1 + cols}, 15, {top + rows}, 4"
        yield (
            (f'<v:shape{_NS.decode()} id="_x0000_s{next_id + i}" type="#_x0000_t202" '
             f'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:{w}px;'
             f'height:{h}px;z-index:{i + 1};visibility:hidden" fillcolor="#ffffe1" '
             f'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" '
             f'obscured="t"/><v:path o:connecttype="none"/><v:textbox '
             f'style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
             f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
             f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
             f"<x:Row>{r0}</x:Row><x:Column>{c0}</x:Column></x:ClientData></v:shape>").encode())
    if end >= 0:
        yield data[end:]
