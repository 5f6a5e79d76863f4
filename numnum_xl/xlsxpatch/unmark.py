"""Take our marks out of a workbook that was saved since it was marked (by Excel, LibreOffice
or the add-in): found by content, every part we did not mark copied byte for byte.

Excel renumbers styles and turns our inline strings into shared strings when it saves, so
:func:`numnum_xl.xlsxpatch.mark.clear_package` (which puts back the parts as they were) no
longer applies. Here each recorded cell whose fill is still one of ours gets a format equal
to its current one with the recorded original fill; its note goes back to what the user had
(keeping what they wrote since); cells we created and that hold nothing are removed; our
sheets leave the workbook with their relationships, content types and sheet-level defined
names.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from numnum_xl.xlsxpatch import sheetxml
from numnum_xl.xlsxpatch.notes import Comments, text_of
from numnum_xl.xlsxpatch.package import (
    COMMENTS,
    CONTENT_TYPES,
    STYLES,
    Package,
    attrs,
    parse_rels,
    rels_name,
    remove_override,
    remove_rel,
    resolve,
    xml_text,
)
from numnum_xl.xlsxpatch.styles import Styles

_SHAPE = re.compile(rb"<(?:\w+:)?shape\b[^>]*>.*?</(?:\w+:)?shape>", re.S)


def _canon(xml: bytes | str) -> bytes:
    """A fill's XML without prefixes, namespace declarations or whitespace between tags."""
    b = xml.encode() if isinstance(xml, str) else xml
    b = re.sub(rb'\sxmlns(?::\w+)?="[^"]*"', b"", b)
    b = re.sub(rb"<(/?)\w+:", rb"<\1", b)
    return re.sub(rb">\s+<", b"><", b).strip()


def _fill_id(st: Styles, fill_xml: str) -> int:
    """The id of a fill equal to ``fill_xml`` (appended when there is none)."""
    want = _canon(fill_xml)
    fills = st._all(b"fills")
    for i, f in enumerate(fills):
        if _canon(f) == want:
            return i
    p = st.prefix
    body = re.sub(rb"<(/?)(\w+)", rb"<\1" + p + rb"\2", _canon(fill_xml)) if p else want
    return st._append(b"fills", body)


def _rc(ref: str) -> tuple[int, int]:
    from numnum_xl.cells import column_index_of

    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), column_index_of(m.group(1))


