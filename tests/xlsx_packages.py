"""Hand-written xlsx packages for the patching tests (no library in between: the XML is what
Excel, LibreOffice and other writers put in real files)."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def write(path: Path, parts: dict[str, str | bytes]) -> Path:
    """A zip with ``parts`` (text encoded as UTF-8), in the given order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


def content_types(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> str:
    d = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
         "xml": "application/xml", **(defaults or {})}
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in d.items())
            + "".join(f'<Override PartName="/{p}" ContentType="{t}"/>'
                      for p, t in overrides.items()) + "</Types>")


def rels(items: list[tuple[str, str, str]]) -> str:
    return (DECL + f'<Relationships xmlns="{PKG_REL}">'
            + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in items)
            + "</Relationships>")


CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_BOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

#: Shared strings: plain, rich text with a space-only run, text with surrounding spaces.
SST = (DECL + f'<sst xmlns="{MAIN}" count="8" uniqueCount="8">'
       "<si><t>title</t></si><si><t>vat_id</t></si><si><t>registration_date</t></si>"
       "<si><t>email</t></si><si><t>lengte</t></si>"
       '<si><r><t>tval</t></r><r><rPr><b/><sz val="11"/></rPr><t>rval1</t></r>'
       '<r><t xml:space="preserve"> </t></r><r><rPr><i/></rPr><t>rval2</t></r></si>'
       '<si><t xml:space="preserve">  Bakkerij Janssen  </t></si>'
       "<si><t>info@janssen.be</t></si></sst>")

STYLES = (DECL + f'<styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="3"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill>'
          '<fill><patternFill patternType="solid"><fgColor theme="4" tint="0.3999"/>'
          "</patternFill></fill></fills>"
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
          "</borders>"
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
          "</cellStyleXfs>"
          '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
          'applyNumberFormat="1"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
          "</cellXfs>"
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
          "</cellStyles></styleSheet>")

#: Dates, a VAT number typed into a dd/mm/yyyy cell, rich text, formulas with cached results
#: (one a string), a boolean, an error, inline text with spaces, a cell without ``r``.
SHEET = (DECL + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:H5"/>'
         '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
         '<cols><col min="1" max="1" width="24" customWidth="1"/>'
         '<col min="3" max="3" width="12" style="1" customWidth="1"/></cols><sheetData>'
         '<row r="1" spans="1:5"><c r="A1" s="2" t="s"><v>0</v></c><c r="B1" s="2" t="s">'
         '<v>1</v></c><c r="C1" s="2" t="s"><v>2</v></c><c r="D1" s="2" t="s"><v>3</v></c>'
         '<c r="E1" s="2" t="s"><v>4</v></c></row>'
         '<row r="2" spans="1:8"><c r="A2" t="s"><v>6</v></c><c r="B2" s="1"><v>403019261</v>'
         '</c><c r="C2" s="1"><v>45292</v></c><c r="D2" t="s"><v>7</v></c>'
         '<c r="E2"><f>LEN(A2)</f><v>20</v></c><c r="F2" t="b"><v>1</v></c>'
         '<c r="G2" t="e"><v>#N/A</v></c><c r="H2" t="inlineStr"><is>'
         '<t xml:space="preserve"> twee  spaties </t></is></c></row>'
         '<row r="3" spans="1:5"><c r="A3" t="s"><v>5</v></c><c r="B3" s="3">'
         '<v>123456789</v></c><c s="1"><v>45000.5</v></c><c r="D3" t="inlineStr"><is>'
         "<t>contact@tech</t></is></c>"
         '<c r="E3" t="str"><f>UPPER(D3)</f><v>CONTACT@TECH</v></c></row>'
         '<row r="5" spans="1:5" ht="30" customHeight="1"><c r="B5" s="1"><v>0403019261</v>'
         '</c></row>'
         "</sheetData>"
         '<mergeCells count="1"><mergeCell ref="F5:G5"/></mergeCells>'
         '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
         'footer="0.3"/></worksheet>')

#: A second sheet nobody touches.
OTHER = (DECL + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
         "<is><t>niet aanraken</t></is></c></row></sheetData></worksheet>")


