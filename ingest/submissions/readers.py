"""Streaming CSV / XLSX readers with header detection (contract section 1, "Formats", and
section 2, "What real files also do").

``open_table(path, dataset)`` yields a :class:`Table`: the detected header row, the
canonical column per position, and ``rows()``, a one-pass iterator of
``(row_number, cells)`` where ``row_number`` is the 1-based physical line (CSV; a record
spanning lines gets the number of its first line) or sheet row (XLSX), so a clerk finds
the row in the file. Memory stays bounded: a CSV is streamed; of a workbook only the sheet
read is held, once, in calamine's compact form (see "Memory" below).

Cells: ``str`` from CSV; from XLSX what openpyxl used to yield (str, int, float,
datetime, bool, None; see "XLSX" below for how), except that a number whose cell format is
a percentage is turned into text with ``%`` (0.6043 formatted as 60.43% arrives as
"60.43%"), for datasets that have a percent column. Rows shorter than the header are
padded with None (a short row whose missing trailing cells are empty is common and
legitimate).

``Table.batches(size)`` yields the same rows as :class:`CellBatch` es (row numbers and
the cells as one Arrow string array per column) for the loader's columnar path. A plain
CSV body (UTF-8, no quote character, no NUL, no bare CR: ``_PlainBody``) is then split by
Arrow's CSV parser, without a Python object per cell; only the lines that are ragged or
may not be data (blank, total, column-number rows) are looked at in Python, by the same
code as in ``rows()``. Any other file is ``rows()`` grouped.

``Table.notes`` (:class:`ReaderNote`) tell the loader what the reader did that a user must
hear of; they are filled at open and while ``rows()`` runs (complete once it is exhausted).

Not data, skipped: fully empty rows, a column-number row right below the header
(`1 2 3 ...` or `(1) (2) (3) ...`) and total / subtotal rows anywhere in the table; the
total rows are counted in the note ``file.total_rows_skipped``. A row is a total row when
its identifier cell (``nik_koperasi`` / ``nib`` / ``nomor_dokumen``, where the file has
one) is empty and a label cell (the first non-empty cell, or the name / regency cell, so
a row number or empty first cells do not hide it) is a total label: a total keyword
(`Jumlah`, `Total`, `Sub Jumlah`, `Subtotal`, `Grand Total`, `Jumlah Total`, `Total
Keseluruhan`, ...) alone or followed by a region (`Kab.`, `Kabupaten`, `Kota`, `Kec.`,
`Provinsi`, `Se-...`, `Wilayah`): `Jumlah Kota Ambon`, `TOTAL KAB. KONAWE`. A keyword
followed by anything else is a name (`Total Jaya Abadi`, `Jumlah Rejeki`), and so is a
row that carries an identifier, whatever its label. Known gap: `Jumlah Kendari` (a
regency name without Kab./Kota) is read as a name.

CSV structure (broken quoting never merges rows silently; each case raises
``file.malformed_csv`` naming the physical line):
  - quotes are parsed strictly: text after a closing quote (`"Maju" Jaya`) or a quote
    still open at the end of the file is an error;
  - a data record longer than the header is an error unless its extra cells are empty
    (Excel's trailing separators `a;b;c;;;` are accepted and dropped): values would land
    under the wrong columns;
  - a record shorter than the header is accepted (padded), unless it spans lines;
  - a quoted field running over line ends is accepted only where the contract has
    multi-line text: a free-text column (``judul``, ``ruang_lingkup``, ``uraian``,
    ``sumber``) or an extra column (`Keterangan`, `Alamat`), in a record with the
    header's field count, and only if the field does not itself hold a row's worth of
    separators (header width - 1), the trace of rows swallowed by an unclosed quote.
    Anywhere else (a name, a code, a number) it is an unclosed quote.
  Title lines above the header are read leniently (they only have to be skipped).

Formats told apart by content, whatever the extension: UTF-8 (BOM or not), Windows-1252
and UTF-16 LE/BE (BOM or not, Excel's "Unicode text") text is read; the delimiter is `,`,
`;` or a tab (detected). An HTML page (``file.html_page``), a ZIP / gzip / 7z / RAR
archive (``file.archive``), an old ``.xls`` (``file.old_xls``) or an encrypted workbook
(``file.encrypted``) is rejected saying what it is and what to do; so is a PDF or an
OpenDocument (.ods) file (``file.unreadable``).

XLSX: hidden sheets are skipped; the sheet read is the visible one named after the
dataset, else the first visible one whose first rows hold a header with the required
columns, else the first visible one (which then reports the missing header). A formula
without a cached value (a workbook written by a script) is read as missing and named
(sheet!cell) in the warning ``file.formula_without_value``.

Workbooks are read with python-calamine (Rust calamine; 0.9), chosen over fastexcel
(calamine too, but columnar: it infers one Arrow type per column, where the normaliser
wants each cell as written, text next to numbers) and over openpyxl (pure Python, 3-5k
rows/s; kept only as the reference of tests/parsing/test_xlsx_differential.py). What
calamine does not give is taken from the sheet XML by one streaming scan, run in a
thread while calamine parses (both release the GIL) and merged into the rows in sheet
order through a bounded queue: formulas without a cached value (``<f>`` without ``<v>``,
or with an empty ``<v>`` on a non-text cell), error cells (calamine reads `#REF!` as
empty; it arrives as the text "#REF!", as from openpyxl), and, only for datasets with a
percent column and workbooks with a percent style, the cells whose style (``s=``, looked
up in ``xl/styles.xml`` cellXfs) has a percent format. Cell types as openpyxl gave them:
a whole float (calamine reads every number as a float) becomes an ``int`` below 2^53 (the
identifier and integer parsers expect it; Excel itself keeps 15 digits, so only a script
can write a whole number beyond that, which stays a float), a date a midnight
``datetime``, an empty cell None; NaN / infinity in a number cell is a corrupt workbook.
Dates in both the 1900 and the 1904 date system are calamine's. Row numbers are sheet
rows: calamine yields rows from row 1 but columns from the first used one, so the
columns before it are padded back with None, and trailing empty cells are dropped. A
sheet whose XML calamine cannot parse is "rusak atau tidak lengkap (terpotong)" (openpyxl
said "tidak dapat dibuka" when the break was at the start of the sheet).

Memory: calamine parses the whole chosen sheet at open and the rows become Python lists
one at a time (a 200k-row register, 171 MB of XML: the reading process peaks at 268 MB,
openpyxl's at 75 MB); a sheet checked only for its header is dropped once another one is
chosen.

Bounded cost: a workbook whose parts unpack to more than
``max(XLSX_RATIO_FLOOR, XLSX_MAX_RATIO x file size)`` (or ``XLSX_MAX_UNCOMPRESSED``) is
rejected as ``file.too_large`` before it is parsed: a reader keeps all shared strings and
(calamine) the whole sheet in memory, and parse time is linear in the unpacked XML, so
this bounds both. Legit workbooks compress 5-20x (a 200k-row register: ~14 MB on disk,
~170 MB of XML), far below 100x; the 50 MB floor leaves any small file alone unless it
unpacks to more than 50 MB. calamine stores the sheet read as a dense rectangle (32 bytes
a cell), so a sheet whose cells reach past ``XLSX_MAX_CELLS`` rows x columns (last row x
widest row, from a streamed pass over its XML before calamine parses it) is
``file.too_large`` too: two cells, at A1 and XFD1048576, would be 550 GB. A CSV costs
time linear in its size; one cell is bounded by ``CSV_FIELD_LIMIT``.

Every problem with the file as a whole raises :class:`FileRejected`, also from inside
``rows()`` (a CSV that turns malformed, or an XLSX that turns out truncated, deep in the
file): the loader must treat an exception from the iteration like one from the open.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import queue
import re
import string
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from ingest.submissions.datasets import Dataset, header_mapping, match_columns, missing_required
from ingest.submissions.values import clean_text, normalise_header

HEADER_SEARCH_ROWS = 11  # up to 10 title / note / blank rows above the header
CSV_FIELD_LIMIT = 16 * 1024 * 1024  # characters in one CSV cell
CSV_SAMPLE_BYTES = 64 * 1024
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3  # 2 GiB of XML in one workbook is not a submission
XLSX_MAX_RATIO = 100  # unpacked size / file size above which a workbook is a bomb ...
XLSX_RATIO_FLOOR = 50 * 1024**2  # ... if it also unpacks to more than this
XLSX_MAX_CELLS = 50_000_000  # rows x columns of a sheet: calamine allocates it densely
CSV_DELIMITERS = (",", ";", "\t")  # in order of preference when two read a header
NOTE_ROWS = 20  # row numbers / cells named in a note
FORMULA_CELLS_KEPT = 1000  # formula cells without value remembered by address
# Contract columns that may hold multi-line text (CSV: a quoted field over line ends).
FREE_TEXT_COLUMNS = frozenset({"judul", "ruang_lingkup", "uraian", "sumber"})
IDENTIFIER_COLUMNS = ("nik_koperasi", "nib", "nomor_dokumen")  # a total row has none
LABEL_COLUMNS = ("nama_koperasi", "nama_usaha", "nama_mitra", "kabupaten_kota")

_TOTAL_LABEL = re.compile(
    r"\s*(?:sub\s*-?\s*(?:jumlah|total)|grand\s*-?\s*total|jumlah|total)"
    r"(?:\s+(?:total|jumlah|keseluruhan|seluruhnya|semua|akhir|umum))?"
    r"\s*[:.]?\s*"
    r"(?:$|(?:kab|kabupaten|kota|kec|kecamatan|kel|kelurahan|desa|prov|provinsi|propinsi"
    r"|wilayah|daerah)\b|se[-\s])",
    re.IGNORECASE,
)
_TOTAL_INITIALS = frozenset("JjTtGgSs \t\xa0")  # first characters of a total label

if csv.field_size_limit() < CSV_FIELD_LIMIT:
    csv.field_size_limit(CSV_FIELD_LIMIT)


class FileRejected(Exception):
    """The file as a whole cannot be used; the submission is rejected."""

    def __init__(self, rule: str, reason: str, detail: str):
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.reason = reason  # Indonesian, for the provincial clerk
        self.detail = detail  # English, for engineers


class ReadAgain(Exception):
    """``Table.batches`` found, deep in the body, that the file is not plain after it had
    yielded batches: discard them (they are right, but the rest must come from the row
    reader, which starts at the header) and call ``batches`` again."""


class _NotPlain(Exception):
    """A block of the body that ``_PlainBody`` cannot split (see ``_plain_block``)."""


TOTAL_ROWS_SKIPPED = "file.total_rows_skipped"  # the note counting total / subtotal rows


@dataclass
class ReaderNote:
    rule: str  # e.g. "file.total_rows_skipped", "file.formula_without_value"
    severity: str  # "info" (logged, does not make a warning) or "warning"
    reason: str  # Indonesian, for the clerk
    detail: str  # English, for engineers
    count: int = 0
    rows: list[int] = field(default_factory=list)  # first NOTE_ROWS row numbers


@dataclass
class Table:
    header: list[str]  # header cells as written in the file
    columns: list[str | None]  # canonical column per position, None = extra column
    header_row: int  # 1-based line (CSV) / sheet row (XLSX) of the header
    format: str  # csv | xlsx
    encoding: str | None = None  # CSV: utf-8-sig | utf-8 | cp1252 | utf-16 | utf-16-le/-be
    delimiter: str | None = None  # CSV: , or ; or \t
    sheet: str | None = None  # XLSX: the sheet read
    notes: list[ReaderNote] = field(default_factory=list)  # filled at open and by rows()
    _source: Iterator[tuple[int, list[Any]]] | None = field(default=None, repr=False)
    # XLSX: row number -> addresses of formula cells without a cached value (data rows)
    _formulas: _FormulaCells | None = field(default=None, repr=False)
    # CSV: the body below the header if pyarrow can read it, else None (for ``batches``)
    _plain: Callable[[], _PlainBody | None] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """The data rows below the header as ``(row_number, cells)``; one pass only."""
        source, self._source = self._source, None
        if source is None:
            raise RuntimeError("Table.rows() can be iterated only once")
        self._plain = None
        return self._data_rows(source)

    def batches(self, size: int) -> Iterator[CellBatch]:
        """The data rows of ``rows()`` as batches of ``size`` rows (the last one shorter);
        one pass only. A plain CSV body (see ``_PlainBody``) is read by pyarrow without a
        Python object per cell; any other file is ``rows()`` grouped. A body found not
        plain in a block after batches were yielded raises :class:`ReadAgain`: the caller
        discards those batches and calls ``batches`` again, which then reads by rows."""
        plain, self._plain = self._plain, None
        body = plain() if plain is not None and self._source is not None else None
        if body is not None:
            source, self._source = self._source, None
            sorter = _RowSorter(self)
            yielded = False
            try:
                for batch in body.batches(sorter, size):
                    yielded = True
                    yield batch
            except _NotPlain as exc:
                self._source = source  # the row reader has not moved: read by it
                if yielded:
                    raise ReadAgain(str(exc)) from exc
            else:
                sorter.finish()
                return
        yield from _grouped(self.rows(), size)

    def _data_rows(self, source: Iterator[tuple[int, list[Any]]]) -> Iterator:
        width = len(self.header)
        pad = [None] * width
        sorter = _RowSorter(self)
        ident, has_id, keep = sorter.ident, _has_id, sorter.keep
        for number, cells in source:
            if len(cells) < width:
                cells.extend(pad[len(cells) :])
            # the hot loop: a row with an identifier is data, never a total
            if (ident >= 0 and not sorter.first and has_id(cells[ident])) or keep(number, cells):
                yield number, cells
        sorter.finish()


class _RowSorter:
    """The one definition of which rows below the header are data (see the module
    docstring, "Not data, skipped"): ``keep`` decides one row, in file order, and counts
    the total rows skipped; ``finish`` adds the reader's notes. Both CSV body readers and
    the XLSX reader call it, so a total row is the same row whichever way it was read."""

    def __init__(self, table: Table):
        columns = table.columns
        self.table = table
        self.ident = next((columns.index(c) for c in IDENTIFIER_COLUMNS if c in columns), -1)
        self.labels = tuple(i for i, c in enumerate(columns) if c in LABEL_COLUMNS)
        self.first = True  # no data row yet: the next one may be a column-number row
        self.totals: list[int] = []
        self.total_count = 0

    def keep(self, number: int, cells: list[Any]) -> bool:
        """Is this row (padded to the header width) data? False: blank, total, or the
        column-number row right below the header."""
        ident = self.ident
        has_id = ident >= 0 and _has_id(cells[ident])
        if has_id and not self.first:
            return True
        value = _first_value(cells)
        if value is None:
            return False
        if not has_id and self._is_total(value, cells):
            self.total_count += 1
            if len(self.totals) < NOTE_ROWS:
                self.totals.append(number)
            if self.table._formulas is not None:
                self.table._formulas.drop_row(number)
            return False
        if self.first:
            self.first = False
            if _is_column_number_row(cells):
                return False
        return True

    def _is_total(self, value: Any, cells: list[Any]) -> bool:
        match, initials = _TOTAL_LABEL.match, _TOTAL_INITIALS
        if value.__class__ is str and value[:1] in initials and match(value):
            return True
        for i in self.labels:  # the label may stand in the name / regency column
            c = cells[i]
            if c.__class__ is str and c[:1] in initials and match(c):
                return True
        return False

    def finish(self) -> None:
        table = self.table
        if self.total_count:
            table.notes.append(_total_note(self.total_count, self.totals))
        if table._formulas is not None and table._formulas.count:
            table.notes.append(table._formulas.note(table.sheet or ""))


def _has_id(value: Any) -> bool:
    """An identifier cell that makes its row data, never a total: non-empty, and not blank
    or a total label (`JUMLAH` written in the identifier column)."""
    return bool(value) and (
        value.__class__ is not str
        or not (value[:1] in _TOTAL_INITIALS and (value.isspace() or _TOTAL_LABEL.match(value)))
    )


# --------------------------------------------------------------------------- shared


def _first_value(cells: Iterable[Any]) -> Any:
    for c in cells:
        if c is None:
            continue
        if isinstance(c, str):
            if c and not c.isspace():
                return c
            continue
        return c
    return None


def _total_note(count: int, rows: list[int]) -> ReaderNote:
    listed = ", ".join(map(str, rows)) + (", ..." if count > len(rows) else "")
    return ReaderNote(
        TOTAL_ROWS_SKIPPED,
        "info",
        f"{count} baris jumlah/subtotal dilewati, bukan data (baris {listed})",
        f"{count} total/subtotal rows skipped (rows {listed})",
        count=count,
        rows=rows,
    )


_COLUMN_NUMBER = re.compile(r"\(?\s*(\d{1,4})\s*\)?")


def _is_column_number_row(cells: list[Any]) -> bool:
    """`1 2 3 4 ...` or `(1) (2) (3) ...` under a header: column numbers, not data."""
    numbers = []
    for c in cells:
        if c is None or (isinstance(c, str) and not c.strip()):
            continue
        if isinstance(c, bool):
            return False
        if isinstance(c, int):
            numbers.append(c)
        elif isinstance(c, float) and c.is_integer():
            numbers.append(int(c))
        elif isinstance(c, str) and (m := _COLUMN_NUMBER.fullmatch(c.strip())):
            numbers.append(int(m.group(1)))
        else:
            return False
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def _header_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    return clean_text(cell) or ""


@dataclass
class _Candidate:
    index: int
    number: int
    cells: list[Any]
    required: int
    known: int


def _rank(dataset: Dataset, index: int, number: int, cells: list[Any]) -> _Candidate:
    found = match_columns(dataset, cells)
    present = {c for c in found if c is not None}
    required = sum(1 for name in dataset.required_columns if name in present)
    return _Candidate(index, number, cells, required, len(present))


def _find_header(
    dataset: Dataset, head: list[tuple[int, list[Any]]], where: str
) -> tuple[int, list[str], list[str | None]]:
    """Index in ``head`` of the header row, its texts and canonical columns."""
    if not any(_first_value(cells) is not None for _, cells in head):
        raise FileRejected(
            "file.empty",
            "berkas tidak berisi data (kosong)",
            f"{where}: no non-empty row in the first {len(head)} rows",
        )
    best: _Candidate | None = None
    for index, (number, cells) in enumerate(head):
        match = header_mapping(dataset, cells)
        if match is not None:
            if match.duplicates:
                dup = ", ".join(match.duplicates)
                raise FileRejected(
                    "file.duplicate_column",
                    f"baris {number}: kolom {dup} muncul lebih dari sekali; hapus salah satunya",
                    f"{where}: header row {number} names {dup} more than once",
                )
            return index, [_header_text(c) for c in cells], list(match.columns)
        cand = _rank(dataset, index, number, cells)
        if best is None or (cand.required, cand.known) > (best.required, best.known):
            best = cand
    assert best is not None
    required = ", ".join(dataset.required_columns)
    if best.required == 0:
        raise FileRejected(
            "file.no_header",
            f"baris judul kolom tidak ditemukan dalam {HEADER_SEARCH_ROWS} baris pertama; "
            f"kolom wajib untuk {dataset.name}: {required}",
            f"{where}: no header row with the required columns ({required}) "
            f"in the first {HEADER_SEARCH_ROWS} rows",
        )
    missing = missing_required(dataset, match_columns(dataset, best.cells))
    names = ", ".join(missing)
    raise FileRejected(
        "file.no_header",
        f"kolom wajib tidak ada: {names} (baris judul kolom: baris {best.number})",
        f"{where}: header candidate row {best.number} lacks required columns: {names}",
    )


# --------------------------------------------------------------------------- what a file is

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ARCHIVES = (
    (b"\x1f\x8b", "gzip (.gz)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip (.7z)"),
    (b"Rar!\x1a\x07", "RAR (.rar)"),
)
_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta")


def _is_html(head: bytes) -> bool:
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_HTML_START):
        return True
    return start.startswith((b"<?xml", b"<!--", b"<!doctype")) and b"<html" in start


def _reject_html(path: Path) -> FileRejected:
    return FileRejected(
        "file.html_page",
        "berkas ini halaman HTML (web), bukan CSV/Excel; unduh ulang data dari aplikasinya "
        "sebagai .xlsx atau .csv (halaman web yang disimpan, misalnya halaman galat atau "
        "login, tidak berisi data)",
        f"{path.name}: HTML page",
    )


def _reject_archive(path: Path, kind: str) -> FileRejected:
    return FileRejected(
        "file.archive",
        f"berkas ini arsip {kind}, bukan CSV/Excel; ekstrak arsipnya dan kirim berkas "
        ".csv/.xlsx di dalamnya satu per satu",
        f"{path.name}: {kind} archive",
    )


def _reject_ole2(path: Path) -> FileRejected:
    """An OLE2 compound file: an encrypted (password-protected) .xlsx keeps its package in
    an ``EncryptedPackage`` stream; anything else is an old binary Office file (.xls)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            if marker in tail + chunk:
                return FileRejected(
                    "file.encrypted",
                    "berkas Excel ini terkunci kata sandi (terenkripsi) sehingga tidak dapat "
                    "dibaca; buka di Excel, hapus kata sandinya (File > Info > Protect "
                    "Workbook), simpan ulang sebagai .xlsx lalu kirim lagi",
                    f"{path.name}: OLE2 container with an EncryptedPackage stream",
                )
            tail = chunk[-len(marker) :]
    return FileRejected(
        "file.old_xls",
        "berkas ini berformat Excel lama (.xls, Excel 97-2003); buka di Excel dan simpan "
        "ulang sebagai .xlsx (Excel Workbook) atau CSV, lalu kirim lagi",
        f"{path.name}: OLE2 container (.xls or other old Office file)",
    )


