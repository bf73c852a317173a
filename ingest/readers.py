"""Streaming CSV / XLSX readers with header detection (contract section 1, "Formats").

``open_table(path, dataset)`` yields a :class:`Table`: the detected header row, the
canonical column per position, and ``rows()``, a one-pass iterator of
``(row_number, cells)`` where ``row_number`` is the 1-based physical line (CSV; a record
spanning lines gets the number of its first line) or sheet row (XLSX), so a clerk finds
the row in the file. Memory stays bounded: nothing reads a whole file.

Cells: ``str`` from CSV; from XLSX whatever openpyxl yields (str, int, float, datetime,
bool, None), except that a number whose cell format is a percentage is turned into text
with ``%`` (0.6043 formatted as 60.43% arrives as "60.43%"), for datasets that have a
percent column. Rows shorter than the header are padded with None; longer rows are left
as they are (cells past the header have no column).

Not data, skipped and not counted: fully empty rows, rows whose first non-empty cell is
JUMLAH / TOTAL / Jumlah Total / Grand Total / Sub Total (any case), and a column-number
row right below the header (`1 2 3 ...` or `(1) (2) (3) ...`).

Every problem with the file as a whole raises :class:`FileRejected`, also from inside
``rows()`` (a CSV that turns malformed, or an XLSX that turns out truncated, deep in the
file): the loader must treat an exception from the iteration like one from the open.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ingest.datasets import Dataset, header_mapping, match_columns, missing_required
from ingest.values import clean_text, normalise_header

HEADER_SEARCH_ROWS = 11  # up to 10 title / note / blank rows above the header
CSV_FIELD_LIMIT = 16 * 1024 * 1024  # characters in one CSV cell
CSV_SAMPLE_BYTES = 64 * 1024
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3  # 2 GiB of XML in one workbook is not a submission
XLSX_MAX_RATIO = 200  # compression ratio above which a big archive is a zip bomb
XLSX_RATIO_MIN_SIZE = 100 * 1024**2  # ... if it also expands to at least this much
CSV_DELIMITERS = (",", ";")
TOTAL_LABELS = frozenset(
    {
        "jumlah",
        "total",
        "jumlahtotal",
        "totaljumlah",
        "grandtotal",
        "subtotal",
        "jumlahkeseluruhan",
        "totalkeseluruhan",
    }
)

if csv.field_size_limit() < CSV_FIELD_LIMIT:
    csv.field_size_limit(CSV_FIELD_LIMIT)


class FileRejected(Exception):
    """The file as a whole cannot be used; the submission is rejected."""

    def __init__(self, rule: str, reason: str, detail: str):
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.reason = reason  # Indonesian, for the provincial clerk
        self.detail = detail  # English, for engineers


TOTAL_ROWS_SKIPPED = "file.total_rows_skipped"


@dataclass
class ReaderNote:
    """Something the reader did that the submission log must show (not an error)."""

    rule: str  # e.g. "file.total_rows_skipped", "file.formula_without_value"
    severity: str  # "info" (logged, does not make a warning) or "warning"
    reason: str  # Indonesian, for the clerk
    detail: str  # English, for engineers
    count: int = 0
    rows: list[int] = field(default_factory=list)  # first row numbers


@dataclass
class Table:
    header: list[str]  # header cells as written in the file
    columns: list[str | None]  # canonical column per position, None = extra column
    header_row: int  # 1-based line (CSV) / sheet row (XLSX) of the header
    format: str  # csv | xlsx
    encoding: str | None = None  # CSV: utf-8-sig | utf-8 | cp1252
    delimiter: str | None = None  # CSV: , or ;
    sheet: str | None = None  # XLSX: the sheet read
    notes: list[ReaderNote] = field(default_factory=list)  # filled at open and by rows()
    _source: Iterator[tuple[int, list[Any]]] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """The data rows below the header as ``(row_number, cells)``; one pass only."""
        source, self._source = self._source, None
        if source is None:
            raise RuntimeError("Table.rows() can be iterated only once")
        return _data_rows(source, len(self.header))


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


def _data_rows(
    source: Iterator[tuple[int, list[Any]]], width: int
) -> Iterator[tuple[int, list[Any]]]:
    first = True
    for number, cells in source:
        value = _first_value(cells)
        if value is None:
            continue
        if (
            isinstance(value, str)
            and value.lstrip()[:1] in "JjTtGgSs"
            and normalise_header(value) in TOTAL_LABELS
        ):
            continue
        if first:
            first = False
            if _is_column_number_row(cells):
                continue
        if len(cells) < width:
            cells = list(cells)
            cells.extend([None] * (width - len(cells)))
        yield number, cells


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


def _sniff_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _reject_unreadable(
            path,
            "berkas CSV berenkode UTF-16 (Unicode text); simpan ulang sebagai "
            "'CSV UTF-8 (Comma delimited)'",
            "UTF-16 CSV is not accepted",
        )
    if head.startswith(b"PK\x03\x04"):
        raise _reject_unreadable(
            path,
            "berkas ini berisi Excel (.xlsx) tetapi bernama .csv; ganti ekstensinya menjadi "
            ".xlsx atau simpan ulang sebagai CSV",
            "zip/xlsx content in a .csv file",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _reject_unreadable(
            path,
            "berkas ini berformat Excel lama (.xls) tetapi bernama .csv; simpan ulang sebagai "
            ".xlsx atau CSV",
            "OLE2 (.xls) content in a .csv file",
        )
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


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class _NulGuard(io.RawIOBase):
    """A binary stream that refuses NUL bytes: the sniffed sample checks only the first
    64 KB, and PostgreSQL cannot store a NUL in text, so a NUL deep in a CSV would abort
    the file's COPY with a database error. Checking each chunk costs next to nothing."""

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
                raise _reject_unreadable(
                    self._path,
                    "berkas tidak dapat dibaca sebagai teks CSV (isi biner/rusak: karakter NUL)",
                    f"NUL byte at offset {start + at}",
                )
        return n


