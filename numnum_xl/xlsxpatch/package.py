"""An xlsx package read as parts: relationships, content types, the workbook's sheets.

Only what a patch needs is parsed (the small XML parts); every other part is copied as it is.
Paths are zip member names without a leading ``/``; relationship targets are resolved relative
to the part that owns them, so packages with parts at the root (a "minimal package") and
Strict OOXML (other namespace URIs) work the same as Excel's own layout.

>>> resolve("xl/workbook.xml", "worksheets/sheet1.xml")
'xl/worksheets/sheet1.xml'
>>> resolve("workbook.xml", "/xl/../sheet1.xml")
'sheet1.xml'
>>> rels_name("xl/worksheets/sheet1.xml")
'xl/worksheets/_rels/sheet1.xml.rels'
>>> relative("xl/worksheets/sheet1.xml", "xl/comments1.xml")
'../comments1.xml'
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
#: Relationship type endings (the namespace part differs between Transitional and Strict).
WORKSHEET, STYLES, COMMENTS, VML = "/worksheet", "/styles", "/comments", "/vmlDrawing"
OFFICE_DOCUMENT = "/officeDocument"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
TRANSITIONAL_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TRANSITIONAL_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*?)/?>")
_SHEET = re.compile(rb"<((?:\w+:)?)sheet\b([^>]*?)/?>")
_ROOT = re.compile(rb"<(?:\w+:)?\w+\b[^>]*>")


class PackageError(Exception):
    """The zip is not a workbook this module can patch."""


def attrs(tag: bytes) -> dict[str, str]:
    """The attributes of one start tag (entities left as written except &quot;/&amp;)."""
    out = {}
    for m in _ATTR.finditer(tag):
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1).decode()] = unescape(raw.decode("utf-8"))
    return out


def unescape(text: str) -> str:
    """XML entities of an attribute or text back to characters."""
    if "&" not in text:
        return text
    from html import unescape as html_unescape

    return html_unescape(text)


def xml_text(text: str) -> str:
    """Text for element content."""
    return escape(text)


def xml_attr(text: str) -> str:
    """A quoted attribute value."""
    return quoteattr(text)


def resolve(owner: str, target: str) -> str:
    """The zip name a relationship ``target`` of part ``owner`` points to."""
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.join(posixpath.dirname(owner), target)
    return posixpath.normpath(path).lstrip("/")


def relative(owner: str, part: str) -> str:
    """The relationship target from ``owner`` to ``part``."""
    return posixpath.relpath(part, posixpath.dirname(owner) or ".")


def rels_name(part: str) -> str:
    """The relationships part of ``part``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


@dataclass
class Rel:
    """One relationship."""

    id: str
    type: str
    target: str
    external: bool = False


def parse_rels(data: bytes | None) -> list[Rel]:
    """The relationships of a ``.rels`` part (none when absent)."""
    if not data:
        return []
    rels = []
    for m in _REL.finditer(data):
        a = attrs(m.group(1))
        rels.append(Rel(a.get("Id", ""), a.get("Type", ""), a.get("Target", ""),
                        a.get("TargetMode") == "External"))
    return rels


def add_rel(data: bytes | None, rel_type: str, target: str) -> tuple[bytes, str]:
    """``data`` (a ``.rels`` part, or None) with one relationship added; returns (part, id)."""
    if not data:
        data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b"</Relationships>")
    used = {r.id for r in parse_rels(data)}
    n = 1
    while f"rId{n}" in used:
        n += 1
    rid = f"rId{n}"
    m = re.search(rb"<((?:\w+:)?)Relationships\b[^>]*?(/?)>", data)
    if m is None:
        raise PackageError("relationships part without <Relationships>")
    prefix = m.group(1)
    el = (b"<" + prefix + b"Relationship Id=" + xml_attr(rid).encode() + b" Type="
          + xml_attr(rel_type).encode() + b" Target=" + xml_attr(target).encode() + b"/>")
    if m.group(2):  # <Relationships/>
        data = (data[:m.start()] + data[m.start():m.end() - 2] + b">" + el + b"</" + prefix
                + b"Relationships>" + data[m.end():])
    else:
        end = data.rfind(b"</" + prefix + b"Relationships>")
        data = data[:end] + el + data[end:]
    return data, rid


def remove_rel(data: bytes, rid: str) -> bytes:
    """``data`` without the relationship ``rid``."""
    def keep(m: re.Match[bytes]) -> bytes:
        return b"" if attrs(m.group(1)).get("Id") == rid else m.group(0)
    return _REL.sub(keep, data)


def add_override(data: bytes, part: str, content_type: str) -> bytes:
    """``[Content_Types].xml`` with an ``Override`` for ``/part`` (replacing one there)."""
    name = "/" + part
    data = re.sub(rb"<(?:\w+:)?Override\b[^>]*?PartName=\"" + re.escape(name.encode())
                  + rb"\"[^>]*?/>", b"", data, flags=re.I)
    m = re.search(rb"<((?:\w+:)?)Types\b[^>]*>", data)
    prefix = m.group(1) if m else b""
    end = data.rfind(b"</" + prefix + b"Types>")
    el = (b"<" + prefix + b"Override PartName=" + xml_attr(name).encode() + b" ContentType="
          + xml_attr(content_type).encode() + b"/>")
    return data[:end] + el + data[end:]


