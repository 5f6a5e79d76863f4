"""The NumNum Excel add-in, verified on Linux: what can be checked without Excel.

Independent readers are used wherever one exists: oletools (MS-OVBA decompression, VBA
extraction), olefile (compound file), lxml (ribbon schema), openxml-audit (Open XML SDK schema
data, whole package) and LibreOffice (imports the VBA project like an Office application).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from numnum_xl import __version__
from numnum_xl import addin_build as ab
from numnum_xl.commands import addin as addin_cmd

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "ribbon" / "schema"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@pytest.fixture(scope="module")
def xlam() -> bytes:
    return ab.build()


@pytest.fixture(scope="module")
def parts(xlam: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def template() -> ab.Template:
    return ab.read_template(ab.template_path().read_bytes())


@pytest.fixture(scope="module")
def ole(parts: dict[str, bytes]) -> olefile.OleFileIO:
    return olefile.OleFileIO(parts["xl/vbaProject.bin"], raise_defects=olefile.DEFECT_INCORRECT)


def normalise(code: str) -> str:
    """VBA code without Attribute lines, LF line endings, no trailing blank lines."""
    lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute ")).rstrip("\n")


# --- MS-OVBA compression ---------------------------------------------------------------------


def _inputs() -> list[tuple[str, bytes]]:
    rng = random.Random(20240601)
    prefix20 = bytes(rng.randrange(256) for _ in range(20))
    cases = [
        ("empty", b""),
        ("one byte", b"x"),
        ("short text", b"Sub A()\r\nEnd Sub\r\n"),
        ("run of 5000", b"a" * 5000),
        ("run of 12289 (3 chunks + 1)", b"b" * 12289),
        # the case ms-ovba-compression 1.0.1 corrupts: a match longer than the CopyToken can
        # say at position 20, (0xFFFF >> 5) + 3 = 2050, so it has to be split
        ("20 random bytes repeated to 4000", prefix20 * 200),
        ("100 random then 3000 x", bytes(rng.randrange(256) for _ in range(100)) + b"x" * 3000),
        ("random 3 full chunks (raw chunks)", bytes(rng.randrange(256) for _ in range(3 * 4096))),
        ("random 5000", bytes(rng.randrange(256) for _ in range(5000))),
        ("long repeat across chunks", (b"0123456789abcdef" * 700)[:11111]),
    ]
    for i in range(150):  # random mixes of literals and repeats of earlier data
        data = bytearray()
        for _ in range(rng.randrange(1, 40)):
            if data and rng.random() < 0.6:
                start = rng.randrange(len(data))
                length = rng.choice((3, 4, 17, 300, 2100, 5000))
                data += (data[start:] * (length // max(1, len(data) - start) + 1))[:length]
            else:
                data += bytes(rng.randrange(rng.choice((4, 256))) for _ in range(rng.randrange(50)))
        cases.append((f"mix {i}", bytes(data[:30000])))
    return cases


def test_compress_roundtrips_through_oletools() -> None:
    for name, data in _inputs():
        packed = ab.compress(data)
        assert decompress_stream(bytearray(packed)) == data, name
        assert ab.decompress(packed) == data, name


def test_long_match_is_split_at_the_spec_maximum() -> None:
    """(0xFFFF >> bits) + 3, not 0xFFFF << bits + 3 (the bug in ms-ovba-compression 1.0.1)."""
    assert [ab.max_copy_length(p) for p in (1, 16, 17, 20, 2049, 4095)] == [
        4098, 4098, 2050, 2050, 18, 18]
    data = bytes(range(20)) * 200
    assert len(data) - 20 > ab.max_copy_length(20)
    assert decompress_stream(bytearray(ab.compress(data))) == data


def test_incompressible_short_last_chunk_is_refused() -> None:
    data = random.Random(1).randbytes(4000)
    with pytest.raises(ValueError):
        ab.compress(data)


def test_decompress_agrees_with_oletools_on_excel_written_streams() -> None:
    raw = olefile.OleFileIO(
        zipfile.ZipFile(ab.template_path()).read("xl/vbaProject.bin"))
    for storage, name in (e for e in raw.listdir() if e[0] == "VBA"):
        if name != "_VBA_PROJECT":
            data = raw.openstream(f"{storage}/{name}").read()
            data = data[0 if name == "dir" else _text_offset(raw, name):]  # skip any p-code
            assert ab.decompress(data) == decompress_stream(bytearray(data)), name


def _text_offset(ole: olefile.OleFileIO, module: str) -> int:
    records = ab.parse_dir_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    name = None
    for rec_id, payload in records:
        if rec_id == 0x19:
            name = payload.decode("cp1252")
        if rec_id == 0x31 and name == module:
            return struct.unpack("<I", payload)[0]
    raise KeyError(module)


# --- PROJECT stream encryption (MS-OVBA 2.4.3) -----------------------------------------------


def test_project_data_encryption_reproduces_excel_bytes() -> None:
    """Decrypt the template's CMG/DPB/GC, encrypt again with the same seed: same text."""
    ole = olefile.OleFileIO(zipfile.ZipFile(ab.template_path()).read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    project_id = re.search(r'^ID="(.*)"', text, re.M)[1]
    values = dict(re.findall(r'^(CMG|DPB|GC)="(.*)"', text, re.M))
    assert ab.decrypt_project_data(project_id, values["CMG"]) == ab.NOT_PROTECTED
    assert ab.decrypt_project_data(project_id, values["DPB"]) == ab.NO_PASSWORD
    assert ab.decrypt_project_data(project_id, values["GC"]) == ab.VISIBLE
    for key, plain in (("CMG", ab.NOT_PROTECTED), ("GC", ab.VISIBLE)):
        seed = bytes.fromhex(values[key])[0]
        n = (seed & 6) // 2
        matches = [i for i in range(256 ** n)
                   if ab.encrypt_project_data(project_id, plain, seed, i.to_bytes(n, "little"))
                   == values[key]]
        assert matches, key


# --- the package --------------------------------------------------------------------------


def test_package_is_a_macro_enabled_addin(parts: dict[str, bytes]) -> None:
    types = ET.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT_NS}Override")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT_NS}Default")}
    assert overrides["/xl/workbook.xml"] == ab.CT_ADDIN
    assert overrides["/xl/vbaProject.bin"] == ab.CT_VBA
    assert defaults["xml"] == "application/xml"  # the customUI14 part's content type
    for part in overrides:
        assert part.lstrip("/") in parts, part
    for name in parts:  # every part has a content type
        assert "/" + name in overrides or name.rsplit(".", 1)[-1] in defaults, name