def _reject_not_a_submission(path: Path, head: bytes) -> None:
    """Raise FileRejected if ``head`` shows an OLE2 file, an archive, a PDF or an HTML page."""
    if head.startswith(_OLE2[:4]):
        raise _reject_ole2(path)
    for magic, kind in _ARCHIVES:
        if head.startswith(magic):
            raise _reject_archive(path, kind)
    if head.startswith(b"%PDF"):
        raise _reject_unreadable(
            path,
            "berkas ini dokumen PDF, bukan CSV/Excel; kirim datanya sebagai .xlsx atau .csv "
            "(bukan hasil cetak/ekspor PDF)",
            "PDF document",
        )
    if _is_html(head):
        raise _reject_html(path)


# --------------------------------------------------------------------------- CSV

_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not valid UTF-8 (or undefined in cp1252) as Windows-1252
    (Latin-1 for its 5 undefined bytes): a UTF-8 file with a few pasted cp1252 cells is
    read instead of crashing half-way."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    text = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in chunk)
    return text, exc.end


codecs.register_error("kumkm_cp1252_fallback", _cp1252_fallback)


def _reject_unreadable(path: Path, reason: str, detail: str) -> FileRejected:
    return FileRejected("file.unreadable", reason, f"{path.name}: {detail}")


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` if ``head`` looks like UTF-16 text without a BOM:
    mostly ASCII, so nearly every other byte is NUL, on one side only."""
    sample = head[: 4096 & ~1]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    even_nul, odd_nul = even.count(0), odd.count(0)
    if odd_nul > half * 0.6 and even_nul < half * 0.05:
        return "utf-16-le"
    if even_nul > half * 0.6 and odd_nul < half * 0.05:
        return "utf-16-be"
    return None


def _sniff_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        if _is_html(head):
            raise _reject_html(path)
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(path, head, "utf-16")
    if head.startswith(b"PK\x03\x04"):
        raise _reject_zip_as_csv(path)
    _reject_not_a_submission(path, head)
    utf16 = _utf16_without_bom(head)
    if utf16:
        return _utf16(path, head, utf16)
    control = sum(head.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if b"\x00" in head or control > max(8, len(head) // 100):
        raise _reject_unreadable(
            path,
            "berkas tidak dapat dibaca sebagai teks CSV (isi biner/rusak)",
            "binary content (NUL / control bytes) in a .csv file",
        )
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        # Not valid UTF-8. Windows-1252 text almost never holds a valid UTF-8 multi-byte
        # sequence; a UTF-8 file with a few cells pasted from a Windows-1252 one does. Read
        # that as UTF-8: the fallback handler decodes the stray bytes as Windows-1252, so
        # neither part turns into mojibake (`SÃ©`).
        return "utf-8" if _UTF8_MULTIBYTE.search(head) else "cp1252"
    return "utf-8"


def _utf16(path: Path, head: bytes, encoding: str) -> str:
    """``encoding``, unless the UTF-16 text is an HTML page."""
    text = head[: 4096 & ~1].decode(encoding, "replace")
    if _is_html(text.encode("utf-8", "replace")):
        raise _reject_html(path)
    return encoding


def _reject_zip_as_csv(path: Path) -> FileRejected:
    try:
        with zipfile.ZipFile(path) as zf:
            workbook = "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        workbook = False
    if workbook:
        return _reject_unreadable(
            path,
            "berkas ini berisi Excel (.xlsx) tetapi bernama .csv; ganti ekstensinya menjadi "
            ".xlsx atau simpan ulang sebagai CSV",
            "zip/xlsx content in a .csv file",
        )
    return _reject_archive(path, "ZIP (.zip)")


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _reject_nul(path: Path, where: str) -> FileRejected:
    return _reject_unreadable(
        path,
        "berkas tidak dapat dibaca sebagai teks CSV (isi biner/rusak: karakter NUL)",
        f"NUL character at {where}",
    )


class _NulGuard(io.RawIOBase):
    """A binary stream that refuses NUL bytes: the sniffed sample checks only the first
    64 KB, and PostgreSQL cannot store a NUL in text, so a NUL deep in a CSV would abort
    the file's COPY with a database error. Checking each chunk costs next to nothing.
    (UTF-16 text is full of NUL bytes: it is checked after decoding, `_TextNulGuard`.)"""

    def __init__(self, raw: io.BufferedIOBase, path: Path):
        self._raw = raw
        self._path = path

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:
        start = self._raw.tell()
        n = self._raw.readinto(buffer)
        if n:
            at = bytes(memoryview(buffer)[:n]).find(b"\x00")
            if at >= 0:
                raise _reject_nul(self._path, f"offset {start + at}")
        return n


class _TextNulGuard:
    """Lines of a decoded UTF-16 text, refusing a NUL character (see `_NulGuard`)."""

    def __init__(self, text: io.TextIOBase, path: Path):
        self._text = text
        self._path = path
        self._line = 0

    def __iter__(self) -> _TextNulGuard:
        return self

    def __next__(self) -> str:
        line = next(self._text)
        self._line += 1
        if "\x00" in line:
            raise _reject_nul(self._path, f"line {self._line} (after the header)")
        return line


_SEP_LINE = re.compile(r' *"?sep=(.)"?[,;]*\s*', re.IGNORECASE)


def _csv_records(text: Iterable[str], delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each record; lenient (title lines, header)."""
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True)
    line = 0
    for record in reader:
        yield line + 1, reader.line_num, record
        line = reader.line_num


def _guarded(records: Iterator, path: Path) -> Iterator:
    try:
        yield from records
    except csv.Error as exc:
        raise _malformed(path, 0, exc) from exc
    except (OSError, UnicodeError) as exc:
        raise _reject_unreadable(path, "berkas tidak dapat dibaca", repr(exc)) from exc


_CSV_ERRORS = (
    ("expected after", "ada teks sesudah tanda kutip penutup (tanda kutip di dalam isi sel?)"),
    ("unexpected end of data", "tanda kutip dibuka tetapi tidak ditutup sampai akhir berkas"),
    ("field larger than field limit", "isi satu sel lebih dari 16 juta karakter"),
    ("new-line character seen", "baris baru di tengah sel tanpa tanda kutip"),
)


def _malformed(path: Path, first: int, exc: csv.Error, last: int = 0) -> FileRejected:
    message = str(exc)
    what = next((text for key, text in _CSV_ERRORS if key in message), message)
    if last > first:
        what = (
            f"tanda kutip yang dibuka di baris ini belum benar ditutup sampai baris {last}: {what}"
        )
    where = f"baris {first}: " if first else ""
    return FileRejected(
        "file.malformed_csv",
        f"berkas CSV rusak: {where}{what}; baris data tidak digabung. Perbaiki tanda kutip "
        '(") yang tidak ditutup lalu kirim lagi',
        f"{path.name}: csv error in the record from line {first} to {last}: {message}",
    )


def _head(text: io.TextIOBase, delimiter: str, rows: int, path: Path) -> list:
    text.seek(0)
    return list(islice(_guarded(_csv_records(text, delimiter), path), rows))


@dataclass
class _CsvShape:
    """What a data record must look like (see the module docstring, "CSV structure")."""

    path: Path
    delimiter: str
    header: list[str]
    columns: list[str | None]
    header_row: int

    def reject(self, first: int, last: int, reason: str, detail: str) -> FileRejected:
        lines = f"baris {first}" if first == last else f"baris {first}-{last}"
        return FileRejected(
            "file.malformed_csv",
            f"berkas CSV rusak: {lines}: {reason}; baris data tidak digabung. Perbaiki "
            'tanda kutip (") atau pemisah lalu kirim lagi',
            f"{self.path.name}: lines {first}-{last}: {detail}",
        )

    def check(self, first: int, last: int, record: list[str]) -> list[str]:
        """The record if it is sound (its empty cells past the header dropped), else
        raise FileRejected. Called only for records spanning lines or too long."""
        width = len(self.columns)
        if len(record) > width:
            extra = record[width:]
            if any(cell.strip() for cell in extra):
                used = max(i for i, cell in enumerate(record) if cell.strip()) + 1
                raise self.reject(
                    first,
                    last,
                    f"berisi {used} kolom, padahal judul kolom (baris {self.header_row}) "
                    f"hanya {width} kolom; kemungkinan ada pemisah "
                    f"({_delimiter_name(self.delimiter)}) di dalam isi sel tanpa tanda kutip",
                    f"{used} fields with values, the header has {width}",
                )
            del record[width:]
        if first == last:
            return record
        if len(record) < width:
            raise self.reject(
                first,
                last,
                f"tanda kutip yang tidak ditutup menggabungkan {last - first + 1} baris "
                f"menjadi satu ({len(record)} dari {width} kolom)",
                f"record over {last - first + 1} lines with {len(record)}/{width} fields",
            )
        for i, cell in enumerate(record):
            if "\n" not in cell and "\r" not in cell:
                continue
            column = self.columns[i]
            name = column or self.header[i] or f"kolom {i + 1}"
            if column is not None and column not in FREE_TEXT_COLUMNS:
                raise self.reject(
                    first,
                    last,
                    f"isi kolom {name} memanjang ke baris berikutnya (tanda kutip tidak "
                    "ditutup?); kolom ini tidak boleh berisi teks beberapa baris",
                    f"quoted field of column {name} spans lines {first}-{last}",
                )
            if width > 2 and cell.count(self.delimiter) >= width - 1:
                raise self.reject(
                    first,
                    last,
                    f"isi kolom {name} memuat baris-baris data lain (tanda kutip tidak ditutup?)",
                    f"multi-line field of column {name} holds {cell.count(self.delimiter)} "
                    f"delimiters: rows swallowed by an unclosed quote",
                )
        return record


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "koma", ";": "titik koma"}.get(delimiter, delimiter)


def _checked_records(
    text: Iterable[str], shape: _CsvShape, line: int
) -> Iterator[tuple[int, list[str]]]:
    """Data records from physical line ``line + 1`` on, parsed strictly and checked."""
    reader = csv.reader(
        text, delimiter=shape.delimiter, quotechar='"', doublequote=True, strict=True
    )
    width = len(shape.columns)
    base = line
    check = shape.check
    try:
        for record in reader:
            end = base + reader.line_num
            if end - line > 1 or len(record) > width:
                record = check(line + 1, end, record)
            yield line + 1, record
            line = end
    except csv.Error as exc:
        raise _malformed(shape.path, line + 1, exc, base + reader.line_num) from exc
    except (OSError, UnicodeError) as exc:
        raise _reject_unreadable(shape.path, "berkas tidak dapat dibaca", repr(exc)) from exc


@contextmanager
def _open_csv(path: Path, dataset: Dataset) -> Iterator[Table]:
    with path.open("rb") as raw:
        sample = raw.read(CSV_SAMPLE_BYTES)
        if not sample:
            raise FileRejected("file.empty", "berkas kosong (0 byte)", f"{path.name}: 0 bytes")
        encoding = _sniff_encoding(path, sample)
        raw.seek(0)
        utf16 = encoding.startswith("utf-16")
        text = io.TextIOWrapper(
            io.BufferedReader(raw if utf16 else _NulGuard(raw, path), 1 << 16),
            encoding=encoding,
            errors="strict" if utf16 else "kumkm_cp1252_fallback",
            newline="",
        )
        try:
            first_line = text.readline(4096).rstrip("\r\n")
        except UnicodeError as exc:
            raise _reject_unreadable(path, "berkas tidak dapat dibaca", repr(exc)) from exc
        sep = _SEP_LINE.fullmatch(first_line)
        forced = sep.group(1) if sep and sep.group(1) in CSV_DELIMITERS else None
        rows = HEADER_SEARCH_ROWS + (1 if sep else 0)
        delimiters = (forced,) if forced else CSV_DELIMITERS
        heads: dict[str, list] = {}
        failures: list[FileRejected] = []
        for candidate in delimiters:
            try:
                heads[candidate] = _head(text, candidate, rows, path)
            except FileRejected as exc:  # only fatal if no delimiter reads the head
                failures.append(exc)
        if not heads:
            raise failures[0]
        delimiter = _choose_delimiter(dataset, heads)
        head = heads[delimiter]
        index, header, columns = _find_header(
            dataset, [(first, cells) for first, _, cells in head], path.name
        )
        header_row, header_end = head[index][0], head[index][1]
        text.seek(0)
        try:
            for _ in range(header_end):
                text.readline()
        except UnicodeError as exc:  # pragma: no cover - read once already by _head
            raise _reject_unreadable(path, "berkas tidak dapat dibaca", repr(exc)) from exc
        shape = _CsvShape(path, delimiter, header, columns, header_row)
        lines = _TextNulGuard(text, path) if utf16 else text
        table = Table(
            header=header,
            columns=columns,
            header_row=header_row,
            format="csv",
            encoding=encoding,
            delimiter=delimiter,
            _source=_checked_records(lines, shape, header_end),
            _plain=partial(_PlainBody.of, path, encoding, header_end, shape),
        )
        try:
            yield table
        finally:
            text.detach()


def _choose_delimiter(dataset: Dataset, heads: dict[str, list]) -> str:
    """The delimiter under which a header row with the required columns appears (the
    one matching more known columns if both do); else the one coming closest."""
    best, best_score = None, None
    for delimiter, head in heads.items():
        score = (0, 0, 0, 0)
        for number, _, cells in head:
            cand = _rank(dataset, 0, number, cells)
            full = cand.required == len(dataset.required_columns)
            row_score = (int(full), cand.required, cand.known, len(cells))
            score = max(score, row_score)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    assert best is not None
    return best


# --------------------------------------------------------------------------- CSV body by pyarrow


@dataclass
class CellBatch:
    """Data rows as ``Table.rows()`` yields them, for the columnar path: their row numbers
    and their cells column by column (an Arrow string array per header column; every row
    padded to the header width, a padded cell null)."""

    numbers: pa.Int64Array
    columns: list[pa.StringArray]
    _rows: list[list[Any]] | None = None  # the rows themselves, when read as Python lists

    def __len__(self) -> int:
        return len(self.numbers)

    def rows_at(self, positions: list[int]) -> list[list[Any]]:
        """The cells of these rows as the row reader gives them (str, None padding)."""
        if self._rows is not None:
            return [self._rows[i] for i in positions]
        return _rows_of(self.columns, pa.array(positions, pa.int64()))


def cell_columns(rows: list[list[Any]]) -> list[pa.StringArray]:
    """The cells of these rows (at least one, all of one width) column by column."""
    return [pa.array(column, pa.string()) for column in zip(*rows, strict=True)]


def _rows_of(columns: list[pa.StringArray], positions: pa.Array) -> list[list[Any]]:
    """The rows at ``positions`` of these columns, as lists of cells."""
    taken = [column.take(positions).to_pylist() for column in columns]
    return [list(row) for row in zip(*taken, strict=True)]


def _grouped(rows: Iterable[tuple[int, list[Any]]], size: int) -> Iterator[CellBatch]:
    numbers: list[int] = []
    cells: list[list[Any]] = []
    for number, row in rows:
        numbers.append(number)
        cells.append(row)
        if len(numbers) == size:
            yield CellBatch(pa.array(numbers, pa.int64()), cell_columns(cells), cells)
            numbers, cells = [], []
    if numbers:
        yield CellBatch(pa.array(numbers, pa.int64()), cell_columns(cells), cells)


PLAIN_BLOCK_BYTES = 1 << 22  # body bytes split per step (smaller than CSV_FIELD_LIMIT)
# More than the row reader reads beyond the line it yields (a text chunk of 8 KB from a
# 64 KB buffer, `_open_csv`): where it would meet a NUL (`_NulGuard`) and reject the file
_ROW_READER_AHEAD = 1 << 17
_FEW_IRREGULAR = 64  # more rows dropped from a block: it is filtered, not cut in slices
# The cheap tests of ``_PlainBody._sure_data``, each a subset of what the row sorter's
# own checks (``_TOTAL_INITIALS``, ``_TOTAL_LABEL``) let through: a first character (not
# blank and not a total initial: ``_SURE_FIRST``; not a total initial: ``_TOTAL_FIRST``,
# ``_TOTAL_FIRST_WIDE``; ASCII ones are looked up as the cell's first byte), or (RE2, only
# on the cells starting with one of ``_TOTAL_LETTERS``) a total initial letter, then
# ASCII up to the 6th character: no total word at its start
_ASCII_WORD_START = "^[JjTtGgSs](?:[[:ascii:]]{5}|[[:ascii:]]{0,4}$)"
_TOTAL_WORD_START = (
    "^(?:[Ss][Uu][Bb]|[Gg][Rr][Aa][Nn][Dd]|[Jj][Uu][Mm][Ll][Aa][Hh]|[Tt][Oo][Tt][Aa][Ll])"
)
_SURE_FIRST = pa.array(
    [c.encode() for c in string.ascii_letters + string.digits if c not in "JjTtGgSs"]
)
_TOTAL_FIRST = pa.array(sorted(c.encode() for c in _TOTAL_INITIALS if c.isascii()))
_TOTAL_FIRST_WIDE = sorted(c for c in _TOTAL_INITIALS if not c.isascii())  # no-break space
_TOTAL_LETTERS = pa.array(sorted(c.encode() for c in _TOTAL_INITIALS if c.isalpha()))
_SURE_PREFIX = 3  # cells looked at for the first value (an empty identifier, a row number)


class _PlainBody:
    """A CSV body that Arrow splits exactly as the csv module reads it: UTF-8, no quote
    character, no NUL, no CR other than in a CRLF line end (in the header lines too, so
    byte lines are the text reader's lines) and no line longer than ``CSV_FIELD_LIMIT``
    bytes. Then one physical line is one record, its cells are the line split at the
    delimiter, and its row number is its line number. ``of`` checks the encoding and the
    header lines; each block of the body is checked by ``_plain_block`` as it is read, and
    a block that is not plain raises ``_NotPlain`` before any of its lines is used (the
    lines before it are the row reader's lines, so what was read from them stands).
    Ragged lines (blank, short, long) and the rows that may not be data go through the
    row reader's own code (``_CsvShape.check``, ``_RowSorter.keep``) one by one, so the
    rows, row numbers, rejections and notes are those of ``_checked_records`` +
    ``Table._data_rows``."""

    def __init__(self, path: Path, offset: int, first_line: int, shape: _CsvShape):
        self.path = path
        self.offset = offset  # byte offset of the first body line
        self.first_line = first_line  # its line number
        self.shape = shape
        self._counting = pa.array([], pa.int64())  # 0, 1, 2, ...: row numbers by addition

    @classmethod
    def of(cls, path: Path, encoding: str, header_end: int, shape: _CsvShape) -> _PlainBody | None:
        """The body from line ``header_end + 1`` if its encoding and the header lines above
        it allow a plain read, else None (the body itself is checked as it is read)."""
        if encoding not in ("utf-8", "utf-8-sig"):
            return None
        with path.open("rb") as fh:
            for _ in range(header_end):
                line = fh.readline()
                if not line.endswith(b"\n") or b"\r" in line[:-1].removesuffix(b"\r"):
                    return None
            offset = fh.tell()
        return cls(path, offset, header_end + 1, shape)

    def batches(self, sorter: _RowSorter, size: int) -> Iterator[CellBatch]:
        """The data rows in batches of ``size``, as ``_grouped(Table._data_rows(...))``
        would make them: a rejection deep in the body comes after the full batches
        before it, and the rows read since the last full batch are not yielded. Raises
        ``_NotPlain`` at the first block that is not plain, after the full batches of
        the blocks before it."""
        pieces: list[list[pa.Array]] = []  # [row numbers, *cells by column] per block
        held = 0
        number = self.first_line
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            tail = b""
            while True:
                block = fh.read(PLAIN_BLOCK_BYTES)
                data = tail + block
                if block:
                    cut = data.find(b"\n", len(tail))
                    if cut < 0 or cut >= CSV_FIELD_LIMIT:  # the line so far is not shorter
                        if len(data) >= CSV_FIELD_LIMIT:
                            raise _NotPlain("a line of at least CSV_FIELD_LIMIT bytes")
                        tail = data
                        continue
                    cut = data.rfind(b"\n")
                    data, tail = data[:cut], data[cut + 1 :]
                    _plain_block(data, True)
                    # the row reader reads ahead of its lines: a NUL it would meet before it
                    # is done with these lines must stop the plain read before they are used
                    if b"\x00" in os.pread(fh.fileno(), _ROW_READER_AHEAD, fh.tell() - len(tail)):
                        raise _NotPlain("a NUL just after the block")
                elif not data:
                    break
                else:
                    tail = b""
                    _plain_block(data, False)
                if b"\r" in data:  # only in CRLF line ends (``_plain_block``)
                    data = data.replace(b"\r\n", b"\n").removesuffix(b"\r")
                lines = data.count(b"\n") + 1
                rejected = None
                try:
                    kept = self._block(data, lines, number, sorter)
                except _RejectedAt as exc:
                    kept = exc.rows
                    rejected = exc.error
                number += lines
                pieces.append(kept)
                held += len(kept[0])
                while held >= size:
                    yield _taken(pieces, size)
                    held -= size
                if rejected is not None:
                    raise rejected
                if not block:
                    break
        if held:
            yield _taken(pieces, held)

    def _block(self, data: bytes, lines: int, number: int, sorter: _RowSorter) -> list[pa.Array]:
        """[row numbers, *cells by column] of the data rows among these ``lines`` body
        lines, the first numbered ``number``; raises ``_RejectedAt`` with the rows before a
        rejected line."""
        shape = self.shape
        width = len(shape.columns)
        columns, skipped, ragged = self._split(data, lines)
        rejected = None
        if ragged:
            fixed = {}
            for i in sorted(ragged):
                record = ragged[i]
                if record == [""]:
                    record = []  # an empty line: the csv module reads no cell
                elif len(record) > width:
                    try:
                        record = shape.check(number + i, number + i, record)
                    except FileRejected as exc:
                        rejected = exc
                        lines = i
                        break
                fixed[i] = record + [None] * (width - len(record))
            columns = _placed(columns, lines, skipped, fixed)
        if len(self._counting) < lines:
            self._counting = pa.array(range(lines), pa.int64())
        numbers = pc.add(self._counting.slice(0, lines), number)
        sure = self._sure_data(columns, sorter)
        if sorter.first:  # the first data row may be the column-number row
            first = pc.index(sure, True).as_py()
            if first >= 0:
                sure = pc.replace_with_mask(
                    sure, _mask(lines, [first]), pa.array([False], pa.bool_())
                )
        unsure = pc.indices_nonzero(pc.invert(sure))
        if len(unsure):
            records = _rows_of(columns, unsure)
            keep = sorter.keep
            verdicts = [
                keep(number + i, cells)
                for i, cells in zip(unsure.to_pylist(), records, strict=True)
            ]
            sure = pc.replace_with_mask(sure, pc.invert(sure), pa.array(verdicts, pa.bool_()))
        dropped = pc.indices_nonzero(pc.invert(sure))
        if len(dropped) > _FEW_IRREGULAR:
            kept = [array.filter(sure) for array in (numbers, *columns)]
        else:  # a filter costs more than a few slices
            at = dropped.to_pylist()
            kept = [_without(array, at) for array in (numbers, *columns)]
        if rejected is not None:
            raise _RejectedAt(kept, rejected)
        return kept

    def _split(
        self, data: bytes, lines: int
    ) -> tuple[list[pa.StringArray], list[int], dict[int, list[str]]]:
        """These body lines split at the delimiter by Arrow's CSV parser (no quote
        character: the line split at every delimiter, as by the csv module of a plain
        body): (the cells by column of the lines of the header width, the lines left out of
        them (ascending), and the lines of another width as ``line.split(delimiter)``, by
        index). An empty line is of another width unless the header has one column; Arrow
        reads it as empty cells, so it stays in the columns, to be replaced."""
        width = len(self.shape.columns)
        delimiter = self.shape.delimiter
        skipped: list[int] = []
        ragged: dict[int, list[str]] = {}

        def other_width(row: pa_csv.InvalidRow) -> str:
            if row.number is None:  # numbered from 1 when read in one thread
                raise _NotPlain("a line of another width without its line number")
            skipped.append(row.number - 1)
            ragged[row.number - 1] = row.text.split(delimiter)
            return "skip"

        names = [str(k) for k in range(width)]
        table = pa_csv.read_csv(
            pa.py_buffer(data + b"\n"),  # every line ends: an empty last line is read
            read_options=pa_csv.ReadOptions(
                use_threads=False, column_names=names, block_size=len(data) + 2
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                escape_char=False,
                ignore_empty_lines=False,
                invalid_row_handler=other_width,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # checked by ``_plain_block``
            ),
        )
        if table.num_rows + len(skipped) != lines:
            raise _NotPlain(f"Arrow read {table.num_rows + len(skipped)} of {lines} lines")
        if width > 1 and (not data or b"\n\n" in data or data[:1] == b"\n" or data[-1:] == b"\n"):
            for i in _empty_lines(data):
                ragged[i] = [""]
        return [column.combine_chunks() for column in table.columns], skipped, ragged

    def _sure_data(self, columns: list[pa.StringArray], sorter: _RowSorter) -> pa.BooleanArray:
        """Rows that ``_RowSorter.keep`` surely keeps once the first data row is past (a
        cheap test; every other row is asked to ``keep``): an identifier that is no total
        label; or a first non-empty cell (among the first ``_SURE_PREFIX``) that is no
        blank or total label, and no total label in the name / regency columns. The
        identifier usually decides every row at once; the other tests look only at the
        rows it left unsure."""
        if sorter.ident < 0:
            return self._sure_by(sorter, columns.__getitem__)
        sure = _Cells(columns[sorter.ident]).no_label()
        unsure = pc.invert(sure)
        left = pc.indices_nonzero(unsure)
        if not len(left):
            return sure
        on_left = self._sure_by(sorter, lambda k: columns[k].take(left))
        return pc.replace_with_mask(sure, unsure, on_left)

    def _sure_by(
        self, sorter: _RowSorter, cells_at: Callable[[int], pa.StringArray]
    ) -> pa.BooleanArray:
        """The first non-empty cell passes ``no_label``, the label cells
        ``no_total_label`` (``cells_at(k)``: the cells in column k). Each column is
        looked at once, and the first cells only while some row has none but empty
        cells before them."""
        width = len(self.shape.columns)
        columns: dict[int, _Cells] = {}

        def column(k: int) -> _Cells:
            if k not in columns:
                columns[k] = _Cells(cells_at(k))
            return columns[k]

        sure = before = None  # before: the cells before this one are empty
        for k in range(min(_SURE_PREFIX, width)):
            if before is not None and not pc.any(before).as_py():
                break
            cells = column(k)
            here = cells.no_label()
            sure = here if before is None else pc.or_(sure, pc.and_(before, here))
            empty = pc.fill_null(pc.equal(cells.cells, ""), True)
            before = empty if before is None else pc.and_(before, empty)
        for i in sorter.labels:
            sure = pc.and_(sure, column(i).no_total_label())
        return sure


class _Cells:
    """A column of cells and the cheap tests of ``_PlainBody._sure_data`` on it."""

    def __init__(self, cells: pa.StringArray):
        self.cells = cells
        # the first byte: the first character if it is ASCII (a byte of a wider one is in
        # none of the ASCII sets looked up)
        self.first = pc.binary_slice(cells.view(pa.binary()), 0, 1)
        self.word = self._no_word()

    def no_label(self) -> pa.BooleanArray:
        """Not blank, and no total label: a first character in ``_SURE_FIRST``, or
        ``word``."""
        return pc.or_(pc.fill_null(pc.is_in(self.first, _SURE_FIRST), False), self.word)

    def no_total_label(self) -> pa.BooleanArray:
        """Blank or no total label: no first character in ``_TOTAL_FIRST`` or
        ``_TOTAL_FIRST_WIDE``, or ``word``."""
        initial = pc.is_in(self.first, _TOTAL_FIRST)
        for wide in _TOTAL_FIRST_WIDE:
            initial = pc.or_(initial, pc.starts_with(self.cells, wide))
        return pc.or_(pc.fill_null(pc.invert(initial), True), self.word)

    def _no_word(self) -> pa.BooleanArray:
        """Cells starting with a total initial letter that starts no total word:
        ``_TOTAL_LABEL`` needs a total word at the start of a cell starting with a letter
        (its first 6 characters ASCII: no case folding of other characters onto ASCII
        ones). The regexes run only on the cells starting with such a letter."""
        letter = pc.fill_null(pc.is_in(self.first, _TOTAL_LETTERS), False)
        at = pc.indices_nonzero(letter)
        if not len(at):
            return letter
        words = self.cells.take(at)
        word = pc.and_(
            pc.match_substring_regex(words, _ASCII_WORD_START),
            pc.invert(pc.match_substring_regex(words, _TOTAL_WORD_START)),
        )
        return pc.replace_with_mask(letter, letter, word)


class _RejectedAt(Exception):
    """A rejected line in a block, with the data rows before it."""

    def __init__(self, rows: tuple[pa.ListArray, pa.Array], error: FileRejected):
        super().__init__(str(error))
        self.rows = rows
        self.error = error


def _plain_block(data: bytes, line_end: bool) -> None:
    """Raise ``_NotPlain`` unless these body lines (cut before a line end if
    ``line_end``, else the file's last line) read the same split at LF by Arrow as by the
    csv module: no quote, no NUL, a CR only before an LF, valid UTF-8. Lines inside a
    block are shorter than ``CSV_FIELD_LIMIT`` (``PLAIN_BLOCK_BYTES`` is smaller); a
    line across blocks is measured by ``_PlainBody.batches``. Valid UTF-8 cut at LF
    bytes is valid piece by piece, so blocks are checked on their own."""
    if b'"' in data or b"\x00" in data:
        raise _NotPlain("a quote or a NUL")
    crs = data.count(b"\r") if b"\r" in data else 0  # ``in`` is a memchr, ``count`` is not
    if crs and crs != data.count(b"\r\n") + (line_end and data.endswith(b"\r")):
        raise _NotPlain("a CR that does not end a CRLF")
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _NotPlain("not UTF-8") from exc


def _mask(n: int, positions: list[int]) -> pa.BooleanArray:
    marks = [False] * n
    for i in positions:
        marks[i] = True
    return pa.array(marks, pa.bool_())


def _taken(pieces: list[list[pa.Array]], size: int) -> CellBatch:
    """The first ``size`` rows of these pieces ([row numbers, *cells by column] each),
    taken off them (copied only when they span pieces)."""
    batch: list[list[pa.Array]] = []
    while size:
        piece = pieces[0]
        if len(piece[0]) <= size:
            del pieces[0]
        else:
            pieces[0] = [array.slice(size) for array in piece]
            piece = [array.slice(0, size) for array in piece]
        if len(piece[0]):
            batch.append(piece)
            size -= len(piece[0])
    if len(batch) == 1:
        return CellBatch(batch[0][0], batch[0][1:])
    numbers, *columns = (pa.concat_arrays(list(arrays)) for arrays in zip(*batch, strict=True))
    return CellBatch(numbers, columns)


def _without(rows: pa.Array, dropped: list[int]) -> pa.Array:
    """``rows`` without the rows at ``dropped`` (ascending; none: ``rows`` itself)."""
    if not dropped:
        return rows
    parts = []
    start = 0
    for i in dropped:
        parts.append(rows.slice(start, i - start))
        start = i + 1
    parts.append(rows.slice(start))
    return pa.concat_arrays(parts)


def _placed(
    columns: list[pa.StringArray], lines: int, skipped: list[int], fixed: dict[int, list[Any]]
) -> list[pa.StringArray]:
    """Cells by column of the first ``lines`` lines: the parsed ``columns`` (one row per line
    but the ``skipped`` ones), with the rows of ``fixed`` (every skipped line below
    ``lines``, and maybe others) in their lines' place."""
    parsed = np.ones(len(columns[0]) + len(skipped), np.bool_)  # every line of the block
    parsed[skipped] = False
    at = np.cumsum(parsed) - 1
    order = sorted(fixed)
    at[order] = len(columns[0]) + np.arange(len(order))
    taken = pa.array(at[:lines])
    return [
        pa.concat_arrays([column, pa.array([fixed[i][k] for i in order], pa.string())]).take(taken)
        for k, column in enumerate(columns)
    ]


def _empty_lines(data: bytes) -> list[int]:
    """The indexes of the empty lines among these (split at LF)."""
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord("\n"))
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [len(data)]))
    return np.flatnonzero(starts == ends).tolist()


# --------------------------------------------------------------------------- XLSX


def _check_archive(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        raise FileRejected("file.empty", "berkas kosong (0 byte)", f"{path.name}: 0 bytes")
    _reject_not_a_submission(path, head)
    if not head.startswith(b"PK"):
        raise _reject_unreadable(
            path,
            "berkas bukan berkas Excel .xlsx yang sah (mungkin CSV/teks yang diberi nama .xlsx)",
            "not a zip archive",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _reject_unreadable(
            path, "berkas Excel rusak atau tidak lengkap (terpotong)", f"bad zip: {exc}"
        ) from exc
    total = sum(i.file_size for i in infos)
    size = path.stat().st_size
    limit = min(XLSX_MAX_UNCOMPRESSED, max(XLSX_RATIO_FLOOR, XLSX_MAX_RATIO * size))
    if total > limit:
        raise FileRejected(
            "file.too_large",
            f"isi berkas Excel ini terlalu besar untuk ukurannya: {_size(size)} di disk "
            f"menjadi {_size(total)} setelah dibuka (batas {_size(limit)}); berkas seperti "
            "ini tidak dapat diproses dengan aman. Simpan ulang dari Excel, bagi datanya "
            "menjadi beberapa berkas, atau kirim sebagai CSV",
            f"{path.name}: parts unpack to {total} bytes from a {size}-byte file (limit "
            f"{limit} = min({XLSX_MAX_UNCOMPRESSED}, max({XLSX_RATIO_FLOOR}, "
            f"{XLSX_MAX_RATIO} x size)))",
        )
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and _zip_member_head(path, "mimetype").startswith(b"app"):
            raise _reject_unreadable(
                path,
                "berkas ini dokumen OpenDocument/LibreOffice (mis. .ods), bukan Excel .xlsx; "
                "buka lalu simpan ulang sebagai .xlsx (Excel 2007-365)",
                "OpenDocument package",
            )
        if "[Content_Types].xml" not in names:
            raise _reject_archive(path, "ZIP (.zip)")
        raise _reject_unreadable(
            path,
            "berkas bukan buku kerja Excel .xlsx (dokumen Office lain, mis. Word/PowerPoint)",
            "zip archive without xl/workbook.xml",
        )


def _zip_member_head(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf, zf.open(name) as member:
        return member.read(128)


def _size(n: int) -> str:
    if n >= 1024**2:
        return f"{n / 1024**2:.0f} MB"
    return f"{max(1, round(n / 1024))} KB"


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.')
_PERCENT_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # built-in numFmtIds with a percent sign


def _is_percent_format(number_format: str | None) -> bool:
    """`0.00%` scales the value by 100; `0.00"%"` or `0.00\\%` only print a % sign."""
    if not number_format or "%" not in number_format:
        return False
    return "%" in _FORMAT_LITERALS.sub("", number_format)


def _reject_corrupt(path: Path, detail: str) -> FileRejected:
    return _reject_unreadable(path, "berkas Excel rusak atau tidak lengkap (terpotong)", detail)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml_part(zf: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    """A small package part (workbook, relationships, styles), parsed; None if absent.
    expat refuses external entities and, since 2.4, entity-expansion bombs."""
    try:
        data = zf.read(name)
    except KeyError:
        return None
    return ElementTree.fromstring(data)


@dataclass
class _Package:
    """What calamine does not tell: the zip member of each sheet and the cell styles
    (cellXfs indices) whose number format is a percentage."""

    sheet_parts: dict[str, str]  # sheet name -> zip member
    percent_styles: frozenset[int]


def _package(path: Path, percent_aware: bool) -> _Package:
    try:
        with zipfile.ZipFile(path) as zf:
            workbook = _xml_part(zf, "xl/workbook.xml")
            rels = _xml_part(zf, "xl/_rels/workbook.xml.rels")
            targets = {}
            styles_part = "xl/styles.xml"
            for rel in rels if rels is not None else ():
                target = rel.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[rel.get("Id")] = part
                if rel.get("Type", "").endswith("/styles"):
                    styles_part = part
            sheets = {}
            for el in workbook.iter() if workbook is not None else ():
                if _local(el.tag) == "sheet":
                    rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                    sheets[el.get("name", "")] = targets.get(rid, "")
            styles = _xml_part(zf, styles_part) if percent_aware else None
    except (zipfile.BadZipFile, OSError, ValueError, ElementTree.ParseError) as exc:
        raise _reject_corrupt(path, f"workbook parts: {exc!r}") from exc
    return _Package(sheets, _percent_styles(styles))


def _percent_styles(styles: ElementTree.Element | None) -> frozenset[int]:
    if styles is None:
        return frozenset()
    formats = dict(_PERCENT_BUILTIN_FORMATS)
    xfs: list[ElementTree.Element] = []
    for el in styles:
        name = _local(el.tag)
        if name == "numFmts":
            for fmt in el:
                if fmt.get("numFmtId", "").isdigit():
                    formats[int(fmt.get("numFmtId"))] = fmt.get("formatCode", "")
        elif name == "cellXfs":
            xfs = list(el)
    return frozenset(
        i
        for i, xf in enumerate(xfs)
        if xf.get("numFmtId", "").isdigit()
        and _is_percent_format(formats.get(int(xf.get("numFmtId"))))
    )


_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_CELL_STYLE = re.compile(rb'\bs="([0-9]+)"')
_ROOT_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_SCAN_CHUNK = 1 << 20
_SCAN_CARRY_MAX = 1 << 20  # one cell's XML longer than this: not inspected
_ERROR, _PERCENT, _FORMULA = "error", "percent", "formula"  # kinds of marked cells
_SCAN_BATCHES_QUEUED = 4  # chunks' worth of marks the scan may run ahead of the rows


@dataclass
class _FormulaCells:
    """Formula cells without a cached value below the header, by row (bounded)."""

    by_row: dict[int, list[str]] = field(default_factory=dict)
    count: int = 0
    kept: int = 0

    def add(self, row: int, ref: str) -> None:
        self.count += 1
        if self.kept < FORMULA_CELLS_KEPT or row <= HEADER_SEARCH_ROWS:
            self.by_row.setdefault(row, []).append(ref)
            self.kept += 1

    def drop_row(self, row: int) -> None:
        """A skipped total row: its formulas (a JUMLAH =SUM) are no data lost."""
        refs = self.by_row.pop(row, None)
        if refs:
            self.count -= len(refs)

    def drop_through(self, header_row: int) -> None:
        """The header and the rows above it are no data (scanned before it was known)."""
        for row in [r for r in self.by_row if r <= header_row]:
            self.drop_row(row)

    def note(self, sheet: str) -> ReaderNote:
        refs = [f"{sheet}!{ref}" for row in sorted(self.by_row) for ref in self.by_row[row]]
        shown = ", ".join(refs[:NOTE_ROWS]) + (" ..." if self.count > NOTE_ROWS else "")
        return ReaderNote(
            "file.formula_without_value",
            "warning",
            f"{self.count} sel berisi rumus tanpa nilai tersimpan ({shown}); sel ini dibaca "
            "kosong. Buka berkas di Excel dan simpan ulang (nilai rumus ikut tersimpan), "
            "lalu kirim lagi",
            f"{self.count} formula cells without a cached value ({shown}), read as missing",
            count=self.count,
            rows=sorted(self.by_row)[:NOTE_ROWS],
        )


def _column_index(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n - 1


def _find_all(buf: bytes, needle: bytes, end: int) -> list[int]:
    found, at = [], buf.find(needle, 0, end)
    while at >= 0:
        found.append(at)
        at = buf.find(needle, at + 1, end)
    return found


Mark = tuple[int, int, str, str]  # (row, column index, kind, error text or cell address)


def _marked_cells(stream: Any, percent_styles: frozenset[int]) -> Iterator[list[Mark]]:
    """The cells of a sheet's XML whose value calamine does not give, in document order,
    a batch per chunk read (streamed, bounded memory): an error cell (``_ERROR`` with its
    text, `#REF!`), a formula without a cached value (``_FORMULA`` with its address) and,
    with ``percent_styles``, a number whose style is a percent format (``_PERCENT``).

    A cell is ``<c r="D5" ...><f>..</f><v>..</v></c>``; a formula without ``<v>``, or with
    an empty ``<v/>`` on a non-text cell (openpyxl writes ``<v />`` for a formula it cannot
    evaluate; Excel writes ``t="str"`` with an empty ``<v></v>`` for an empty text result)
    has no value (calamine reads it empty). Only the cells holding a ``<f`` or an error
    type are inspected, unless percent styles are wanted (then every cell: small files).
    """
    buf = stream.read(_SCAN_CHUNK)
    root = _ROOT_PREFIX.search(buf)
    prefix = root.group(1) + b":" if root and root.group(1) else b""
    f_open, c_open, c_close = b"<" + prefix + b"f", b"<" + prefix + b"c ", b"</" + prefix + b"c>"
    eof = not buf
    while True:
        chunk = b"" if eof else stream.read(_SCAN_CHUNK)
        eof = not chunk
        # cells before the last cell start are complete in ``buf``
        limit = len(buf) if eof else buf.rfind(c_open)
        if limit < 0:
            limit = max(0, len(buf) - len(c_open))
        if percent_styles:
            hits = _find_all(buf, c_open, limit)
        else:
            hits = _find_all(buf, f_open, limit)
            errors = _find_all(buf, b' t="e"', limit)
            if errors:
                hits = sorted(hits + errors)
        batch: list[Mark] = []
        done = 0
        for at in hits:
            if at < done:
                continue  # a second mark in a cell already inspected
            start = buf.rfind(c_open, 0, at + len(c_open))  # the hit may be the cell start
            if start < 0:
                continue
            tag_end = buf.find(b">", start)
            if tag_end < 0:
                break
            if buf[tag_end - 1 : tag_end] == b"/":
                end = tag_end + 1  # <c r="A1" s="3"/>: no content
            else:
                end = buf.find(c_close, tag_end)
                if end < 0:
                    break
            if at >= end:
                continue  # outside any cell (`<formula>` of a conditional format)
            done = end
            mark = _inspect_cell(buf[start:end], buf[start:tag_end], percent_styles)
            if mark is not None:
                batch.append(mark)
        if batch:
            yield batch
        if eof:
            return
        if len(buf) - limit > _SCAN_CARRY_MAX:  # no cell is that long: not worth keeping
            limit = len(buf) - len(c_open)
        buf = buf[limit:] + chunk


_V_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>([^<]*)<)")
_F_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


def _inspect_cell(cell: bytes, tag: bytes, percent_styles: frozenset[int]) -> Mark | None:
    ref = _CELL_REF.search(tag)
    if ref is None:
        return None  # a cell without an address (rare writers): calamine places it
    row = int(ref.group(2))
    t = _CELL_TYPE.search(tag)
    kind = t.group(1) if t else b"n"
    value = _V_ELEMENT.search(cell)
    text = value.group(1) if value is not None else None
    if text is not None and text.strip():
        if kind == b"e":
            return row, _column_index(ref.group(1)), _ERROR, text.decode("utf-8", "replace")
        if kind == b"n" and percent_styles:
            style = _CELL_STYLE.search(tag)
            if style is not None and int(style.group(1)) in percent_styles:
                return row, _column_index(ref.group(1)), _PERCENT, ""
        return None  # a cached value
    if (value is not None and kind == b"str") or not _F_ELEMENT.search(cell):
        return None  # a cached empty text, or no formula
    return row, _column_index(ref.group(1)), _FORMULA, (ref.group(1) + ref.group(2)).decode()


_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')
_ROW_CARRY_MAX = 16 * 1024**2  # one row's XML longer than this is no table row


def _sheet_area(stream: Any) -> tuple[int, int]:
    """(last row, widest row) of the cells in a sheet's XML, streamed: calamine stores a
    sheet as a dense rectangle of that size (32 bytes a cell), so two cells, at A1 and
    XFD1048576, in a 1 KB workbook would make it allocate 550 GB and abort the process.
    Per row, its last cell's address (or, without addresses, its number of cells)."""
    buf = stream.read(_SCAN_CHUNK)
    root = _ROOT_PREFIX.search(buf)
    prefix = root.group(1) + b":" if root and root.group(1) else b""
    row_open, row_close, c_open = (
        b"<" + prefix + b"row",
        b"</" + prefix + b"row>",
        b"<" + prefix + b"c ",
    )
    last_row = widest = 0
    while True:
        chunk = stream.read(_SCAN_CHUNK)
        done = 0
        for end in _find_all(buf, row_close, len(buf)):
            start = buf.rfind(row_open, done, end)
            if start < 0:
                continue
            tag = buf[start : buf.find(b">", start)]
            number = _ROW_NUMBER.search(tag)
            last_row = int(number.group(1)) if number else last_row + 1
            cell = buf.rfind(c_open, start, end)
            if cell >= 0:
                ref = _CELL_REF.search(buf, cell, buf.find(b">", cell))
                if ref is not None:
                    widest = max(widest, _column_index(ref.group(1)) + 1)
                    last_row = max(last_row, int(ref.group(2)))
                else:
                    widest = max(widest, buf.count(c_open, start, end))
            done = end
        if not chunk:
            return last_row, widest
        buf = buf[done:] + chunk
        if len(buf) > _ROW_CARRY_MAX + _SCAN_CHUNK:
            return 1 << 20, 1 << 14  # a row of more than 16 MB: as wide as a sheet can be


