"""Streaming CSV / XLSX readers on real files written to tmp_path."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ingest.submissions import readers
from ingest.submissions.datasets import DATASETS
from ingest.submissions.readers import FileRejected, open_table
from ingest.submissions.values import parse_percent

from .reading import read as _read
from .reading import rejected as _rejected
from .reading import write as _write

KOPERASI = DATASETS["koperasi"]
UMKM = DATASETS["umkm"]
INDIKATOR = DATASETS["indikator_umkm"]


KOPERASI_CSV = (
    "DATA KOPERASI PROVINSI SULAWESI TENGGARA\n"
    "Keadaan s.d. 31 Desember 2021\n"
    "\n"
    "No,NIK,Nama Koperasi,Kabupaten/Kota,Status,Jumlah Anggota Pria,Keterangan\n"
    "1,7401010001,KSP Maju,Kab. Konawe,Aktif,120,\n"
    '2,7401010002,"Koperasi ""Sejahtera"", Unit 2",KOTA KENDARI,tidak aktif,"1.234","baris\n'
    'kedua"\n'
    ",,,,,,\n"
    "3,7401010003,KUD Tani,Konawe,aktif,7,ok\n"
    "\n"
    "JUMLAH,,,,,1.361,\n"
)


def test_csv_comma_titles_quotes_embedded_newline_and_total_row(tmp_path):
    table, rows = _read(_write(tmp_path / "k.csv", KOPERASI_CSV))
    assert table.format == "csv"
    assert table.delimiter == ","
    assert table.encoding == "utf-8"
    assert table.header_row == 4
    assert table.header[1] == "NIK"
    assert table.columns == [
        None,
        "nik_koperasi",
        "nama_koperasi",
        "kabupaten_kota",
        "status_aktif",
        "jumlah_anggota_pria",
        None,
    ]
    assert [n for n, _ in rows] == [5, 6, 9]  # physical lines; the quoted newline spans 6-7
    assert rows[1][1][2] == 'Koperasi "Sejahtera", Unit 2'
    assert rows[1][1][6] == "baris\nkedua"
    assert rows[2][1][:2] == ["3", "7401010003"]


def test_csv_utf8_bom_semicolon(tmp_path):
    text = (
        "nik_koperasi;nama_koperasi;kab_kota;status_aktif;aset\n"
        "0074;Koperasi Café;Kota Kendari;AKTIF;1.234.567,89\n"
    )
    table, rows = _read(_write(tmp_path / "k.csv", text, "utf-8-sig"))
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ";"
    assert table.header[0] == "nik_koperasi"  # no BOM glued to the first header
    assert rows == [(2, ["0074", "Koperasi Café", "Kota Kendari", "AKTIF", "1.234.567,89"])]


def test_csv_windows_1252(tmp_path):
    text = "nik;nama;kabupaten/kota;status\r\n1;Koperasi Karya – Café “Ibu”;Kab. Muna;aktif\r\n"
    table, rows = _read(_write(tmp_path / "k.csv", text, "cp1252"))
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert rows == [(2, ["1", "Koperasi Karya – Café “Ibu”", "Kab. Muna", "aktif"])]


def test_csv_utf8_with_a_stray_cp1252_byte_after_the_sample(tmp_path):
    head = "nik,nama,kab_kota,status\n"
    filler = "".join(f"{i},Koperasi Ñusa {i},Kota Kendari,aktif\n" for i in range(5000))
    data = (head + filler).encode("utf-8") + b"9999,Caf\xe9 Bu Sri,Kota Kendari,aktif\n"
    assert len(data) > readers.CSV_SAMPLE_BYTES
    path = tmp_path / "k.csv"
    path.write_bytes(data)
    table, rows = _read(path)
    assert table.encoding == "utf-8"
    assert rows[0][1][1] == "Koperasi Ñusa 0"
    assert rows[-1] == (5002, ["9999", "Café Bu Sri", "Kota Kendari", "aktif"])


def test_csv_excel_sep_line(tmp_path):
    text = "sep=;\nnik;nama;kab_kota;status;catatan, lain\n1;A, B;Kota Kendari;aktif;x\n"
    table, rows = _read(_write(tmp_path / "k.csv", text))
    assert table.delimiter == ";"
    assert table.header_row == 2
    assert rows == [(3, ["1", "A, B", "Kota Kendari", "aktif", "x"])]


def test_csv_header_after_ten_title_lines(tmp_path):
    titles = "".join(f"Judul {i}\n" for i in range(10))
    text = titles + "nik,nama,kab_kota,status\n1,A,Konawe,aktif\n"
    table, rows = _read(_write(tmp_path / "k.csv", text))
    assert table.header_row == 11
    assert rows == [(12, ["1", "A", "Konawe", "aktif"])]


def test_csv_header_below_row_eleven_is_not_found(tmp_path):
    titles = "".join(f"Judul {i}\n" for i in range(11))
    text = titles + "nik,nama,kab_kota,status\n1,A,Konawe,aktif\n"
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.no_header"
    assert "nik_koperasi, nama_koperasi, kabupaten_kota, status_aktif" in err.reason


def test_csv_missing_required_columns_are_named(tmp_path):
    text = "DATA KOPERASI\nNo,Nama Koperasi,Kabupaten/Kota,Aset\n1,A,Konawe,10\n"
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.no_header"
    assert err.reason.startswith("kolom wajib tidak ada: nik_koperasi, status_aktif")
    assert "baris 2" in err.reason


def test_csv_duplicate_column(tmp_path):
    text = "nik,nama,kab_kota,status,aset,ASET\n1,A,Konawe,aktif,1,2\n"
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.duplicate_column"
    assert "aset" in err.reason


def test_csv_column_number_row_short_rows_and_trailing_separators(tmp_path):
    text = "nik,nama,kab_kota,status,aset\n(1),(2),(3),(4),(5)\n1,A,Konawe\n2,B,Muna,aktif,5,,, \n"
    table, rows = _read(_write(tmp_path / "k.csv", text))
    assert rows == [
        (3, ["1", "A", "Konawe", None, None]),
        (4, ["2", "B", "Muna", "aktif", "5"]),  # Excel's empty trailing cells are dropped
    ]


def test_csv_row_with_values_past_the_header_is_rejected_with_its_line(tmp_path):
    text = "nik,nama,kab_kota,status\n1,A,Konawe,aktif\n2,Koperasi B, Unit 2,Muna,aktif\n"
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.malformed_csv"
    assert "baris 3: berisi 5 kolom, padahal judul kolom (baris 1) hanya 4 kolom" in err.reason
    assert "koma" in err.reason


def test_csv_total_rows_in_any_case(tmp_path):
    text = (
        "nik,nama,kab_kota,status\n1,A,Konawe,aktif\n,Total,,\nGrand Total,,,\n"
        "  jumlah total ,,,\nTOTAL,,,\n2,Total Motor,Muna,aktif\n"
    )
    _, rows = _read(_write(tmp_path / "k.csv", text))
    assert [n for n, _ in rows] == [2, 7]


def test_csv_header_only_has_no_rows(tmp_path):
    table, rows = _read(_write(tmp_path / "k.csv", "nik,nama,kab_kota,status\n\n,,,\n"))
    assert table.header_row == 1
    assert rows == []


def test_empty_and_blank_files(tmp_path):
    assert _rejected(_write(tmp_path / "a.csv", "")).rule == "file.empty"
    assert _rejected(_write(tmp_path / "b.csv", "\n\n ,, \n")).rule == "file.empty"
    assert _rejected(_write(tmp_path / "c.xlsx", "")).rule == "file.empty"


def test_csv_binary_junk_is_unreadable(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(bytes(range(256)) * 50)
    err = _rejected(path)
    assert err.rule == "file.unreadable"
    assert "biner" in err.reason


def test_csv_that_is_really_an_xlsx(tmp_path):
    path = tmp_path / "k.csv"
    _koperasi_workbook().save(path)
    err = _rejected(path)
    assert err.rule == "file.unreadable"
    assert ".xlsx" in err.reason


def test_csv_one_megabyte_cell_and_ten_thousand_columns(tmp_path):
    big = "x" * 1_000_000
    extras = ",".join(f"c{i}" for i in range(10_000))
    text = f"nik,nama,kab_kota,status,{extras}\n1,{big},Konawe,aktif,{','.join('v' * 10_000)}\n"
    table, rows = _read(_write(tmp_path / "k.csv", text))
    assert len(table.header) == 10_004
    assert len(rows[0][1][1]) == 1_000_000
    assert rows[0][1][-1] == "v"


def test_csv_field_beyond_the_limit_is_rejected_while_iterating(tmp_path):
    import csv

    old = csv.field_size_limit()
    csv.field_size_limit(1000)
    try:
        good = "".join(f"{i},A,Konawe,aktif\n" for i in range(20))
        text = "nik,nama,kab_kota,status\n" + good + '99,"' + "y" * 5000 + '",Muna,aktif\n'
        path = _write(tmp_path / "k.csv", text)
        with open_table(path, KOPERASI) as table:
            it = table.rows()
            assert [next(it)[0] for _ in range(20)] == list(range(2, 22))
            with pytest.raises(FileRejected) as err:
                next(it)
        assert err.value.rule == "file.malformed_csv"
    finally:
        csv.field_size_limit(old)


def test_rows_is_one_pass(tmp_path):
    path = _write(tmp_path / "k.csv", "nik,nama,kab_kota,status\n1,A,Konawe,aktif\n")
    with open_table(path, KOPERASI) as table:
        assert len(list(table.rows())) == 1
        with pytest.raises(RuntimeError):
            table.rows()


def test_unknown_extension(tmp_path):
    err = _rejected(_write(tmp_path / "k.txt", "nik,nama,kab_kota,status\n"))
    assert err.rule == "file.name_bad_extension"


def test_csv_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "umkm.csv"
    line = "0123456789012,Warung Makan Bu Sri,Kab. Konawe,56101,mikro,50.000.000,150.000.000,3\n"
    n = 200_000
    with path.open("w", encoding="utf-8") as fh:
        fh.write("nib,nama_usaha,kabupaten_kota,kbli,skala_usaha,modal_usaha,omzet_tahunan,tk\n")
        for _ in range(n // 1000):
            fh.write(line * 1000)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with open_table(path, UMKM) as table:
            count = sum(1 for _ in table.rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert size > 15_000_000
    assert peak < 5_000_000, f"peak {peak} bytes for a {size}-byte file: not streaming"


# --------------------------------------------------------------------------- XLSX


def _koperasi_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Petunjuk"
    ws.append(["Isi lembar koperasi; lembar ini hanya petunjuk"])
    data = wb.create_sheet("Koperasi")
    data.append(["DATA KOPERASI PROVINSI SULAWESI TENGGARA"])
    data.append(["Keadaan s.d. 31 Desember 2021"])
    data.append([])
    data.append(["NIK", "Nama Koperasi", "Kab/Kota", "Status", "Tgl RAT", "Aset", "SHU", "Catatan"])
    data.append(
        [
            "0074010001",
            "KSP Maju",
            "Kab. Konawe",
            "Aktif",
            datetime(2022, 3, 15),
            1234567.5,
            -2500,
            None,
        ]
    )
    data.append([7401010002, "KUD Tani", "KOTA KENDARI", 1, date(2022, 6, 30), 1000, 0, "ok"])
    data.append([None, None, None, None])
    data.append(["7401010003", "Kopwan", "Muna", "tidak aktif", None, None, None, None])
    data.append(["JUMLAH", None, None, None, None, 1235567.5, -2500])
    return wb


def test_xlsx_sheet_named_after_the_dataset_native_types(tmp_path):
    path = tmp_path / "koperasi_74_2021.xlsx"
    _koperasi_workbook().save(path)
    table, rows = _read(path)
    assert table.format == "xlsx"
    assert table.sheet == "Koperasi"
    assert table.header_row == 4
    assert table.columns == [
        "nik_koperasi",
        "nama_koperasi",
        "kabupaten_kota",
        "status_aktif",
        "tanggal_rat",
        "aset",
        "shu",
        None,
    ]
    assert [n for n, _ in rows] == [5, 6, 8]
    assert [(n.rule, n.severity, n.count, n.rows) for n in table.notes] == [
        ("file.sheet_read", "info", 0, []),
        ("file.total_rows_skipped", "info", 1, [9]),  # the JUMLAH row
    ]
    assert "'Koperasi' (nama lembar sesuai dataset), bukan lembar pertama" in table.notes[0].reason
    first, second, third = (cells for _, cells in rows)
    assert first[0] == "0074010001"  # text keeps its leading zeros
    assert first[4] == datetime(2022, 3, 15)
    assert first[5] == 1234567.5 and first[6] == -2500
    assert second[0] == 7401010002 and second[3] == 1
    assert second[4] == datetime(2022, 6, 30)
    assert third[:4] == ["7401010003", "Kopwan", "Muna", "tidak aktif"]


def test_xlsx_first_sheet_when_no_sheet_is_named_after_the_dataset(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["nama_usaha", "kabupaten_kota", "nib"])
    wb.active.append(["Toko A", "Konawe", 123456789012])
    wb.create_sheet("Lain").append(["x"])
    path = tmp_path / "u.xlsx"
    wb.save(path)
    table, rows = _read(path, UMKM)
    assert table.sheet == "Sheet1"
    assert rows == [(2, ["Toko A", "Konawe", 123456789012])]


def test_xlsx_percent_formatted_cell_arrives_as_percent_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["INDIKATOR UMKM JAWA TIMUR"])
    ws.append(["Kontribusi PDRB Persen", "Nilai Tambah UMKM", "Jumlah UMKM", "Sumber"])
    ws.append([0.6043, 1500000.25, 9782262, "BPS"])
    ws["A3"].number_format = "0.00%"
    ws.append([60.43, None, None, "literal"])
    ws["A4"].number_format = '0.00"%"'
    path = tmp_path / "i.xlsx"
    wb.save(path)
    table, rows = _read(path, INDIKATOR)
    assert rows[0][1][0] == "60.43%"
    assert parse_percent(rows[0][1][0]) == Decimal("60.43")
    assert rows[0][1][1:3] == [1500000.25, 9782262]
    assert rows[1][1][0] == 60.43  # a quoted "%" only prints a sign: the value is unscaled


def test_xlsx_missing_columns(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Nama Usaha", "Omzet"])
    wb.active.append(["A", 1])
    path = tmp_path / "u.xlsx"
    wb.save(path)
    err = _rejected(path, UMKM)
    assert err.rule == "file.no_header"
    assert err.reason.startswith("kolom wajib tidak ada: kabupaten_kota")


def test_xlsx_empty_sheet(tmp_path):
    path = tmp_path / "u.xlsx"
    openpyxl.Workbook().save(path)
    assert _rejected(path, UMKM).rule == "file.empty"


def test_xlsx_truncated(tmp_path):
    good = tmp_path / "good.xlsx"
    _koperasi_workbook().save(good)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    err = _rejected(bad)
    assert err.rule == "file.unreadable"
    assert "rusak" in err.reason


def test_xlsx_that_is_text_or_xls_or_other_zip(tmp_path):
    text = _write(tmp_path / "a.xlsx", "nik,nama,kab_kota,status\n1,A,B,aktif\n")
    assert _rejected(text).rule == "file.unreadable"
    xls = tmp_path / "b.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    err = _rejected(xls)
    assert err.rule == "file.old_xls" and "simpan ulang sebagai .xlsx" in err.reason
    other = tmp_path / "c.xlsx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
    err = _rejected(other)
    assert err.rule == "file.unreadable" and "Word" in err.reason


def test_xlsx_with_a_broken_sheet_stream(tmp_path):
    good = tmp_path / "good.xlsx"
    _koperasi_workbook().save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]  # XML cut mid-element
            dst.writestr(info, data)
    err = _rejected(bad)
    assert err.rule == "file.unreadable"


def _bomb(path: Path, size: int) -> Path:
    good = io.BytesIO()
    _koperasi_workbook().save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * size)
    return path


def test_xlsx_zip_bomb_guard_total_size(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "XLSX_MAX_UNCOMPRESSED", 1_000_000)
    err = _rejected(_bomb(tmp_path / "b.xlsx", 2_000_000))
    assert err.rule == "file.too_large"


def test_xlsx_zip_bomb_guard_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "XLSX_RATIO_FLOOR", 1_000_000)
    path = _bomb(tmp_path / "b.xlsx", 3_000_000)  # zeros deflate about 1000x
    err = _rejected(path)
    assert err.rule == "file.too_large"
    assert "terlalu besar untuk ukurannya" in err.reason and "setelah dibuka" in err.reason
    monkeypatch.setattr(readers, "XLSX_RATIO_FLOOR", 10_000_000)
    table, rows = _read(path)  # the same archive below the size floor is fine
    assert len(rows) == 3
