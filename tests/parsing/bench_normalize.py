"""Throughput of the parsing layer on synthetic UMKM rows (not a test; run by hand).

    .venv/bin/python -m tests.parsing.bench_normalize [rows]

Prints rows/s for normalise_row alone (cells as a CSV reader yields them) and for the
whole path CSV file -> open_table -> map to canonical columns -> normalise_row. Shared
machines are noisy: each measurement runs three times and all runs are printed.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from ingest import provinces
from ingest.periods import parse_period
from ingest.submissions.datasets import DATASETS
from ingest.submissions.normalize import normalise_row
from ingest.submissions.readers import open_table

REGENCIES = ["Kab. Konawe", "KOTA KENDARI", "Kabupaten Muna", "Kab. Kolaka Utara", "Kota Baubau"]
SKALA_SPELLING = {
    "mikro": ["mikro", "Mikro", "MIKRO"],
    "kecil": ["kecil", "Kecil"],
    "menengah": ["Menengah"],
}
HALAL = ["tidak ada", "tidak ada", "reguler", "self declare", "", "Self Declare"]


def synthetic_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Register-like rows: mostly micro businesses; 1 in 50 declares a skala that
    contradicts its omzet (warning), 1 in 10 leaves skala empty (derived), 1 in 100 has
    a malformed NIB (quarantine)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        halal = rnd.choice(HALAL)
        omzet = min(int(rnd.paretovariate(1.2) * 100_000_000), 49_000_000_000)
        skala = "mikro" if omzet <= 2e9 else "kecil" if omzet <= 15e9 else "menengah"
        if i % 50 == 0:
            skala = "menengah" if skala != "menengah" else "mikro"
        declared = "" if i % 10 == 3 else rnd.choice(SKALA_SPELLING[skala])
        nib = f"{rnd.randrange(10**12, 10**13):013d}" if i % 5 else ""
        if i % 100 == 7:
            nib = nib[:-1] or "12345"
        rows.append(
            {
                "nib": nib,
                "nama_usaha": f"Usaha Makmur {i}",
                "kabupaten_kota": rnd.choice(REGENCIES),
                "kbli": f"{rnd.randrange(1000, 99999):05d}",
                "skala_usaha": declared,
                "modal_usaha": f"Rp {rnd.randrange(1_000_000, 900_000_000):,}".replace(",", "."),
                "omzet_tahunan": f"{omzet:,}".replace(",", "."),
                "tenaga_kerja": str(rnd.randrange(1, 40)),
                "jenis_kelamin_pemilik": rnd.choice(["L", "P", "Laki-laki", "perempuan"]),
                "sertifikat_halal": halal,
                "tanggal_sertifikat_halal": (
                    f"{rnd.randrange(1, 28):02d}/{rnd.randrange(1, 13):02d}/2023"
                    if halal and halal != "tidak ada"
                    else ""
                ),
            }
        )
    return rows


def main(n: int = 200_000) -> None:
    dataset = DATASETS["umkm"]
    province, period = provinces.by_code("74"), parse_period("2024")
    rows = synthetic_rows(n)

    for attempt in range(3):
        start = time.perf_counter()
        quarantined = with_issues = 0
        for cells in rows:
            out, issues = normalise_row(dataset, cells, province=province, period=period)
            quarantined += out is None
            with_issues += bool(issues)
        elapsed = time.perf_counter() - start
        print(
            f"normalise_row run {attempt + 1}: {n} rows in {elapsed:.2f} s = "
            f"{n / elapsed:,.0f} rows/s ({quarantined} quarantined, {with_issues} with issues)"
        )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "umkm_74_2024.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
        for attempt in range(3):
            start = time.perf_counter()
            count = 0
            with open_table(path, dataset) as table:
                columns = table.columns
                for _, cells in table.rows():
                    mapped = {c: v for c, v in zip(columns, cells, strict=False) if c is not None}
                    normalise_row(dataset, mapped, province=province, period=period)
                    count += 1
            elapsed = time.perf_counter() - start
            print(
                f"CSV read + map + normalise_row run {attempt + 1}: {count} rows in "
                f"{elapsed:.2f} s = {count / elapsed:,.0f} rows/s"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
