"""Small writers of submission files used across the reliability tests."""

from __future__ import annotations

import os
from pathlib import Path

KOPERASI_HEADER = [
    "nik_koperasi",
    "nama_koperasi",
    "kabupaten_kota",
    "jenis_koperasi",
    "status_aktif",
    "jumlah_anggota_pria",
    "jumlah_anggota_wanita",
    "tanggal_rat",
    "aset",
    "shu",
    "predikat_kesehatan",
]


def koperasi_row(i: int, province: str = "74") -> list[str]:
    return [
        f"{province}{i:08d}",
        f"Koperasi Nomor {i}",
        "Kab. Konawe" if i % 2 else "KOTA KENDARI",
        "simpan pinjam" if i % 3 else "jasa",
        "AKTIF" if i % 5 else "Tidak aktif",
        str(i % 40),
        str(i % 35),
        f"{1 + i % 28:02d}/03/2025" if i % 5 else "",
        f"{1000 + i}.000",
        "-12.345" if i % 7 == 0 else "1.000",
        "sehat" if i % 2 else "cukup sehat",
    ]


def koperasi_csv(rows: int, *, province: str = "74", start: int = 1, delimiter: str = ";") -> str:
    lines = [delimiter.join(KOPERASI_HEADER)]
    lines += [delimiter.join(koperasi_row(i, province)) for i in range(start, start + rows)]
    return "\n".join(lines) + "\n"


def write(path: Path, data: str | bytes, mtime: int) -> Path:
    """Write a dropzone file with a given arrival time (mtime)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path
