"""What the python-calamine XLSX path must do itself (calamine does not): sheet row numbers
with offsets, error cells as text, openpyxl's cell types, and scan threads that end with
the table. The differential test (test_xlsx_differential.py) compares whole corpora."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill

from ingest.submissions.datasets import DATASETS
from ingest.submissions.readers import FileRejected, open_table

KOPERASI = DATASETS["koperasi"]


def _scan_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "xlsx-scan"]


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws["C2"] = "DATA KOPERASI"
    for i, h in enumerate(["nik", "nama", "kab_kota", "status", "tgl_rat", "aset"]):
        ws.cell(row=4, column=3 + i, value=h)
    values = ["7401010001", "KSP Maju", "Muna", "aktif", datetime(2024, 2, 29), 1500.0]
    for i, v in enumerate(values):
        ws.cell(row=7, column=3 + i, value=v)
    ws.cell(row=9, column=3, value=7401010002)
    ws.cell(row=9, column=8, value="#REF!")  # openpyxl writes it as an error cell
    wb.save(path)
    return path


def test_rows_keep_sheet_numbers_types_and_error_text(tmp_path):
    path = _workbook(tmp_path / "k.xlsx")
    with open_table(path, KOPERASI) as table:
        rows = list(table.rows())
    assert table.header_row == 4
    assert table.columns[:2] == [None, None]  # columns A and B are empty, not dropped
    assert rows == [
        (7, [None, None, "7401010001", "KSP Maju", "Muna", "aktif", datetime(2024, 2, 29), 1500]),
        (9, [None, None, 7401010002, None, None, None, None, "#REF!"]),
    ]
    assert type(rows[0][1][7]) is int and type(rows[1][1][2]) is int  # whole floats -> int


def test_formula_text_outside_the_cells_is_not_a_cell(tmp_path):
    """`<formula>` of a conditional format, after the last cell (a formula without value),
    must not count that cell twice."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["nik", "nama", "kab_kota", "status", "aset"])
    ws.append(["7401010001", "KSP Maju", "Muna", "aktif", "=1+1"])
    ws.conditional_formatting.add("E2", FormulaRule(formula=["E2>0"], fill=PatternFill()))
    path = tmp_path / "k.xlsx"
    wb.save(path)
    with open_table(path, KOPERASI) as table:
        rows = list(table.rows())
    assert rows == [(2, ["7401010001", "KSP Maju", "Muna", "aktif", None])]
    [note] = [n for n in table.notes if n.rule == "file.formula_without_value"]
    assert note.count == 1 and "Sheet!E2" in note.reason


def _two_cells(path: Path, far: str) -> Path:
    """A 1 KB workbook with a header cell at A1 and one cell at ``far``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["nik", "nama", "kab_kota", "status"])
    ws[far] = "x"
    wb.save(path)
    return path


def test_sheet_area_is_checked_before_calamine_allocates_it(tmp_path):
    """calamine stores a sheet densely: A1 + XFD1048576 would be a 550 GB allocation and
    abort the process. Rejected first, like a zip bomb; a large legit area is read."""
    with (
        pytest.raises(FileRejected) as err,
        open_table(_two_cells(tmp_path / "a.xlsx", "XFD1048576"), KOPERASI),
    ):
        pass
    assert err.value.rule == "file.too_large"
    assert "baris 1048576 dan kolom 16384" in err.value.reason
    with open_table(_two_cells(tmp_path / "b.xlsx", "AZ200000"), KOPERASI) as table:
        rows = list(table.rows())  # 10.4 million cells: fine
    assert rows[-1][0] == 200000 and rows[-1][1][51] == "x"


def test_scan_threads_end_with_the_table(tmp_path):
    before = len(_scan_threads())
    path = _workbook(tmp_path / "k.xlsx")
    with open_table(path, KOPERASI) as table:
        next(table.rows())  # left half-read
    umkm = DATASETS["umkm"]  # no umkm header: rejected at open
    with pytest.raises(FileRejected), open_table(path, umkm):
        pass
    assert len(_scan_threads()) == before
