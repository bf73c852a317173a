"""Differential test of the XLSX reader: python-calamine (ingest.submissions.readers) against the
openpyxl reader it replaced (tests/parsing/openpyxl_reference.py), on every workbook of
the sample dropzone, of the hostile corpora (tests/reliability/corpus.py,
tests/trust/cases.py) and of the reader tests (tests/parsing), plus a few shapes those do
not have (data starting at C3 with empty rows, the 1904 date system, error cells, a merged
title, percent cells).

Per file, both paths must give the same outcome: the same FileRejected rule and clerk
message (one known difference: a sheet whose XML is broken at its start made openpyxl fail
at open, "rusak atau tidak dapat dibuka", where calamine, which parses the whole sheet at
once, says "rusak atau tidak lengkap (terpotong)"), or the same sheet, header row, header,
columns, notes and the same data rows, compared after the loader's mapping and
normalisation (row number, typed values, issues with their rule and message, extra cells,
the original cells kept for a quarantined row).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Alignment

from ingest.submissions import load as submissions
from ingest.submissions.datasets import DATASETS
from ingest.submissions.filenames import parse_file_name
from ingest.submissions.normalize import normalise_row
from ingest.submissions.readers import FileRejected, open_table
from kumkm_dev.sample_data import generate_dropzone
from kumkm_dev.sample_data.xlsx import workbook_bytes

from . import test_readers, test_readers_structure
from .openpyxl_reference import open_xlsx

DEFAULT_NAME = "koperasi_74_2024.xlsx"  # dataset, province and period for unnamed test files
CORRUPT = (
    "berkas Excel rusak atau tidak dapat dibuka",
    "berkas Excel rusak atau tidak lengkap (terpotong)",
)


def _outcome(opener, path: Path, dataset_name: str | None = None) -> dict[str, Any]:
    try:
        name = parse_file_name(path.name)
    except Exception:  # a name the loader rejects: read it as the default submission
        name = parse_file_name(DEFAULT_NAME)
    dataset = DATASETS[dataset_name or name.dataset]
    try:
        with opener(path, dataset) as table:
            keys = submissions._header_keys(table.header)
            rows = []
            for number, cells, extra, raw in submissions._mapped_rows(table, keys):
                values, issues = normalise_row(
                    dataset, cells, province=name.province, period=name.period
                )
                rows.append(
                    (
                        number,
                        values,
                        [(i.rule, i.severity, i.reason) for i in issues],
                        extra,
                        submissions._original(keys, raw) if values is None else None,
                    )
                )
            notes = [(n.rule, n.severity, n.reason, n.count, n.rows) for n in table.notes]
            return {
                "sheet": table.sheet,
                "header_row": table.header_row,
                "header": table.header,
                "columns": table.columns,
                "rows": rows,
                "notes": notes,
            }
    except FileRejected as exc:
        reason = CORRUPT[1] if exc.reason in CORRUPT else exc.reason
        return {"rejected": exc.rule, "reason": reason}


# --------------------------------------------------------------------------- the files


def _sample_dropzone(root: Path) -> list[tuple[Path, str | None]]:
    folder = root / "sample"
    generate_dropzone(folder)
    return [(p, None) for p in sorted(folder.rglob("*.xlsx"))]


def _corpus(root: Path, cases, folder: str) -> list[tuple[Path, str | None]]:
    out = []
    for case in cases:
        if not case.path.lower().endswith(".xlsx") or not isinstance(case.data, bytes):
            continue
        path = root / folder / case.name / Path(case.path).name
        path.parent.mkdir(parents=True)
        path.write_bytes(case.data)
        out.append((path, None))
    return out


def _saved(path: Path, wb: openpyxl.Workbook) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _percent_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["INDIKATOR UMKM JAWA TIMUR"])
    ws.append(["Kontribusi PDRB Persen", "Nilai Tambah UMKM", "Jumlah UMKM", "Sumber"])
    ws.append([0.6043, 1500000.25, 9782262, "BPS"])
    ws["A3"].number_format = "0.00%"
    ws.append([60.43, None, None, "literal"])
    ws["A4"].number_format = '0.00"%"'
    ws.append([0.5, 2, 3, "persen bulat"])
    ws["A5"].number_format = "0%"
    return _saved(path, wb)


def _shapes(root: Path) -> list[tuple[Path, str | None]]:
    """Shapes the corpora lack: offsets, empty rows, dates in both systems, errors."""
    d = root / "shapes"
    files: list[tuple[Path, str | None]] = []
    # data from C3, an empty row inside, a title merged over the header
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "DATA KOPERASI"
    ws.merge_cells("C3:H3")
    ws["C3"].alignment = Alignment(horizontal="center")
    for i, h in enumerate(["nik", "nama", "kab_kota", "status", "tgl_rat", "aset"]):
        ws.cell(row=5, column=3 + i, value=h)
    ws.cell(row=6, column=3, value="7401010001")
    ws.cell(row=6, column=4, value="KSP Maju")
    ws.cell(row=6, column=5, value="Kab. Konawe")
    ws.cell(row=6, column=6, value="aktif")
    ws.cell(row=6, column=7, value=dt.date(2024, 3, 15))
    ws.cell(row=6, column=8, value=1234567.5)
    for col, value in enumerate([7401010002, "KUD", "Muna", True, 45000, 12], start=3):
        ws.cell(row=9, column=col, value=value)
    ws.cell(row=10, column=3, value="7401010003")
    ws.cell(row=10, column=4, value="=CONCAT(1,2)")  # no cached value
    ws.cell(row=10, column=5, value="Muna")
    ws.cell(row=10, column=6, value="aktif")
    ws.cell(row=10, column=8, value="#N/A")
    files.append((_saved(d / "koperasi_74_2024.xlsx", wb), None))
    # the 1904 date system (old Mac Excel)
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["nik", "nama", "kab_kota", "status", "tgl_rat", "aset"])
    ws.append(["7401010001", "KSP Maju", "Muna", "aktif", dt.datetime(2023, 6, 16), 10])
    ws.append(["7401010002", "KSP Jaya", "Muna", "aktif", dt.datetime(2024, 2, 29, 13, 30), 2.5])
    files.append((_saved(d / "koperasi_74_2023.xlsx", wb), None))
    # error values, booleans, big and negative numbers, whole floats (calamine: floats)
    rows = [
        ["nik_koperasi", "nama_koperasi", "kabupaten_kota", "status_aktif", "aset", "shu"],
        ["7401010001", "A", "Muna", True, 10**15, -2500],
        [7401010002, "B", "Muna", False, 12.0, 1e20],
        [1234567890123456, "C", "Muna", "aktif", 0.1, -7.25],
    ]
    data = workbook_bytes([("koperasi", rows)], when=dt.datetime(2025, 1, 1))
    src = zipfile.ZipFile(io.BytesIO(data))
    out = d / "koperasi_74_2022.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                part = part.replace(
                    b'<c r="E3"><v>12.0</v></c>', b'<c r="E3" t="e"><v>#DIV/0!</v></c>'
                )
            dst.writestr(info.filename, part)
    files.append((out, None))
    files.append((_percent_workbook(d / "indikator_umkm_35_2024.xlsx"), None))
    return files


def _parsing(root: Path) -> list[tuple[Path, str | None]]:
    """The workbooks of tests/parsing, written by their own builders."""
    d = root / "parsing"
    d.mkdir()
    files: list[tuple[Path, str | None]] = []
    good = _saved(d / "koperasi_74_2021.xlsx", test_readers._koperasi_workbook())
    files.append((good, None))
    (d / "bomb").mkdir()
    files.append((test_readers._bomb(d / "bomb" / "koperasi_74_2020.xlsx", 3_000_000), None))
    bad = d / "truncated" / "koperasi_74_2019.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files.append((bad, None))
    broken = d / "broken_sheet" / "koperasi_74_2018.xlsx"
    broken.parent.mkdir()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    files.append((broken, None))
    for state in ("hidden", "veryHidden"):
        path = d / state / "koperasi_74_2024.xlsx"
        path.parent.mkdir()
        files.append((test_readers_structure._hidden_workbook(path, state), None))
    for prefix in ("", "x"):
        t = 't="inlineStr"'
        rows = [
            '<row r="1">'
            + "".join(
                f'<c r="{c}1" {t}><is><t>{h}</t></is></c>'
                for c, h in zip("ABCDE", ["nik", "nama", "kab_kota", "status", "aset"], strict=True)
            )
            + "</row>",
            f'<row r="2"><c r="A2" {t}><is><t>7401010001</t></is></c><c r="B2" {t}><is><t>K'
            f'</t></is></c><c r="C2" {t}><is><t>Muna</t></is></c><c r="D2" {t}><is><t>aktif'
            '</t></is></c><c r="E2"><f>1+1</f><v>2</v></c></row>',
            '<row r="3"><c r="A3" t="str"><f>IF(1,"","")</f><v></v></c><c r="E3"><f>1+2</f>'
            "</c></row>",
        ]
        path = d / f"prefix{prefix}" / "koperasi_74_2024.xlsx"
        path.parent.mkdir()
        xml = test_readers_structure._sheet_xml(rows, prefix)
        files.append((test_readers_structure._with_sheet_xml(path, xml), None))
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["nama_usaha", "kabupaten_kota", "nib"])
    wb.active.append(["Toko A", "Konawe", 123456789012])
    wb.create_sheet("Lain").append(["x"])
    files.append((_saved(d / "umkm_74_2024.xlsx", wb), None))
    files.append((_saved(d / "empty" / "umkm_74_2024.xlsx", openpyxl.Workbook()), None))
    return files


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> list[tuple[str, Path, str | None]]:
    from reliability.corpus import CASES as RELIABILITY
    from trust.cases import CASES as TRUST

    root = tmp_path_factory.mktemp("xlsx_differential")
    groups = {
        "sample": _sample_dropzone(root),
        "reliability": _corpus(root, RELIABILITY, "reliability"),
        "trust": _corpus(root, TRUST, "trust"),
        "parsing": _parsing(root),
        "shapes": _shapes(root),
    }
    return [(g, p, ds) for g, files in groups.items() for p, ds in files]


def test_every_corpus_contributes_workbooks(workbooks):
    counts: dict[str, int] = {}
    for group, _, _ in workbooks:
        counts[group] = counts.get(group, 0) + 1
    assert counts["sample"] >= 3 and counts["reliability"] >= 15 and counts["trust"] >= 3, counts


def test_calamine_reads_every_workbook_like_openpyxl(workbooks):
    differences = []
    for group, path, dataset in workbooks:
        new = _outcome(open_table, path, dataset)
        old = _outcome(open_xlsx, path, dataset)
        if new != old:
            differences.append((group, str(path), old, new))
    assert not differences, "\n\n".join(
        f"{group} {path}\n  openpyxl: {old}\n  calamine: {new}"
        for group, path, old, new in differences
    )


def test_the_comparison_sees_rows_and_rejections(workbooks):
    """The corpora exercise both sides: loaded rows, quarantined cells, rejections."""
    outcomes = [_outcome(open_table, p, ds) for _, p, ds in workbooks]
    rejected = {o["rejected"] for o in outcomes if "rejected" in o}
    assert {"file.unreadable", "file.too_large", "file.no_header"} <= rejected, rejected
    rows = [r for o in outcomes for r in o.get("rows", [])]
    assert len(rows) > 100
    assert any(values is None for _, values, _, _, _ in rows)  # a quarantined row
