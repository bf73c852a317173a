"""The workbook's Indonesian vocabulary (CSV and Parquet keep the mart names and codes).

- `COLUMNS`: per mart column, its Indonesian header and meaning (the `Kamus Data` sheet);
- `SHEETS`: the Indonesian sheet name of each mart;
- `VALUES`: the coded values a planner reads (`missing` -> `belum menyampaikan`), per
  column; booleans read `Ya` / `Tidak`.

Known mart columns (../shared/spec/marts.md) have a fixed header; any other column gets a
readable one built from its name (`umkm_female_owner_pct` -> "UMKM Female Owner (%)"), so a
new mart never breaks the extract (a test keeps every column of the project's marts in
`COLUMNS`).
"""

from __future__ import annotations

import re

COLUMNS: dict[str, tuple[str, str]] = {
    # provinces
    "province_code": ("Kode Provinsi", "Kode provinsi Kemendagri (2 digit)."),
    "province_name": ("Nama Provinsi", "Nama resmi provinsi."),
    "bps_code": ("Kode BPS", "Kode provinsi BPS (4 digit)."),
    "aliases": ("Nama Lain", "Penulisan lain nama provinsi yang dikenali."),
    "provinces_reporting": ("Jumlah Provinsi Melapor", "Provinsi yang datanya dijumlahkan."),
    # periods
    "period": ("Periode", "Periode laporan: tahun (2024), semester (2024S1), triwulan (2024Q3)."),
    "period_type": ("Jenis Periode", "tahun, semester atau triwulan."),
    "year": ("Tahun", "Tahun periode."),
    "book_year": ("Tahun Buku", "Tahun buku koperasi."),
    "as_of": ("Posisi per Tanggal", "Tanggal posisi data (akhir periode laporan)."),
    # cooperative_health
    "cooperatives_total": ("Jumlah Koperasi", "Koperasi dalam daftar yang berlaku."),
    "cooperatives_active": ("Koperasi Aktif", "Koperasi berstatus aktif."),
    "cooperatives_inactive": ("Koperasi Tidak Aktif", "Koperasi berstatus tidak aktif."),
    "members_total": ("Jumlah Anggota", "Anggota laki-laki dan perempuan."),
    "members_female": ("Anggota Perempuan", "Anggota perempuan."),
    "rat_held": (
        "Koperasi Melaksanakan RAT",
        "Koperasi aktif dengan tanggal RAT untuk tahun buku tersebut.",
    ),
    "rat_compliance_pct": (
        "Kepatuhan RAT (%)",
        "Koperasi melaksanakan RAT / koperasi aktif x 100.",
    ),
    "rat_on_time": ("RAT Tepat Waktu", "RAT paling lambat 30 Juni tahun berikutnya."),
    "assets_idr": ("Aset (Rp)", "Jumlah aset, rupiah."),
    "own_capital_idr": ("Modal Sendiri (Rp)", "Jumlah modal sendiri, rupiah."),
    "business_volume_idr": ("Volume Usaha (Rp)", "Jumlah volume usaha, rupiah."),
    "shu_idr": ("SHU (Rp)", "Jumlah sisa hasil usaha, rupiah."),
    "healthy_count": (
        "Koperasi Sehat dan Cukup Sehat",
        "Koperasi dengan predikat kesehatan sehat atau cukup sehat.",
    ),
    "source_submission_id": (
        "ID Kiriman Sumber",
        "Nomor kiriman (log kiriman) yang menjadi sumber angka.",
    ),
    # umkm_contribution
    "umkm_units": ("Jumlah UMKM", "Usaha dalam daftar UMKM yang berlaku."),
    "umkm_micro": ("Usaha Mikro", "Usaha berskala mikro."),
    "umkm_small": ("Usaha Kecil", "Usaha berskala kecil."),
    "umkm_medium": ("Usaha Menengah", "Usaha berskala menengah."),
    "umkm_with_nib": ("UMKM Memiliki NIB", "Usaha yang memiliki NIB."),
    "with_nib_pct": ("Memiliki NIB (%)", "UMKM memiliki NIB / jumlah UMKM x 100."),
    "halal_regular": ("Sertifikat Halal Reguler", "Usaha dengan sertifikat halal reguler."),
    "halal_self_declare": (
        "Sertifikat Halal Self Declare",
        "Usaha dengan sertifikat halal pernyataan pelaku usaha (self declare).",
    ),
    "food_beverage_units": (
        "Usaha Makanan dan Minuman",
        "Usaha dengan KBLI berawalan 10, 11 atau 56.",
    ),
    "food_beverage_halal": (
        "Makanan dan Minuman Bersertifikat Halal",
        "Usaha makanan dan minuman dengan sertifikat halal (reguler atau self declare).",
    ),
    "food_beverage_halal_pct": (
        "Makanan dan Minuman Bersertifikat Halal (%)",
        "Bagian usaha makanan dan minuman yang bersertifikat halal; wajib halal bagi usaha "
        "mikro dan kecil mulai 17 Oktober 2026 (PP 42/2024).",
    ),
    "umkm_share_of_grdp_pct": (
        "Kontribusi UMKM terhadap PDRB (%)",
        "Kontribusi UMKM terhadap PDRB sebagaimana dilaporkan (indikator_umkm).",
    ),
    "previous_period": ("Periode Pembanding", "Periode yang sama satu tahun sebelumnya."),
    "previous_share_pct": (
        "Kontribusi Tahun Sebelumnya (%)",
        "Kontribusi UMKM pada periode pembanding.",
    ),
    "share_change_pp": (
        "Perubahan Kontribusi (poin persen)",
        "Kontribusi dikurangi kontribusi tahun sebelumnya, poin persen.",
    ),
    "grdp_current_idr_bn": (
        "PDRB Atas Dasar Harga Berlaku (Rp miliar)",
        "PDRB ADHB periode tersebut: tahunan untuk tahun; triwulanan (atau tahunan x 3/12) "
        "untuk triwulan; tahunan x 6/12 untuk semester.",
    ),
    "grdp_period": ("Periode PDRB", "Periode BPS dari angka PDRB yang dipakai."),
    "grdp_source": (
        "Sumber PDRB",
        "Asal angka PDRB: BPS WebAPI, snapshot angka resmi BPS, atau DATA CONTOH (bukan "
        "angka resmi BPS).",
    ),
    "grdp_basis": (
        "Dasar Angka PDRB",
        "Angka resmi BPS, atau estimasi PDRB per kapita x jumlah penduduk (keduanya dari BPS).",
    ),
    "grdp_prorated_months": (
        "PDRB Diprorata (bulan)",
        "6 atau 3 bila PDRB tahunan dibagi menurut jumlah bulan periode; kosong bila tidak.",
    ),
    "grdp_is_prorated": (
        "PDRB Diprorata",
        "Ya bila PDB tahunan dibagi menurut jumlah bulan periode.",
    ),
    "umkm_value_added_idr_bn": (
        "Nilai Tambah UMKM (Rp miliar)",
        "Nilai yang dilaporkan provinsi, atau kontribusi x PDRB periode tersebut.",
    ),
    "value_added_source": (
        "Sumber Nilai Tambah",
        "dilaporkan; estimasi (kontribusi x PDRB periode); estimasi prorata (kontribusi x "
        "PDRB tahunan dibagi menurut bulan).",
    ),
    "value_added_exceeds_grdp": (
        "Nilai Tambah Melebihi PDRB",
        "Ya bila nilai tambah UMKM lebih besar dari PDRB: tidak mungkin, periksa sebelum dipakai.",
    ),
    "grdp_growth_pct": (
        "Pertumbuhan PDRB (%)",
        "Laju pertumbuhan PDRB ADHK 2010 tahun periode (BPS).",
    ),
    "umkm_units_reported": (
        "Jumlah UMKM Dilaporkan",
        "Jumlah UMKM menurut indikator_umkm provinsi (bukan hitungan daftar).",
    ),
    "umkm_workers_reported": (
        "Tenaga Kerja UMKM Dilaporkan",
        "Tenaga kerja UMKM menurut indikator_umkm provinsi.",
    ),
    "register_submission_id": (
        "ID Kiriman Daftar UMKM",
        "Kiriman umkm sumber hitungan daftar.",
    ),
    "indicator_submission_id": (
        "ID Kiriman Indikator UMKM",
        "Kiriman indikator_umkm sumber kontribusi dan nilai tambah.",
    ),
    "provinces_with_register": (
        "Provinsi dengan Daftar UMKM",
        "Provinsi yang mengirim daftar UMKM untuk periode ini.",
    ),
    "provinces_with_share": (
        "Provinsi dengan Kontribusi",
        "Provinsi yang melaporkan kontribusi UMKM terhadap PDRB.",
    ),
    "grdp_of_provinces_with_share_idr_bn": (
        "PDRB Provinsi dengan Kontribusi (Rp miliar)",
        "PDRB provinsi yang melaporkan kontribusi (bobot rata-rata kontribusi nasional).",
    ),
    "provinces_with_value_added": (
        "Provinsi dengan Nilai Tambah",
        "Provinsi dengan nilai tambah UMKM (dilaporkan atau estimasi).",
    ),
    # agreement_implementation / agreement_summary
    "document_number": ("Nomor Dokumen", "Nomor dokumen kerja sama."),
    "document_type": ("Jenis Dokumen", "MoU, PKS atau Kesepakatan Bersama."),
    "title": ("Judul", "Judul kerja sama."),
    "partner_name": ("Nama Mitra", "Nama mitra kerja sama."),
    "partner_type": ("Jenis Mitra", "Jenis mitra kerja sama."),
    "partner_province_code": ("Kode Provinsi Mitra", "Kode provinsi mitra (bila ada)."),
    "parent_document_number": ("Nomor Dokumen Induk", "MoU induk dari sebuah PKS."),
    "signed_on": ("Tanggal Penandatanganan", "Tanggal penandatanganan."),
    "expires_on": ("Tanggal Berakhir", "Tanggal berakhirnya kerja sama."),
    "reported_status": ("Status Dilaporkan", "Status menurut laporan provinsi."),
    "activities_count": ("Jumlah Kegiatan", "Kegiatan sampai tanggal posisi."),
    "first_activity_on": ("Tanggal Kegiatan Pertama", "Tanggal kegiatan pertama."),
    "last_activity_on": ("Tanggal Kegiatan Terakhir", "Tanggal kegiatan terakhir."),
    "days_to_first_activity": (
        "Hari hingga Kegiatan Pertama",
        "Hari dari penandatanganan sampai kegiatan pertama.",
    ),
    "days_since_last_activity": (
        "Hari sejak Kegiatan Terakhir",
        "Hari dari kegiatan terakhir sampai tanggal posisi (lebih dari 180 = mandek).",
    ),
    "umkm_reached": ("UMKM Terjangkau", "Jumlah UMKM yang terlibat dalam kegiatan."),
    "transaction_value_idr": ("Nilai Transaksi (Rp)", "Nilai transaksi kegiatan, rupiah."),
    "implementation_status": (
        "Status Pelaksanaan",
        "Urutan, yang pertama cocok berlaku: dibatalkan, draf, selesai, berakhir, belum "
        "dimulai, mandek (kegiatan terakhir lebih dari 180 hari lalu), aktif.",
    ),
    "expiring_within_90_days": (
        "Berakhir dalam 90 Hari",
        "Ya bila kerja sama yang masih berjalan berakhir dalam 90 hari setelah tanggal posisi.",
    ),
    "is_latest_register": (
        "Daftar Terkini",
        "Ya untuk daftar kerja sama terkini provinsi.",
    ),
    "agreements_total": ("Jumlah Kerja Sama", "Kerja sama dalam daftar."),
    "agreements_signed": (
        "Kerja Sama Ditandatangani",
        "Kerja sama yang sudah ditandatangani dan tidak dibatalkan.",
    ),
    "agreements_active": ("Kerja Sama Aktif", "Kerja sama berstatus aktif."),
    "agreements_stalled": ("Kerja Sama Mandek", "Kerja sama berstatus mandek."),
    "agreements_not_started": ("Kerja Sama Belum Dimulai", "Kerja sama tanpa kegiatan."),
    "agreements_completed": ("Kerja Sama Selesai", "Kerja sama berstatus selesai."),
    "agreements_expired": ("Kerja Sama Berakhir", "Kerja sama yang masa berlakunya habis."),
    "agreements_cancelled": ("Kerja Sama Dibatalkan", "Kerja sama berstatus dibatalkan."),
    "agreements_draft": ("Kerja Sama Draf", "Kerja sama berstatus draf."),
    "agreements_expiring_within_90_days": (
        "Kerja Sama Berakhir dalam 90 Hari",
        "Kerja sama berjalan yang berakhir dalam 90 hari.",
    ),
    "agreements_signed_with_activity": (
        "Kerja Sama Ditandatangani dengan Kegiatan",
        "Kerja sama ditandatangani dengan minimal satu kegiatan.",
    ),
    "implementation_rate_pct": (
        "Tingkat Pelaksanaan (%)",
        "Kerja sama ditandatangani dengan kegiatan / kerja sama ditandatangani x 100.",
    ),
    "partners_distinct": ("Jumlah Mitra", "Mitra yang berbeda."),
    "partner_types_distinct": ("Jumlah Jenis Mitra", "Jenis mitra yang berbeda."),
    # submission_compliance
    "dataset": ("Jenis Data", "Jenis data yang dikirim provinsi."),
    "status": (
        "Status",
        "Hasil kiriman yang berlaku: diterima, diterima dengan catatan, ditolak, belum "
        "menyampaikan, menunggu validasi.",
    ),
    "submissions_count": ("Jumlah Kiriman", "Berkas yang dikirim untuk jenis data dan periode."),
    "rejected_count": ("Kiriman Ditolak", "Berkas yang ditolak."),
    "latest_submitted_at": ("Waktu Kiriman Terakhir", "Waktu tiba berkas terakhir."),
    "latest_outcome": ("Hasil Kiriman Terakhir", "Hasil pemeriksaan berkas terakhir."),
    "rows_received": ("Baris Masuk", "Baris dalam kiriman yang berlaku."),
    "rows_accepted": ("Baris Diterima", "Baris yang dimuat."),
    "rows_quarantined": ("Baris Dikarantina", "Baris yang ditahan karena tidak sah."),
    "first_accepted_at": (
        "Waktu Kiriman Pertama Diterima",
        "Waktu tiba berkas pertama yang diterima (dasar hari keterlambatan).",
    ),
    "due_on": ("Batas Waktu", "Tanggal batas penyampaian menurut kalender pelaporan."),
    "days_overdue": (
        "Hari Keterlambatan",
        "Hari dari batas waktu sampai kiriman pertama yang diterima (atau sampai tanggal "
        "posisi bila belum ada); kosong bila tepat waktu.",
    ),
}
HEADERS: dict[str, str] = {name: header for name, (header, _) in COLUMNS.items()}