class _Scan:
    """``_marked_cells`` of one sheet in a thread of its own, started before calamine
    parses the sheet: calamine and zlib release the GIL, so on two cores the scan costs
    little wall time. Batches reach the rows through a bounded queue (memory stays
    bounded whatever the sheet holds); an error in the thread is raised in the reader."""

    def __init__(self, path: Path, part: str | None, percent_styles: frozenset[int]):
        self._queue: queue.Queue = queue.Queue(maxsize=_SCAN_BATCHES_QUEUED)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(path, part, percent_styles), daemon=True, name="xlsx-scan"
        )
        self._thread.start()

    def _run(self, path: Path, part: str | None, percent_styles: frozenset[int]) -> None:
        try:
            if part is None:
                raise KeyError("sheet not in the workbook's relationships")
            with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
                for batch in _marked_cells(stream, percent_styles):
                    if not self._put(batch):
                        return
            self._put(None)
        except Exception as exc:  # handed to the reader, which names the file
            self._put(exc)

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def marks(self) -> Iterator[Mark]:
        while (batch := self._queue.get()) is not None:
            if isinstance(batch, Exception):
                raise batch
            yield from batch

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _percent_text(value: int | float) -> str:
    pct = Decimal(str(value)) * 100
    return f"{pct.normalize():f}%"