_SEP_LINE = re.compile(r'"?sep=(.)"?[,;]*', re.IGNORECASE)


def _csv_records(text: io.TextIOBase, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True)
    line = 0
    for record in reader:
        yield line + 1, record
        line = reader.line_num


def _guarded(records: Iterator[tuple[int, list[Any]]], path: Path) -> Iterator:
    try:
        yield from records
    except csv.Error as exc:
        raise FileRejected(
            "file.malformed_csv",
            f"berkas CSV rusak: {exc} (periksa tanda kutip yang tidak ditutup)",
            f"{path.name}: csv error: {exc}",
        ) from exc
    except (OSError, UnicodeError) as exc:
        raise _reject_unreadable(path, "berkas tidak dapat dibaca", repr(exc)) from exc


def _head(text: io.TextIOBase, delimiter: str, rows: int, path: Path) -> list:
    text.seek(0)
    return list(islice(_guarded(_csv_records(text, delimiter), path), rows))


@contextmanager
def _open_csv(path: Path, dataset: Dataset) -> Iterator[Table]:
    with path.open("rb") as raw:
        sample = raw.read(CSV_SAMPLE_BYTES)
        if not sample:
            raise FileRejected("file.empty", "berkas kosong (0 byte)", f"{path.name}: 0 bytes")
        encoding = _sniff_encoding(path, sample)
        raw.seek(0)
        text = io.TextIOWrapper(
            io.BufferedReader(_NulGuard(raw, path), 1 << 16),
            encoding=encoding,
            errors="kumkm_cp1252_fallback",
            newline="",
        )
        try:
            first_line = text.readline(4096).strip()
        except UnicodeError as exc:  # pragma: no cover - the fallback handler decodes all
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
        index, header, columns = _find_header(dataset, head, path.name)
        text.seek(0)
        records = _guarded(_csv_records(text, delimiter), path)
        consumed = list(islice(records, len(head)))
        table = Table(
            header=header,
            columns=columns,
            header_row=head[index][0],
            format="csv",
            encoding=encoding,
            delimiter=delimiter,
            _source=chain(consumed[index + 1 :], records),
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
        for number, cells in head:
            cand = _rank(dataset, 0, number, cells)
            full = cand.required == len(dataset.required_columns)
            row_score = (int(full), cand.required, cand.known, len(cells))
            score = max(score, row_score)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    assert best is not None
    return best


# --------------------------------------------------------------------------- XLSX


def _check_archive(path: Path) -> None:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if not magic:
        raise FileRejected("file.empty", "berkas kosong (0 byte)", f"{path.name}: 0 bytes")
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _reject_unreadable(
            path,
            "berkas berformat Excel lama (.xls) atau terenkripsi/berkata sandi; simpan ulang "
            "sebagai .xlsx tanpa kata sandi",
            "OLE2 container (.xls or password-protected xlsx)",
        )
    if not magic.startswith(b"PK"):
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
    packed = sum(i.compress_size for i in infos)
    if total > XLSX_MAX_UNCOMPRESSED or (
        total > XLSX_RATIO_MIN_SIZE and total > XLSX_MAX_RATIO * max(packed, 1)
    ):
        raise FileRejected(
            "file.too_large",
            "isi berkas Excel terlalu besar untuk diproses; bagi data menjadi beberapa "
            "berkas atau kirim sebagai CSV",
            f"{path.name}: archive expands to {total} bytes from {packed} "
            f"(limit {XLSX_MAX_UNCOMPRESSED}, ratio limit {XLSX_MAX_RATIO})",
        )
    if "xl/workbook.xml" not in names:
        raise _reject_unreadable(
            path,
            "berkas bukan buku kerja Excel .xlsx (isi arsip tidak dikenal)",
            "zip archive without xl/workbook.xml",
        )


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.')


def _is_percent_format(number_format: str | None) -> bool:
    """`0.00%` scales the value by 100; `0.00"%"` or `0.00\\%` only print a % sign."""
    if not number_format or "%" not in number_format:
        return False
    return "%" in _FORMAT_LITERALS.sub("", number_format)


def _xlsx_rows(ws: Any, percent_aware: bool, path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        if not percent_aware:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, list(values)
            return
        for number, row in enumerate(ws.iter_rows(values_only=False), start=1):
            cells = []
            for cell in row:
                value = cell.value
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and _is_percent_format(getattr(cell, "number_format", None))
                ):
                    pct = Decimal(str(value)) * 100
                    value = f"{pct.normalize():f}%"
                cells.append(value)
            yield number, cells
    except FileRejected:
        raise
    except Exception as exc:  # openpyxl/zipfile/XML errors surface only when reading
        raise _reject_unreadable(
            path,
            "berkas Excel rusak atau tidak lengkap (terpotong)",
            f"error while reading sheet rows: {exc!r}",
        ) from exc


@contextmanager
def _open_xlsx(path: Path, dataset: Dataset) -> Iterator[Table]:
    import warnings

    import openpyxl

    _check_archive(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _reject_unreadable(
            path, "berkas Excel rusak atau tidak dapat dibuka", f"openpyxl: {exc!r}"
        ) from exc
    try:
        sheets = list(wb.worksheets)
        if not sheets:
            raise FileRejected(
                "file.empty", "berkas Excel tidak berisi lembar kerja", f"{path.name}: no sheets"
            )
        wanted = normalise_header(dataset.name)
        ws = next((s for s in sheets if normalise_header(s.title) == wanted), sheets[0])
        ws.reset_dimensions()  # dimensions written by some tools are wrong (A1:XFD1048576)
        percent_aware = any(c.kind == "percent" for c in dataset.columns)
        rows = _xlsx_rows(ws, percent_aware, path)
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        where = f"{path.name} [{ws.title}]"
        index, header, columns = _find_header(dataset, head, where)
        yield Table(
            header=header,
            columns=columns,
            header_row=head[index][0],
            format="xlsx",
            sheet=ws.title,
            _source=chain(head[index + 1 :], rows),
        )
    finally:
        wb.close()


# --------------------------------------------------------------------------- entry point


@contextmanager
def open_table(path: Path, dataset: Dataset) -> Iterator[Table]:
    """Open a submission file (by extension: .csv or .xlsx) and detect its header.

    Raises FileRejected with rule ``file.empty``, ``file.unreadable``, ``file.too_large``,
    ``file.no_header``, ``file.duplicate_column``, ``file.malformed_csv`` (also while
    iterating ``rows()``) or ``file.name_bad_extension``.
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
