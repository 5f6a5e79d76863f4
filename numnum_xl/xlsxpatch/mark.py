"""Mark cells in an xlsx by rewriting only the parts that change, and undo it exactly.

:func:`mark_package` streams the marked sheet (style ids of the marked cells changed, new
values for fixes written as text), appends one cell format per (original format, our fill) to
``styles.xml``, merges our notes into the sheet's comments and VML parts, adds our summary and
(very hidden) state sheets, and updates content types and relationships. Every other part is
copied byte for byte: pictures, charts, pivot tables, macros, defined names and Strict OOXML
stay what they were.

The state sheet records, per marked cell, its original style id and note, and, per part we
changed, a hash of what we wrote and the original bytes. :func:`clear_package` puts those
back when the parts are still as we wrote them (``exact``); when someone has saved the
workbook since (Excel renumbers styles), it returns ``None`` and the caller falls back to a
restore by content.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
import secrets
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from numnum_xl.cells import cell_ref, column_index_of, column_letter
from numnum_xl.xlsxpatch import sheetxml
from numnum_xl.xlsxpatch.notes import Comments, vml_pieces, vml_resized
from numnum_xl.xlsxpatch.ownsheet import OwnSheet, clean, row_xml
from numnum_xl.xlsxpatch.package import (
    COMMENTS,
    CONTENT_TYPES,
    CT_COMMENTS,
    CT_STYLES,
    CT_WORKSHEET,
    STYLES,
    VML,
    WORKSHEET,
    Package,
    PackageError,
    add_override,
    add_rel,
    attrs,
    ensure_default,
    parse_rels,
    relative,
    rels_name,
    remove_override,
    remove_rel,
    resolve,
    xml_attr,
)
from numnum_xl.xlsxpatch.styles import MINIMAL, Styles

#: Columns of the state sheet: the add-in's seven, then the original style id, the user's
#: note as XML, and whether we created the row.
STATE_HEADER = ("sheet", "cell", "existed", "fill", "comment", "written", "severity",
                "style", "note_xml", "row_created")
PART_ROW = "#part"
SHEET_ROW = "#sheet"
SUMMARY_ROW = "#summary"
CHUNK_CHARS = 32_000
_NUMERIC_TEXT = re.compile(r"^\s*\+?[0-9][0-9 ./-]*$")


@dataclass
class Plan:
    """What to mark in one sheet."""

    sheet: str
    #: A1 -> (kind, note text); kind is a key of ``colours``. Or what builds that map: it is
    #: then built when the marks are placed and let go right after (a million notes are not
    #: held twice while the package is written)
    marks: Mapping[str, tuple[str, str]] | Callable[[], Mapping[str, tuple[str, str]]]
    colours: Mapping[str, str]
    #: A1 -> new value (fixes); formulas are never overwritten
    values: Mapping[str, Any] = field(default_factory=dict)
    #: which kind wins when two marks land on one cell (lower first)
    rank: Mapping[str, int] = field(default_factory=dict)
    summary_name: str = "NumNum-controle"
    state_name: str = "_numnum"
    #: builds the summary sheet: (sheet title, token) -> (sheet, extra named styles)
    summary: Callable[[str], OwnSheet] | None = None
    #: leave the macros out (an ``.xlsm`` copied to an ``.xlsx``)
    drop_macros: bool = False


@dataclass
class Outcome:
    """What :func:`mark_package` did."""

    marked: int = 0
    skipped_formulas: list[str] = field(default_factory=list)
    summary_name: str = ""
    written_values: int = 0


class _Hashing:
    """A writable stream that hashes what goes through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        return self.raw.write(data)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ref_rc(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), column_index_of(m.group(1).upper())


