"""A warehouse with crafted raw rows and the marts built on them (one dbt build per session).

Rows go straight into raw.submissions / raw.<dataset> / raw.bps_observations, as the loader
and the gate would leave them, so that every figure in the tests is computed by hand here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from ingest import dbt_runner, warehouse
from ingest.periods import parse_period
from ingest.submissions.load import add_partition

COLUMNS = {
    "umkm": ("nib", "nama_usaha", "kabupaten_kota", "kbli", "skala_usaha", "sertifikat_halal"),
    "indikator_umkm": ("kontribusi_pdrb_persen", "nilai_tambah_umkm", "sumber"),
    "kerja_sama": (
        "nomor_dokumen",
        "jenis_dokumen",
        "judul",
        "nama_mitra",
        "jenis_mitra",
        "tanggal_tanda_tangan",
        "tanggal_berakhir",
        "status",
    ),
    "kegiatan_kerja_sama": (
        "nomor_dokumen",
        "tanggal_kegiatan",
        "jenis_kegiatan",
        "jumlah_umkm",
        "nilai_transaksi",
    ),
}

# Jawa Timur 2024S1 register in force: 8 businesses (a 9th row was quarantined).
#   scale: 5 mikro, 2 kecil, 1 menengah; NIB: 6 of 8 = 75.00 %;
#   halal: 2 reguler, 3 self declare; food & beverage (KBLI 10/11/56): rows 1, 2, 3, 4, 7 = 5,
#   of which halal 1, 2, 7 = 3 -> 60.00 %.
JATIM_UMKM_2024S1 = [
    ("3500000000001", "Keripik Tempe Bu Sri", "Kota Malang", "10710", "mikro", "reguler"),
    ("3500000000002", "Warung Rawon Pak No", "Kota Surabaya", "56101", "mikro", "self declare"),
    (None, "Depot Soto Ayam", "Kabupaten Sidoarjo", "56102", "mikro", "tidak ada"),
    ("3500000000004", "Es Dawet Segar", "Kabupaten Gresik", "11040", "kecil", "tidak ada"),
    ("3500000000005", "Toko Kelontong Makmur", "Kota Kediri", "47111", "kecil", "reguler"),
    (None, "Tani Padi Jaya", "Kabupaten Jember", "01111", "menengah", "self declare"),
    ("3500000000007", "Roti Bakar 88", "Kota Madiun", "10792", "mikro", "self declare"),
    ("3500000000008", "Jasa Web Kreatif", "Kota Surabaya", "62010", "mikro", "tidak ada"),
]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


class RawWriter:
    def __init__(self, conn) -> None:
        self.conn = conn

    def submission(
        self,
        dataset: str,
        province: str | None,
        period: str | None,
        outcome: str,
        mtime: str,
        rows: tuple | list = (),
        *,
        rows_quarantined: int = 0,
    ) -> int:
        p = parse_period(period) if period else None
        loaded = outcome in ("loaded", "accepted", "accepted_with_warnings")
        name = f"{dataset}_{province}_{period}_{uuid.uuid4().hex[:6]}.csv"
        submission_id = self.conn.execute(
            """insert into raw.submissions (dataset, province_code, period, period_type,
                   period_start, period_end, file_name, file_path, sha256, file_size,
                   file_mtime, outcome, rows_received, rows_loaded, rows_quarantined)
               values (%s, %s, %s, %s, %s, %s, %s, %s, %s, 100, %s, %s, %s, %s, %s)
               returning submission_id""",
            (
                dataset,
                province,
                p.label if p else None,
                p.type if p else None,
                p.start if p else None,
                p.end if p else None,
                name,
                name,
                uuid.uuid4().hex,
                at(mtime),
                outcome,
                len(rows) + rows_quarantined,
                len(rows) if loaded else 0,
                rows_quarantined,
            ),
        ).fetchone()[0]
        if loaded and rows:
            columns = COLUMNS[dataset]
            placeholders = ", ".join(["%s"] * (len(columns) + 2))
            add_partition(self.conn, dataset, submission_id)
            with self.conn.cursor() as cur:
                cur.executemany(
                    f"insert into raw.{dataset} (submission_id, row_number, {', '.join(columns)}) "
                    f"values ({placeholders})",
                    [(submission_id, i + 2, *row) for i, row in enumerate(rows)],
                )
        for n in range(rows_quarantined):
            self.conn.execute(
                """insert into raw.quarantine (submission_id, row_number, rule, reason, detail,
                       original) values (%s, %s, 'value.not_a_number', 'bukan angka',
                       'not a number', '{}'::jsonb)""",
                (submission_id, 100 + n),
            )
        return submission_id

    def bps(
        self,
        measure: str,
        bps_code: str,
        province: str | None,
        period: str,
        value,
        source: str = "snapshot",
    ) -> None:
        p = parse_period(period)
        subperiod = {"year": 35 if measure == "grdp_current_idr_bn" else 0}.get(
            p.type, 30 + p.index
        )
        self.conn.execute(
            """insert into raw.bps_observations (measure, var_id, turvar, vervar, province_code,
                   bps_code, is_national, year, subperiod, period, period_type, value, unit,
                   source, fetched_at)
               values (%s, 1, '0', %s, %s, %s, %s, %s, %s, %s, %s, %s, 'x', %s, now())""",
            (
                measure,
                bps_code,
                province,
                bps_code,
                province is None,
                p.year,
                subperiod,
                p.label,
                p.type,
                value,
                source,
            ),
        )


def load_crafted_rows(conn) -> dict[str, int]:
    raw = RawWriter(conn)
    ids = {}
    # UMKM indicators, Jawa Timur: 2024S1 must compare with 2023S1 only (not 2023S2, 2023).
    for period, share in (("2023", 58.00), ("2023S1", 59.18), ("2023S2", 61.00)):
        raw.submission(
            "indikator_umkm", "35", period, "accepted", "2023-09-01", [(share, None, "")]
        )
    ids["jatim_share_2024S1"] = raw.submission(
        "indikator_umkm", "35", "2024S1", "accepted", "2024-09-01", [(60.43, None, "BPS")]
    )
    # ... then a broken resubmission: rejected, counted, but the accepted one stays in force.
    raw.submission("indikator_umkm", "35", "2024S1", "rejected", "2024-10-01")
    # Papua (Kemendagri 91 = BPS 9400): share x GRDP of BPS 9400, never of BPS 9100.
    raw.submission("indikator_umkm", "91", "2024S1", "accepted", "2024-09-02", [(50.00, None, "")])
    # Aceh's file still waits for the gate.
    raw.submission("indikator_umkm", "11", "2024S1", "loaded", "2024-09-03", [(51.00, None, "")])

    # UMKM register, Jawa Timur 2024S1: an early file superseded by a later accepted one.
    superseded = [("3500000000099", "Usaha Lama", "Kota Malang", "10710", "mikro", "tidak ada")]
    raw.submission("umkm", "35", "2024S1", "accepted", "2024-08-01", superseded)
    ids["jatim_umkm_2024S1"] = raw.submission(
        "umkm",
        "35",
        "2024S1",
        "accepted_with_warnings",
        "2024-08-20",
        JATIM_UMKM_2024S1,
        rows_quarantined=1,
    )
    # Sulawesi Tenggara sent a register that was rejected whole.
    raw.submission("umkm", "74", "2024S1", "rejected", "2024-08-05")
    # A file whose name said nothing usable.
    raw.submission("unknown", None, None, "rejected", "2024-08-06")

    # BPS: annual GRDP 2024 (subperiod 35 of the quarterly series) and growth.
    raw.bps("grdp_current_idr_bn", "3500", "35", "2024", 3_000_000)
    raw.bps("grdp_current_idr_bn", "3500", "35", "2024Q2", 740_000)
    raw.bps("grdp_growth_pct", "3500", "35", "2024", 4.93)
    raw.bps("grdp_current_idr_bn", "9400", "91", "2024", 400_000, source="sample")
    raw.bps("grdp_current_idr_bn", "9100", "92", "2024", 999)
    raw.bps("grdp_current_idr_bn", "9999", None, "2024", 22_000_000)

    # Agreements of Sulawesi Tenggara: the 2025Q1 register, then the current 2025Q2 one.
    q1 = [
        (
            "PKS/ST",
            "PKS",
            "Pembiayaan",
            "Bank Sultra",
            "lembaga keuangan",
            date(2022, 9, 8),
            date(2027, 9, 8),
            "berjalan",
        ),
        (
            "PKS/NS",
            "PKS",
            "Digitalisasi",
            "PT Telkom",
            "BUMN/BUMD",
            date(2024, 12, 12),
            date(2026, 12, 12),
            "ditandatangani",
        ),
    ]
    raw.submission("kerja_sama", "74", "2025Q1", "accepted", "2025-04-05", q1)
    ids["sultra_register_2025Q2"] = raw.submission(
        "kerja_sama",
        "74",
        "2025Q2",
        "accepted",
        "2025-07-05",
        q1
        + [
            (
                "MOU/AC",
                "MoU",
                "Promosi",
                "Kendari Pos",
                "media",
                date(2023, 2, 1),
                date(2025, 8, 15),
                "berjalan",
            ),
            (
                "MOU/CX",
                "MoU",
                "Marketplace",
                "PT Shopee",
                "swasta",
                date(2024, 2, 1),
                date(2026, 2, 1),
                "dibatalkan",
            ),
        ],
    )
    raw.submission(
        "kegiatan_kerja_sama",
        "74",
        "2025Q2",
        "accepted",
        "2025-07-05",
        [
            ("PKS/ST", date(2023, 6, 16), "pelatihan", 50, 1000),
            ("PKS/ST", date(2024, 12, 12), "temu bisnis", 63, 2000),  # 200 days before 30 Jun
            ("MOU/AC", date(2025, 4, 10), "promosi/pameran", 0, 55_979_000),
            ("MOU/AC", date(2025, 7, 3), "promosi/pameran", 9, 1),  # after as_of: not counted
        ],
    )
    return ids


# submission_compliance is evaluated at this date (not the build's): fixed figures
COMPLIANCE_AS_OF = "2025-09-30"


@pytest.fixture(scope="session")
def marts_db(make_database) -> Iterator[tuple[str, dict[str, int]]]:
    """(url, submission ids) of a database whose marts were built from the crafted rows."""
    with make_database() as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUMKM_AS_OF", COMPLIANCE_AS_OF)
        with warehouse.connect(url) as conn, conn.transaction():
            ids = load_crafted_rows(conn)
        dbt_runner.build(url)
        yield url, ids


@pytest.fixture
def crafted_db(make_database) -> Iterator[tuple[str, dict[str, int]]]:
    """(url, submission ids) of a database of its own with the crafted raw rows, no build."""
    with make_database() as url:
        with warehouse.connect(url) as conn, conn.transaction():
            ids = load_crafted_rows(conn)
        yield url, ids


@pytest.fixture
def raw_writer() -> type[RawWriter]:
    return RawWriter
