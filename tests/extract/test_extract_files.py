"""The extract's files: byte-identical reruns, CSV, Parquet and XLSX contents."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.extract import extract_quarter

MARTS = [
    "agreement_implementation",
    "cooperative_health",
    "dim_province",
    "province_list",
    "umkm_contribution",
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def extract(marts_url, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("extracts")
    lines: list[str] = []
    extract_quarter(marts_url, "2025Q1", root, progress=lines.append)
    return root / "2025Q1"


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_folder_contents(extract: Path):
    names = sorted(p.name for p in extract.iterdir())
    expected = sorted(
        [f"{m}.csv" for m in MARTS]
        + [f"{m}.parquet" for m in MARTS]
        + ["2025Q1_marts.xlsx", "manifest.json", "ringkasan_2025Q1.pdf", "ringkasan_2025Q1.html"]
    )
    assert names == expected  # every mart (the view too), never dbt's __dbt_tmp relation


def test_two_runs_are_byte_identical(marts_url, extract: Path, tmp_path: Path):
    first = hashes(extract)
    time.sleep(2.1)  # zip entry times have a 2-second resolution: let the clock move on
    # the same destination again (replaces the folder) and a different one
    extract_quarter(marts_url, "2025Q1", extract.parent, progress=lambda m: None)
    extract_quarter(marts_url, "2025Q1", tmp_path, progress=lambda m: None)
    assert hashes(extract) == first
    assert hashes(tmp_path / "2025Q1") == first  # CSV, Parquet, XLSX, brief and manifest


def test_manifest_hashes_match_the_files(extract: Path):
    manifest = json.loads((extract / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["quarter"] == "2025Q1"
    assert manifest["quarter_end"] == "2025-03-31"
    assert manifest["byte_identical_on_rerun"] == {
        "csv": True,
        "parquet": True,
        "xlsx": True,
        "pdf": True,
        "html": True,
    }
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in extract.iterdir()} - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == sha256(extract / name), name
        assert entry["bytes"] == (extract / name).stat().st_size
    rows = {m["mart"]: m["rows"] for m in manifest["marts"]}
    assert rows == {
        "agreement_implementation": 5,
        "cooperative_health": 3,
        "dim_province": 3,
        "province_list": 3,
        "umkm_contribution": 3,
    }
    for mart, n in rows.items():
        assert listed[f"{mart}.csv"]["rows"] == n
        assert listed[f"{mart}.parquet"]["rows"] == n
    assert listed["2025Q1_marts.xlsx"]["rows"] == sum(rows.values())


def test_manifest_sources(extract: Path):
    manifest = json.loads((extract / "manifest.json").read_text(encoding="utf-8"))
    subs = manifest["source_submissions"]
    assert [s["submission_id"] for s in subs] == [1002, 1005, 1003, 1010]
    by_id = {s["submission_id"]: s for s in subs}
    assert by_id[1002] == {
        "submission_id": 1002,
        "dataset": "koperasi",
        "province_code": "11",
        "period": "2024",
        "file_name": "koperasi_11_2024_rev.csv",
        "sha256": "b" * 64,
        "outcome": "accepted_with_warnings",
        "in_force": True,
        "used_by": ["cooperative_health"],
    }
    assert by_id[1010]["used_by"] == []  # in force, no mart names its submissions
    assert by_id[1005]["period"] == "2025"  # named by a kept book-year-2025 row
    assert manifest["bps_fetch_state"] == [
        {"measure": "grdp_growth_pct", "last_update": "2025-03-05T10:00:00"},
        {"measure": "population_thousand", "last_update": None},
    ]


def test_csv_bom_values_and_neutralised_text(extract: Path):
    raw = (extract / "agreement_implementation.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= 6
    rows = read_csv(extract / "agreement_implementation.csv")
    assert rows[0] == [
        "province_code", "document_number", "title", "partner_name", "signed_on",
        "expires_on", "days_to_first_activity", "transaction_value_idr",
        "expiring_within_90_days", "latest_submitted_at", "extra", "as_of",
    ]  # fmt: skip
    by_doc = {r[1]: r for r in rows[1:]}
    assert list(by_doc) == ["PKS/001", "PKS/002", "PKS/003", "PKS/004", "PKS/006"]
    assert by_doc["PKS/001"] == [
        "11", "PKS/001", "'=HYPERLINK(\"http://evil.example\",\"klik\")", "'+6281234567890",
        "2024-01-15", "", "-3", "-2500000.00", "true", "2025-03-31 16:30:00+00:00",
        '{"a": [1, 2], "b": 1}', "2025-03-31",
    ]  # fmt: skip
    assert by_doc["PKS/002"][2:4] == ["'-abc", "'@SUM(A1:A9)"]
    assert by_doc["PKS/002"][7:9] == ["0.00", "false"]
    assert by_doc["PKS/003"][2:4] == ["'\tcmd", "'\rcarriage"]
    assert by_doc["PKS/003"][4:10] == ["", "", "", "", "", ""]  # NULL = empty
    assert by_doc["PKS/004"][2:4] == ["#N/A", 'Koperasi Sejahtera, "Makmur"\nBaris dua']
    # numbers are never neutralised: the raw line holds a bare -3 and -2500000.00
    assert b",-3,-2500000.00,true," in raw


def test_csv_numerics_as_postgresql_prints_them(extract: Path):
    rows = read_csv(extract / "umkm_contribution.csv")
    assert rows[0][-2:] == ["umkm_value_added_idr_bn", "umkm_female_owner_pct"]
    by_period = {r[1]: r for r in rows[1:]}
    assert list(by_period) == ["2024", "2024S2", "2025Q1"]
    assert by_period["2024"][4:] == ["60.43", "1.25", "123.456789012345678901", "0.5"]
    assert by_period["2024S2"][4:] == ["59.18", "-0.75", "0.0000001", ""]
    assert by_period["2025Q1"][4:] == ["61.00", "-12.25", "-5", "-1.5"]
    health = read_csv(extract / "cooperative_health.csv")
    assert health[1] == ["11", "Aceh", "2024", "115", "70.11", "74279463046.19", "1002"]
    assert health[2][4:6] == ["", "0.00"]
    assert health[3][5] == "-1234.50"


def test_parquet_types_and_values(extract: Path):
    table = pq.read_table(extract / "agreement_implementation.parquet")
    schema = table.schema
    assert schema.field("province_code").type == pa.string()
    assert schema.field("signed_on").type == pa.date32()
    assert schema.field("days_to_first_activity").type == pa.int64()
    assert schema.field("transaction_value_idr").type == pa.decimal128(20, 2)
    assert schema.field("expiring_within_90_days").type == pa.bool_()
    assert schema.field("latest_submitted_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("extra").type == pa.string()
    assert not schema.field("province_code").nullable  # NOT NULL in PostgreSQL
    assert schema.field("title").nullable
    assert b"pandas" not in (schema.metadata or {})
    assert schema.metadata[b"kumkm.mart"] == b"agreement_implementation"
    assert schema.field("transaction_value_idr").metadata == {b"pg_type": b"numeric(20,2)"}
    rows = table.to_pylist()
    first = rows[0]
    assert first["title"] == '=HYPERLINK("http://evil.example","klik")'  # data, not a sheet
    assert first["signed_on"] == date(2024, 1, 15)
    assert first["expires_on"] is None
    assert first["transaction_value_idr"] == Decimal("-2500000.00")
    assert first["days_to_first_activity"] == -3
    assert first["expiring_within_90_days"] is True
    assert first["latest_submitted_at"] == datetime(2025, 3, 31, 16, 30, tzinfo=UTC)

    umkm = pq.read_table(extract / "umkm_contribution.parquet")
    assert umkm.schema.field("umkm_share_of_grdp_pct").type == pa.decimal128(5, 2)
    assert umkm.schema.field("umkm_value_added_idr_bn").type == pa.float64()  # numeric
    assert umkm.schema.field("umkm_female_owner_pct").type == pa.float64()
    assert umkm.column("share_change_pp").to_pylist() == [
        Decimal("1.25"),
        Decimal("-0.75"),
        Decimal("-12.25"),
    ]
    assert umkm.column("umkm_value_added_idr_bn").to_pylist() == [
        pytest.approx(123.456789012345678901),
        1e-07,
        -5.0,
    ]
    health = pq.read_table(extract / "cooperative_health.parquet")
    assert health.schema.field("book_year").type == pa.int64()
    assert health.column("rat_compliance_pct").to_pylist()[1] is None


def test_xlsx_sheets_headers_and_safe_cells(extract: Path):
    path = extract / "2025Q1_marts.xlsx"
    wb = openpyxl.load_workbook(path)
    # Indonesian sheet names for the project's marts; others keep their name
    assert wb.sheetnames == [
        "Sampul",
        "Pelaksanaan Kerja Sama",
        "Kesehatan Koperasi",
        "Provinsi",
        "province_list",
        "Kontribusi UMKM",
        "Kamus Data",
    ]
    ws = wb["Pelaksanaan Kerja Sama"]
    header = [c.value for c in ws[1]]
    assert header == [
        "Kode Provinsi", "Nomor Dokumen", "Judul", "Nama Mitra", "Tanggal Penandatanganan",
        "Tanggal Berakhir", "Hari hingga Kegiatan Pertama", "Nilai Transaksi (Rp)",
        "Berakhir dalam 90 Hari", "Waktu Kiriman Terakhir (UTC)", "Extra",
        "Posisi per Tanggal",
    ]  # fmt: skip
    assert [c.value for c in wb["Kesehatan Koperasi"][1]][:4] == [
        "Kode Provinsi", "Nama Provinsi", "Tahun Buku", "Jumlah Koperasi",
    ]  # fmt: skip
    assert [c.value for c in wb["Kontribusi UMKM"][1]][1] == "Periode"
    assert [c.value for c in wb["Kontribusi UMKM"][1]][-1] == "UMKM Female Owner (%)"
    assert "Kepatuhan RAT (%)" in [c.value for c in wb["Kesehatan Koperasi"][1]]

    cells = {r[1].value: r for r in ws.iter_rows(min_row=2)}
    assert cells["PKS/001"][2].value == '\'=HYPERLINK("http://evil.example","klik")'
    assert cells["PKS/001"][3].value == "'+6281234567890"
    assert cells["PKS/002"][2].value == "'-abc"
    assert cells["PKS/002"][3].value == "'@SUM(A1:A9)"
    assert cells["PKS/003"][2].value == "'\tcmd"
    assert cells["PKS/004"][2].value == "#N/A"
    assert cells["PKS/004"][2].data_type == "s"  # text, not an error value
    assert cells["PKS/001"][6].value == -3 and cells["PKS/001"][6].data_type == "n"
    assert cells["PKS/001"][7].value == -2500000 and cells["PKS/001"][7].data_type == "n"
    assert cells["PKS/001"][4].value == datetime(2024, 1, 15)
    assert cells["PKS/001"][9].value == datetime(2025, 3, 31, 16, 30)
    assert cells["PKS/001"][8].value == "Ya"  # booleans read Ya / Tidak
    assert cells["PKS/003"][4].value is None
    for sheet in wb:
        if sheet.title in ("Sampul", "Kamus Data"):
            continue
        assert sheet.max_row == 1 + {"Pelaksanaan Kerja Sama": 5}.get(sheet.title, 3)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", z.read(name)), name
            assert z.getinfo(name).date_time == (1980, 1, 1, 0, 0, 0)


def test_xlsx_cover_and_data_dictionary(extract: Path):
    wb = openpyxl.load_workbook(extract / "2025Q1_marts.xlsx")
    cover = {r[0].value: r[1].value for r in wb["Sampul"].iter_rows(min_row=2)}
    assert cover["Triwulan"] == "2025Q1: 1 Januari 2025 - 31 Maret 2025"
    assert cover["Posisi data per"] == "31 Maret 2025"
    assert cover["Status ekstrak"].startswith("Lengkap")
    dictionary = [[c.value for c in r] for r in wb["Kamus Data"].iter_rows()]
    assert dictionary[0] == ["Lembar", "Kolom", "Nama Kolom di CSV/Parquet", "Arti"]
    assert ["Kesehatan Koperasi", "Kepatuhan RAT (%)", "rat_compliance_pct"] in [
        r[:3] for r in dictionary
    ]
    meaning = {(r[0], r[2]): r[3] for r in dictionary[1:]}
    assert "RAT" in meaning[("Kesehatan Koperasi", "rat_compliance_pct")]
    # every column of every mart sheet is listed once
    sheets = [s for s in wb.sheetnames if s not in ("Sampul", "Kamus Data")]
    assert sum(wb[s].max_column for s in sheets) == len(dictionary) - 1
