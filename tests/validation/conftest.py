"""Fixtures for the validation gate tests: crafted submissions written straight into raw.*.

Every submission gets its own province code (`t001`, `t002`, ...) unless a test asks for
one, so rules that look at a province's other submissions (row-count drop, kerja_sama
register) only see what the test put there.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ingest.submissions.load import add_partition

_province_counter = itertools.count(1)
_file_counter = itertools.count(1)


def good_row(dataset: str, i: int) -> dict[str, Any]:
    """A row that passes every rule of the dataset's suite (i = 1, 2, ...)."""
    if dataset == "koperasi":
        return {
            "nik_koperasi": f"74010000{i:05d}",
            "nama_koperasi": f"Koperasi {i}",
            "kabupaten_kota": "Kota Kendari",
            "jenis_koperasi": "simpan pinjam",
            "kelompok_koperasi": "KSP",
            "status_aktif": True,
            "jumlah_anggota_pria": 10,
            "jumlah_anggota_wanita": 12,
            "tanggal_rat": date(2025, 3, 15),  # book year 2024 (period 2024)
            "modal_sendiri": 1_000_000,
            "modal_luar": 0,
            "aset": 2_000_000,
            "volume_usaha": 3_000_000,
            "shu": -12_345,  # may be negative
            "predikat_kesehatan": "sehat",
        }
    if dataset == "umkm":
        return {
            "nib": f"{i:013d}",
            "nama_usaha": f"Usaha {i}",
            "kabupaten_kota": "Kabupaten Konawe",
            "kbli": "47111",
            "skala_usaha": "mikro",
            "skala_usaha_derived": False,
            "modal_usaha": 500_000_000,
            "omzet_tahunan": 1_000_000_000,
            "tenaga_kerja": 3,
            "jenis_kelamin_pemilik": "P",
            "sertifikat_halal": "reguler",
            "tanggal_sertifikat_halal": date(2023, 5, 1),
        }
    if dataset == "indikator_umkm":
        return {
            "kontribusi_pdrb_persen": 60.43,
            "nilai_tambah_umkm": 1234.5,
            "jumlah_umkm": 1000,
            "tenaga_kerja_umkm": 5000,
            "sumber": "BPS",
        }
    if dataset == "kerja_sama":
        return {
            "nomor_dokumen": f"KS/{i:03d}/2023",
            "jenis_dokumen": "MoU",
            "judul": f"Kerja sama {i}",
            "nama_mitra": "Universitas Halu Oleo",
            "jenis_mitra": "perguruan tinggi",
            "provinsi_mitra": None,
            "tanggal_tanda_tangan": date(2023, 1, 10),
            "tanggal_berakhir": date(2026, 1, 10),
            "dokumen_induk": None,
            "ruang_lingkup": "pelatihan",
            "status": "berjalan",
        }
    if dataset == "kegiatan_kerja_sama":
        return {
            "nomor_dokumen": "KS/001/2023",  # in the register Factory.register() writes
            "tanggal_kegiatan": date(2024, 2, 1),
            "jenis_kegiatan": "pelatihan",
            "uraian": f"Kegiatan {i}",
            "jumlah_peserta": 30,
            "jumlah_umkm": 20,
            "jumlah_koperasi": 2,
            "nilai_transaksi": 5_000_000,
            "anggaran": 10_000_000,
        }
    raise ValueError(dataset)


class Factory:
    """Writes submissions and their rows the way the loader leaves them (outcome loaded)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    @staticmethod
    def new_province() -> str:
        return f"t{next(_province_counter):03d}"

    def submission(
        self,
        dataset: str,
        rows: list[dict[str, Any]] | None = None,
        *,
        province: str | None = None,
        period: int = 2024,
        outcome: str = "loaded",
        reasons: list[dict[str, Any]] | None = None,
        rows_quarantined: int = 0,
        mtime: datetime | None = None,
        n_good: int = 3,
    ) -> int:
        """Insert a submission; `rows` default to `n_good` good rows. Returns its id."""
        province = province or self.new_province()
        if rows is None:
            rows = [good_row(dataset, i) for i in range(1, n_good + 1)]
        n = next(_file_counter)
        name = f"{dataset}_{province}_{period}_{n}.csv"
        sid = self.conn.execute(
            """insert into raw.submissions
                 (dataset, province_code, period, period_type, period_start, period_end,
                  file_name, file_path, sha256, file_size, file_mtime, outcome,
                  rows_received, rows_loaded, rows_quarantined, reasons, validated_at)
               values (%s, %s, %s, 'year', %s, %s, %s, %s, md5(%s), 100, %s, %s,
                       %s, %s, %s, %s, %s)
               returning submission_id""",
            (
                dataset,
                province,
                str(period),
                date(period, 1, 1),
                date(period, 12, 31),
                name,
                f"tests/{name}",
                name,
                mtime or datetime(period + 1, 2, 1),
                outcome,
                len(rows) + rows_quarantined,
                len(rows),
                rows_quarantined,
                Jsonb(reasons or []),
                None if outcome == "loaded" else datetime(period + 1, 2, 2),
            ),
        ).fetchone()[0]
        self.rows(dataset, sid, rows)
        return sid

    def rows(self, dataset: str, sid: int, rows: list[dict[str, Any]], start: int = 1) -> None:
        add_partition(self.conn, dataset, sid)
        for k, row in enumerate(rows, start):
            cols = ["submission_id", "row_number", *row]
            self.conn.execute(
                f"insert into raw.{dataset} ({', '.join(cols)}) "
                f"values ({', '.join(['%s'] * len(cols))})",
                (sid, k + 1, *row.values()),  # row numbers start at 2 (line 1 is the header)
            )

    def register(self, province: str, rows: list[dict[str, Any]] | None = None, **kw) -> int:
        """An accepted kerja_sama register of `province` (good rows KS/001/2023...)."""
        kw.setdefault("outcome", "accepted")
        kw.setdefault("period", 2023)
        return self.submission("kerja_sama", rows, province=province, **kw)


@pytest.fixture
def make(conn) -> Factory:
    return Factory(conn)


@pytest.fixture(scope="session")
def gx_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gx")


def submission_row(conn: psycopg.Connection, sid: int) -> dict[str, Any]:
    cur = conn.execute("select * from raw.submissions where submission_id = %s", (sid,))
    names = [d.name for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def results(conn: psycopg.Connection, sid: int) -> dict[str, dict[str, Any]]:
    """audit.validation_results of one submission, by rule."""
    cur = conn.execute(
        "select * from audit.validation_results where submission_id = %s order by rule", (sid,)
    )
    names = [d.name for d in cur.description]
    return {r[names.index("rule")]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


@pytest.fixture
def conninfo(pg_url) -> str:
    return pg_url