_INT_EXACT = 2**53  # floats below this are whole numbers exactly


def _number(value: float, path: Path) -> int | float:
    """calamine reads every number as a float: a whole one becomes an ``int`` as openpyxl
    gave it (what the identifier and integer parsers expect); NaN / infinity (text such
    as `NaN` in a number cell) is a corrupt workbook, as openpyxl had it."""
    if value.is_integer():
        return int(value) if -_INT_EXACT < value < _INT_EXACT else value
    if value - value != 0:
        raise _reject_corrupt(path, f"number cell holds {value!r}")
    return value


def _other(value: Any) -> Any:
    """A date cell comes as a ``datetime`` (midnight), as from openpyxl."""
    if value.__class__ is date:
        return datetime(value.year, value.month, value.day)
    return value


@dataclass
class _Sheet:
    """One worksheet: its rows as ``(sheet row, cells)`` (lazy), the formula cells without
    value found on the way, and the scan thread to stop when done (``close``)."""

    name: str
    rows: Iterator[tuple[int, list[Any]]]
    formulas: _FormulaCells
    scan: _Scan

    def close(self) -> None:
        self.rows.close()
        self.scan.close()


def _check_area(path: Path, name: str, part: str | None) -> None:
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part or "") as stream:
            rows, columns = _sheet_area(stream)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise _reject_corrupt(path, f"error while measuring the sheet: {exc!r}") from exc
    if rows * columns > XLSX_MAX_CELLS:
        cells, limit = (f"{n:,}".replace(",", ".") for n in (rows * columns, XLSX_MAX_CELLS))
        raise FileRejected(
            "file.too_large",
            f"lembar '{name}' terlalu luas: sel terisi sampai baris {rows} dan kolom "
            f"{columns} ({cells} sel; batas {limit}); berkas seperti ini tidak dapat diproses "
            "dengan aman. Hapus isi dan format sel di luar tabel data (atau salin tabelnya ke "
            "lembar baru), simpan, lalu kirim lagi",
            f"{path.name} [{name}]: cells up to row {rows} and column {columns} "
            f"({rows * columns} cells > XLSX_MAX_CELLS {XLSX_MAX_CELLS})",
        )


