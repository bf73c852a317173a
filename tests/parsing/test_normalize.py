"""Row normalisation and the contract's row-level rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ingest import provinces
from ingest.periods import parse_period
from ingest.submissions.datasets import DATASETS
from ingest.submissions.normalize import RULES, Issue, normalise_row

D = Decimal
SULTRA = provinces.by_code("74")
PAPUA = provinces.by_code("91")
Y2021 = parse_period("2021")
Y2024 = parse_period("2024")


def run(dataset: str, cells: dict, *, province=SULTRA, period=Y2024, row_number=None):
    row, issues = normalise_row(
        DATASETS[dataset], cells, province=province, period=period, row_number=row_number
    )
    for issue in issues:
        assert isinstance(issue, Issue)
        assert issue.rule in RULES, issue.rule
        assert issue.severity == RULES[issue.rule][0] or issue.rule == "value.unknown_province"
        assert issue.reason and issue.detail
    if row is not None:
        assert list(row) == list(DATASETS[dataset].raw_columns)
    return row, issues


def rules(issues):
    return [(i.rule, i.severity, i.column) for i in issues]


# --------------------------------------------------------------------------- umkm

UMKM_OK = {
    "nib": "0123456789012",
    "nama_usaha": "  Warung  Makan Bu Sri ",
    "kabupaten_kota": "KAB. KONAWE",
    "kbli": "56101",
    "skala_usaha": "Mikro",
    "modal_usaha": "Rp 50.000.000",
    "omzet_tahunan": "1.500.000.000",
    "tenaga_kerja": "3",
    "jenis_kelamin_pemilik": "Perempuan",
    "sertifikat_halal": "Self Declare",
    "tanggal_sertifikat_halal": "16 Juni 2023",
}


def test_umkm_row_typed_and_canonical():
    row, issues = run("umkm", UMKM_OK)
    assert issues == []
    assert row == {
        "nib": "0123456789012",
        "nama_usaha": "Warung Makan Bu Sri",
        "kabupaten_kota": "Kabupaten Konawe",
        "kbli": "56101",
        "skala_usaha": "mikro",
        "skala_usaha_derived": False,
        "modal_usaha": D("50000000"),
        "omzet_tahunan": D("1500000000"),
        "tenaga_kerja": 3,
        "jenis_kelamin_pemilik": "P",
        "sertifikat_halal": "self declare",
        "tanggal_sertifikat_halal": date(2023, 6, 16),
    }


def test_umkm_xlsx_native_cells():
    cells = {
        "nib": 123456789012,  # Excel dropped the leading zero
        "nama_usaha": "Toko A",
        "kabupaten_kota": "Kota Kendari",
        "kbli": 1111,
        "modal_usaha": 50000000,
        "omzet_tahunan": 1500000000.0,
        "tenaga_kerja": 3,
        "sertifikat_halal": "reguler",
        "tanggal_sertifikat_halal": datetime(2023, 6, 16),
    }
    row, issues = run("umkm", cells)
    assert issues == []
    assert row["nib"] == "0123456789012"
    assert row["kbli"] == "01111"
    assert row["omzet_tahunan"] == D("1500000000")
    assert row["tanggal_sertifikat_halal"] == date(2023, 6, 16)


@pytest.mark.parametrize(
    "omzet, skala",
    [
        ("2.000.000.000", "mikro"),
        ("2.000.000.001", "kecil"),
        ("15.000.000.000", "kecil"),
        ("15.000.000.000,01", "menengah"),
        ("50.000.000.000", "menengah"),
        ("0", "mikro"),
        ("-", "mikro"),
    ],
)
def test_umkm_skala_derived_from_omzet(omzet, skala):
    row, issues = run("umkm", {**UMKM_OK, "skala_usaha": "", "omzet_tahunan": omzet})
    assert issues == []
    assert row["skala_usaha"] == skala
    assert row["skala_usaha_derived"] is True


@pytest.mark.parametrize(
    "modal, skala",
    [("1.000.000.000", "mikro"), ("1.000.000.001", "kecil"), ("10.000.000.000", "menengah")],
)
def test_umkm_skala_derived_from_modal_when_no_omzet(modal, skala):
    row, issues = run(
        "umkm", {**UMKM_OK, "skala_usaha": None, "omzet_tahunan": "", "modal_usaha": modal}
    )
    assert issues == []
    assert (row["skala_usaha"], row["skala_usaha_derived"]) == (skala, True)


def test_umkm_skala_not_derivable():
    row, issues = run(
        "umkm", {**UMKM_OK, "skala_usaha": "", "omzet_tahunan": "", "modal_usaha": ""}
    )
    assert issues == []
    assert (row["skala_usaha"], row["skala_usaha_derived"]) == (None, False)
    row, issues = run(
        "umkm", {**UMKM_OK, "skala_usaha": "", "omzet_tahunan": "", "modal_usaha": "12.000.000.000"}
    )
    assert rules(issues) == [("umkm.modal_above_menengah", "warning", "skala_usaha")]
    assert (row["skala_usaha"], row["skala_usaha_derived"]) == (None, False)


def test_umkm_declared_skala_contradicting_omzet_is_a_warning_and_kept():
    row, issues = run("umkm", {**UMKM_OK, "skala_usaha": "menengah", "omzet_tahunan": "1.000.000"})
    assert rules(issues) == [("umkm.skala_mismatch", "warning", "skala_usaha")]
    assert "mikro" in issues[0].reason
    assert row["skala_usaha"] == "menengah"
    assert row["skala_usaha_derived"] is False


def test_umkm_omzet_above_menengah_is_quarantined():
    row, issues = run("umkm", {**UMKM_OK, "omzet_tahunan": "50.000.000.001"}, row_number=17)
    assert row is None
    assert rules(issues) == [("umkm.omzet_above_menengah", "quarantine", "omzet_tahunan")]
    assert issues[0].reason.startswith("baris 17: omzet_tahunan melebihi batas usaha menengah")


@pytest.mark.parametrize("halal", ["reguler", "SELF DECLARE", "self-declare"])
def test_umkm_halal_certificate_needs_its_date(halal):
    row, issues = run(
        "umkm", {**UMKM_OK, "sertifikat_halal": halal, "tanggal_sertifikat_halal": ""}
    )
    assert row is None
    assert rules(issues) == [("umkm.halal_date_missing", "quarantine", "tanggal_sertifikat_halal")]


def test_umkm_no_halal_certificate_needs_no_date():
    row, issues = run(
        "umkm", {**UMKM_OK, "sertifikat_halal": "Tidak Ada", "tanggal_sertifikat_halal": None}
    )
    assert issues == [] and row["sertifikat_halal"] == "tidak ada"


@pytest.mark.parametrize(
    "column, cell, rule",
    [
        ("nib", "123456789012", "value.identifier_shape"),
        ("nib", "1.23457E+12", "value.scientific_notation"),
        ("kbli", "5610", "value.identifier_shape"),
        ("kbli", "56101A", "value.identifier_shape"),
        ("modal_usaha", "-50.000", "value.negative"),
        ("omzet_tahunan", "satu juta", "value.not_a_number"),
        ("tenaga_kerja", "2,5", "value.not_whole"),
        ("tenaga_kerja", "3.000.000.000", "value.out_of_range"),
        ("omzet_tahunan", "Rp 1.000.000.000.000.000.000", "value.out_of_range"),
        ("skala_usaha", "besar", "value.unknown_choice"),
        ("jenis_kelamin_pemilik", "X", "value.unknown_choice"),
        ("tanggal_sertifikat_halal", "31/02/2024", "value.bad_date"),
        ("nama_usaha", "   ", "value.required"),
        ("kabupaten_kota", None, "value.required"),
    ],
)
def test_umkm_bad_values_are_quarantined_naming_column_and_value(column, cell, rule):
    row, issues = run("umkm", {**UMKM_OK, column: cell}, row_number=9)
    assert row is None
    assert rules(issues) == [(rule, "quarantine", column)]
    assert issues[0].reason.startswith(f"baris 9: {column}")
    if cell and cell.strip():
        assert cell in issues[0].reason


def test_umkm_several_problems_are_all_reported():
    row, issues = run("umkm", {**UMKM_OK, "nib": "12", "kbli": "x", "nama_usaha": ""})
    assert row is None
    assert {i.column for i in issues} == {"nib", "kbli", "nama_usaha"}


def test_umkm_absent_optional_columns_are_null():
    row, issues = run("umkm", {"nama_usaha": "Toko", "kabupaten_kota": "Muna"})
    assert issues == []
    assert row["nib"] is None and row["skala_usaha"] is None and row["skala_usaha_derived"] is False


# --------------------------------------------------------------------------- koperasi

KOPERASI_OK = {
    "nik_koperasi": "7401010001",
    "nama_koperasi": "KSP Maju",
    "kabupaten_kota": "kota kendari",
    "jenis_koperasi": "Simpan Pinjam",
    "kelompok_koperasi": "KSP",
    "status_aktif": "AKTIF",
    "jumlah_anggota_pria": "1.234",
    "jumlah_anggota_wanita": "-",
    "tanggal_rat": "15/03/2022",
    "modal_sendiri": "Rp 1.234.567,89",
    "modal_luar": "0",
    "aset": "2.000.000",
    "volume_usaha": "",
    "shu": "-12.345.678",
    "predikat_kesehatan": "Cukup Sehat",
}


def test_koperasi_row():
    row, issues = run("koperasi", KOPERASI_OK, period=Y2021)
    assert issues == []
    assert row == {
        "nik_koperasi": "7401010001",
        "nama_koperasi": "KSP Maju",
        "kabupaten_kota": "Kota Kendari",
        "jenis_koperasi": "simpan pinjam",
        "kelompok_koperasi": "KSP",
        "status_aktif": True,
        "jumlah_anggota_pria": 1234,
        "jumlah_anggota_wanita": 0,
        "tanggal_rat": date(2022, 3, 15),
        "modal_sendiri": D("1234567.89"),
        "modal_luar": D("0"),
        "aset": D("2000000"),
        "volume_usaha": None,
        "shu": D("-12345678"),
        "predikat_kesehatan": "cukup sehat",
    }


@pytest.mark.parametrize(
    "cell, active",
    [
        ("AKTIF", True),
        ("aktif", True),
        ("Ya", True),
        ("1", True),
        (1, True),
        (True, True),
        ("Active", True),
        ("Tidak  aktif", False),
        ("TIDAK", False),
        ("0", False),
        (0, False),
        (False, False),
        ("non aktif", False),
    ],
)
def test_koperasi_status(cell, active):
    row, issues = run("koperasi", {**KOPERASI_OK, "status_aktif": cell, "tanggal_rat": None})
    assert issues == []
    assert row["status_aktif"] is active


def test_koperasi_status_unknown_or_missing():
    _, issues = run("koperasi", {**KOPERASI_OK, "status_aktif": "bubar"}, period=Y2021)
    assert rules(issues) == [("value.unknown_choice", "quarantine", "status_aktif")]
    _, issues = run("koperasi", {**KOPERASI_OK, "status_aktif": ""}, period=Y2021)
    assert rules(issues) == [("value.required", "quarantine", "status_aktif")]


@pytest.mark.parametrize(
    "rat, warned",
    [
        ("01/01/2022", False),
        ("30/06/2022", False),
        ("15/11/2022", False),  # late (after 30 June) but not suspicious
        ("31/12/2022", False),
        ("31/12/2021", True),  # inside the book year
        ("15/03/2021", True),
        ("01/01/2023", True),  # after 31 Dec Y+1
        ("15/03/2020", True),  # before the book year
    ],
)
def test_koperasi_rat_window(rat, warned):
    row, issues = run("koperasi", {**KOPERASI_OK, "tanggal_rat": rat}, period=Y2021)
    assert row is not None
    expected = [("koperasi.rat_outside_window", "warning", "tanggal_rat")] if warned else []
    assert rules(issues) == expected


def test_koperasi_rat_window_uses_the_period_year_for_semesters():
    _, issues = run(
        "koperasi", {**KOPERASI_OK, "tanggal_rat": "15/03/2022"}, period=parse_period("2021S2")
    )
    assert issues == []


def test_koperasi_inactive_with_rat_is_a_warning():
    row, issues = run("koperasi", {**KOPERASI_OK, "status_aktif": "tidak aktif"}, period=Y2021)
    assert row is not None and row["status_aktif"] is False
    assert rules(issues) == [("koperasi.inactive_with_rat", "warning", "tanggal_rat")]


@pytest.mark.parametrize(
    "column, cell, rule",
    [
        ("nik_koperasi", "KSP-001", "value.identifier_shape"),
        ("nik_koperasi", 7401010001234567, "value.identifier_precision"),
        ("nik_koperasi", "7.40101E+15", "value.scientific_notation"),
        ("aset", "-1", "value.negative"),
        ("jumlah_anggota_pria", "-3", "value.negative"),
        ("predikat_kesehatan", "baik", "value.unknown_choice"),
        ("jenis_koperasi", "serba usaha", "value.unknown_choice"),
        ("tanggal_rat", "2022-02-30", "value.bad_date"),
        ("nama_koperasi", "", "value.required"),
    ],
)
def test_koperasi_bad_values(column, cell, rule):
    row, issues = run("koperasi", {**KOPERASI_OK, column: cell}, period=Y2021)
    assert row is None
    assert rules(issues) == [(rule, "quarantine", column)]


def test_koperasi_nik_from_xlsx_int():
    row, issues = run("koperasi", {**KOPERASI_OK, "nik_koperasi": 7401010001}, period=Y2021)
    assert issues == [] and row["nik_koperasi"] == "7401010001"


# --------------------------------------------------------------------------- indikator_umkm


@pytest.mark.parametrize("cell", ["60,43%", "60,43", "60.43 %", 60.43, "60.43%"])
def test_indikator_percent(cell):
    row, issues = run(
        "indikator_umkm",
        {
            "kontribusi_pdrb_persen": cell,
            "nilai_tambah_umkm": "1.500.000,25",
            "jumlah_umkm": "9.782.262",
            "tenaga_kerja_umkm": 12345678,
            "sumber": " BPS  Jatim ",
        },
        province=provinces.by_code("35"),
        period=parse_period("2024S1"),
    )
    assert issues == []
    assert row == {
        "kontribusi_pdrb_persen": D("60.43"),
        "nilai_tambah_umkm": D("1500000.25"),
        "jumlah_umkm": 9782262,
        "tenaga_kerja_umkm": 12345678,
        "sumber": "BPS Jatim",
    }


@pytest.mark.parametrize(
    "cell, rule",
    [("160%", "value.percent_range"), ("", "value.required"), ("n/a", "value.not_a_percent")],
)
def test_indikator_bad_percent(cell, rule):
    row, issues = run("indikator_umkm", {"kontribusi_pdrb_persen": cell})
    assert row is None
    assert rules(issues) == [(rule, "quarantine", "kontribusi_pdrb_persen")]


# --------------------------------------------------------------------------- kerja_sama

KS_OK = {
    "nomor_dokumen": "500/123/DISKOP/2022",
    "jenis_dokumen": "Perjanjian Kerja Sama",
    "judul": "Pemberdayaan Koperasi dan UMKM",
    "nama_mitra": "Dinas Koperasi dan UKM Provinsi Jawa Timur",
    "jenis_mitra": "Pemerintah Provinsi",
    "provinsi_mitra": "Prov. Jawa Timur",
    "tanggal_tanda_tangan": "12 Agustus 2022",
    "tanggal_berakhir": "12/08/2027",
    "dokumen_induk": "MOU/01/2021",
    "ruang_lingkup": "pemasaran",
    "status": "Berjalan",
}


def test_kerja_sama_row():
    row, issues = run("kerja_sama", KS_OK)
    assert issues == []
    assert row == {
        "nomor_dokumen": "500/123/DISKOP/2022",
        "jenis_dokumen": "PKS",
        "judul": "Pemberdayaan Koperasi dan UMKM",
        "nama_mitra": "Dinas Koperasi dan UKM Provinsi Jawa Timur",
        "jenis_mitra": "pemerintah provinsi",
        "provinsi_mitra": "35",
        "tanggal_tanda_tangan": date(2022, 8, 12),
        "tanggal_berakhir": date(2027, 8, 12),
        "dokumen_induk": "MOU/01/2021",
        "ruang_lingkup": "pemasaran",
        "status": "berjalan",
    }


@pytest.mark.parametrize("cell, code", [("35", "35"), (35, "35"), ("jatim", "35"), ("Papua", "91")])
def test_kerja_sama_provinsi_mitra_resolved(cell, code):
    row, issues = run("kerja_sama", {**KS_OK, "provinsi_mitra": cell})
    assert issues == [] and row["provinsi_mitra"] == code


@pytest.mark.parametrize("end", ["12/08/2022", "01/01/2020"])
def test_kerja_sama_end_must_be_after_signing(end):
    row, issues = run("kerja_sama", {**KS_OK, "tanggal_berakhir": end})
    assert row is None
    assert rules(issues) == [("kerja_sama.end_not_after_signing", "quarantine", "tanggal_berakhir")]


def test_kerja_sama_provinsi_mitra_required_for_provincial_partners():
    row, issues = run("kerja_sama", {**KS_OK, "provinsi_mitra": ""})
    assert row is None
    assert rules(issues) == [("kerja_sama.provinsi_mitra_required", "quarantine", "provinsi_mitra")]
    row, issues = run("kerja_sama", {**KS_OK, "jenis_mitra": "swasta", "provinsi_mitra": ""})
    assert issues == [] and row["provinsi_mitra"] is None


def test_kerja_sama_unknown_provinsi_mitra():
    row, issues = run("kerja_sama", {**KS_OK, "provinsi_mitra": "3500"})
    assert row is None
    assert rules(issues) == [("value.unknown_province", "quarantine", "provinsi_mitra")]


def test_kerja_sama_required_columns():
    row, issues = run("kerja_sama", {**KS_OK, "judul": None, "tanggal_tanda_tangan": " "})
    assert row is None
    assert {(i.rule, i.column) for i in issues} == {
        ("value.required", "judul"),
        ("value.required", "tanggal_tanda_tangan"),
    }


# --------------------------------------------------------------------------- kegiatan


def test_kegiatan_row():
    row, issues = run(
        "kegiatan_kerja_sama",
        {
            "nomor_dokumen": "500/123/DISKOP/2022",
            "tanggal_kegiatan": "16 Juni 2023",
            "jenis_kegiatan": "Kunjungan Kerja",
            "uraian": "Kunjungan ke Diskop UKM Jatim",
            "jumlah_peserta": "12",
            "jumlah_umkm": "-",
            "jumlah_koperasi": "",
            "nilai_transaksi": "Rp 25.000.000",
            "anggaran": 15000000,
        },
    )
    assert issues == []
    assert row == {
        "nomor_dokumen": "500/123/DISKOP/2022",
        "tanggal_kegiatan": date(2023, 6, 16),
        "jenis_kegiatan": "kunjungan kerja",
        "uraian": "Kunjungan ke Diskop UKM Jatim",
        "jumlah_peserta": 12,
        "jumlah_umkm": 0,
        "jumlah_koperasi": None,
        "nilai_transaksi": D("25000000"),
        "anggaran": D("15000000"),
    }


def test_kegiatan_bad_values():
    row, issues = run(
        "kegiatan_kerja_sama",
        {
            "nomor_dokumen": "X",
            "tanggal_kegiatan": "kemarin",
            "jenis_kegiatan": "arisan",
            "anggaran": "-5",
        },
    )
    assert row is None
    assert {(i.rule, i.column) for i in issues} == {
        ("value.bad_date", "tanggal_kegiatan"),
        ("value.unknown_choice", "jenis_kegiatan"),
        ("value.negative", "anggaran"),
    }


# --------------------------------------------------------------------------- province checks


@pytest.mark.parametrize(
    "cells",
    [
        {"provinsi": "Sultra"},
        {"provinsi": "74"},
        {"provinsi": 74},
        {"provinsi": "PROVINSI SULAWESI TENGGARA"},
        {"kode_bps": "7400"},
        {"kode_bps": 7400},
        {"provinsi": "", "kode_bps": None},
    ],
)
def test_province_check_columns_matching_the_file(cells):
    row, issues = run("umkm", {**UMKM_OK, **cells})
    assert issues == [] and row is not None
    assert "provinsi" not in row and "kode_bps" not in row


@pytest.mark.parametrize(
    "cells, province",
    [
        ({"provinsi": "Jawa Timur"}, SULTRA),
        ({"provinsi": "35"}, SULTRA),
        ({"kode_bps": "3500"}, SULTRA),
        ({"kode_bps": "9100"}, PAPUA),  # BPS 9100 is Papua Barat (92), not Papua
        ({"provinsi": "92"}, PAPUA),
    ],
)
def test_wrong_province_rejects_the_file(cells, province):
    row, issues = run("umkm", {**UMKM_OK, **cells}, province=province)
    assert rules(issues) == [("file.wrong_province", "reject_file", next(iter(cells)))]
    assert province.name in issues[0].reason
    assert row is not None  # the loader rejects the file; the row itself was fine


def test_papua_bps_code_in_a_papua_file():
    _, issues = run("umkm", {**UMKM_OK, "kode_bps": "9400"}, province=PAPUA)
    assert issues == []


def test_unrecognisable_province_check_cell_is_a_warning():
    row, issues = run("umkm", {**UMKM_OK, "provinsi": "7400"})
    assert rules(issues) == [("value.unknown_province", "warning", "provinsi")]
    assert row is not None
