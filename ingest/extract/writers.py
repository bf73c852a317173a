"""The three file formats of an extract, each byte-identical for identical input.

CSV: UTF-8 with BOM (Excel detects the encoding), comma-separated, CRLF line ends
(RFC 4180), a header row of the mart's column names. NULL is an empty field; numerics as
PostgreSQL prints them (`1234.50`, never `1.2345E+3`), dates ISO (`2025-03-31`), booleans
`true`/`false`, timestamps in UTC (`2025-03-31 17:00:00+00:00`).

Parquet (pyarrow): types from PostgreSQL, see `arrow_type`. Fixed writer settings (zstd
level 3, format 2.6, statistics on, dictionary on); no pandas metadata; the footer's
`created_by` names the pyarrow version and holds no time, so reruns are byte-identical.

XLSX (openpyxl, write-only): a cover sheet `Sampul`, one sheet per mart with Indonesian
sheet names, headers and coded values (`missing` -> `belum menyampaikan`, booleans Ya /
Tidak; headers.py), and a `Kamus Data` sheet (per sheet and column: the Indonesian header,
the mart column name and its meaning). Fixed document properties (created = modified = the
quarter's last day) and the zip entries are rewritten with a fixed date, so the workbook is
byte-identical on rerun too.

Formula injection: text cells beginning with `=`, `+`, `-`, `@`, tab or carriage return
get a leading apostrophe in CSV and XLSX (Parquet keeps the values as they are: it is not a
spreadsheet); XLSX text cells are always written as strings (type `s`), never formulas or
error values. Numeric columns are never touched: -5 stays the number -5.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from .headers import BOOLEAN, headers_for, meaning, sheet_title, value_label
from .source import INT_TYPES, Column, MartData

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576 - 1  # one row for the header
XLSX_MAX_CELL = 32_767
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "write_statistics": True,
    "use_dictionary": True,
    "data_page_version": "1.0",
}


def neutralise(text: str) -> str:
    """A text cell a spreadsheet could run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


# --- CSV -----------------------------------------------------------------------------------


def _csv_formatter(column: Column) -> Callable:
    base = column.base
    if base == "text":
        return lambda v: "" if v is None else neutralise(v)
    if base == "numeric":
        return lambda v: "" if v is None else format(v, "f")
    if base == "bool":
        return lambda v: "" if v is None else ("true" if v else "false")
    if base in ("float4", "float8"):
        return lambda v: "" if v is None else repr(v)
    if base == "timestamptz":
        return lambda v: "" if v is None else v.astimezone(UTC).isoformat(sep=" ")
    if base == "timestamp":
        return lambda v: "" if v is None else v.isoformat(sep=" ")
    if base == "date":
        return lambda v: "" if v is None else v.isoformat()
    return lambda v: "" if v is None else str(v)


def write_csv(path: Path, mart: MartData) -> None:
    formatters = [_csv_formatter(c) for c in mart.columns]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([neutralise(c.name) for c in mart.columns])
        for row in mart.rows:
            writer.writerow([fmt(v) for fmt, v in zip(formatters, row, strict=True)])


# --- Parquet -------------------------------------------------------------------------------


def arrow_type(column: Column) -> pa.DataType:
    """PostgreSQL -> Arrow.

    text/varchar/char -> string; smallint/integer/bigint -> int64; numeric(p,s) ->
    decimal128(p,s) (decimal256 above 38 digits, string above 76); numeric without a
    precision -> float64 (PostgreSQL allows any scale there, so no decimal type fits all
    values; the CSV keeps the exact digits); real -> float32; double -> float64;
    date -> date32; boolean -> bool; timestamptz -> timestamp[us, UTC]; timestamp ->
    timestamp[us]; anything else (json, uuid, arrays, intervals) -> string (its text).
    """
    base = column.base
    if base in INT_TYPES:
        return pa.int64()
    if base == "numeric":
        if column.precision is None:
            return pa.float64()
        if column.precision <= 38:
            return pa.decimal128(column.precision, column.scale)
        if column.precision <= 76:
            return pa.decimal256(column.precision, column.scale)
        return pa.string()
    return {
        "float4": pa.float32(),
        "float8": pa.float64(),
        "date": pa.date32(),
        "bool": pa.bool_(),
        "timestamptz": pa.timestamp("us", tz="UTC"),
        "timestamp": pa.timestamp("us"),
    }.get(base, pa.string())