def _open_sheet(wb: Any, path: Path, name: str, package: _Package) -> _Sheet:
    _check_area(path, name, package.sheet_parts.get(name))
    scan = _Scan(path, package.sheet_parts.get(name), package.percent_styles)
    try:
        sheet = wb.get_sheet_by_name(name)  # calamine parses the whole sheet here
    except Exception as exc:  # calamine's XML / zip errors
        scan.close()
        raise _reject_corrupt(path, f"error while reading sheet rows: {exc!r}") from exc
    formulas = _FormulaCells()
    return _Sheet(name, _sheet_rows(sheet, path, scan, formulas), formulas, scan)


def _sheet_rows(
    sheet: Any, path: Path, scan: _Scan, formulas: _FormulaCells
) -> Iterator[tuple[int, list[Any]]]:
    """Rows numbered as in the sheet: calamine yields rows from row 1 (leading empty rows
    included) but columns only from the first used one, so those are padded back."""
    start = sheet.start
    pad = [None] * (start[1] if start else 0)
    number = _number
    try:
        marks = scan.marks()
        mark = next(marks, None)
        for n, row in enumerate(sheet.iter_rows(), start=1):
            cells = [
                (c or None)
                if c.__class__ is str
                else (number(c, path) if c.__class__ is float else _other(c))
                for c in row
            ]
            if pad:
                cells[:0] = pad
            while mark is not None and mark[0] <= n:
                row_n, col, kind, text = mark
                if row_n < n:
                    raise _reject_corrupt(path, f"sheet rows out of order at row {row_n}")
                if kind == _FORMULA:
                    formulas.add(row_n, text)
                elif col < len(cells):
                    if kind == _ERROR:
                        cells[col] = text
                    elif cells[col].__class__ in (int, float):
                        cells[col] = _percent_text(cells[col])
                mark = next(marks, None)
            while cells and cells[-1] is None:
                cells.pop()
            yield n, cells
        for row_n, _, kind, text in marks:  # the last rows' formula cells
            if kind == _FORMULA:
                formulas.add(row_n, text)
    except FileRejected:
        raise
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise _reject_corrupt(
            path, f"error while scanning sheet XML for formulas: {exc!r}"
        ) from exc


