"""Build the NumNum Excel add-in (``numnum.xlam``) from text sources, on any OS.

Inputs: the ribbon XML (``ribbon/customUI.xml``), the VBA modules in ``addin/*.bas`` and
xlwings' own ``quickstart_addin_ribbon.xlam`` (the template ``xlwings quickstart NAME --addin
--ribbon`` copies), taken from the installed xlwings, which must be version
:data:`XLWINGS_VERSION`. Output: the bytes of ``numnum.xlam``, the same bytes on every run and
every machine (stored zip members, fixed timestamps, fixed member order, fixed GUIDs).

What the build does to the template (see ``addin/README.md`` for the why):

* the VBA project (``xl/vbaProject.bin``, an MS-CFB compound file) is written anew: the
  template's document modules, its ``Dictionary`` class and its ``xlwings`` module (only the
  ``PROJECT_NAME`` constant changed, as xlwings' docs say to do when renaming a custom add-in),
  plus every ``addin/*.bas``; the example module ``RibbonMyAddin`` is dropped. Every module
  stream holds compressed source only (MS-OVBA 2.3.4.3 with offset 0, no p-code) and
  ``_VBA_PROJECT`` says version 0xFFFF, so Excel compiles the project from source on load;
* the ribbon moves to ``customUI/customUI14.xml`` (Office 2010+ schema);
* the add-in's config sheet ``_myaddin.conf`` becomes ``_numnum.conf`` (disabled, as shipped).

The functions are pure (bytes in, bytes out) except :func:`template_path`,
:func:`check_xlwings`, :func:`ribbon_button_ids`, :func:`build` and :func:`write`, which read the
installed xlwings or this source tree. The compound-file writer is our own small one
(:func:`write_cfb`) rather than ``cfbwrite``, which is AGPL-3.0 (numnum-xl is MIT).

>>> decompress(compress(b"abcabcabcabc" * 3)) == b"abcabcabcabc" * 3
True
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

#: The xlwings release whose template and VBA this add-in is built from. The Python that Excel
#: runs must have the same xlwings (on macOS RunPython calls ``xlwings-<version>.applescript``).
XLWINGS_VERSION = "0.37.8"
#: SHA-256 of ``quickstart_addin_ribbon.xlam`` as shipped in xlwings 0.37.8.
TEMPLATE_SHA256 = "43010e1abd6e7a48b4693367f062196654a21c256683dccbaec810df7a6f4dbb"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"

#: Name of the VBA project.
PROJECT_NAME = "NumNum"
#: The xlwings ``PROJECT_NAME`` (config names): ``%USERPROFILE%\\.numnum\\numnum.conf``, a
#: ``numnum.conf`` sheet in the workbook or the add-in, a ``numnum.conf`` beside the workbook.
CONFIG_NAME = "numnum"
#: Fixed project CLSID (uuid5 of the package URL), so the build needs no randomness.
PROJECT_ID = "{47295515-DA6B-5E22-9519-BA6AD8D0604D}"
#: Seed byte of the PROJECT stream's data encryption (MS-OVBA 2.4.3); any fixed value works.
ENCRYPTION_SEED = 0x4E
#: The one ribbon callback every button uses (a Sub in ``addin/NumNumRibbon.bas``).
RIBBON_CALLBACK = "OnNumNumButton"
#: Replaced by ``numnum_xl.__version__`` in the ribbon XML.
VERSION_TOKEN = "@VERSION@"

CUSTOMUI14_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
REL_CUSTOMUI14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"

REPO_ROOT = Path(__file__).resolve().parent.parent
RIBBON_XML = REPO_ROOT / "ribbon" / "customUI.xml"
VBA_SOURCES = REPO_ROOT / "addin"
SHIPPED = Path(__file__).resolve().parent / "data" / "numnum.xlam"

CODEPAGE = "cp1252"  # the template's PROJECTCODEPAGE (1252); checked when reading it


class BuildError(Exception):
    """The add-in cannot be built from these inputs (message says why)."""


# --------------------------------------------------------------------------------------------
# MS-OVBA 2.4.1: compression. Chunks of 4096 bytes; in each, a flag byte precedes every 8
# tokens; a token is a literal byte or a 2-byte CopyToken (offset, length) into the chunk.
# --------------------------------------------------------------------------------------------

CHUNK = 4096


def _copy_token_bits(position: int) -> int:
    """Bits of a CopyToken that hold the offset at ``position`` in the chunk (2.4.1.3.19.1).

    >>> [_copy_token_bits(p) for p in (1, 16, 17, 2048, 2049, 4095)]
    [4, 4, 5, 11, 12, 12]
    """
    return max((position - 1).bit_length(), 4)


def max_copy_length(position: int) -> int:
    """Longest match a CopyToken can say at ``position``: ``(0xFFFF >> bits) + 3``.

    >>> max_copy_length(1), max_copy_length(20), max_copy_length(4095)
    (4098, 2050, 18)
    """
    return (0xFFFF >> _copy_token_bits(position)) + 3


#: How many earlier positions with the same first 3 bytes the match search looks at (like
#: zlib's chain limit); bounds the time on long runs without hurting VBA text.
MAX_CHAIN = 256


def _compress_chunk(chunk: bytes) -> bytes:
    """Tokens of one chunk: at each position the longest match a CopyToken can say there,
    the nearest of equally long ones, among the last :data:`MAX_CHAIN` candidates."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions having it
    indexed = 0  # positions < indexed are in ``heads``
    pos, end = 0, len(chunk)
    while pos < end:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            while indexed < pos:
                heads.setdefault(chunk[indexed:indexed + 3], []).append(indexed)
                indexed += 1
            limit = min(max_copy_length(pos), end - pos) if pos else 0
            best_len, best_at = 0, 0
            for cand in reversed(heads.get(chunk[pos:pos + 3], [])[-MAX_CHAIN:]):
                if limit < 3:
                    break
                n = 3
                while n < limit and chunk[cand + n] == chunk[pos + n]:
                    n += 1
                if n > best_len:
                    best_len, best_at = n, cand
                    if n == limit:
                        break
            if best_len >= 3:
                bits = _copy_token_bits(pos)
                token = ((pos - best_at - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                out[flag_at] |= 1 << bit
                pos += best_len
            else:
                out.append(chunk[pos])
                pos += 1
    return bytes(out)


def compress(data: bytes) -> bytes:
    """MS-OVBA CompressedContainer of ``data``.

    A chunk whose tokens would not fit in 4096 bytes is stored raw (flag 0), which the format
    allows only for a full 4096-byte chunk: a shorter incompressible last chunk has no exact
    encoding and raises :class:`ValueError` (VBA source text never gets there).

    >>> compress(b"aaaaaaaaaaaa").hex()  # literal "a", then copy 11 bytes from offset 1
    '0103b002610800'
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
        elif len(chunk) == CHUNK:
            out += struct.pack("<H", 0x3FFF) + chunk
        else:
            raise ValueError("incompressible final chunk shorter than 4096 bytes")
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Inverse of :func:`compress` for any valid CompressedContainer (MS-OVBA 2.4.1.3.1).

    >>> decompress(bytes.fromhex("0103b002610800"))
    b'aaaaaaaaaaaa'
    """
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        size = (header & 0x0FFF) + 3
        if header & 0x7000 != 0x3000:
            raise ValueError(f"bad chunk signature at {pos}")
        chunk_end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                bits = _copy_token_bits(len(out) - start)
                offset = (token >> (16 - bits)) + 1
                for _ in range((token & (0xFFFF >> bits)) + 3):
                    out.append(out[-offset])
    return bytes(out)


# --------------------------------------------------------------------------------------------
# MS-OVBA 2.4.3: the PROJECT stream's CMG, DPB and GC values (protection state, password,
# visibility) are "encrypted" with a key derived from the project ID.
# --------------------------------------------------------------------------------------------


def _project_key(project_id: str) -> int:
    return sum(project_id.encode(CODEPAGE)) & 0xFF


def encrypt_project_data(project_id: str, data: bytes, seed: int = ENCRYPTION_SEED,
                         ignored: bytes | None = None) -> str:
    """Hex text for CMG/DPB/GC (2.4.3.2). ``ignored``: the (seed & 6) // 2 filler bytes.

    >>> t = encrypt_project_data(PROJECT_ID, b"\\xff")
    >>> decrypt_project_data(PROJECT_ID, t)
    b'\\xff'
    """
    key = _project_key(project_id)
    n_ignored = (seed & 6) // 2
    if ignored is None:
        ignored = bytes([seed]) * n_ignored
    if len(ignored) != n_ignored:
        raise ValueError("ignored must have (seed & 6) // 2 bytes")
    plain = ignored + struct.pack("<I", len(data)) + data
    enc = bytearray([seed, seed ^ 2, seed ^ key])
    unenc_prev, enc_prev2 = key, enc[1]  # byte before, and the encrypted byte 2 back
    for b in plain:
        e = b ^ ((enc_prev2 + unenc_prev) & 0xFF)
        enc_prev2 = enc[-1]
        enc.append(e)
        unenc_prev = b
    return enc.hex().upper()


def decrypt_project_data(project_id: str | None, text: str) -> bytes:
    """The data inside a CMG/DPB/GC value (2.4.3.3); checks the project key if an ID is given."""
    enc = bytes.fromhex(text)
    seed = enc[0]
    if enc[1] ^ seed != 2:
        raise ValueError("unknown encryption version")
    key = enc[2] ^ seed
    if project_id is not None and key != _project_key(project_id):
        raise ValueError("project key does not match the project ID")
    plain = bytearray()
    unenc_prev, enc_prev2 = key, enc[1]
    for i in range(3, len(enc)):
        b = enc[i] ^ ((enc_prev2 + unenc_prev) & 0xFF)
        enc_prev2 = enc[i - 1]
        plain.append(b)
        unenc_prev = b
    n_ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, n_ignored)
    data = bytes(plain[n_ignored + 4:])
    if len(data) != length:
        raise ValueError("length does not match the data")
    return data


# --------------------------------------------------------------------------------------------
# The VBA project: modules, the dir stream (2.3.4.2), PROJECT (2.3.1) and PROJECTwm (2.3.3).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    """One VBA module: ``kind`` is ``"module"``, ``"class"`` or ``"document"``."""

    name: str
    kind: str
    source: str  # CRLF line endings, ``Attribute`` lines included, as Excel stores it
    docstring: str = ""


def _record(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def parse_dir_records(dir_data: bytes) -> list[tuple[int, bytes]]:
    """The (id, payload) records of a decompressed dir stream, in order."""
    records, pos = [], 0
    while pos < len(dir_data):
        rec_id, size = struct.unpack_from("<HI", dir_data, pos)
        if rec_id == 0x0009:  # PROJECTVERSION: the size field is reserved (4), data is 6 bytes
            size = 6
        records.append((rec_id, dir_data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return records


def _module_records(module: Module) -> bytes:
    name, uname = module.name.encode(CODEPAGE), module.name.encode("utf-16-le")
    doc, udoc = module.docstring.encode(CODEPAGE), module.docstring.encode("utf-16-le")
    return b"".join((
        _record(0x19, name), _record(0x47, uname),   # MODULENAME, MODULENAMEUNICODE
        _record(0x1A, name), _record(0x32, uname),   # MODULESTREAMNAME (+ unicode)
        _record(0x1C, doc), _record(0x48, udoc),     # MODULEDOCSTRING (+ unicode)
        _record(0x31, struct.pack("<I", 0)),         # MODULEOFFSET: source only, no p-code
        _record(0x1E, struct.pack("<I", 0)),         # MODULEHELPCONTEXT
        _record(0x2C, struct.pack("<H", 0xFFFF)),    # MODULECOOKIE: 0xFFFF on write
        _record(0x21 if module.kind == "module" else 0x22, b""),  # MODULETYPE
        _record(0x2B, b""),                          # terminator
    ))


def dir_stream(information: Iterable[tuple[int, bytes]], references: bytes,
               modules: list[Module]) -> bytes:
    """Decompressed dir stream: PROJECTINFORMATION records (``information``, PROJECTNAME
    replaced by :data:`PROJECT_NAME`), the PROJECTREFERENCES bytes as given, then PROJECTMODULES.
    """
    parts = []
    for rec_id, payload in information:
        if rec_id == 0x0004:
            payload = PROJECT_NAME.encode(CODEPAGE)
        if rec_id == 0x0009:  # PROJECTVERSION keeps its reserved size field of 4
            parts.append(struct.pack("<HI", 9, 4) + payload)
        else:
            parts.append(_record(rec_id, payload))
    parts.append(references)
    parts.append(_record(0x0F, struct.pack("<H", len(modules))))  # PROJECTMODULES count
    parts.append(_record(0x13, struct.pack("<H", 0xFFFF)))         # PROJECTCOOKIE
    parts += [_module_records(m) for m in modules]
    parts.append(_record(0x10, b""))                                 # dir terminator
    return b"".join(parts)


#: CMG, DPB and GC data: no protection, no password, project visible (2.3.1.15-17).
NOT_PROTECTED, NO_PASSWORD, VISIBLE = b"\0\0\0\0", b"\0", b"\xff"


def project_stream(modules: list[Module], project_id: str = PROJECT_ID) -> bytes:
    """The PROJECT stream (2.3.1): the project's properties as INI-like text."""
    kinds = {"document": "Document={}/&H00000000", "class": "Class={}", "module": "Module={}"}
    lines = [f'ID="{project_id}"']
    lines += [kinds[m.kind].format(m.name) for m in modules]
    lines += [
        f'Name="{PROJECT_NAME}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt_project_data(project_id, NOT_PROTECTED)}"',
        f'DPB="{encrypt_project_data(project_id, NO_PASSWORD)}"',
        f'GC="{encrypt_project_data(project_id, VISIBLE)}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n\r\n").encode(CODEPAGE)


def projectwm_stream(modules: list[Module]) -> bytes:
    """PROJECTwm (2.3.3): each module name in the code page and in UTF-16, NUL-terminated."""
    out = b"".join(m.name.encode(CODEPAGE) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                   for m in modules)
    return out + b"\0\0"


# --------------------------------------------------------------------------------------------
# MS-CFB v3 writer: header, FAT, directory, mini FAT, mini stream, then the big streams.
# --------------------------------------------------------------------------------------------

_SECTOR, _MINI, _CUTOFF = 512, 64, 4096
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb_order(name: str) -> tuple[int, str]:
    """Sibling order of MS-CFB 2.6.4: shorter names first, then by upper-cased name."""
    return len(name.encode("utf-16-le")), name.upper()


def _balanced(ids: list[int], links: dict[int, list[int]], depth: int = 0) -> int:
    """Link sorted ``ids`` as a balanced binary tree; records [left, right, colour, depth]."""
    if not ids:
        return _NOSTREAM
    mid = len(ids) // 2
    links[ids[mid]] = [_balanced(ids[:mid], links, depth + 1),
                       _balanced(ids[mid + 1:], links, depth + 1), 1, depth]
    return ids[mid]


def _sectors(n: int, size: int = _SECTOR) -> int:
    return -(-n // size)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (paths like ``"VBA/dir"``; one storage level).

    Siblings form a balanced red-black tree (its deepest level red); times and CLSIDs are zero,
    so the bytes depend only on ``streams``.
    """
    children: dict[str, list[str]] = {"": []}  # storage ("" = root) -> child names
    for path in streams:
        storage, _, name = path.rpartition("/")
        if "/" in storage:
            raise ValueError("only one storage level is supported")
        if storage and storage not in children:
            children[storage] = []
            children[""].append(storage)
        children[storage].append(name)
    # directory order: root, the root's children, then each storage's children
    paths = [""]
    for storage in ["", *sorted((s for s in children if s), key=_cfb_order)]:
        paths += [f"{storage}/{n}".lstrip("/") for n in sorted(children[storage], key=_cfb_order)]
    sid = {p: i for i, p in enumerate(paths)}
    links: dict[int, list[int]] = {}
    child_sid = {}
    for storage, names in children.items():
        ids = [sid[f"{storage}/{n}".lstrip("/")] for n in sorted(names, key=_cfb_order)]
        child_sid[storage] = _balanced(ids, links)
        deepest = max(links[i][3] for i in ids)
        for i in ids:
            if deepest and links[i][3] == deepest:
                links[i][2] = 0  # red

    small = [p for p in paths[1:] if p in streams and 0 < len(streams[p]) < _CUTOFF]
    big = [p for p in paths[1:] if p in streams and len(streams[p]) >= _CUTOFF]
    mini = b"".join(streams[p].ljust(_sectors(len(streams[p]), _MINI) * _MINI, b"\0")
                    for p in small)
    minifat_n = _sectors(4 * _sectors(len(mini), _MINI))
    dir_n = _sectors(len(paths) * 128)
    body_n = dir_n + minifat_n + _sectors(len(mini)) + sum(_sectors(len(streams[p])) for p in big)
    fat_n = 1
    while fat_n * 128 < fat_n + body_n:
        fat_n += 1
    if fat_n > 109:
        raise ValueError("compound file too large for a header-only DIFAT")

    fat = [_FATSECT] * fat_n

    def chain(table: list[int], count: int) -> int:
        first = len(table)
        table.extend(range(first + 1, first + count))
        table.append(_END)
        return first

    dir_start = chain(fat, dir_n)
    minifat_start = chain(fat, minifat_n) if minifat_n else _END
    mini_start = chain(fat, _sectors(len(mini))) if mini else _END
    start = {p: chain(fat, _sectors(len(streams[p]))) for p in big}
    minifat: list[int] = []
    start.update({p: chain(minifat, _sectors(len(streams[p]), _MINI)) for p in small})

    def entry(path: str) -> bytes:
        i = sid[path]
        left, right, colour, _ = links.get(i, [_NOSTREAM, _NOSTREAM, 1, 0])
        if i == 0:
            name, kind, sub, first, size = "Root Entry", 5, child_sid[""], mini_start, len(mini)
        elif path in streams:
            name, kind, sub = path.rpartition("/")[2], 2, _NOSTREAM
            size = len(streams[path])
            first = start.get(path, _END)
        else:
            name, kind, sub, first, size = path, 1, child_sid[path], 0, 0
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0")
                + struct.pack("<HBBIII", len(raw), kind, colour, left, right, sub)
                + bytes(16 + 4 + 16)  # CLSID, state bits, creation and modification time
                + struct.pack("<IQ", first, size))

    directory = b"".join(entry(p) for p in paths)
    unused = bytes(68) + struct.pack("<III", _NOSTREAM, _NOSTREAM, _NOSTREAM) + bytes(48)
    directory += unused * ((dir_n * _SECTOR - len(directory)) // 128)
    fat += [_FREE] * (fat_n * 128 - len(fat))
    minifat += [_FREE] * (minifat_n * 128 - len(minifat))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, fat_n, dir_start, 0,
                            _CUTOFF, minifat_start, minifat_n, _END, 0)
              + struct.pack("<109I", *range(fat_n), *[_FREE] * (109 - fat_n)))

    def padded(b: bytes) -> bytes:
        return b.ljust(_sectors(len(b)) * _SECTOR, b"\0")

    return b"".join([header, struct.pack(f"<{len(fat)}I", *fat), directory,
                     struct.pack(f"<{len(minifat)}I", *minifat), padded(mini),
                     *(padded(streams[p]) for p in big)])


# --------------------------------------------------------------------------------------------
# The xlwings template
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """What the build takes from xlwings' ``quickstart_addin_ribbon.xlam``."""

    parts: dict[str, bytes]             # zip members, vbaProject.bin included
    information: list[tuple[int, bytes]]  # dir stream PROJECTINFORMATION records
    references: bytes                   # dir stream PROJECTREFERENCES records, verbatim
    vba_project: bytes                  # the _VBA_PROJECT stream
    modules: list[Module]


def template_path() -> Path:
    """The template file inside the installed xlwings package."""
    import xlwings  # build-time dependency only

    return Path(xlwings.__file__).resolve().parent / TEMPLATE_NAME


def check_xlwings(strict: bool = True) -> list[str]:
    """Problems with the installed xlwings (wrong version, changed template); raises
    :class:`BuildError` on any when ``strict``, else returns them as warnings."""
    try:
        import xlwings
    except ImportError as exc:  # pragma: no cover - xlwings is a build dependency
        raise BuildError(f"xlwings {XLWINGS_VERSION} is nodig om de add-in te bouwen") from exc
    problems = []
    if xlwings.__version__ != XLWINGS_VERSION:
        problems.append(f"xlwings {xlwings.__version__} is geïnstalleerd, de add-in hoort bij "
                        f"xlwings {XLWINGS_VERSION} (pip install xlwings=={XLWINGS_VERSION})")
    digest = hashlib.sha256(template_path().read_bytes()).hexdigest()
    if digest != TEMPLATE_SHA256:
        problems.append(f"{TEMPLATE_NAME} heeft niet de verwachte inhoud (sha256 {digest})")
    if problems and strict:
        raise BuildError("; ".join(problems))
    return problems


def read_template(data: bytes) -> Template:
    """Parse the template ``.xlam``: its parts and its VBA project's modules."""
    try:
        import olefile  # build-time dependency only
    except ImportError as exc:  # pragma: no cover
        raise BuildError("olefile is nodig om de add-in te bouwen (pip install olefile)") from exc

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    ole = olefile.OleFileIO(parts["xl/vbaProject.bin"])
    records = parse_dir_records(decompress(ole.openstream("VBA/dir").read()))
    ids = [r for r, _ in records]
    refs_at = next(i for i, r in enumerate(ids) if r in (0x16, 0x0D, 0x0E, 0x0F))
    mods_at = ids.index(0x0F)
    if dict(records[:refs_at]).get(0x03) != struct.pack("<H", 1252):
        raise BuildError("template VBA project does not use code page 1252")
    references = b"".join(_record(r, p) for r, p in records[refs_at:mods_at])
    kinds = {}
    for line in ole.openstream("PROJECT").read().decode(CODEPAGE).splitlines():
        key, _, value = line.partition("=")
        if key in ("Document", "Class", "Module"):
            kinds[value.split("/")[0]] = key.lower() if key != "Document" else "document"
    modules, current = [], {}
    for rec_id, payload in records[mods_at:]:
        if rec_id in (0x19, 0x1A, 0x1C):
            current[rec_id] = payload.decode(CODEPAGE)
        elif rec_id == 0x31:
            current[rec_id] = struct.unpack("<I", payload)[0]
        elif rec_id == 0x2B:
            raw = ole.openstream("VBA/" + current[0x1A]).read()
            source = decompress(raw[current[0x31]:]).decode(CODEPAGE)
            name = current[0x19]
            modules.append(Module(name, kinds[name], source, current.get(0x1C, "")))
            current = {}
    vba_project = ole.openstream("VBA/_VBA_PROJECT").read()
    ole.close()
    return Template(parts, records[:refs_at], references, vba_project, modules)


# --------------------------------------------------------------------------------------------
# Sources: ribbon XML and .bas files
# --------------------------------------------------------------------------------------------


def crlf(text: str) -> str:
    """Source text with CRLF line endings and one final line break (as VBA stores it).

    >>> crlf("a\\nb\\r\\n\\n")
    'a\\r\\nb\\r\\n'
    """
    return "".join(line + "\r\n" for line in text.rstrip("\r\n").splitlines())


def module_from_bas(text: str) -> Module:
    """A standard module from an exported ``.bas`` file (first line ``Attribute VB_Name``)."""
    match = re.match(r'Attribute VB_Name = "(\w+)"\s*$', text.splitlines()[0] if text else "")
    if not match:
        raise BuildError('a .bas file must start with: Attribute VB_Name = "Name"')
    source = crlf(text)
    try:
        source.encode(CODEPAGE)
    except UnicodeEncodeError as exc:
        raise BuildError(f"{match[1]}.bas has characters outside code page 1252") from exc
    return Module(match[1], "module", source)


def render_ribbon(xml_text: str, version: str) -> bytes:
    """The customUI14 part: the ribbon XML with LF line endings and the version filled in."""
    return xml_text.replace("\r\n", "\n").replace(VERSION_TOKEN, version).encode("utf-8")


@dataclass(frozen=True)
class Button:
    """A ribbon button: its id, label, group id and callback."""

    id: str
    label: str
    group: str
    on_action: str
    screentip: str
    supertip: str
    image_mso: str


def ribbon_buttons(xml: bytes | str) -> list[Button]:
    """Every ``button`` on the ribbon, in ribbon order."""
    root = ET.fromstring(xml.encode() if isinstance(xml, str) else xml)
    ns = {"ui": CUSTOMUI14_NS}
    return [Button(b.get("id", ""), b.get("label", ""), g.get("id", ""), b.get("onAction", ""),
                   b.get("screentip", ""), b.get("supertip", ""), b.get("imageMso", ""))
            for g in root.iterfind(".//ui:group", ns) for b in g.iterfind("ui:button", ns)]


def ribbon_button_ids(path: Path = RIBBON_XML) -> list[str]:
    """The button ids of the ribbon source: the one list ``numnum_xl.addin.BUTTONS`` must match."""
    return [b.id for b in ribbon_buttons(path.read_bytes())]


# --------------------------------------------------------------------------------------------
# Package assembly
# --------------------------------------------------------------------------------------------

_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/officeDocument" Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/\
metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/extended-properties" Target="docProps/app.xml"/>\
<Relationship Id="rId4" Type="{REL_CUSTOMUI14}" Target="{CUSTOMUI_PART}"/>\
</Relationships>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/\
core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>NumNum</dc:title>\
<dc:description>NumNum-tab voor Excel (numnum-xl {version})</dc:description>\
<dc:creator>numnum-xl</dc:creator></cp:coreProperties>"""

#: Member order of the package; [Content_Types].xml first, as Office writes it.
PART_ORDER = (
    "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
    CUSTOMUI_PART, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
    "xl/theme/theme1.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
    "xl/vbaProject.bin",
)


#: The lines of xlwings' VBA module the add-in changes (old → new), each found exactly once:
#: the config name, as xlwings' docs say to do when renaming a custom add-in; on macOS the
#: interpreter path single-quoted for the shell (xlwings' AppleScript runs
#: ``PythonInterpreter & " -B …"`` through ``do shell script``, so a path with a space broke
#: every click); and the English "run xlwings runpython install" box in Dutch.
XLWINGS_PATCHES: tuple[tuple[str, str], ...] = (
    ('Public Const PROJECT_NAME As String = "myaddin"',
     f'Public Const PROJECT_NAME As String = "{CONFIG_NAME}"'),
    ("            PythonInterpreter = ToPosixPath(PYTHON_MAC)",
     "            PythonInterpreter = \"'\" & Replace(ToPosixPath(PYTHON_MAC), \"'\", "
     "\"'\\''\") & \"'\""),
    ("""    MsgBox "To enable RunPython, please run 'xlwings runpython install' in a terminal """
     """once and try again.", vbCritical""",
     """    MsgBox "De NumNum-knoppen kunnen Python niet starten: het AppleScript van xlwings """
     """ontbreekt. Voer in Terminal 'numnum-xl addin install' uit en probeer opnieuw.", """
     """vbCritical, "NumNum\""""),
)


def patch_xlwings_module(module: Module) -> Module:
    """xlwings' module with :data:`XLWINGS_PATCHES` applied (nothing else changes)."""
    source = module.source
    for old, new in XLWINGS_PATCHES:
        if source.count(old) != 1:
            raise BuildError(f"the template's xlwings module has no line {old.strip()!r}")
        source = source.replace(old, new)
    return replace(module, source=source)


def vba_modules(template: Template, bas_texts: Iterable[str]) -> list[Module]:
    """The add-in's modules: the template's minus its example ``RibbonMyAddin``, the xlwings
    module patched, then the given ``.bas`` modules in order."""
    modules = [patch_xlwings_module(m) if m.name == "xlwings" else m
               for m in template.modules if m.name != "RibbonMyAddin"]
    extra = [module_from_bas(t) for t in bas_texts]
    names = [m.name.lower() for m in modules + extra]
    if len(set(names)) != len(names):
        raise BuildError("two VBA modules have the same name")
    return modules + extra


def vba_project_bin(template: Template, modules: list[Module]) -> bytes:
    """``xl/vbaProject.bin`` for ``modules``: source-only module streams, no p-code."""
    if template.vba_project[:4] != b"\xcc\x61\xff\xff":
        raise BuildError("the template's _VBA_PROJECT is not version 0xFFFF (no p-code cache)")
    streams = {
        "PROJECT": project_stream(modules),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": template.vba_project,
        "VBA/dir": compress(dir_stream(template.information, template.references, modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.source.encode(CODEPAGE))
    return write_cfb(streams)


def workbook_xml(template_xml: bytes) -> bytes:
    """The template's workbook part with the config sheet renamed and the author's path gone."""
    text = template_xml.decode("utf-8")
    text = re.sub(r"<mc:AlternateContent\b.*?</mc:AlternateContent>", "", text, flags=re.S)
    if '<sheet name="_myaddin.conf"' not in text:
        raise BuildError("the template's workbook has no _myaddin.conf sheet")
    return text.replace('<sheet name="_myaddin.conf"',
                        f'<sheet name="_{CONFIG_NAME}.conf"').encode("utf-8")


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """A zip of ``parts`` in :data:`PART_ORDER`: stored (no deflate, so no zlib version can
    change the bytes), dated 1980-01-01, the same attributes on every OS."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in PART_ORDER:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, parts[name])
    return buf.getvalue()


def assemble(template: Template, ribbon_xml: str, bas_texts: Iterable[str], version: str) -> bytes:
    """The ``.xlam`` bytes from already-read inputs (pure)."""
    tp = template.parts
    content_types = tp["[Content_Types].xml"].decode("utf-8")
    for needed in (CT_ADDIN, CT_VBA):
        if needed not in content_types:
            raise BuildError(f"the template's [Content_Types].xml lacks {needed}")
    parts = {
        "[Content_Types].xml": tp["[Content_Types].xml"],
        "_rels/.rels": _ROOT_RELS.encode("utf-8"),
        "docProps/app.xml": tp["docProps/app.xml"],
        "docProps/core.xml": _CORE.format(version=version).encode("utf-8"),
        CUSTOMUI_PART: render_ribbon(ribbon_xml, version),
        "xl/workbook.xml": workbook_xml(tp["xl/workbook.xml"]),
        "xl/vbaProject.bin": vba_project_bin(template, vba_modules(template, bas_texts)),
    }
    parts.update({name: tp[name] for name in PART_ORDER if name not in parts})
    return zip_parts(parts)


def build(strict: bool = True) -> bytes:
    """Build ``numnum.xlam`` from this source tree and the installed xlwings; returns its bytes.

    ``strict=False`` builds with another xlwings version (the result then differs from the
    shipped add-in); :func:`check_xlwings` says what differs.
    """
    from numnum_xl import __version__

    check_xlwings(strict)
    if not RIBBON_XML.is_file() or not VBA_SOURCES.is_dir():
        raise BuildError(f"bronbestanden niet gevonden ({RIBBON_XML}, {VBA_SOURCES}/): bouwen "
                         "kan alleen vanuit een checkout van numnum-xl")
    template = read_template(template_path().read_bytes())
    bas = []
    for path in sorted(VBA_SOURCES.glob("*.bas")):
        bas.append(path.read_text(encoding=CODEPAGE))
        if module_from_bas(bas[-1]).name != path.stem:
            raise BuildError(f"{path.name}: VB_Name must be {path.stem!r}")
    return assemble(template, RIBBON_XML.read_text(encoding="utf-8"), bas, __version__)


def write(out: Path = SHIPPED, strict: bool = True) -> Path:
    """Build and write the add-in to ``out`` (default: the copy shipped in the package)."""
    data = build(strict)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
