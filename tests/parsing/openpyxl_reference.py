"""The XLSX reader as it was before python-calamine (openpyxl, read-only, data_only), kept
only as the reference of the differential test (tests/parsing/test_xlsx_differential.py).

Everything that is not about reading cells is the production code's own (one definition
of each rule and message): the archive checks, the header search, the total-row rules,
the formula scan of the sheet XML. What this file owns is what the new reader replaced:
openpyxl's workbook, sheet states, row iteration, cell types and number formats.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any

import openpyxl

from ingest.submissions import readers
from ingest.submissions.datasets import Dataset, header_mapping
from ingest.submissions.readers import HEADER_SEARCH_ROWS, FileRejected, Table
from ingest.submissions.values import normalise_header


def _rows(ws: Any, percent_aware: bool, path: Path) -> Iterator[tuple[int, list[Any]]]:
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
                    and readers._is_percent_format(getattr(cell, "number_format", None))
                ):
                    pct = Decimal(str(value)) * 100
                    value = f"{pct.normalize():f}%"
                cells.append(value)
            yield number, cells
    except Exception as exc:  # openpyxl/zipfile/XML errors surface only when reading
        raise readers._reject_corrupt(path, f"error while reading sheet rows: {exc!r}") from exc


def _choose_sheet(path: Path, dataset: Dataset, visible: list[Any], percent_aware: bool):
    def start(ws: Any):
        ws.reset_dimensions()  # dimensions written by some tools are wrong (A1:XFD1048576)
        rows = _rows(ws, percent_aware, path)
        return rows, list(islice(rows, HEADER_SEARCH_ROWS))

    wanted = normalise_header(dataset.name)
    named = next((s for s in visible if normalise_header(s.title) == wanted), None)
    if named is not None:
        return named, *start(named), "nama lembar sesuai dataset"
    first = None
    for ws in visible:
        rows, head = start(ws)
        if any(header_mapping(dataset, cells) is not None for _, cells in head):
            return ws, rows, head, "judul kolomnya sesuai dataset"
        if first is None:
            first = (ws, rows, head)
    assert first is not None
    return *first, "lembar pertama yang terlihat"


@contextmanager
def open_xlsx(path: Path, dataset: Dataset) -> Iterator[Table]:
    """What ``ingest.submissions.readers.open_table`` did for a .xlsx file with openpyxl."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise FileRejected("file.empty", "berkas kosong (0 byte)", f"{path.name}: 0 bytes")
    readers._check_archive(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise readers._reject_unreadable(
            path, "berkas Excel rusak atau tidak dapat dibuka", f"openpyxl: {exc!r}"
        ) from exc
    try:
        sheets = list(wb.worksheets)
        if not sheets:
            raise FileRejected(
                "file.empty", "berkas Excel tidak berisi lembar kerja", f"{path.name}: no sheets"
            )
        visible = [s for s in sheets if s.sheet_state == "visible"]
        if not visible:
            raise FileRejected(
                "file.no_visible_sheet",
                "semua lembar kerja dalam berkas Excel ini tersembunyi; tampilkan lembar "
                "datanya (klik kanan > Unhide), simpan, lalu kirim lagi",
                f"{path.name}: every sheet is hidden",
            )
        percent_aware = any(c.kind == "percent" for c in dataset.columns)
        ws, rows, head, how = _choose_sheet(path, dataset, visible, percent_aware)
        index, header, columns = readers._find_header(dataset, head, f"{path.name} [{ws.title}]")
        header_row = head[index][0]
        formulas = readers._FormulaCells()
        try:
            with ws._get_source() as stream:
                for batch in readers._marked_cells(stream, frozenset()):
                    for row, _, kind, ref in batch:
                        if kind == readers._FORMULA:
                            formulas.add(row, ref)
        except Exception as exc:
            raise readers._reject_corrupt(path, f"formula scan: {exc!r}") from exc
        formulas.drop_through(header_row)
        yield Table(
            header=header,
            columns=columns,
            header_row=header_row,
            format="xlsx",
            sheet=ws.title,
            notes=readers.sheet_notes(
                [t.title for t in sheets],
                [t.title for t in sheets if t.sheet_state != "visible"],
                ws.title,
                how,
            ),
            _source=chain(head[index + 1 :], rows),
            _formulas=formulas,
        )
    finally:
        wb.close()