def transitional(path: Path) -> Path:
    """A workbook with two sheets, shared strings (rich text), styles and a defined name."""
    return write(path, {
        "[Content_Types].xml": content_types({
            "xl/workbook.xml": CT_BOOK, "xl/worksheets/sheet1.xml": CT_SHEET,
            "xl/worksheets/sheet2.xml": CT_SHEET, "xl/styles.xml": CT_STYLES,
            "xl/sharedStrings.xml": CT_SST}),
        "_rels/.rels": rels([("rId1", f"{REL}/officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": (DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                            '<sheet name="Klanten" sheetId="1" r:id="rId1"/>'
                            '<sheet name="Andere" sheetId="2" r:id="rId2"/></sheets>'
                            '<definedNames><definedName name="Lijst">Klanten!$A$1:$E$5'
                            "</definedName></definedNames></workbook>"),
        "xl/_rels/workbook.xml.rels": rels([
            ("rId1", f"{REL}/worksheet", "worksheets/sheet1.xml"),
            ("rId2", f"{REL}/worksheet", "worksheets/sheet2.xml"),
            ("rId3", f"{REL}/styles", "styles.xml"),
            ("rId4", f"{REL}/sharedStrings", "sharedStrings.xml")]),
        "xl/worksheets/sheet1.xml": SHEET,
        "xl/worksheets/sheet2.xml": OTHER,
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": SST,
    })


def strict(path: Path) -> Path:
    """The same workbook in Strict OOXML (other namespaces and relationship types)."""
    def s(text: str) -> str:
        return text.replace(MAIN, STRICT_MAIN).replace(REL, STRICT_REL)
    return write(path, {
        "[Content_Types].xml": content_types({
            "xl/workbook.xml": CT_BOOK, "xl/worksheets/sheet1.xml": CT_SHEET,
            "xl/styles.xml": CT_STYLES, "xl/sharedStrings.xml": CT_SST}),
        "_rels/.rels": rels([("rId1", f"{STRICT_REL}/officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": s(DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}" '
                             'conformance="strict"><sheets>'
                             '<sheet name="Klanten" sheetId="1" r:id="rId1"/></sheets>'
                             "</workbook>"),
        "xl/_rels/workbook.xml.rels": rels([
            ("rId1", f"{STRICT_REL}/worksheet", "worksheets/sheet1.xml"),
            ("rId3", f"{STRICT_REL}/styles", "styles.xml"),
            ("rId4", f"{STRICT_REL}/sharedStrings", "sharedStrings.xml")]),
        "xl/worksheets/sheet1.xml": s(SHEET),
        "xl/styles.xml": s(STYLES),
        "xl/sharedStrings.xml": s(SST),
    })


def minimal(path: Path) -> Path:
    """A minimal package: parts at the root, no styles, no shared strings, cells without
    ``r`` attributes (as some generators write them)."""
    sheet = (DECL + f'<worksheet xmlns="{MAIN}"><sheetData>'
             '<row><c t="inlineStr"><is><t>title</t></is></c><c t="inlineStr"><is><t>vat_id'
             "</t></is></c></row>"
             '<row><c t="inlineStr"><is><t>Bakkerij</t></is></c><c><v>123456789</v></c></row>'
             '<row><c t="inlineStr"><is><t>Tech NV</t></is></c><c t="inlineStr"><is>'
             "<t>0403019261</t></is></c></row></sheetData></worksheet>")
    return write(path, {
        "[Content_Types].xml": content_types({"workbook.xml": CT_BOOK,
                                              "sheet1.xml": CT_SHEET}),
        "_rels/.rels": rels([("rId1", f"{REL}/officeDocument", "workbook.xml")]),
        "workbook.xml": (DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                         '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "_rels/workbook.xml.rels": rels([("rId1", f"{REL}/worksheet", "sheet1.xml")]),
        "sheet1.xml": sheet,
    })


PIVOT_CACHE = (DECL + f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rId1" '
               'refreshOnLoad="1" recordCount="2"><cacheSource type="worksheet">'
               '<worksheetSource ref="A1:B3" sheet="Klanten"/></cacheSource>'
               '<cacheFields count="2"><cacheField name="title" numFmtId="0"><sharedItems/>'
               '</cacheField><cacheField name="vat_id" numFmtId="0"><sharedItems '
               'containsNumber="1"/></cacheField></cacheFields></pivotCacheDefinition>')
PIVOT_RECORDS = (DECL + f'<pivotCacheRecords xmlns="{MAIN}" count="0"/>')
PIVOT_TABLE = (DECL + f'<pivotTableDefinition xmlns="{MAIN}" name="Draaitabel1" cacheId="1" '
               'dataCaption="Waarden"><location ref="A3:B5" firstHeaderRow="1" '
               'firstDataRow="1" firstDataCol="1"/><pivotFields count="2"><pivotField '
               'axis="axisRow" showAll="0"><items count="1"><item t="default"/></items>'
               '</pivotField><pivotField dataField="1" showAll="0"/></pivotFields>'
               '<rowFields count="1"><field x="0"/></rowFields><dataFields count="1">'
               '<dataField name="Aantal" fld="1" subtotal="count"/></dataFields>'
               "</pivotTableDefinition>")


def add_pivot(path: Path, data_sheet: str = "Klanten") -> dict[str, bytes]:
    """Add a pivot cache and a pivot table on a new sheet to the workbook at ``path`` (which
    openpyxl wrote); returns the pivot parts."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    pivot = {
        "xl/pivotCache/pivotCacheDefinition1.xml": PIVOT_CACHE.encode(),
        "xl/pivotCache/pivotCacheRecords1.xml": PIVOT_RECORDS.encode(),
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": rels([
            ("rId1", f"{REL}/pivotCacheRecords", "pivotCacheRecords1.xml")]).encode(),
        "xl/pivotTables/pivotTable1.xml": PIVOT_TABLE.encode(),
        "xl/pivotTables/_rels/pivotTable1.xml.rels": rels([
            ("rId1", f"{REL}/pivotCacheDefinition",
             "../pivotCache/pivotCacheDefinition1.xml")]).encode(),
        "xl/worksheets/sheet99.xml": (DECL + f'<worksheet xmlns="{MAIN}"><sheetData/>'
                                      "</worksheet>").encode(),
        "xl/worksheets/_rels/sheet99.xml.rels": rels([
            ("rId1", f"{REL}/pivotTable", "../pivotTables/pivotTable1.xml")]).encode(),
    }
    ct = parts["[Content_Types].xml"].decode()
    base = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    ct = ct.replace("</Types>", "".join(
        f'<Override PartName="/{n}" ContentType="{base}{t}"/>' for n, t in (
            ("xl/pivotCache/pivotCacheDefinition1.xml", "pivotCacheDefinition+xml"),
            ("xl/pivotCache/pivotCacheRecords1.xml", "pivotCacheRecords+xml"),
            ("xl/pivotTables/pivotTable1.xml", "pivotTable+xml"),
            ("xl/worksheets/sheet99.xml", "worksheet+xml"))) + "</Types>")
    parts["[Content_Types].xml"] = ct.encode()
    wb_rels = parts["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>",
        f'<Relationship Id="rIdP1" Type="{REL}/pivotCacheDefinition" '
        'Target="pivotCache/pivotCacheDefinition1.xml"/>'
        f'<Relationship Id="rIdP2" Type="{REL}/worksheet" Target="worksheets/sheet99.xml"/>'
        "</Relationships>")
    parts["xl/_rels/workbook.xml.rels"] = wb_rels.encode()
    book = parts["xl/workbook.xml"].decode()
    r = f'xmlns:r="{REL}"'
    book = book.replace("</sheets>", f'<sheet {r} name="Draaitabel" sheetId="99" r:id="rIdP2"/>'
                        "</sheets>", 1)
    book = book.replace("</workbook>", f'<pivotCaches><pivotCache {r} cacheId="1" '
                        'r:id="rIdP1"/></pivotCaches></workbook>')
    parts["xl/workbook.xml"] = book.encode()
    parts.update(pivot)
    write(path, parts)
    return pivot