def _rels(parts: dict[str, bytes], rels_part: str) -> dict[str, str]:
    base = rels_part.replace("_rels/", "").removesuffix(".rels").rpartition("/")[0]
    return {r.get("Type"): "/".join(filter(None, (base, r.get("Target"))))
            for r in ET.fromstring(parts[rels_part]).iter(f"{PKG_REL_NS}Relationship")}


def test_relationships_point_at_existing_parts(parts: dict[str, bytes]) -> None:
    root = _rels(parts, "_rels/.rels")
    assert root[ab.REL_CUSTOMUI14] == ab.CUSTOMUI_PART
    assert "customUI/customUI.xml" not in parts  # the template's Office 2007 ribbon is gone
    workbook = _rels(parts, "xl/_rels/workbook.xml.rels")
    assert workbook[ab.REL_VBA] == "xl/vbaProject.bin"
    for rels in ("_rels/.rels", "xl/_rels/workbook.xml.rels"):
        for target in _rels(parts, rels).values():
            assert target in parts, target


def test_zip_members_are_fixed(xlam: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == list(ab.PART_ORDER)
    assert {(i.date_time, i.compress_type, i.create_system) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_STORED, 0)}


def test_build_is_reproducible_and_shipped_copy_is_current(xlam: bytes) -> None:
    assert ab.build() == xlam
    assert ab.SHIPPED.read_bytes() == xlam, (
        "numnum_xl/data/numnum.xlam is stale: run `numnum-xl addin build`")


