"""Small provincial files for the trust corpus: CSV text, workbooks, and the good register
of Sulawesi Selatan (73) that every case must leave in force and unchanged."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import openpyxl

KOPERASI = [
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
UMKM = [
    "nib",
    "nama_usaha",
    "kabupaten_kota",
    "kbli",
    "skala_usaha",
    "omzet_tahunan",
    "sertifikat_halal",
    "tanggal_sertifikat_halal",
]
INDIKATOR = ["kontribusi_pdrb_persen", "nilai_tambah_umkm", "jumlah_umkm", "sumber"]
KERJA_SAMA = [
    "nomor_dokumen",
    "jenis_dokumen",
    "judul",
    "nama_mitra",
    "jenis_mitra",
    "tanggal_tanda_tangan",
    "tanggal_berakhir",
    "status",
]
KEGIATAN = [
    "nomor_dokumen",
    "tanggal_kegiatan",
    "jenis_kegiatan",
    "uraian",
    "jumlah_umkm",
    "nilai_transaksi",
]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]], sep: str = ";") -> bytes:
    lines = [sep.join(header), *(sep.join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[object]], str]]) -> bytes:
    """A workbook of (title, rows, state) sheets; state is visible / hidden / veryHidden.
    Formulas (`=...`) are written without a cached value, as a script would write them."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        ws.sheet_state = state
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_huge_shared_strings(data: bytes, inflated: int) -> bytes:
    """The workbook plus a shared-strings part that unpacks to `inflated` bytes (a few
    hundred KB on disk: a decompression bomb in an otherwise valid workbook)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item.filename, src.read(item.filename))
        huge = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        huge += "<si><t>" + "A" * inflated + "</t></si></sst>"
        dst.writestr("xl/sharedStrings.xml", huge)
    return out.getvalue()


# --- Sulawesi Selatan (73): the good submissions loaded first, never to be disturbed ---

GOOD_KOPERASI = [
    ["7371000001", "KSP Sipakatau", "Kota Makassar", "simpan pinjam", "aktif", "40", "35"]
    + ["12/03/2025", "1.500.000.000", "25.000.000", "sehat"],
    ["7371000002", "KUD Tani Bone", "Kab. Bone", "produsen", "aktif", "120", "30"]
    + ["20/08/2025", "800.000.000", "-5.000.000", "cukup sehat"],
    ["7371000003", "Kopwan Anging Mammiri", "Kota Makassar", "jasa", "aktif", "0", "60"]
    + ["", "250.000.000", "1.000.000", "kurang sehat"],
    ["7371000004", "Koperasi Lama", "Kab. Gowa", "konsumen", "tidak aktif", "5", "5"]
    + ["", "10.000.000", "0", "belum dinilai"],
]
GOOD_UMKM = [
    ["7300000000001", "Coto Daeng Sitaba", "Kota Makassar", "56101", "mikro"]
    + ["900.000.000", "reguler", "01/02/2024"],
    ["7300000000002", "Sutera Sengkang", "Kab. Wajo", "13111", "kecil", "4.000.000.000"]
    + ["tidak ada", ""],
    ["", "Pisang Epe Pantai", "Kota Makassar", "56102", "mikro", "150.000.000"]
    + ["self declare", "15/05/2024"],
    ["7300000000004", "Kopi Toraja Jaya", "Kab. Tana Toraja", "10761", "menengah"]
    + ["30.000.000.000", "tidak ada", ""],
]
GOOD_INDIKATOR = [["60,43", "", "1.234.567", "Dinas Koperasi dan UKM Sulsel"]]
GOOD_KERJA_SAMA = [
    ["PKS/73/001/2024", "PKS", "Pendampingan UMKM ekspor", "Bank Sulselbar", "lembaga keuangan"]
    + ["10/02/2024", "10/02/2027", "berjalan"],
    ["MOU/73/002/2024", "MoU", "Kemitraan kampus", "Universitas Hasanuddin", "perguruan tinggi"]
    + ["01/03/2024", "01/03/2029", "ditandatangani"],
]
# the second activity writes the document number in another case and with spaces: the
# gate and dbt both match it through the document key computed at load
GOOD_KEGIATAN = [
    ["PKS/73/001/2024", "15/04/2024", "pelatihan", "Pelatihan ekspor", "25", "0"],
    ["pks / 73 / 001/2024", "20/06/2024", "temu bisnis", "Temu bisnis", "12", "150.000.000"],
]

GOOD_FILES = {
    "good/koperasi_73_2024.csv": csv_bytes(KOPERASI, GOOD_KOPERASI),
    "good/umkm_73_2024S1.csv": csv_bytes(UMKM, GOOD_UMKM),
    "good/indikator_umkm_73_2024S1.csv": csv_bytes(INDIKATOR, GOOD_INDIKATOR),
    "good/kerja_sama_73_2024.csv": csv_bytes(KERJA_SAMA, GOOD_KERJA_SAMA),
    "good/kegiatan_kerja_sama_73_2024Q2.csv": csv_bytes(KEGIATAN, GOOD_KEGIATAN),
}