def _arrow_values(column: Column, type_: pa.DataType, values: list) -> list:
    if column.base != "numeric":
        return values
    if pa.types.is_floating(type_):
        return [None if v is None else float(v) for v in values]
    if pa.types.is_string(type_):
        return [None if v is None else format(v, "f") for v in values]
    # NaN / Infinity have no decimal form: null (the CSV keeps the text)
    return [v if v is None or v.is_finite() else None for v in values]


def write_parquet(path: Path, mart: MartData, metadata: dict[str, str]) -> None:
    arrays, fields = [], []
    for i, c in enumerate(mart.columns):
        type_ = arrow_type(c)
        array = pa.array(_arrow_values(c, type_, [r[i] for r in mart.rows]), type=type_)
        arrays.append(array)
        fields.append(
            pa.field(
                c.name,
                type_,
                nullable=not c.not_null or array.null_count > 0,
                metadata={"pg_type": c.pg_type},
            )
        )
    schema = pa.schema(fields, metadata=metadata)
    table = pa.Table.from_arrays(arrays, schema=schema)
    pq.write_table(table, path, **PARQUET_OPTIONS)


# --- XLSX ----------------------------------------------------------------------------------


COVER_SHEET = "Sampul"
DICTIONARY_SHEET = "Kamus Data"
DICTIONARY_HEADERS = ("Lembar", "Kolom", "Nama Kolom di CSV/Parquet", "Arti")