def test_config_sheet_is_renamed(parts: dict[str, bytes]) -> None:
    workbook = parts["xl/workbook.xml"].decode()
    assert '<sheet name="_numnum.conf"' in workbook
    assert "felix" not in workbook.lower()


def test_refuses_another_xlwings(monkeypatch: pytest.MonkeyPatch) -> None:
    import xlwings

    monkeypatch.setattr(xlwings, "__version__", "0.0.1")
    with pytest.raises(ab.BuildError, match=re.escape(ab.XLWINGS_VERSION)):
        ab.check_xlwings()
    assert ab.check_xlwings(strict=False)


# --- the ribbon ---------------------------------------------------------------------------


def test_ribbon_part_is_the_source_with_the_version(parts: dict[str, bytes]) -> None:
    source = ab.RIBBON_XML.read_text(encoding="utf-8")
    assert ab.VERSION_TOKEN in source
    assert parts[ab.CUSTOMUI_PART] == ab.render_ribbon(source, __version__)
    root = ET.fromstring(parts[ab.CUSTOMUI_PART])
    assert root.tag == f"{{{ab.CUSTOMUI14_NS}}}customUI"
    tabs = root.findall(f".//{{{ab.CUSTOMUI14_NS}}}tab")
    assert [t.get("label") for t in tabs] == ["NumNum"]
    assert f"Versie {__version__}" in [b.label for b in ab.ribbon_buttons(parts[ab.CUSTOMUI_PART])]


def test_ribbon_buttons_are_complete() -> None:
    buttons = ab.ribbon_buttons(ab.RIBBON_XML.read_bytes())
    ids = [b.id for b in buttons]
    assert ids == ab.ribbon_button_ids()
    assert len(set(ids)) == len(ids)
    for b in buttons:
        assert re.fullmatch(r"nn[A-Z][A-Za-z]+", b.id), b.id  # safe inside the Python command
        assert b.on_action == ab.RIBBON_CALLBACK, b.id
        assert b.label and b.screentip and b.supertip and b.image_mso, b.id


def test_ribbon_validates_against_subset_schema(parts: dict[str, bytes]) -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "customUI14-subset.xsd")))
    schema.assertValid(etree.fromstring(parts[ab.CUSTOMUI_PART]))
    broken = parts[ab.CUSTOMUI_PART].replace(b'size="large"', b'size="huge"', 1)
    assert not schema.validate(etree.fromstring(broken))


#: SHA-256 of Microsoft's customUI14.xsd as published in OfficeDev/office-custom-ui-editor
#: (Schemas/customui14.xsd, commit 0587abbaa3c13776d4adbef58fd9814f32c00683): it stays unchanged.
CUSTOMUI14_SHA256 = "c912e38f6938d79af9d1dc83a05077510f7bb407da386a52e7cfcb13e8afdfd5"


def test_ribbon_validates_against_official_schema(parts: dict[str, bytes]) -> None:
    """Microsoft's own customUI14.xsd, unchanged, loaded by xmlschema (lxml refuses it)."""
    import hashlib

    import xmlschema

    xsd = SCHEMA_DIR / "customUI14.xsd"
    assert hashlib.sha256(xsd.read_bytes()).hexdigest() == CUSTOMUI14_SHA256
    schema = xmlschema.XMLSchema(str(xsd))
    schema.validate(parts[ab.CUSTOMUI_PART].decode("utf-8"))
    for broken in (parts[ab.CUSTOMUI_PART].replace(b'size="large"', b'size="huge"', 1),
                   parts[ab.CUSTOMUI_PART].replace(b"<tabs>", b"<tabs><knop/>", 1),
                   parts[ab.CUSTOMUI_PART].replace(b'id="nnValidate"', b'id="nnHelp"', 1)):
        assert not schema.is_valid(broken.decode("utf-8"))


