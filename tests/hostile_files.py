"""Generators of hostile files for the fault suite (tests/test_hostile.py).

Every file is made here, from code: a workbook with a value in the last cell of the grid, a
shared-strings part that claims four billion strings, a cell reference beyond the grid, a date
that calamine cannot represent, text in the wrong code page, an unclosed quote, files that are
some other format than their name says, a workbook encrypted with Excel's default password,
zip part names written with backslashes or in another letter case, and an OpenDocument sheet.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

ROWS = [["title", "last_name", "first_name"], ["Bakkerij Janssen", "Janssen", "Jan"],
        ["Slagerij Peeters", "Peeters", "An"]]


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def minimal_xlsx(rows: Iterable[Iterable[str]], *, unique_count: int | None = None,
                 extra_cells: str = "", names: dict[str, str] | None = None,
                 rels_sst_target: str = "sharedStrings.xml") -> bytes:
    """An .xlsx written by hand with shared strings (openpyxl writes inline strings).

    ``names`` renames parts in the zip (e.g. to backslashes or another letter case);
    ``extra_cells`` is raw XML appended to the last row.
    """
    strings: list[str] = []
    sheet_rows = []
    rows = [list(r) for r in rows]
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, value in enumerate(row, start=1):
            strings.append(value)
            cells.append(f'<c r="{_col(j)}{i}" t="s"><v>{len(strings) - 1}</v></c>')
        extra = extra_cells if i == len(rows) else ""
        sheet_rows.append(f'<row r="{i}">{"".join(cells)}{extra}</row>')
    count = unique_count if unique_count is not None else len(strings)
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName'
            '="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target'
            '="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Klanten" sheetId="1" r:id='
            '"rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/sharedStrings" Target="'
            f'{rels_sst_target}"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + "".join(sheet_rows) + "</sheetData></worksheet>",
        "xl/sharedStrings.xml":
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr((names or {}).get(name, name), text)
    return out.getvalue()


def minimal_ods(rows: Iterable[Iterable[str]]) -> bytes:
    """An OpenDocument spreadsheet with one table."""
    body = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
            "</table:table-cell>" for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Klanten">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type'
        '="text/xml"/></manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def openpyxl_book(path: Path, rows=ROWS, **cells) -> Path:
    """A workbook by openpyxl with ``rows`` and extra ``cells`` (ref -> value or
    (value, number_format))."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Klanten"
    for row in rows:
        ws.append(list(row))
    for ref, value in cells.items():
        if isinstance(value, tuple):
            ws[ref] = value[0]
            ws[ref].number_format = value[1]
        else:
            ws[ref] = value
    wb.save(path)
    return path


def encrypted_default_password(plain: bytes) -> bytes:
    """``plain`` (an .xlsx) encrypted with Excel's default password (msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("VelvetSweatshop", out)
    return out.getvalue()


def encrypted_real_password(plain: bytes, password: str = "geheim") -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


CSV_HEADER = "title;last_name;first_name;address_city\r\n"


def csv_files() -> dict[str, bytes]:
    """Text files: name -> bytes."""
    body = "".join(f"Klant {i};Naam {i};Voornaam;Gent\r\n" for i in range(1, 6))
    utf8 = (CSV_HEADER + "Brasserie Zoë;Janssen;Jan;Liège\r\n" + body).encode("utf-8")
    one_bad = utf8.replace("Liège".encode(), b"Li\xe8ge", 1)  # one cp1252 byte in UTF-8
    mac = (CSV_HEADER + "Brasserie Zoë;Janssen;Jan;Gent\r\n" + body).encode("mac_roman")
    moji = (CSV_HEADER + "Brasserie ZoÃ«;Janssen;Jan;Gent\r\n" + body).encode("utf-8")
    lines = [CSV_HEADER] + [f"Klant {i};Naam {i};Voornaam;Gent\r\n" for i in range(1, 6)]
    lines[2] = 'Klant 2;"Naam 2;Voornaam;Gent\r\n'  # the quote is never closed
    unclosed = "".join(lines).encode("utf-8")
    pipe = "title|last_name|first_name\r\nBakkerij|Janssen|Jan\r\nSlagerij|Peeters|An\r\n"
    sylk = "ID;PWXL;N;E\r\nC;Y1;X1;K\"title\"\r\nC;X2;K\"last_name\"\r\nE\r\n"
    dif = 'TABLE\r\n0,1\r\n"EXCEL"\r\nVECTORS\r\n0,2\r\n""\r\nTUPLES\r\n0,2\r\n""\r\nDATA\r\n'
    prn = ("title            last_name   first_name\r\n"
           "Bakkerij Janssen Janssen     Jan\r\n"
           "Slagerij Peeters Peeters     An\r\n")
    json_text = '[{"title": "Bakkerij", "last_name": "Janssen"}]'
    stub = "Attachment not found. The file was removed by the mail server.\r\n"
    return {"one_bad_byte.csv": one_bad, "macroman.csv": mac, "mojibake.csv": moji,
            "unclosed.csv": unclosed, "pipe.csv": pipe.encode(), "sylk.csv": sylk.encode(),
            "dif.csv": dif.encode(), "prn.txt": prn.encode(), "json.csv": json_text.encode(),
            "stub.xls": stub.encode()}


def generate(folder: Path) -> dict[str, Path]:
    """Write every hostile file into ``folder``; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        out[name] = folder / name

    out["far_cell.xlsx"] = openpyxl_book(folder / "far_cell.xlsx", XFD1048576=" ")
    out["negative_date.xlsx"] = openpyxl_book(folder / "negative_date.xlsx",
                                              D2=(-3e11, "dd/mm/yyyy"), D1="vat_id")
    put("sst_4g.xlsx", minimal_xlsx(ROWS, unique_count=4294967295))
    put("beyond_grid.xlsx", minimal_xlsx(
        ROWS, extra_cells='<c r="A99999999999" t="s"><v>0</v></c>'))
    put("backslashes.xlsx", minimal_xlsx(ROWS, names={
        "xl/workbook.xml": "xl\\workbook.xml", "xl/_rels/workbook.xml.rels":
        "xl\\_rels\\workbook.xml.rels", "xl/worksheets/sheet1.xml":
        "xl\\worksheets\\sheet1.xml", "xl/sharedStrings.xml": "xl\\sharedStrings.xml"}))
    put("sst_case.xlsx", minimal_xlsx(ROWS, names={"xl/sharedStrings.xml":
                                                   "xl/SharedStrings.xml"}))
    plain = (folder / "far_cell.xlsx").read_bytes()
    import openpyxl

    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.title = "Klanten"
    for row in ROWS:
        wb.active.append(row)
    wb.save(buf)
    plain = buf.getvalue()
    put("velvet.xlsx", encrypted_default_password(plain))
    put("password.xlsx", encrypted_real_password(plain))
    put("sheet.ods", minimal_ods(ROWS))
    for name, data in csv_files().items():
        put(name, data)
    return out


if __name__ == "__main__":  # pragma: no cover
    import sys

    for name, path in generate(Path(sys.argv[1])).items():
        print(name, path.stat().st_size)