def sheet_names(marts: list[str]) -> list[str]:
    """Excel sheet names (Indonesian for known marts): at most 31 characters, none of
    []:*?/\\, unique ignoring case and distinct from the cover and dictionary sheets."""
    out: list[str] = []
    taken: set[str] = {COVER_SHEET.lower(), DICTIONARY_SHEET.lower()}
    for name in (sheet_title(m) for m in marts):
        base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
        candidate, n = base[:31], 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[: 31 - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _xlsx_text(value: str, stats: dict) -> str:
    text = neutralise(value)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("\ufffd", text)
        stats["control_characters_replaced"] += 1
    if len(text) > XLSX_MAX_CELL:
        text = text[:XLSX_MAX_CELL]
        stats["cells_truncated"] += 1
    return text


def _number_format(column: Column) -> str | None:
    if column.base == "numeric" and column.scale:
        return "#,##0." + "0" * min(column.scale, 30)  # separators follow Excel's locale
    if column.base == "date":
        return "yyyy-mm-dd"
    if column.base in ("timestamptz", "timestamp"):
        return "yyyy-mm-dd hh:mm:ss"
    return None


def _text_sheet(wb, title: str, header: tuple[str, ...], rows: list, widths: list[int]) -> None:
    """A plain sheet of text rows (cover, dictionary) with a bold first row."""
    ws = wb.create_sheet(title=title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    stats = {"control_characters_replaced": 0, "cells_truncated": 0}
    head = []
    for text in header:
        cell = _string_cell(ws, text)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(head)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = []
        for value in row:
            cell = _string_cell(ws, _xlsx_text(str(value), stats))
            cell.alignment = wrap
            cells.append(cell)
        ws.append(cells)


def _dictionary_rows(marts: list[MartData], titles: list[str]) -> list[tuple]:
    rows = []
    for mart, title in zip(marts, titles, strict=True):
        headers = headers_for(
            [c.name for c in mart.columns], [c.base == "timestamptz" for c in mart.columns]
        )
        rows += [
            (title, h, c.name, meaning(c.name)) for c, h in zip(mart.columns, headers, strict=True)
        ]
    return rows


def write_xlsx(
    path: Path,
    marts: list[MartData],
    properties_time: datetime,
    on_sheet: Callable[[MartData, str, int], None] = lambda m, s, n: None,
    cover: list[tuple[str, str]] = (),
) -> list[dict]:
    """Write the workbook: the `Sampul` sheet (`cover`: rows of label and text), one sheet
    per mart, then `Kamus Data`; one dict per mart sheet (mart, sheet, rows written, notes)."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "KUMKM Warehouse"
    wb.properties.created = properties_time
    wb.properties.modified = properties_time
    sheets = []
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    titles = sheet_names([m.name for m in marts])
    _text_sheet(wb, COVER_SHEET, ("Keterangan", "Isi"), list(cover), [34, 100])
    for mart, title in zip(marts, titles, strict=True):
        ws = wb.create_sheet(title=title)
        ws.freeze_panes = "A2"
        stats = {"control_characters_replaced": 0, "cells_truncated": 0}
        headers = headers_for(
            [c.name for c in mart.columns], [c.base == "timestamptz" for c in mart.columns]
        )
        for i, header in enumerate(headers):
            sample = [len(str(r[i])) for r in mart.rows[:500] if r[i] is not None]
            width = min(max([len(header) * 0.9, 8, *sample]) + 2, 60)
            ws.column_dimensions[get_column_letter(i + 1)].width = round(width, 1)
        head_cells = []
        for header in headers:
            cell = _string_cell(ws, _xlsx_text(header, stats))
            cell.font = bold
            cell.alignment = wrap
            head_cells.append(cell)
        ws.append(head_cells)
        formats = [_number_format(c) for c in mart.columns]
        kinds = [c.base for c in mart.columns]
        names = [c.name for c in mart.columns]
        rows = mart.rows[:XLSX_MAX_ROWS]
        for row in rows:
            cells = []
            for value, fmt, kind, name in zip(row, formats, kinds, names, strict=True):
                if value is None:
                    cells.append(None)
                    continue
                if isinstance(value, bool):
                    cells.append(_string_cell(ws, BOOLEAN[value]))
                    continue
                if isinstance(value, str):
                    cells.append(_string_cell(ws, _xlsx_text(value_label(name, value), stats)))
                    continue
                if kind == "timestamptz":
                    value = value.astimezone(UTC).replace(tzinfo=None)
                elif isinstance(value, Decimal) and not value.is_finite():
                    value = str(value)
                elif isinstance(value, float) and not math.isfinite(value):
                    value = repr(value)
                if isinstance(value, str):
                    cell = _string_cell(ws, value)
                elif fmt:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = fmt
                else:
                    cells.append(value)
                    continue
                cells.append(cell)
            ws.append(cells)
        sheet = {"mart": mart.name, "sheet": title, "rows": len(rows)}
        if len(mart.rows) > len(rows):
            sheet["rows_not_in_workbook"] = len(mart.rows) - len(rows)
        sheet.update({k: v for k, v in stats.items() if v})
        sheets.append(sheet)
        on_sheet(mart, title, len(rows))
    _text_sheet(
        wb, DICTIONARY_SHEET, DICTIONARY_HEADERS, _dictionary_rows(marts, titles), [30, 40, 34, 90]
    )
    raw = path.with_name(path.name + ".raw")
    wb.save(raw)
    # openpyxl stamps `modified` with the clock at save time: write core.xml again
    wb.properties.modified = properties_time
    core = tostring(wb.properties.to_tree())
    normalise_zip(raw, path, {"docProps/core.xml": core})
    raw.unlink()
    return sheets


def _string_cell(ws, text: str):
    """A cell that is text whatever it looks like (openpyxl would make `=...` a formula and
    `#N/A` an error value)."""
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def normalise_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None) -> None:
    """Copy a zip with fixed entry dates and attributes (zipfile stamps the local time),
    optionally replacing some entries' contents."""
    replace = replace or {}
    with ZipFile(src) as zin, ZipFile(dst, "w", compression=ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            data = replace.get(info.filename)
            zout.writestr(entry, zin.read(info) if data is None else data, compresslevel=6)


def date_time_of(day: date) -> datetime:
    """Workbook property time for a date: midnight, naive (openpyxl treats it as UTC)."""
    return datetime(day.year, day.month, day.day)