def _info(name: str, like: zipfile.ZipInfo | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def own_styles(st: Styles, colours: Mapping[str, str]) -> dict[str, int]:
    """The named cell formats of our sheets (described in :data:`numnum_xl.summary.STYLES`;
    each kind in ``colours`` a fill)."""
    from numnum_xl.summary import STYLES, style

    names = {}
    fonts: dict[tuple, int] = {}
    for name in [*STYLES, *colours]:
        d = style(name, dict(colours))
        font = 0
        look = (d.get("bold", False), d.get("size"), d.get("color"), d.get("underline", False))
        if any(look):
            if look not in fonts:
                fonts[look] = st.font(bold=look[0], size=look[1], color=look[2],
                                      underline=look[3])
            font = fonts[look]
        names[name] = st.xf(font=font, fill=st.fill(d["fill"]) if "fill" in d else 0,
                            top=d.get("top", False), wrap=d.get("wrap", False),
                            num_fmt=49 if d.get("text") else 0)
    return names


def _state_sheet(records: list[list[Any]], parts: list[list[Any]]) -> OwnSheet:
    sh = OwnSheet(hidden=True)
    for c, name in enumerate(STATE_HEADER, start=1):
        sh.put(1, c, name)
    r = 1
    for r, rec in enumerate(records + parts, start=2):
        for c, value in enumerate(rec, start=1):
            sh.put(r, c, value)
    return sh


def _packed(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = base64.b64encode(zlib.compress(data, 9)).decode()
    return [text[i:i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]


def _unpacked(chunks: list[str]) -> bytes:
    return zlib.decompress(base64.b64decode("".join(chunks)))


def _legacy_rid(tail: bytes) -> str | None:
    m = re.search(rb"<(?:\w+:)?legacyDrawing\b([^>]*?)/?>", tail)
    if not m:
        return None
    return next((v for k, v in attrs(m.group(1)).items() if k.endswith(":id") or k == "id"),
                None)


_AFTER_LEGACY = (b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls",
                 b"webPublishItems", b"tableParts", b"extLst")


def _insert_legacy(tail: bytes, prefix: bytes, rid: str, rel_ns: str) -> bytes:
    el = (b"<" + prefix + b"legacyDrawing xmlns:nnr=" + xml_attr(rel_ns).encode()
          + b" nnr:id=" + xml_attr(rid).encode() + b"/>")
    best = None
    for name in _AFTER_LEGACY:
        m = re.search(rb"<(?:\w+:)?" + name + rb"\b", tail)
        if m and (best is None or m.start() < best):
            best = m.start()
    if best is None:
        best = tail.rfind(b"</")
    return tail[:best] + el + tail[best:]


def _free_sheet_name(taken: set[str], wanted: str) -> str:
    if wanted.lower() not in taken:
        return wanted
    n = 2
    while f"{wanted} ({n})".lower() in taken:
        n += 1
    return f"{wanted} ({n})"


def mark_package(source: Path, out: Path, plan: Plan) -> Outcome:
    """Write ``source`` with ``plan``'s marks to ``out`` (a new file)."""
    outcome = Outcome()
    # the state sheet's record of every marked cell, as its rows' XML, in a file until the
    # state sheet is written (millions of marked cells are not held as lists)
    with zipfile.ZipFile(source) as zin, tempfile.SpooledTemporaryFile(16 << 20) as records:
        pkg = Package.open(zin)
        entry = next((s for s in pkg.sheets if s.name == plan.sheet), None)
        if entry is None or entry.part is None or entry.part not in pkg.names:
            raise PackageError(f"sheet {plan.sheet!r} not found")
        if not entry.rel_type.endswith(WORKSHEET):
            raise PackageError(f"{plan.sheet!r} is not a worksheet")
        sheet_part = entry.part
        base = posixpath.dirname(pkg.workbook)
        originals: dict[str, bytes | None] = {}
        new: dict[str, bytes] = {}

        def edit_part(name: str, data: bytes) -> None:
            if name not in originals:
                originals[name] = pkg.read(name) if name in pkg.names else None
            new[name] = data

        def current(name: str) -> bytes | None:
            return new[name] if name in new else pkg.read(name)

        def stream_part(name: str, pieces: Callable[[], Iterable[bytes]]) -> None:
            """A part written as a stream when the package is written (a million notes)."""
            if name not in originals:
                originals[name] = pkg.read(name) if name in pkg.names else None
            streamed[name] = pieces

        # --- where every mark goes ----------------------------------------------------------
        with zin.open(sheet_part) as fh:
            head, tail = sheetxml.scan_tail(fh)
        anchors = sheetxml.merged_anchors(tail)
        rank = plan.rank or {}
        targets: dict[tuple[int, int], tuple[str, str]] = {}
        marks = plan.marks() if callable(plan.marks) else plan.marks
        for ref, (kind, text) in marks.items():
            pos = anchors.get(_ref_rc(ref), _ref_rc(ref))
            if pos in targets:
                old_kind, old_text = targets[pos]
                kind = min(kind, old_kind, key=lambda k: rank.get(k, 99))
                text = old_text + "\n" + text
            targets[pos] = (kind, clean(text))
        del marks
        values = {}
        for ref, v in plan.values.items():
            pos = anchors.get(_ref_rc(ref), _ref_rc(ref))
            values[pos] = v
        grid: dict[int, tuple[int, ...]] = {}  # row -> its target columns (a tuple: small)
        for pos in (targets, values):
            for r, c in pos:
                got = grid.get(r)
                if got is None:
                    grid[r] = (c,)
                elif c not in got:
                    grid[r] = (*got, c)

        # --- styles -----------------------------------------------------------------------------
        styles_part = pkg.part_of(STYLES)
        styles_data = pkg.read(styles_part) if styles_part else None
        wb_rels_name = rels_name(pkg.workbook)
        ct = pkg.read(CONTENT_TYPES) or b""
        if styles_data is None:
            styles_part = posixpath.join(base, "styles.xml") if styles_part is None else \
                styles_part
            rels, _rid = add_rel(current(wb_rels_name), pkg.rel_type(STYLES),
                                 relative(pkg.workbook, styles_part))
            edit_part(wb_rels_name, rels)
            ct = add_override(ct, styles_part, CT_STYLES)
            styles_data = MINIMAL.replace(b"http://schemas.openxmlformats.org/spreadsheetml/"
                                          b"2006/main", pkg.main_ns.encode())
            originals[styles_part] = None
        st = Styles(styles_data)
        fills = {kind: st.fill(argb) for kind, argb in plan.colours.items()}

        # --- notes ------------------------------------------------------------------------------
        sheet_rels_name = rels_name(sheet_part)
        sheet_rels = pkg.read(sheet_rels_name)
        rels = parse_rels(sheet_rels)
        comments_rel = next((r for r in rels if r.type.endswith(COMMENTS)), None)
        comments_part = resolve(sheet_part, comments_rel.target) if comments_rel else None
        legacy = _legacy_rid(tail)
        vml_rel = next((r for r in rels if r.id == legacy), None) if legacy else None
        vml_part = resolve(sheet_part, vml_rel.target) if vml_rel else None
        comments = Comments(pkg.read(comments_part) if comments_part else None,
                            pkg.main_ns.encode())
        #: (the user's note, the text now) of the cells where it is not simply our text
        note_of: dict[tuple[int, int], tuple[Any, str]] = {}
        for (r, c), (_kind, text) in targets.items():
            if text:
                original, written = comments.put(cell_ref(r, c), text)
                if original is not None or written is not text:
                    note_of[(r, c)] = (original, written)
            else:  # colour only: the cell's own note (if any) stays as it is
                original = comments.original(cell_ref(r, c))
                note_of[(r, c)] = (original, original.text if original else "")
        streamed: dict[str, Callable[[], Iterable[bytes]]] = {}
        added_legacy = None
        if comments.changed:
            if comments_part is None:
                comments_part = pkg.free_name(posixpath.join(base, "comments{}.xml"))
                sheet_rels, _ = add_rel(sheet_rels, pkg.rel_type(COMMENTS),
                                        relative(sheet_part, comments_part))
                ct = add_override(ct, comments_part, CT_COMMENTS)
                originals.setdefault(comments_part, None)
            if vml_part is None:
                vml_part = pkg.free_name(posixpath.join(base, "drawings", "vmlDrawing{}.vml"))
                sheet_rels, added_legacy = add_rel(sheet_rels, pkg.rel_type(VML),
                                                   relative(sheet_part, vml_part))
                ct = ensure_default(ct, "vml", "application/vnd.openxmlformats-"
                                    "officedocument.vmlDrawing")
                originals.setdefault(vml_part, None)
            grown = {_ref_rc(ref): text for ref, text in comments.replaced_texts().items()}
            vml = pkg.read(vml_part)
            if vml is not None and grown:
                vml = vml_resized(vml, grown)
            if comments.added or added_legacy or grown:
                def shapes(vml: bytes | None = vml) -> Iterable[bytes]:
                    return vml_pieces(vml, ((*_ref_rc(ref), text)
                                            for ref, text in comments.added_notes()))
                stream_part(vml_part, shapes)
            stream_part(comments_part, comments.pieces)
            if sheet_rels != pkg.read(sheet_rels_name):
                edit_part(sheet_rels_name, sheet_rels)

        # --- macros left out of an .xlsx copy ---------------------------------------------------
        dropped: set[str] = set()
        vba = next((r for r in pkg.workbook_rels if r.type.endswith("/vbaProject")), None)
        if plan.drop_macros:
            macro_parts = {n for n in pkg.names if "vbaproject" in n.lower()}
            if vba is not None:
                macro_parts.add(resolve(pkg.workbook, vba.target))
                edit_part(wb_rels_name, remove_rel(current(wb_rels_name) or b"", vba.id))
            for part in macro_parts:
                dropped |= {part, rels_name(part)}
                ct = remove_override(ct, part)
            ct = ct.replace(b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                            b"application/vnd.openxmlformats-officedocument.spreadsheetml."
                            b"sheet.main+xml")

        # --- our sheets in the workbook ---------------------------------------------------------
        taken = {s.name.lower() for s in pkg.sheets}
        summary_name = _free_sheet_name(taken, plan.summary_name)
        state_name = _free_sheet_name(taken | {summary_name.lower()}, plan.state_name)
        summary_part = pkg.free_name(posixpath.join(base, "worksheets", "sheet{}.xml"))
        state_part = pkg.free_name(posixpath.join(base, "worksheets", "sheet{}.xml"),
                                   {summary_part})
        wb_rels = current(wb_rels_name)
        wb_rels, summary_rid = add_rel(wb_rels, pkg.rel_type(WORKSHEET),
                                       relative(pkg.workbook, summary_part))
        wb_rels, state_rid = add_rel(wb_rels, pkg.rel_type(WORKSHEET),
                                     relative(pkg.workbook, state_part))
        edit_part(wb_rels_name, wb_rels)
        ct = add_override(add_override(ct, summary_part, CT_WORKSHEET), state_part, CT_WORKSHEET)
        edit_part(CONTENT_TYPES, ct)
        edit_part(pkg.workbook, _add_sheets(pkg, [(summary_name, summary_rid, None),
                                                  (state_name, state_rid, "veryHidden")]))
        outcome.summary_name = summary_name

        # --- the marked sheet, streamed --------------------------------------------------------
        marked = [0]
        fill_xml_cache: dict[int, str] = {}

        def fill_xml(style: int | None) -> str:
            fid = st.fill_of(style)
            if fid not in fill_xml_cache:
                fill_xml_cache[fid] = st.fill_xml(fid).decode("utf-8", "replace")
            return fill_xml_cache[fid]

        def edit(row: int, col: int, cell: sheetxml.Cell) -> bytes:
            pos = (row, col)
            ref = cell_ref(row, col)
            xml = cell.xml
            orig_style = cell.style if xml is not None else cell.inherited
            text_fmt = False
            if pos in values:
                v = values[pos]
                if xml is not None and sheetxml.is_formula(xml):
                    outcome.skipped_formulas.append(ref)
                else:
                    base_xml = xml if xml is not None else sheetxml.new_cell(ref, orig_style,
                                                                             cell.prefix)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        xml = sheetxml.with_number(base_xml, v, cell.prefix)
                    else:
                        v = clean("" if v is None else str(v))
                        xml = sheetxml.with_text(base_xml, v, cell.prefix)
                        text_fmt = bool(_NUMERIC_TEXT.match(v))
                    outcome.written_values += 1
            if pos not in targets:
                if xml is None:
                    return b""
                if text_fmt:
                    xml = sheetxml.set_style(xml, st.marked(orig_style, st.fill_of(orig_style),
                                                            text=True))
                return xml
            kind, _text = targets[pos]
            existed = cell.xml is not None
            if xml is None:
                xml = sheetxml.new_cell(ref, orig_style, cell.prefix)
            xml = sheetxml.set_style(xml, st.marked(orig_style, fills[kind], text=text_fmt))
            original, written = note_of.get(pos) or (None, _text)
            marked[0] += 1
            records.write(row_xml(marked[0] + 1, enumerate((
                (v, None) for v in (
                    plan.sheet, ref, 1 if existed else 0, fill_xml(orig_style),
                    _json([original.text, original.author] if original else None),
                    _json(written), kind,
                    "" if cell.style is None or not existed else cell.style,
                    original.xml.decode("utf-8") if original else "",
                    0 if cell.row_exists else 1)), start=1), {}))
            return xml

        def tail_edit(rest: bytes) -> bytes:
            if added_legacy:
                m = re.search(rb"<((?:\w+:)?)worksheet\b", head)
                return _insert_legacy(rest, m.group(1) if m else b"", added_legacy, pkg.rel_ns)
            return rest

        out_tmp = out
        with zipfile.ZipFile(out_tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            written_order = set()
            # content types first, then everything we do not touch, byte for byte
            zout.writestr(_info(CONTENT_TYPES, _getinfo(zin, CONTENT_TYPES)), new[CONTENT_TYPES])
            written_order.add(CONTENT_TYPES)
            later = set(new) | set(streamed) | {sheet_part, styles_part} | dropped
            for info in zin.infolist():
                if info.filename in later or info.filename in written_order \
                        or info.filename == CONTENT_TYPES:
                    continue
                with zin.open(info) as src, zout.open(_copy_info(info), "w",
                                                      force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            with zin.open(sheet_part) as src, zout.open(
                    _info(sheet_part, zin.getinfo(sheet_part)), "w", force_zip64=True) as raw:
                hashing = _Hashing(raw)
                sheetxml.rewrite(src, hashing, grid, edit, tail_edit=tail_edit)
            outcome.marked = marked[0]
            sheet_hash = hashing.sha.hexdigest()
            originals.setdefault(styles_part, styles_data)
            named = own_styles(st, plan.colours)
            summary = plan.summary(summary_name) if plan.summary else OwnSheet()
            token = secrets.token_hex(8)
            summary.put(1, 26, "numnum:" + token)
            summary.hidden_cols.add(26)
            new[styles_part] = st.to_bytes()
            for name, data in new.items():
                if name == CONTENT_TYPES:
                    continue
                zout.writestr(_info(name, _getinfo(zin, name)), data)
            shas = {name: _sha(data) for name, data in new.items()}
            for name, pieces in streamed.items():
                with zout.open(_info(name, _getinfo(zin, name)), "w", force_zip64=True) as raw:
                    hashing = _Hashing(raw)
                    for piece in pieces():
                        hashing.write(piece)
                shas[name] = hashing.sha.hexdigest()
            with zout.open(_info(summary_part), "w", force_zip64=True) as raw:
                summary.write_to(raw, named, main_ns=pkg.main_ns, rel_ns=pkg.rel_ns)
            del summary
            parts = [[PART_ROW, name, shas.get(name, ""), "", "", "", "", "", "", "",
                      *_packed(orig)] for name, orig in originals.items()]
            parts.append([SHEET_ROW, sheet_part, sheet_hash, added_legacy or "", plan.sheet])
            parts.append([SUMMARY_ROW, summary_name, token, summary_part, state_part])
            with zout.open(_info(state_part), "w", force_zip64=True) as raw:
                _state_sheet([], []).write_to(
                    raw, {}, main_ns=pkg.main_ns, rel_ns=pkg.rel_ns,
                    more_rows=_state_rows(records, parts, marked[0] + 2))
    return outcome


def _state_rows(records: IO[bytes], parts: list[list[Any]], first: int) -> Iterator[bytes]:
    """The rows of the state sheet after its header: the records (already XML, in a file)
    and then ``parts``, numbered from ``first``."""
    records.seek(0)
    while True:
        chunk = records.read(1 << 20)
        if not chunk:
            break
        yield chunk
    for r, rec in enumerate(parts, start=first):
        yield row_xml(r, ((c, (v, None)) for c, v in enumerate(rec, start=1)), {})


def _getinfo(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return zf.getinfo(name)
    except KeyError:
        return None


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = info.compress_type if info.compress_type in (
        zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else zipfile.ZIP_DEFLATED
    new.external_attr = info.external_attr
    return new


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _add_sheets(pkg: Package, sheets: list[tuple[str, str, str | None]]) -> bytes:
    data = pkg.read(pkg.workbook) or b""
    m = re.search(rb"<((?:\w+:)?)sheets\b[^>]*?(/?)>", data)
    if m is None:
        raise PackageError("workbook without <sheets>")
    prefix = m.group(1)
    # the prefix bound to the relationships namespace, else declare one on the element
    rel_prefix = None
    for k, v in attrs(re.search(rb"<(?:\w+:)?workbook\b[^>]*>", data).group(0)).items():
        if k.startswith("xmlns:") and v == pkg.rel_ns:
            rel_prefix = k[6:]
    next_id = max([s.sheet_id for s in pkg.sheets] + [0]) + 1
    els = []
    for i, (name, rid, state) in enumerate(sheets):
        rid_attr = (f"{rel_prefix}:id={xml_attr(rid)}" if rel_prefix else
                    f"xmlns:nnr={xml_attr(pkg.rel_ns)} nnr:id={xml_attr(rid)}")
        st = f" state={xml_attr(state)}" if state else ""
        els.append(f"<{prefix.decode()}sheet name={xml_attr(name)} sheetId=\"{next_id + i}\""
                   f"{st} {rid_attr}/>".encode())
    if m.group(2):
        return (data[:m.start()] + m.group(0)[:-2].rstrip() + b">" + b"".join(els) + b"</"
                + prefix + b"sheets>" + data[m.end():])
    end = data.find(b"</" + prefix + b"sheets>", m.end())
    return data[:end] + b"".join(els) + data[end:]


# --- clearing ----------------------------------------------------------------------------------

_ROWS = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELLS = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_INLINE = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)


def read_own_sheet(data: bytes) -> list[list[str]] | None:
    """The rows of a sheet we wrote (inline strings, numbers) as text; None when the sheet
    uses shared strings (somebody saved it since)."""
    from numnum_xl.xlsxpatch.package import unescape

    rows: list[list[str]] = []
    for rm in _ROWS.finditer(data):
        row: list[str] = []
        for cm in _CELLS.finditer(rm.group(1) or b""):
            a = attrs(cm.group(1))
            ref = a.get("r", "")
            col = column_index_of(re.sub(r"[^A-Z]", "", ref.upper())) if ref else len(row) + 1
            t = a.get("t", "n")
            inner = cm.group(2) or b""
            if t == "s":
                return None
            if t == "inlineStr":
                value = "".join(unescape((m.group(1) or b"").decode("utf-8"))
                                for m in _INLINE.finditer(inner))
            else:
                vm = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", inner, re.S)
                value = unescape(vm.group(1).decode("utf-8")) if vm else ""
            while len(row) < col - 1:
                row.append("")
            row.append(value)
        rows.append(row)
    return rows


@dataclass
class SavedState:
    """The state sheet of :func:`mark_package`, read back."""

    records: list[list[str]]
    parts: dict[str, tuple[str, bytes | None]]  #: part -> (hash written, original or None)
    sheet_part: str
    sheet_hash: str
    legacy_rid: str
    summary: tuple[str, str, str, str] | None  #: (name, token, part, state part)
    damaged: bool = False  #: an original could not be read back: no exact restore


def saved_state(rows: list[list[str]]) -> SavedState | None:
    """The records of our state sheet; None when it is not one of ours."""
    if not rows or tuple(rows[0][:len(STATE_HEADER)]) != STATE_HEADER:
        return None
    records, parts = [], {}
    damaged = False
    sheet_part = sheet_hash = legacy = ""
    summary = None
    for row in rows[1:]:
        row = row + [""] * (10 - len(row))
        if row[0] == PART_ROW:
            chunks = [c for c in row[10:] if c]
            try:
                parts[row[1]] = (row[2], _unpacked(chunks) if chunks else None)
            except (ValueError, zlib.error):
                damaged = True  # no exact restore; the marks still come out by content
        elif row[0] == SHEET_ROW:
            sheet_part, sheet_hash, legacy = row[1], row[2], row[3]
        elif row[0] == SUMMARY_ROW:
            summary = (row[1], row[2], row[3], row[4])
        elif row[0] and row[1]:
            records.append(row)
    return SavedState(records, parts, sheet_part, sheet_hash, legacy, summary, damaged)


def clear_package(source: Path, out: Path, state_name: str) -> int | None:
    """Undo :func:`mark_package` exactly, writing ``out``; returns the cells restored, or
    None when the workbook was changed since it was marked (then nothing is written)."""
    with zipfile.ZipFile(source) as zin:
        pkg = Package.open(zin)
        state_entry = next((s for s in pkg.sheets if s.name == state_name), None)
        if state_entry is None or state_entry.part is None:
            return None
        rows = read_own_sheet(pkg.read(state_entry.part) or b"")
        saved = saved_state(rows) if rows is not None else None
        if saved is None or saved.summary is None or not saved.sheet_part or saved.damaged:
            return None
        _, _, summary_part, state_part = saved.summary
        if state_part != state_entry.part:
            return None
        for name, (sha, _orig) in saved.parts.items():
            data = pkg.read(name)
            if (data is None and sha) or (data is not None and _sha(data) != sha):
                return None
        h = hashlib.sha256()
        try:
            with zin.open(saved.sheet_part) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except KeyError:
            return None
        if h.hexdigest() != saved.sheet_hash:
            return None
        targets: dict[int, dict[int, tuple[str, str, str]]] = {}
        drop_rows: set[int] = set()
        for rec in saved.records:
            try:
                r, c = _ref_rc(rec[1])
            except ValueError:
                continue
            targets.setdefault(r, {})[c] = (rec[2], rec[7], rec[9])
            if rec[9] == "1":
                drop_rows.add(r)

        def edit(row: int, col: int, cell: sheetxml.Cell) -> bytes:
            existed, style, _created = targets[row][col]
            if cell.xml is None:
                return b""
            if existed in ("0", ""):
                # a cell we made: gone unless it holds a value now (a fix)
                if re.search(rb"<(?:\w+:)?(?:v|is|f)\b", cell.xml):
                    return sheetxml.set_style(cell.xml, None)
                return b""
            return sheetxml.set_style(cell.xml, int(style) if style != "" else None)

        def tail_edit(rest: bytes) -> bytes:
            if saved.legacy_rid:
                rest = re.sub(rb"<(?:\w+:)?legacyDrawing\b[^>]*?\bnnr:id=\""
                              + re.escape(saved.legacy_rid.encode()) + rb"\"[^>]*/>", b"", rest)
            return rest

        skip = {summary_part, state_part, saved.sheet_part} | set(saved.parts)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            ct = saved.parts.get(CONTENT_TYPES, ("", None))[1]
            if ct is not None:
                zout.writestr(_info(CONTENT_TYPES, _getinfo(zin, CONTENT_TYPES)), ct)
            for info in zin.infolist():
                if info.filename in skip:
                    continue
                with zin.open(info) as src, zout.open(_copy_info(info), "w",
                                                      force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            with zin.open(saved.sheet_part) as src, zout.open(
                    _info(saved.sheet_part, zin.getinfo(saved.sheet_part)), "w",
                    force_zip64=True) as dst:
                sheetxml.rewrite(src, dst, targets, edit, tail_edit=tail_edit,
                                 drop_empty_rows=drop_rows)
            for name, (_written, orig) in saved.parts.items():
                if name == CONTENT_TYPES or orig is None:
                    continue
                zout.writestr(_info(name, _getinfo(zin, name)), orig)
    return len(saved.records)


__all__ = [
    "STATE_HEADER",
    "Outcome",
    "PackageError",
    "Plan",
    "clear_package",
    "column_letter",
    "mark_package",
    "read_own_sheet",
    "remove_override",
    "remove_rel",
    "saved_state",
]