def remove_override(data: bytes, part: str) -> bytes:
    """``[Content_Types].xml`` without the ``Override`` of ``/part``."""
    return re.sub(rb"<(?:\w+:)?Override\b[^>]*?PartName=\"" + re.escape(("/" + part).encode())
                  + rb"\"[^>]*?/>", b"", data, flags=re.I)


def ensure_default(data: bytes, extension: str, content_type: str) -> bytes:
    """``[Content_Types].xml`` with a ``Default`` for ``extension`` (added when missing)."""
    if re.search(rb"<(?:\w+:)?Default\b[^>]*?Extension=\"" + re.escape(extension.encode())
                 + rb"\"", data, flags=re.I):
        return data
    m = re.search(rb"<((?:\w+:)?)Types\b[^>]*>", data)
    prefix = m.group(1) if m else b""
    el = (b"<" + prefix + b"Default Extension=" + xml_attr(extension).encode()
          + b" ContentType=" + xml_attr(content_type).encode() + b"/>")
    return data[:m.end()] + el + data[m.end():] if m else data


@dataclass
class SheetEntry:
    """One ``<sheet>`` of the workbook."""

    name: str
    sheet_id: int
    rid: str
    state: str
    part: str | None  #: zip name of its XML (None: the relationship is missing)
    rel_type: str


@dataclass
class Package:
    """The parts of an xlsx read once; small parts parsed on demand."""

    zf: zipfile.ZipFile
    names: list[str]
    workbook: str
    workbook_rels: list[Rel]
    sheets: list[SheetEntry] = field(default_factory=list)
    rel_ns: str = TRANSITIONAL_REL  #: namespace of r:id (Strict: purl.oclc.org)
    main_ns: str = TRANSITIONAL_MAIN
    rel_base: str = TRANSITIONAL_REL  #: what relationship types start with

    @classmethod
    def open(cls, zf: zipfile.ZipFile) -> Package:
        """Read the package map of ``zf`` (raises :class:`PackageError`)."""
        names = zf.namelist()
        lower = {n.lower(): n for n in names}
        if CONTENT_TYPES.lower() not in lower:
            raise PackageError("no [Content_Types].xml")
        root = parse_rels(read(zf, lower.get(ROOT_RELS)))
        main = next((r for r in root if r.type.endswith(OFFICE_DOCUMENT)), None)
        if main is None:
            raise PackageError("no officeDocument relationship")
        workbook = resolve("", main.target)
        if workbook not in names:
            raise PackageError(f"workbook part {workbook} missing")
        wb_rels = parse_rels(read(zf, rels_name(workbook)))
        pkg = cls(zf, names, workbook, wb_rels)
        pkg.rel_base = main.type[: -len(OFFICE_DOCUMENT)]
        data = zf.read(workbook)
        root_tag = _ROOT.search(data[data.find(b"<", data.find(b"?>") + 1 if b"?>" in data[:200]
                                               else 0):])
        if root_tag is not None:
            for k, v in attrs(root_tag.group()).items():
                if k.startswith("xmlns") and v.endswith("relationships"):
                    pkg.rel_ns = v
                if k in ("xmlns", "xmlns:x") and v.endswith("main"):
                    pkg.main_ns = v
        by_id = {r.id: r for r in wb_rels}
        for m in _SHEET.finditer(data):
            a = attrs(m.group(2))
            rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), "")
            rel = by_id.get(rid)
            part = resolve(workbook, rel.target) if rel and not rel.external else None
            try:
                sheet_id = int(a.get("sheetId", "0"))
            except ValueError:
                sheet_id = 0
            pkg.sheets.append(SheetEntry(a.get("name", ""), sheet_id, rid,
                                         a.get("state", "visible"), part,
                                         rel.type if rel else ""))
        return pkg

    def read(self, name: str | None) -> bytes | None:
        """A part's bytes, or None when absent."""
        return read(self.zf, name)

    def rel_type(self, ending: str) -> str:
        """The full relationship type for ``ending`` in this package's flavour."""
        return self.rel_base + ending

    def part_of(self, ending: str) -> str | None:
        """The workbook-level part with relationship type ``ending`` (e.g. styles)."""
        rel = next((r for r in self.workbook_rels if r.type.endswith(ending)), None)
        return resolve(self.workbook, rel.target) if rel else None

    def free_name(self, pattern: str, taken: set[str] | None = None) -> str:
        """The first ``pattern.format(n)`` (n = 1, 2, …) that is not a part yet."""
        used = {n.lower() for n in self.names} | {t.lower() for t in (taken or set())}
        n = 1
        while pattern.format(n).lower() in used:
            n += 1
        return pattern.format(n)


def read(zf: zipfile.ZipFile, name: str | None) -> bytes | None:
    """A member's bytes or None (names compared without letter case as a fallback)."""
    if name is None:
        return None
    try:
        return zf.read(name)
    except KeyError:
        for n in zf.namelist():
            if n.lower() == name.lower():
                return zf.read(n)
    return None