def test_package_passes_open_xml_sdk_validation(xlam: bytes, tmp_path: Path) -> None:
    """openxml-audit ports the Open XML SDK validator, with its 2009/07 customui schema data."""
    audit = pytest.importorskip("openxml_audit", reason="openxml-audit is not installed")
    path = tmp_path / "numnum.xlam"
    path.write_bytes(xlam)
    result = audit.OpenXmlValidator().validate(str(path))
    assert result.is_valid, [str(e) for e in result.errors]
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        bad = {n: zf.read(n) for n in zf.namelist()}
    bad[ab.CUSTOMUI_PART] = bad[ab.CUSTOMUI_PART].replace(b'size="large"', b'size="huge"', 1)
    path.write_bytes(ab.zip_parts(bad))
    assert not audit.OpenXmlValidator().validate(str(path)).is_valid  # it does read customUI14


def test_every_on_action_names_a_ribbon_sub() -> None:
    subs = set()
    for bas in ab.VBA_SOURCES.glob("*.bas"):
        subs |= set(re.findall(r"^(?:Public )?Sub (\w+)\(control As IRibbonControl\)\s*$",
                               bas.read_text(encoding="cp1252"), re.M))
    for b in ab.ribbon_buttons(ab.RIBBON_XML.read_bytes()):
        assert b.on_action in subs, b.on_action


# --- the VBA project ----------------------------------------------------------------------


def test_olevba_extracts_exactly_our_sources(xlam: bytes, template: ab.Template) -> None:
    parser = VBA_Parser("numnum.xlam", data=xlam)
    found = {Path(vba_filename).stem: code
             for _, _, vba_filename, code in parser.extract_macros()}
    parser.close()
    expected = {m.name: m.source for m in template.modules if m.name != "RibbonMyAddin"}
    for old, new in ab.XLWINGS_PATCHES:
        expected["xlwings"] = expected["xlwings"].replace(old, new)
    for bas in ab.VBA_SOURCES.glob("*.bas"):
        expected[bas.stem] = bas.read_text(encoding="cp1252")
    assert set(found) == set(expected)
    for name, code in expected.items():
        assert normalise(found[name]) == normalise(code), name
    # and the xlwings module differs from xlwings' own in the patched lines only
    template_lines = next(m for m in template.modules if m.name == "xlwings").source.splitlines()
    ours = found["xlwings"].splitlines()
    assert [a for a, b in zip(template_lines, ours, strict=True) if a != b] == [
        old for old, _ in ab.XLWINGS_PATCHES]


def test_project_streams_agree(ole: olefile.OleFileIO) -> None:
    records = ab.parse_dir_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    names = [p.decode("cp1252") for r, p in records if r == 0x19]
    assert [p for r, p in records if r == 0x31] == [bytes(4)] * len(names)  # source only
    assert [p for r, p in records if r == 0x2C] == [b"\xff\xff"] * len(names)
    assert dict(records)[0x04] == b"NumNum"
    assert ole.openstream("VBA/_VBA_PROJECT").read()[2:4] == b"\xff\xff"  # compile from source
    streams = {e[1] for e in ole.listdir() if e[0] == "VBA"} - {"dir", "_VBA_PROJECT"}
    assert streams == set(names)
    project = ole.openstream("PROJECT").read().decode("cp1252")
    listed = re.findall(r"^(?:Document|Module|Class)=(\w+)", project, re.M)
    assert listed == names
    wm = ole.openstream("PROJECTwm").read()
    assert wm == ab.projectwm_stream([ab.Module(n, "module", "") for n in names])
    values = dict(re.findall(r'^(CMG|DPB|GC)="(.*)"', project, re.M))
    assert ab.decrypt_project_data(ab.PROJECT_ID, values["CMG"]) == ab.NOT_PROTECTED
    assert ab.decrypt_project_data(ab.PROJECT_ID, values["DPB"]) == ab.NO_PASSWORD
    assert ab.decrypt_project_data(ab.PROJECT_ID, values["GC"]) == ab.VISIBLE