def unmark_package(source: Path, out: Path, records: Sequence[Sequence[str]],
                   ours: Sequence[str], colours: set[str],
                   restored_note) -> int:
    """Write ``source`` without our marks to ``out``; returns the cells restored.

    ``records``: the state sheet's rows (sheet, cell, existed, fill, comment, written, …);
    ``ours``: the sheet names to remove; ``colours``: our fills (ARGB); ``restored_note``:
    (current text, original [text, author] or None, written) -> text or None.
    """
    import json

    with zipfile.ZipFile(source) as zin:
        pkg = Package.open(zin)
        new: dict[str, bytes] = {}
        drop: set[str] = set()
        by_sheet: dict[str, list[Sequence[str]]] = {}
        for rec in records:
            by_sheet.setdefault(str(rec[0]), []).append(rec)
        styles_part = pkg.part_of(STYLES)
        st = Styles(pkg.read(styles_part) or b"") if styles_part else None
        restored = 0
        sheet_jobs = []
        for entry in pkg.sheets:
            recs = by_sheet.get(entry.name)
            if not recs or entry.part is None or entry.name in ours or st is None:
                continue
            targets: dict[int, dict[int, Sequence[str]]] = {}
            for rec in recs:
                try:
                    r, c = _rc(str(rec[1]).upper())
                except ValueError:
                    continue
                targets.setdefault(r, {})[c] = rec
            sheet_jobs.append((entry, targets))
            # notes
            rels = parse_rels(pkg.read(rels_name(entry.part)))
            crel = next((x for x in rels if x.type.endswith(COMMENTS)), None)
            if crel is None:
                continue
            cpart = resolve(entry.part, crel.target)
            comments = Comments(pkg.read(cpart), pkg.main_ns.encode())
            removed: set[tuple[int, int]] = set()
            data = comments.data
            for rec in recs:
                ref = str(rec[1]).upper()
                cm = comments.by_ref.get(ref)
                if cm is None:
                    continue
                try:
                    original = json.loads(rec[4]) if rec[4] else None
                    written = json.loads(rec[5]) if rec[5] else ""
                except ValueError:
                    continue
                now = text_of(cm.group(0))
                text = restored_note(now, original, written)
                note_xml = str(rec[8]) if len(rec) > 8 and rec[8] else ""
                if text is None:
                    data = data.replace(cm.group(0), b"", 1)
                    removed.add(_rc(ref))
                elif text != now:
                    if original and text == original[0] and note_xml:
                        el = note_xml.encode()
                    else:
                        el = _with_text(cm.group(0), text, comments.p)
                    data = data.replace(cm.group(0), _author(el, comments, original), 1)
            if comments.new_authors:
                m = re.search(rb"</(?:\w+:)?authors>", data)
                if m:
                    data = data[:m.start()] + b"".join(
                        b"<" + comments.p + b"author>" + xml_text(a).encode() + b"</"
                        + comments.p + b"author>" for a in comments.new_authors) + data[m.start():]
            if data != comments.data:
                new[cpart] = data
            if removed:
                legacy = re.search(rb"<(?:\w+:)?legacyDrawing\b([^>]*?)/?>",
                                   _tail(zin, entry.part))
                rid = next((v for k, v in attrs(legacy.group(1)).items()
                            if k.endswith(":id")), None) if legacy else None
                vrel = next((x for x in rels if x.id == rid), None) if rid else None
                if vrel is not None:
                    vpart = resolve(entry.part, vrel.target)
                    vml = pkg.read(vpart) or b""

                    def keep(m: re.Match[bytes], removed: set = removed) -> bytes:
                        shape = m.group(0)
                        rm = re.search(rb"<(?:\w+:)?Row>\s*(\d+)", shape)
                        cm_ = re.search(rb"<(?:\w+:)?Column>\s*(\d+)", shape)
                        if rm and cm_ and (int(rm.group(1)) + 1,
                                           int(cm_.group(1)) + 1) in removed:
                            return b""
                        return shape
                    new[vpart] = _SHAPE.sub(keep, vml)

        # --- our sheets out of the workbook --------------------------------------------------
        wb_rels_name = rels_name(pkg.workbook)
        wb_rels = pkg.read(wb_rels_name) or b""
        book = pkg.read(pkg.workbook) or b""
        ct = pkg.read(CONTENT_TYPES) or b""
        gone_idx = []
        for i, entry in enumerate(pkg.sheets):
            if entry.name not in ours:
                continue
            gone_idx.append(i)
            wb_rels = remove_rel(wb_rels, entry.rid)
            book = re.sub(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"" + re.escape(
                xml_text(entry.name).encode()) + rb"\"[^>]*?/>", b"", book, count=1)
            if entry.part:
                drop |= {entry.part, rels_name(entry.part)}
                ct = remove_override(ct, entry.part)
        book = _fix_local_names(book, gone_idx, len(pkg.sheets))
        new[wb_rels_name], new[pkg.workbook], new[CONTENT_TYPES] = wb_rels, book, ct

        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            zout.writestr(CONTENT_TYPES, new.pop(CONTENT_TYPES))
            later = set(new) | {e.part for e, _ in sheet_jobs} | {styles_part} | drop
            for info in zin.infolist():
                if info.filename in later or info.filename == CONTENT_TYPES:
                    continue
                with zin.open(info) as a, zout.open(info.filename, "w", force_zip64=True) as b:
                    shutil.copyfileobj(a, b, 1 << 20)
            for entry, targets in sheet_jobs:
                def edit(row: int, col: int, cell: sheetxml.Cell,
                         targets: Mapping = targets) -> bytes:
                    nonlocal restored
                    rec = targets[row][col]
                    if cell.xml is None:
                        return b""
                    s = cell.style
                    if not st.is_our_fill(st.fill_of(s), colours):
                        return cell.xml  # recoloured by the user since: theirs now
                    restored += 1
                    if str(rec[2]) in ("0", "") and not re.search(
                            rb"<(?:\w+:)?(?:v|is|f)\b", cell.xml):
                        return b""
                    return sheetxml.set_style(cell.xml, st.marked(
                        s, _fill_id(st, str(rec[3])), reuse=True))
                with zin.open(entry.part) as a, zout.open(entry.part, "w",
                                                          force_zip64=True) as b:
                    sheetxml.rewrite(a, b, targets, edit)
            if styles_part and st is not None:
                zout.writestr(styles_part, st.to_bytes())
            for name, data in new.items():
                zout.writestr(name, data)
    return restored


def _tail(zin: zipfile.ZipFile, part: str) -> bytes:
    with zin.open(part) as fh:
        return sheetxml.scan_tail(fh)[1]


def _with_text(element: bytes, text: str, p: bytes) -> bytes:
    m = re.search(rb"<(?:\w+:)?text\b[^>]*>.*</(?:\w+:)?text>", element, re.S)
    body = (b"<" + p + b"text><" + p + b't xml:space="preserve">' + xml_text(text).encode()
            + b"</" + p + b"t></" + p + b"text>")
    return element[:m.start()] + body + element[m.end():] if m else element


def _author(element: bytes, comments: Comments, original) -> bytes:
    """``element`` with its authorId pointing at the original author in this part."""
    if not original or len(original) < 2 or not original[1]:
        return element
    aid = comments._author_id(str(original[1]))
    return re.sub(rb'\bauthorId="\d+"', b'authorId="%d"' % aid, element, count=1)


def _fix_local_names(book: bytes, gone: list[int], count: int) -> bytes:
    """Defined names of removed sheets dropped; later sheets' ``localSheetId`` shifted; the
    active tab kept on a sheet that still exists."""
    if not gone:
        return book

    def name(m: re.Match[bytes]) -> bytes:
        lm = re.search(rb'\blocalSheetId="(\d+)"', m.group(1))
        if not lm:
            return m.group(0)
        i = int(lm.group(1))
        if i in gone:
            return b""
        shift = sum(1 for g in gone if g < i)
        return m.group(0).replace(lm.group(0), b'localSheetId="%d"' % (i - shift), 1)
    book = re.sub(rb"<(?:\w+:)?definedName\b([^>]*)>.*?</(?:\w+:)?definedName>", name, book,
                  flags=re.S)
    book = re.sub(rb"<(\w+:)?definedNames>\s*</(?:\w+:)?definedNames>", b"", book)
    left = count - len(gone)

    def tab(m: re.Match[bytes]) -> bytes:
        i = int(m.group(2))
        return m.group(1) + b'"%d"' % (i if i < left else 0)
    return re.sub(rb'(\b(?:activeTab|firstSheet)=)"(\d+)"', tab, book)