SHEETS: dict[str, str] = {
    "cooperative_health": "Kesehatan Koperasi",
    "cooperative_health_national": "Kesehatan Koperasi Nasional",
    "umkm_contribution": "Kontribusi UMKM",
    "umkm_contribution_national": "Kontribusi UMKM Nasional",
    "agreement_implementation": "Pelaksanaan Kerja Sama",
    "agreement_summary": "Ringkasan Kerja Sama",
    "submission_compliance": "Kepatuhan Penyampaian",
    "dim_province": "Provinsi",
}
SAMPLE_NOTICE = "DATA CONTOH - bukan angka resmi BPS"
_OUTCOMES = {
    "accepted": "diterima",
    "accepted_with_warnings": "diterima dengan catatan",
    "rejected": "ditolak",
    "missing": "belum menyampaikan",
    "pending": "menunggu validasi",
    "loaded": "menunggu validasi",
    "duplicate": "duplikat",
}
VALUES: dict[str, dict[str, str]] = {
    "period_type": {"year": "tahun", "semester": "semester", "quarter": "triwulan"},
    "status": _OUTCOMES,
    "latest_outcome": _OUTCOMES,
    "implementation_status": {
        "cancelled": "dibatalkan",
        "draft": "draf",
        "completed": "selesai",
        "expired": "berakhir",
        "not_started": "belum dimulai",
        "stalled": "mandek",
        "active": "aktif",
    },
    "value_added_source": {
        "reported": "dilaporkan",
        "estimated": "estimasi",
        "estimated_prorated": "estimasi prorata",
    },
    "grdp_source": {
        "bps_api": "BPS WebAPI",
        "bps_snapshot": "snapshot angka resmi BPS",
        "sample": SAMPLE_NOTICE,
    },
    "grdp_basis": {
        "published": "angka resmi BPS",
        "estimated_per_capita_x_population": "estimasi: PDRB per kapita x penduduk",
    },
}
BOOLEAN = {True: "Ya", False: "Tidak"}


def value_label(column: str, value: str) -> str:
    """The Indonesian label of a coded value (the value itself when it has none)."""
    return VALUES.get(column, {}).get(value, value)


def sheet_title(mart: str) -> str:
    return SHEETS.get(mart, mart)


def meaning(name: str) -> str:
    return COLUMNS[name][1] if name in COLUMNS else ""


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