def _check_red_black(ole: olefile.OleFileIO) -> None:
    entries = ole.direntries

    def walk(sid: int) -> tuple[int, list[str]]:
        if sid == olefile.NOSTREAM:
            return 1, []
        e = entries[sid]
        lh, left = walk(e.sid_left)
        rh, right = walk(e.sid_right)
        assert lh == rh, "black height differs"
        for child in (e.sid_left, e.sid_right):
            if child != olefile.NOSTREAM:
                assert not (e.color == 0 and entries[child].color == 0), "red node, red child"
        return lh + e.color, [*left, e.name, *right]

    for storage in [e for e in entries if e is not None and e.entry_type in (1, 5)]:
        _, names = walk(storage.sid_child)
        keys = [(len(n), n.upper()) for n in names]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_compound_file_is_well_formed(ole: olefile.OleFileIO) -> None:
    _check_red_black(ole)


def test_write_cfb_many_streams() -> None:
    rng = random.Random(7)
    streams = {f"S/{i:02d}{'x' * (i % 5)}": rng.randbytes(rng.choice((0, 1, 63, 64, 4095,
                                                                         4096, 9000)))
               for i in range(37)}
    streams["TOP"] = b"top"
    ole = olefile.OleFileIO(ab.write_cfb(streams), raise_defects=olefile.DEFECT_INCORRECT)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data, path
    _check_red_black(ole)


# --- LibreOffice, an independent Office-type reader ---------------------------------------


def test_libreoffice_imports_every_module(xlam: bytes, template: ab.Template,
                                          tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if not soffice:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("NUMNUM_XL_REQUIRE_SOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    src = tmp_path / "numnum.xlam"
    src.write_bytes(xlam)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir",
         str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "numnum.ods") as ods:
        basic = {Path(n).stem: ods.read(n) for n in ods.namelist()
                 if n.startswith("Basic/NumNum/") and not n.endswith("script-lb.xml")}
    modules = ab.vba_modules(template, [p.read_text(encoding="cp1252")
                                        for p in sorted(ab.VBA_SOURCES.glob("*.bas"))])
    assert set(basic) == {m.name for m in modules}
    lo_type = {"module": "normal", "class": "class", "document": "document"}
    for m in modules:
        root = ET.fromstring(basic[m.name])
        assert root.get("{http://openoffice.org/2000/script}moduleType") == lo_type[m.kind]
        text = "\n".join(line for line in (root.text or "").split("\n")
                         if not line.startswith(("Rem Attribute VBA_ModuleType=",
                                                 "Option VBASupport 1", "Option ClassModule")))
        assert normalise(text) == normalise(m.source), m.name


# --- the command --------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="numnum-xl")
    addin_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_build_and_check(tmp_path: Path, xlam: bytes) -> None:
    out = tmp_path / "x.xlam"
    assert _run(["addin", "build", "--out", str(out)]) == 0
    assert out.read_bytes() == xlam
    assert _run(["addin", "build", "--check"]) == 0
    out.write_bytes(b"old")
    assert _run(["addin", "build", "--check", "--out", str(out)]) == 1


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Linux behaviour")
def test_cli_install_without_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["addin", "install"]) == 2
    assert "niet beschikbaar" in capsys.readouterr().err
    assert _run(["addin", "install", "--dir", str(tmp_path), "--no-config"]) == 0
    assert (tmp_path / "numnum.xlam").read_bytes() == ab.SHIPPED.read_bytes()


def test_install_paths_and_config() -> None:
    home = Path("/h")
    win = addin_cmd.default_startup_dir("win32", {"APPDATA": r"C:\U\AppData\Roaming"}, home)
    assert str(win).replace("\\", "/").endswith("Microsoft/Excel/XLSTART")
    assert addin_cmd.user_config_path("win32", {"USERPROFILE": "/u"}, home) == Path(
        "/u/.numnum/numnum.conf")
    assert addin_cmd.interpreter_settings("win32", r"C:\py\python.exe", {}) == {
        "INTERPRETER_WIN": r"C:\py\python.exe"}
    conda = {"CONDA_DEFAULT_ENV": "nn", "CONDA_EXE": "/c/Scripts/conda.exe"}
    assert addin_cmd.interpreter_settings("win32", "x", conda) == {
        "CONDA PATH": str(Path("/c")), "CONDA ENV": "nn"}
    assert addin_cmd.config_text("", {"INTERPRETER_MAC": "/p"}) == '"INTERPRETER_MAC","/p"\n'