def sheet_notes(names: list[str], hidden: list[str], read: str, how: str) -> list[ReaderNote]:
    """The info notes about a workbook's sheets: the hidden ones skipped, and the sheet read
    (``how`` says why) when it is not the first one. ``names`` are all sheets in order."""
    notes = []
    if hidden:
        listed = ", ".join(f"'{t}'" for t in hidden)
        notes.append(
            ReaderNote(
                "file.hidden_sheet_skipped",
                "info",
                f"lembar tersembunyi dilewati: {listed}",
                f"hidden sheets skipped: {listed}",
                count=len(hidden),
            )
        )
    if read != names[0]:
        notes.append(
            ReaderNote(
                "file.sheet_read",
                "info",
                f"data dibaca dari lembar '{read}' ({how}), bukan lembar pertama '{names[0]}'",
                f"read sheet {read!r} ({how}), not the first sheet {names[0]!r}",
            )
        )
    return notes


@contextmanager
def _open_xlsx(path: Path, dataset: Dataset) -> Iterator[Table]:
    _check_archive(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's zip / XML / password errors
        raise _reject_unreadable(
            path, "berkas Excel rusak atau tidak dapat dibuka", f"calamine: {exc!r}"
        ) from exc
    with wb:
        sheets = [s for s in wb.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
        if not sheets:
            raise FileRejected(
                "file.empty", "berkas Excel tidak berisi lembar kerja", f"{path.name}: no sheets"
            )
        visible = [s.name for s in sheets if s.visible == SheetVisibleEnum.Visible]
        if not visible:
            raise FileRejected(
                "file.no_visible_sheet",
                "semua lembar kerja dalam berkas Excel ini tersembunyi; tampilkan lembar "
                "datanya (klik kanan > Unhide), simpan, lalu kirim lagi",
                f"{path.name}: every sheet is hidden",
            )
        package = _package(path, any(c.kind == "percent" for c in dataset.columns))
        sheet, head, how = _choose_sheet(wb, path, dataset, visible, package)
        where = f"{path.name} [{sheet.name}]"
        try:
            index, header, columns = _find_header(dataset, head, where)
        except FileRejected:
            sheet.close()
            raise
        header_row = head[index][0]
        sheet.formulas.drop_through(header_row)
        try:
            yield Table(
                header=header,
                columns=columns,
                header_row=header_row,
                format="xlsx",
                sheet=sheet.name,
                notes=sheet_notes(
                    [t.name for t in sheets],
                    [t.name for t in sheets if t.visible != SheetVisibleEnum.Visible],
                    sheet.name,
                    how,
                ),
                _source=chain(head[index + 1 :], sheet.rows),
                _formulas=sheet.formulas,
            )
        finally:
            sheet.close()


def _choose_sheet(
    wb: Any, path: Path, dataset: Dataset, visible: list[str], package: _Package
) -> tuple[_Sheet, list, str]:
    """(sheet, its first rows, why it was chosen): the visible sheet named after the
    dataset, else the first visible one whose first rows hold a header with the required
    columns, else the first visible one."""

    def start(name: str) -> tuple[_Sheet, list]:
        sheet = _open_sheet(wb, path, name, package)
        try:
            return sheet, list(islice(sheet.rows, HEADER_SEARCH_ROWS))
        except BaseException:
            sheet.close()
            raise

    wanted = normalise_header(dataset.name)
    named = next((s for s in visible if normalise_header(s) == wanted), None)
    if named is not None:
        return *start(named), "nama lembar sesuai dataset"
    first = None
    try:
        for name in visible:
            sheet, head = start(name)
            if any(header_mapping(dataset, cells) is not None for _, cells in head):
                if first is not None:
                    first[0].close()
                return sheet, head, "judul kolomnya sesuai dataset"
            if first is None:
                first = (sheet, head)
            else:
                sheet.close()
    except BaseException:
        if first is not None:
            first[0].close()
        raise
    assert first is not None
    return *first, "lembar pertama yang terlihat"


# --------------------------------------------------------------------------- entry point


@contextmanager
def open_table(path: Path, dataset: Dataset) -> Iterator[Table]:
    """Open a submission file (by extension: .csv or .xlsx) and detect its header.

    Raises FileRejected with rule ``file.empty``, ``file.unreadable``, ``file.too_large``,
    ``file.html_page``, ``file.archive``, ``file.old_xls``, ``file.encrypted``,
    ``file.no_visible_sheet``, ``file.no_header``, ``file.duplicate_column``,
    ``file.malformed_csv`` (also while iterating ``rows()``) or ``file.name_bad_extension``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _reject_unreadable(path, "berkas tidak dapat dibaca", repr(exc)) from exc
    if size == 0:
        raise FileRejected("file.empty", "berkas kosong (0 byte)", f"{path.name}: 0 bytes")
    if suffix == ".csv":
        opener = _open_csv
    elif suffix == ".xlsx":
        opener = _open_xlsx
    else:
        raise FileRejected(
            "file.name_bad_extension",
            f"format {suffix or '(tanpa ekstensi)'} tidak diterima; gunakan .csv atau .xlsx",
            f"{path.name}: unsupported extension {suffix!r}",
        )
    with opener(path, dataset) as table:
        yield table
