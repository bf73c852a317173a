"""The five dataset contracts as data, and header matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.submissions.datasets import DATASETS, header_mapping
from ingest.submissions.values import CellError, parse_choice

DDL = Path(__file__).resolve().parents[2] / "ingest" / "ddl" / "010_submissions.sql"


def _ddl_columns(table: str) -> list[str]:
    body = re.search(
        rf"create table if not exists raw\.{table} \((.*?)\n\);", DDL.read_text(), re.S
    )
    assert body, table
    names = [line.split()[0] for line in body.group(1).splitlines() if line.strip()]
    return [
        n
        for n in names
        if n not in ("submission_id", "row_number", "extra", "primary") and not n.startswith("--")
    ]


@pytest.mark.parametrize("name", list(DATASETS))
def test_raw_columns_match_the_ddl(name):
    dataset = DATASETS[name]
    assert dataset.table == name
    assert list(dataset.raw_columns) == _ddl_columns(dataset.table)


def test_required_columns_as_in_the_contract():
    assert DATASETS["koperasi"].required_columns == (
        "nik_koperasi",
        "nama_koperasi",
        "kabupaten_kota",
        "status_aktif",
    )
    assert DATASETS["umkm"].required_columns == ("nama_usaha", "kabupaten_kota")
    assert DATASETS["indikator_umkm"].required_columns == ("kontribusi_pdrb_persen",)
    assert DATASETS["kerja_sama"].required_columns == (
        "nomor_dokumen",
        "jenis_dokumen",
        "judul",
        "nama_mitra",
        "jenis_mitra",
        "tanggal_tanda_tangan",
    )
    assert DATASETS["kegiatan_kerja_sama"].required_columns == (
        "nomor_dokumen",
        "tanggal_kegiatan",
        "jenis_kegiatan",
    )


def test_every_dataset_has_the_optional_province_check_columns():
    for dataset in DATASETS.values():
        assert dataset.column("provinsi").kind == "province"
        assert not dataset.column("provinsi").required
        assert dataset.column("kode_bps").kind == "bps_province"
        assert "provinsi" not in dataset.raw_columns
        assert "kode_bps" not in dataset.raw_columns


def test_column_lookup():
    umkm = DATASETS["umkm"]
    assert umkm.column("nib").digits == 13
    assert umkm.column("kbli").digits == 5
    assert DATASETS["koperasi"].column("nik_koperasi").digits_only
    assert DATASETS["koperasi"].column("shu").kind == "money_signed"
    with pytest.raises(KeyError):
        umkm.column("nope")


CHOICES = [
    ("koperasi", "jenis_koperasi", "Simpan Pinjam", "simpan pinjam"),
    ("koperasi", "jenis_koperasi", "PRODUSEN", "produsen"),
    ("koperasi", "predikat_kesehatan", "Cukup  Sehat", "cukup sehat"),
    ("koperasi", "predikat_kesehatan", "dalam pengawasan khusus", "dalam pengawasan khusus"),
    ("koperasi", "predikat_kesehatan", "SANGAT TIDAK SEHAT", "sangat tidak sehat"),
    ("koperasi", "predikat_kesehatan", "Belum Dinilai", "belum dinilai"),
    ("umkm", "skala_usaha", "MIKRO", "mikro"),
    ("umkm", "skala_usaha", "Usaha Kecil", "kecil"),
    ("umkm", "jenis_kelamin_pemilik", "l", "L"),
    ("umkm", "jenis_kelamin_pemilik", "Laki-laki", "L"),
    ("umkm", "jenis_kelamin_pemilik", "PEREMPUAN", "P"),
    ("umkm", "sertifikat_halal", "Tidak Ada", "tidak ada"),
    ("umkm", "sertifikat_halal", "REGULER", "reguler"),
    ("umkm", "sertifikat_halal", "regular", "reguler"),
    ("umkm", "sertifikat_halal", "Self Declare", "self declare"),
    ("umkm", "sertifikat_halal", "self-declare", "self declare"),
    ("kerja_sama", "jenis_dokumen", "mou", "MoU"),
    ("kerja_sama", "jenis_dokumen", "Nota Kesepahaman", "MoU"),
    ("kerja_sama", "jenis_dokumen", "PKS", "PKS"),
    ("kerja_sama", "jenis_dokumen", "Perjanjian Kerja Sama", "PKS"),
    ("kerja_sama", "jenis_dokumen", "kesepakatan bersama", "Kesepakatan Bersama"),
    ("kerja_sama", "jenis_mitra", "Pemerintah Provinsi", "pemerintah provinsi"),
    ("kerja_sama", "jenis_mitra", "pemerintah kabupaten / kota", "pemerintah kabupaten/kota"),
    ("kerja_sama", "jenis_mitra", "Kementerian/Lembaga", "kementerian/lembaga"),
    ("kerja_sama", "jenis_mitra", "bumn/bumd", "BUMN/BUMD"),
    ("kerja_sama", "jenis_mitra", "Perguruan Tinggi", "perguruan tinggi"),
    ("kerja_sama", "jenis_mitra", "LEMBAGA KEUANGAN", "lembaga keuangan"),
    ("kerja_sama", "jenis_mitra", "komunitas", "komunitas"),
    ("kerja_sama", "status", "Ditandatangani", "ditandatangani"),
    ("kerja_sama", "status", "kadaluarsa", "kedaluwarsa"),
    ("kerja_sama", "status", "draft", "draf"),
    ("kegiatan_kerja_sama", "jenis_kegiatan", "Rapat Koordinasi", "rapat koordinasi"),
    ("kegiatan_kerja_sama", "jenis_kegiatan", "Promosi / Pameran", "promosi/pameran"),
    ("kegiatan_kerja_sama", "jenis_kegiatan", "Fasilitasi Sertifikasi", "fasilitasi sertifikasi"),
    ("kegiatan_kerja_sama", "jenis_kegiatan", "LAINNYA", "lainnya"),
]


@pytest.mark.parametrize("dataset, column, cell, expected", CHOICES)
def test_contract_values_and_synonyms(dataset, column, cell, expected):
    choices = DATASETS[dataset].column(column).choices
    assert parse_choice(cell, choices) == expected


def test_every_contract_label_is_its_own_canonical():
    expected = {
        ("koperasi", "jenis_koperasi"): {
            "produsen",
            "konsumen",
            "pemasaran",
            "simpan pinjam",
            "jasa",
        },
        ("koperasi", "predikat_kesehatan"): {
            "sehat",
            "cukup sehat",
            "kurang sehat",
            "tidak sehat",
            "sangat tidak sehat",
            "dalam pengawasan",
            "dalam pengawasan khusus",
            "belum dinilai",
        },
        ("umkm", "skala_usaha"): {"mikro", "kecil", "menengah"},
        ("umkm", "jenis_kelamin_pemilik"): {"L", "P"},
        ("umkm", "sertifikat_halal"): {"tidak ada", "reguler", "self declare"},
        ("kerja_sama", "jenis_dokumen"): {"MoU", "PKS", "Kesepakatan Bersama"},
        ("kerja_sama", "jenis_mitra"): {
            "pemerintah provinsi",
            "pemerintah kabupaten/kota",
            "kementerian/lembaga",
            "BUMN/BUMD",
            "swasta",
            "perguruan tinggi",
            "asosiasi",
            "lembaga keuangan",
            "media",
            "komunitas",
        },
        ("kerja_sama", "status"): {
            "draf",
            "ditandatangani",
            "berjalan",
            "selesai",
            "kedaluwarsa",
            "dibatalkan",
        },
        ("kegiatan_kerja_sama", "jenis_kegiatan"): {
            "rapat koordinasi",
            "kunjungan kerja",
            "pelatihan",
            "temu bisnis",
            "promosi/pameran",
            "pendampingan",
            "fasilitasi sertifikasi",
            "lainnya",
        },
    }
    for (dataset, column), labels in expected.items():
        choices = DATASETS[dataset].column(column).choices
        assert set(choices.values()) == labels, (dataset, column)
        for label in labels:
            assert parse_choice(label, choices) == label


def test_unknown_choice():
    with pytest.raises(CellError) as err:
        parse_choice("Hibah", DATASETS["kerja_sama"].column("jenis_dokumen").choices)
    assert "MoU, PKS, Kesepakatan Bersama" in err.value.reason


KOPERASI_HEADER = [
    "No",
    "NIK",
    "Nama Koperasi",
    "Kabupaten/Kota",
    "Jenis",
    "Status",
    "Jumlah Anggota Pria",
    "JUMLAH-ANGGOTA WANITA",
    "Tgl RAT",
    "Keterangan",
]


def test_header_mapping_uses_names_and_aliases():
    match = header_mapping(DATASETS["koperasi"], KOPERASI_HEADER)
    assert match is not None and match.ok
    assert match.columns == (
        None,
        "nik_koperasi",
        "nama_koperasi",
        "kabupaten_kota",
        "jenis_koperasi",
        "status_aktif",
        "jumlah_anggota_pria",
        "jumlah_anggota_wanita",
        "tanggal_rat",
        None,
    )


def test_header_mapping_none_when_a_required_column_is_missing():
    header = [c for c in KOPERASI_HEADER if c != "Status"]
    assert header_mapping(DATASETS["koperasi"], header) is None
    assert header_mapping(DATASETS["koperasi"], []) is None
    assert header_mapping(DATASETS["koperasi"], [None, 12, "DATA KOPERASI"]) is None


def test_header_mapping_reports_duplicates():
    match = header_mapping(DATASETS["koperasi"], [*KOPERASI_HEADER, "nik_koperasi", "aset", "Aset"])
    assert match is not None
    assert match.duplicates == ("nik_koperasi", "aset")
    assert not match.ok


def test_a_second_province_check_column_is_an_extra_not_a_duplicate():
    header = ["nama_usaha", "kab_kota", "kode_provinsi", "nama_provinsi", "kode_bps"]
    match = header_mapping(DATASETS["umkm"], header)
    assert match is not None and match.ok
    assert match.columns == ("nama_usaha", "kabupaten_kota", "provinsi", None, "kode_bps")
