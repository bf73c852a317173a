"""A small, fast, deterministic XLSX writer (Office Open XML, SpreadsheetML).

openpyxl (without lxml) writes ~30k cells/s and stamps the current time into the zip
entries and ``docProps/core.xml``; this writer streams rows straight into the zip entry,
an order of magnitude faster, and every byte depends only on the rows and ``when``.

Cells: ``None`` (no cell), ``str`` (inline string, kept verbatim: leading zeros,
spaces), ``int`` / ``float`` / ``Decimal`` (number), ``date`` / ``datetime`` (a serial
number with the ``dd/mm/yyyy`` date format, read back by openpyxl as a datetime).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = dt.date(1899, 12, 30)
_DATE_STYLE = 1  # index into cellXfs below

_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


_LETTERS = [column_letter(i) for i in range(256)]


def _cell(ref: str, v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int):
        return f'<c r="{ref}"><v>{v}</v></c>'
    if isinstance(v, (float, Decimal)):
        return f'<c r="{ref}"><v>{float(v)!r}</v></c>'
    if isinstance(v, dt.datetime):
        serial = (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(v, dt.date):
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{(v - _EPOCH).days}</v></c>'
    raise TypeError(f"cannot write {type(v).__name__} to a cell")


def _sheet_chunks(rows: Iterable[Sequence[object]]) -> Iterable[str]:
    yield _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>'
    buf: list[str] = []
    for n, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_LETTERS[i]}{n}", v) for i, v in enumerate(row))
        buf.append(f'<row r="{n}">{cells}</row>' if cells else f'<row r="{n}"/>')
        if len(buf) >= 2000:
            yield "".join(buf)
            buf = []
    yield "".join(buf)
    yield "</sheetData></worksheet>"


def _parts(names: Sequence[str], when: dt.datetime, creator: str) -> list[tuple[str, str]]:
    n = len(names)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    ct = (
        _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
    )
    root_rels = (
        _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    core = (
        _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(creator)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    app = (
        _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Excel</Application></Properties>'
    )
    workbook = (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        _HEAD
        + f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    return [
        ("[Content_Types].xml", ct),
        ("_rels/.rels", root_rels),
        ("docProps/app.xml", app),
        ("docProps/core.xml", core),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/styles.xml", _STYLES),
    ]


def _info(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=max(when, dt.datetime(1980, 1, 1)).timetuple()[:6])
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o600 << 16
    zi.create_system = 0
    return zi


def write_workbook(
    target: Path | io.BufferedIOBase,
    sheets: Sequence[tuple[str, Iterable[Sequence[object]]]],
    *,
    when: dt.datetime,
    creator: str = "Dinas Koperasi dan UKM",
    zip64: bool = False,
) -> None:
    """Write ``sheets`` (name, rows) as a workbook to a path or binary file object.

    Rows are consumed lazily and streamed into the zip: memory stays bounded. Set
    ``zip64`` for sheets that may exceed 2 GiB uncompressed.
    """
    names = [name for name, _ in sheets]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name, content in _parts(names, when, creator):
            zf.writestr(_info(name, when), content.encode("utf-8"))
        for i, (_, rows) in enumerate(sheets, start=1):
            with zf.open(_info(f"xl/worksheets/sheet{i}.xml", when), "w", force_zip64=zip64) as f:
                for chunk in _sheet_chunks(rows):
                    f.write(chunk.encode("utf-8"))


def workbook_bytes(
    sheets: Sequence[tuple[str, Iterable[Sequence[object]]]],
    *,
    when: dt.datetime,
    creator: str = "Dinas Koperasi dan UKM",
) -> bytes:
    buf = io.BytesIO()
    write_workbook(buf, sheets, when=when, creator=creator)
    return buf.getvalue()
