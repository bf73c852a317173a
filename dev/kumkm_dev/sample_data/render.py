"""Render typed rows into the bytes of a CSV or XLSX submission, deterministically.

A table is a list of :class:`Column` (canonical key, header label as written, value kind)
and rows as dicts keyed by canonical key. A :class:`Style` says how the province's clerk
wrote the file: delimiter, encoding, number/date/percent conventions, title lines, blank
rows, a trailing JUMLAH row, the sheet layout of a workbook.

Values in rows are typed (``int``, ``Decimal``, ``date``, ``str``, ``bool`` for status)
or :class:`Raw` (written verbatim: used to plant defects such as ``1O.250.000``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.periods import tanggal

from .reference import ID_MONTHS_SHORT

# value kinds
ID = "id"  # identifier text, leading zeros kept
TEXT = "text"
CAT = "cat"  # categorical, surface form chosen by Style.cats
INT = "int"
MONEY = "money"  # rupiah
DECIMAL = "decimal"  # plain decimal quantity (e.g. Rp miliar)
PERCENT = "percent"
DATE = "date"

NUMERIC_KINDS = (INT, MONEY, DECIMAL)


@dataclass(frozen=True)
class Raw:
    """A cell written exactly as given (CSV) or as a text cell (XLSX)."""

    text: str


@dataclass(frozen=True)
class Column:
    key: str  # canonical column name, or the extra column's own name
    label: str  # header text as written in the file
    kind: str = TEXT
    extra: bool = False  # an unknown extra column (kept in raw, ignored downstream)


@dataclass
class Style:
    fmt: str = "csv"  # csv | xlsx
    delimiter: str = ","
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    line_terminator: str = "\r\n"
    numbers: str = "plain"  # plain | id | rp | rp00
    dash_zero: bool = False  # 0 written as "-"
    dates: str = "iso"  # iso | dmy_slash | dmy_dash | id_long | id_short | mixed | native
    percent: str = "sign"  # sign "60,43%" | comma "60,43" | native (xlsx number)
    title_lines: tuple[str, ...] = ()
    blank_after_title: bool = True
    pad_titles: bool = True  # csv: title rows padded with delimiters like Excel exports
    empty_rows_after: tuple[int, ...] = ()  # data-row indexes followed by an empty row
    total_row: str | None = None  # "JUMLAH" / "TOTAL"
    sheet: str = "Sheet1"  # xlsx: the data sheet
    front_sheet: str | None = None  # xlsx: a sheet before the data sheet (e.g. "Petunjuk")
    xlsx_text_numbers: bool = False  # xlsx: numbers typed as text in Indonesian format
    cats: dict[str, Callable[[object, random.Random], str]] = field(default_factory=dict)
    modified: dt.datetime = dt.datetime(2025, 1, 1)  # xlsx document timestamps


@dataclass
class Rendered:
    data: bytes
    header_row: int  # 1-based physical line / sheet row of the header
    row_numbers: list[int]  # physical line / sheet row of each data row
    total_row_number: int | None


# ---------------------------------------------------------------------------------------------
# value formatting


def group_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def format_number(v: int | Decimal, numbers: str, *, money: bool, dash_zero: bool) -> str:
    if v == 0 and dash_zero:
        return "-"
    neg = v < 0
    a = -v if neg else v
    cents = None
    if isinstance(a, Decimal):
        q = a.quantize(Decimal("0.01"))
        whole = int(q)
        frac = int((q - whole) * 100)
        cents = frac if frac else None
        if numbers == "rp00" and money:
            cents = frac
        a = whole
    elif numbers == "rp00" and money:
        cents = 0
    if numbers == "plain":
        s = str(a) if cents is None else f"{a}.{cents:02d}"
    else:
        s = group_thousands(a) if cents is None else f"{group_thousands(a)},{cents:02d}"
        if money and numbers in ("rp", "rp00") and not neg:
            s = "Rp " + s
    return "-" + s if neg else s


def format_percent(v: Decimal, style: str) -> str:
    s = f"{v:.2f}"
    if style == "plain":
        return s
    s = s.replace(".", ",")
    return s + "%" if style == "sign" else s


def format_decimal(v: Decimal, numbers: str) -> str:
    q = v.quantize(Decimal("0.01"))
    whole = int(q)
    frac = int((q - whole) * 100)
    if numbers == "plain":
        return f"{whole}.{frac:02d}"
    return f"{group_thousands(whole)},{frac:02d}"


DATE_STYLES = ("iso", "dmy_slash", "dmy_dash", "id_long", "id_short")


def format_date(d: dt.date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dmy_dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "id_long":
        return tanggal(d)
    if style == "id_short":
        return f"{d.day} {ID_MONTHS_SHORT[d.month - 1]} {d.year}"
    raise ValueError(style)


def _cell_text(col: Column, v: object, style: Style, rng: random.Random) -> str:
    if v is None:
        return ""
    if isinstance(v, Raw):
        return v.text
    k = col.kind
    if col.key in style.cats and k in (CAT, TEXT):
        return style.cats[col.key](v, rng)
    if k in (INT, MONEY):
        return format_number(v, style.numbers, money=k == MONEY, dash_zero=style.dash_zero)
    if k == DECIMAL:
        return format_decimal(Decimal(v), style.numbers)
    if k == PERCENT:
        return format_percent(Decimal(v), "sign" if style.percent == "native" else style.percent)
    if k == DATE:
        ds = style.dates
        if ds == "native":
            ds = "dmy_slash"
        if ds == "mixed":
            ds = rng.choice(DATE_STYLES)
        return format_date(v, ds)
    return str(v)


def _cell_native(col: Column, v: object, style: Style, rng: random.Random) -> object:
    """Python value for an openpyxl cell."""
    if v is None:
        return None
    if isinstance(v, Raw):
        return v.text
    k = col.kind
    if k in (INT, MONEY, DECIMAL):
        if style.xlsx_text_numbers:
            return _cell_text(col, v, style, rng)
        if v == 0 and style.dash_zero:
            return "-"
        return float(v) if isinstance(v, Decimal) else v
    if k == PERCENT:
        if style.percent == "native":
            return float(v)
        return _cell_text(col, v, style, rng)
    if k == DATE:
        if style.dates == "native":
            return v
        return _cell_text(col, v, style, rng)
    return _cell_text(col, v, style, rng)


def total_cells(columns: Sequence[Column], rows: Sequence[dict], label: str) -> dict:
    """The trailing JUMLAH row: label in the first text column, sums in count/money columns."""
    out: dict[str, object] = {}
    label_col = next((c.key for c in columns if c.kind == TEXT and not c.extra), columns[0].key)
    out[label_col] = Raw(label)
    for c in columns:
        if c.kind in (INT, MONEY) and not c.extra:
            s = 0
            for r in rows:
                v = r.get(c.key)
                if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                    s += v
            out[c.key] = s
    return out


# ---------------------------------------------------------------------------------------------
# files


def render(columns: Sequence[Column], rows: Sequence[dict], style: Style, rng: random.Random):
    if style.fmt == "csv":
        return _render_csv(columns, rows, style, rng)
    if style.fmt == "xlsx":
        return _render_xlsx(columns, rows, style, rng)
    raise ValueError(style.fmt)


def _render_csv(columns, rows, style: Style, rng: random.Random) -> Rendered:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=style.delimiter, lineterminator=style.line_terminator)
    ncol = len(columns)
    line = 0
    for t in style.title_lines:
        w.writerow([t] + [""] * (ncol - 1) if style.pad_titles else [t])
        line += 1
    if style.title_lines and style.blank_after_title:
        w.writerow([""] * ncol if style.pad_titles else [])
        line += 1
    w.writerow([c.label for c in columns])
    line += 1
    header_row = line
    numbers: list[int] = []
    empties = set(style.empty_rows_after)
    for i, r in enumerate(rows):
        cells = [_cell_text(c, r.get(c.key), style, rng) for c in columns]
        for cell in cells:
            if "\n" in cell or "\r" in cell:
                raise ValueError("line breaks inside cells would break line numbering")
        w.writerow(cells)
        line += 1
        numbers.append(line)
        if i in empties:
            # Excel exports an empty row as a run of delimiters; editors as a blank line
            w.writerow([""] * ncol if i % 2 == 0 else [])
            line += 1
    total_line = None
    if style.total_row:
        tot = total_cells(columns, rows, style.total_row)
        w.writerow([_cell_text(c, tot.get(c.key), style, rng) for c in columns])
        line += 1
        total_line = line
    return Rendered(buf.getvalue().encode(style.encoding), header_row, numbers, total_line)


FRONT_SHEET_LINES = (
    "PETUNJUK PENGISIAN",
    "1. Isi satu baris untuk setiap entitas (koperasi / usaha / dokumen / kegiatan).",
    "2. Kolom bertanda * wajib diisi.",
    "3. Tanggal ditulis DD/MM/YYYY; angka tanpa satuan.",
    "4. Data diisi pada lembar sesuai nama dataset.",
)


def _render_xlsx(columns, rows, style: Style, rng: random.Random) -> Rendered:
    from .xlsx import workbook_bytes

    out: list[list] = []
    for t in style.title_lines:
        out.append([t])
    if style.title_lines and style.blank_after_title:
        out.append([])
    out.append([c.label for c in columns])
    header_row = len(out)
    numbers: list[int] = []
    empties = set(style.empty_rows_after)
    for i, r in enumerate(rows):
        out.append([_cell_native(c, r.get(c.key), style, rng) for c in columns])
        numbers.append(len(out))
        if i in empties:
            out.append([])
    total_line = None
    if style.total_row:
        tot = total_cells(columns, rows, style.total_row)
        out.append([_cell_native(c, tot.get(c.key), style, rng) for c in columns])
        total_line = len(out)
    sheets = [(style.sheet, out)]
    if style.front_sheet:
        sheets.insert(0, (style.front_sheet, [[t] for t in FRONT_SHEET_LINES]))
    data = workbook_bytes(sheets, when=style.modified)
    return Rendered(data, header_row, numbers, total_line)
