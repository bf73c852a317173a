"""Crafting XLSX files, good and hostile, in memory: a valid workbook from
`kumkm_dev.sample_data.xlsx`, then parts replaced, bytes cut, sizes forged, bombs built."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from kumkm_dev.sample_data.xlsx import workbook_bytes

WHEN = dt.datetime(2025, 1, 15, 8, 0)
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(rows: Sequence[Sequence[object]], sheet: str = "koperasi") -> bytes:
    return workbook_bytes([(sheet, rows)], when=WHEN)


def xlsx_sheets(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> bytes:
    return workbook_bytes(list(sheets), when=WHEN)


def replace_part(data: bytes, name: str, new: bytes | str) -> bytes:
    """The workbook with the zip member `name` replaced by `new`."""
    if isinstance(new, str):
        new = new.encode("utf-8")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == name else src.read(info.filename))
    return out.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row_xml(n: int, cells: Sequence[str]) -> str:
    """A sheet row of raw cell XML snippets (already carrying their refs)."""
    return f'<row r="{n}">{"".join(cells)}</row>'


def text_row(n: int, texts: Sequence[str]) -> str:
    return row_xml(n, [inline(f"{chr(65 + i)}{n}", t) for i, t in enumerate(texts)])


def sheet_xml(rows: Sequence[str], doctype: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + doctype
        + f'<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    )


def with_sheet(rows: Sequence[str], doctype: str = "") -> bytes:
    """A workbook whose first sheet is exactly these rows (raw XML)."""
    return replace_part(xlsx([["x"]]), SHEET, sheet_xml(rows, doctype))


def _members(buf: bytearray):
    """(name, central directory offset) of each member."""
    eocd = buf.rfind(b"PK\x05\x06")
    count = int.from_bytes(buf[eocd + 10 : eocd + 12], "little")
    pos = int.from_bytes(buf[eocd + 16 : eocd + 20], "little")
    for _ in range(count):
        assert buf[pos : pos + 4] == b"PK\x01\x02"
        n, m, k = (int.from_bytes(buf[pos + o : pos + o + 2], "little") for o in (28, 30, 32))
        yield buf[pos + 46 : pos + 46 + n].decode(), pos
        pos += 46 + n + m + k


def forge_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size a member declares (central directory and local header),
    leaving its compressed bytes as they are: a liar archive."""
    buf = bytearray(data)
    for name, pos in _members(buf):
        if name == member:
            buf[pos + 24 : pos + 28] = size.to_bytes(4, "little")
            local = int.from_bytes(buf[pos + 42 : pos + 46], "little")
            buf[local + 22 : local + 26] = size.to_bytes(4, "little")
    return bytes(buf)


def zip_bomb(inflated_bytes: int) -> bytes:
    """A workbook whose sheet inflates to `inflated_bytes` of XML (streamed into the zip in
    chunks: nothing that size is ever in memory); on disk a few hundred KB."""
    good = xlsx([["x"]])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>bom</t></is></c></row>' * 2000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open(SHEET, "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            written = 0
            while written < inflated_bytes:
                f.write(row)
                written += len(row)
            f.write(b"</sheetData></worksheet>")
    return out.getvalue()
