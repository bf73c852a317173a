"""Indonesian column headers for the XLSX workbook (CSV and Parquet keep the mart names).

Known mart columns (../shared/spec/marts.md) have a fixed header; any other column gets a
readable one built from its name (`umkm_female_owner_pct` -> "UMKM Female Owner (%)"), so a
new mart never breaks the extract.
"""

from __future__ import annotations

import re

HEADERS: dict[str, str] = {
    # provinces
    "province_code": "Kode Provinsi",
    "province_name": "Nama Provinsi",
    "bps_code": "Kode BPS",
    "aliases": "Nama Lain",
    "provinces_reporting": "Jumlah Provinsi Melapor",
    # periods
    "period": "Periode",
    "period_type": "Jenis Periode",
    "year": "Tahun",
    "book_year": "Tahun Buku",
    "as_of": "Posisi per Tanggal",
    # cooperative_health
    "cooperatives_total": "Jumlah Koperasi",
    "cooperatives_active": "Koperasi Aktif",
    "cooperatives_inactive": "Koperasi Tidak Aktif",
    "members_total": "Jumlah Anggota",
    "members_female": "Anggota Perempuan",
    "rat_held": "Koperasi Melaksanakan RAT",
    "rat_compliance_pct": "Kepatuhan RAT (%)",
    "rat_on_time": "RAT Tepat Waktu",
    "assets_idr": "Aset (Rp)",
    "own_capital_idr": "Modal Sendiri (Rp)",
    "business_volume_idr": "Volume Usaha (Rp)",
    "shu_idr": "SHU (Rp)",
    "healthy_count": "Koperasi Sehat dan Cukup Sehat",
    "source_submission_id": "ID Kiriman Sumber",
    # umkm_contribution
    "umkm_units": "Jumlah UMKM",
    "umkm_micro": "Usaha Mikro",
    "umkm_small": "Usaha Kecil",
    "umkm_medium": "Usaha Menengah",
    "with_nib_pct": "Memiliki NIB (%)",
    "halal_regular": "Sertifikat Halal Reguler",
    "halal_self_declare": "Sertifikat Halal Self Declare",
    "food_beverage_units": "Usaha Makanan dan Minuman",
    "food_beverage_halal_pct": "Makanan dan Minuman Bersertifikat Halal (%)",
    "umkm_share_of_grdp_pct": "Kontribusi UMKM terhadap PDRB (%)",
    "previous_share_pct": "Kontribusi Tahun Sebelumnya (%)",
    "share_change_pp": "Perubahan Kontribusi (poin persen)",
    "grdp_current_idr_bn": "PDRB Atas Dasar Harga Berlaku (Rp miliar)",
    "umkm_value_added_idr_bn": "Nilai Tambah UMKM (Rp miliar)",
    "grdp_growth_pct": "Pertumbuhan PDRB (%)",
    # agreement_implementation / agreement_summary
    "document_number": "Nomor Dokumen",
    "document_type": "Jenis Dokumen",
    "title": "Judul",
    "partner_name": "Nama Mitra",
    "partner_type": "Jenis Mitra",
    "partner_province_code": "Kode Provinsi Mitra",
    "signed_on": "Tanggal Penandatanganan",
    "expires_on": "Tanggal Berakhir",
    "reported_status": "Status Dilaporkan",
    "activities_count": "Jumlah Kegiatan",
    "first_activity_on": "Tanggal Kegiatan Pertama",
    "last_activity_on": "Tanggal Kegiatan Terakhir",
    "days_to_first_activity": "Hari hingga Kegiatan Pertama",
    "umkm_reached": "UMKM Terjangkau",
    "transaction_value_idr": "Nilai Transaksi (Rp)",
    "implementation_status": "Status Pelaksanaan",
    "expiring_within_90_days": "Berakhir dalam 90 Hari",
    "agreements_total": "Jumlah Kerja Sama",
    "agreements_signed": "Kerja Sama Ditandatangani",
    "agreements_active": "Kerja Sama Aktif",
    "agreements_stalled": "Kerja Sama Tersendat",
    "agreements_not_started": "Kerja Sama Belum Dimulai",
    "implementation_rate_pct": "Tingkat Pelaksanaan (%)",
    "partners_distinct": "Jumlah Mitra",
    "partner_types_distinct": "Jumlah Jenis Mitra",
    # submission_compliance
    "dataset": "Jenis Data",
    "status": "Status",
    "submissions_count": "Jumlah Kiriman",
    "latest_submitted_at": "Waktu Kiriman Terakhir",
    "rows_received": "Baris Masuk",
    "rows_accepted": "Baris Diterima",
    "rows_quarantined": "Baris Dikarantina",
}

ACRONYMS = {
    "umkm", "rat", "nib", "shu", "bps", "pdrb", "grdp", "id", "kbli", "nik", "bi", "wib",
}  # fmt: skip
SUFFIXES = (  # longest first
    ("_idr_bn", " (Rp miliar)"),
    ("_idr", " (Rp)"),
    ("_pct", " (%)"),
    ("_pp", " (poin persen)"),
)


def readable(name: str) -> str:
    """A title-cased header for a column without a fixed one; never fails."""
    text = str(name).strip()
    suffix = ""
    for ending, label in SUFFIXES:
        if text.lower().endswith(ending) and len(text) > len(ending):
            text, suffix = text[: -len(ending)], label
            break
    words = [w for w in re.split(r"[_\s]+", text) if w]
    if not words:
        return str(name) or "Kolom"
    titled = [w.upper() if w.lower() in ACRONYMS else w[:1].upper() + w[1:] for w in words]
    return " ".join(titled) + suffix


def header_for(name: str, *, utc: bool = False) -> str:
    """The Indonesian header of a column; `utc` marks a timestamp column shown in UTC."""
    header = HEADERS.get(name) or readable(name)
    return f"{header} (UTC)" if utc else header


def headers_for(names: list[str], utc: list[bool] | None = None) -> list[str]:
    """Headers for one sheet, made unique (a clash gets the column name appended)."""
    utc = utc or [False] * len(names)
    out = [header_for(n, utc=u) for n, u in zip(names, utc, strict=True)]
    seen: dict[str, int] = {}
    for h in out:
        seen[h.lower()] = seen.get(h.lower(), 0) + 1
    return [f"{h} [{n}]" if seen[h.lower()] > 1 else h for h, n in zip(out, names, strict=True)]
