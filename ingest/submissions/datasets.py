"""The five dataset contracts (submissions.md section 3) as data.

A :class:`Column` is a contract column with its kind, aliases and, for categorical kinds,
the mapping from :func:`ingest.submissions.values.choice_key` of every accepted label or
synonym to the canonical label. Canonical labels are the contract's spelling (lower-case
except `MoU`, `PKS`, `Kesepakatan Bersama`, `BUMN/BUMD`, `L`, `P`).

Every dataset also accepts two OPTIONAL province-check columns, `provinsi` (kind
``province``; aliases `kode_provinsi`, `nama_provinsi`, `prov`) and `kode_bps` (kind
``bps_province``). They are compared with the file's province and never stored.

Column kinds:
  text, identifier (text code: leading zeros kept; ``digits`` = exact length,
  ``digits_only`` = any length of digits), integer (>= 0), money (Rp >= 0), money_signed,
  decimal (>= 0), percent (0..100), date, choice, status (-> bool), province (-> Kemendagri
  code), bps_province (4-digit BPS code -> province), regency (-> `Kabupaten X`/`Kota X`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ingest.submissions.values import choice_key, normalise_header

KINDS = frozenset(
    {
        "text",
        "identifier",
        "integer",
        "money",
        "money_signed",
        "decimal",
        "percent",
        "date",
        "choice",
        "status",
        "province",
        "bps_province",
        "regency",
    }
)
PROVINCE_CHECK_KINDS = frozenset({"province", "bps_province"})
INT32_MAX = 2**31 - 1  # PostgreSQL integer
INT64_MAX = 2**63 - 1  # PostgreSQL bigint


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, str] | None = field(default=None, hash=False)
    digits: int | None = None  # identifier: exact number of digits
    digits_only: bool = False  # identifier: digits, any length
    max_value: int | None = None  # integer: largest value the raw column holds
    stored: bool = True  # False for the province-check columns
    scale: int = 1  # numbers: rupiah per unit of the column (nilai_tambah_umkm: miliar)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != (self.choices is not None):
            raise ValueError(f"column {self.name}: choices go with kind 'choice' only")


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str  # raw.<table>
    columns: tuple[Column, ...]
    raw_columns: tuple[str, ...] = ()  # typed columns of raw.<table> in DDL order

    def __post_init__(self) -> None:
        by_name: dict[str, Column] = {}
        by_header: dict[str, str] = {}
        for col in self.columns:
            if col.name in by_name:
                raise ValueError(f"{self.name}: column {col.name} defined twice")
            by_name[col.name] = col
            for label in (col.name, *col.aliases):
                key = normalise_header(label)
                if by_header.setdefault(key, col.name) != col.name:
                    raise ValueError(f"{self.name}: header {label!r} matches two columns")
        object.__setattr__(self, "_by_name", MappingProxyType(by_name))
        object.__setattr__(self, "_by_header", MappingProxyType(by_header))

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column named ``name`` (canonical name); KeyError if the dataset has none."""
        return self._by_name[name]

    def canonical(self, header_cell: Any) -> str | None:
        """The canonical column a header cell names (by name or alias), or None.

        A unit in brackets after the name is accepted when it fits the column
        (`Aset (Rp)`, `Jumlah Anggota Pria (orang)`, `Nilai Tambah (Rp miliar)`); a unit
        that does not (`Aset (Rp juta)`, `Aset (USD)`) leaves the cell unmatched, and
        :func:`unrecognised_columns` names it.
        """
        name = self._by_header.get(normalise_header(header_cell))
        if name is not None or header_cell is None:
            return name
        split = split_unit(header_cell)
        if split is None:
            return None
        name = self._by_header.get(normalise_header(split[0]))
        if name is not None and unit_fits(self._by_name[name], split[1]):
            return name
        return None

    def closest(self, header_cell: Any) -> str | None:
        """The column a header cell is a near spelling of (`jumlah anggota pira`), or None."""
        key = normalise_header(header_cell)
        if len(key) < 4:
            return None
        near = difflib.get_close_matches(key, self._by_header, n=1, cutoff=CLOSE_SPELLING)
        return self._by_header[near[0]] if near else None


CLOSE_SPELLING = 0.8  # difflib ratio from which a header is a misspelt contract column
_UNIT_SUFFIX = re.compile(r"^(?P<name>.*?\S)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]\s*$")
_UNIT_WORD = re.compile(r"[a-z]+|[$%]")
_SCALE_WORDS = {
    "ribu": 10**3,
    "rb": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
    "triliun": 10**12,
}
_FOREIGN_CURRENCY = frozenset({"usd", "us", "dollar", "dolar", "$", "eur", "euro", "sgd"})
_NUMERIC_KINDS = frozenset({"integer", "money", "money_signed", "decimal", "percent"})


def split_unit(header_cell: Any) -> tuple[str, str] | None:
    """`Aset (Rp)` -> ("Aset", "Rp"); None when the header has no bracketed unit."""
    m = _UNIT_SUFFIX.match(str(header_cell))
    return (m.group("name"), m.group("unit")) if m else None


def unit_fits(column: Column, unit: str) -> bool:
    """Whether values under `<column> (<unit>)` are in the column's own unit.

    Numbers: no foreign currency, and the scale words (ribu, juta, miliar, ...) multiply to
    the column's scale (`Rp` for rupiah columns, `Rp miliar` for nilai_tambah_umkm);
    `orang`, `unit`, `%` and the like carry no scale. Other kinds take any note
    (`Tanggal RAT (dd/mm/yyyy)`, `Jenis Kelamin (L/P)`).
    """
    if column.kind not in _NUMERIC_KINDS:
        return True
    words = _UNIT_WORD.findall(unit.lower())
    if any(w in _FOREIGN_CURRENCY for w in words):
        return False
    scale = 1
    for w in words:
        scale *= _SCALE_WORDS.get(w, 1)
    return scale == column.scale


def choices(*groups: Sequence[str]) -> Mapping[str, str]:
    """Choice mapping: each group is (canonical label, synonym, ...)."""
    mapping: dict[str, str] = {}
    for canonical, *synonyms in groups:
        for label in (canonical, *synonyms):
            key = choice_key(label)
            if mapping.setdefault(key, canonical) != canonical:
                raise ValueError(f"choice label {label!r} is ambiguous")
    return MappingProxyType(mapping)


# Status values: the contract's aktif / tidak aktif, ya / tidak, 1 / 0, plus English
# and Excel booleans. Canonical labels are the booleans' text; normalize maps to bool.
STATUS_CHOICES = choices(
    ("aktif", "ya", "1", "active", "true", "masih aktif"),
    (
        "tidak aktif",
        "tidak",
        "0",
        "inactive",
        "not active",
        "false",
        "non aktif",
        "nonaktif",
        "non-aktif",
        "tdk aktif",
        "tidak-aktif",
    ),
)
STATUS_TRUE = "aktif"


def _provinsi_columns() -> tuple[Column, ...]:
    return (
        Column(
            "provinsi",
            "province",
            aliases=(
                "kode_provinsi",
                "nama_provinsi",
                "prov",
                "propinsi",
                "prop",
                "kode_prov",
                "kd_prov",
                "kode_propinsi",
                "nama_propinsi",
                "nama_prov",
                "provinsi_asal",
            ),
            stored=False,
        ),
        Column("kode_bps", "bps_province", stored=False),
    )


def _dataset(name: str, table: str, columns: Iterable[Column], raw: Sequence[str]) -> Dataset:
    cols = (*columns, *_provinsi_columns())
    stored = [c.name for c in cols if c.stored]
    missing = [c for c in stored if c not in raw]
    if missing:
        raise ValueError(f"{name}: columns {missing} are not in raw.{table}")
    return Dataset(name=name, table=table, columns=cols, raw_columns=tuple(raw))


KOPERASI = _dataset(
    "koperasi",
    "koperasi",
    (
        Column(
            "nik_koperasi",
            "identifier",
            required=True,
            aliases=("nik", "nomor_induk_koperasi"),
            digits_only=True,
        ),
        Column("nama_koperasi", "text", required=True, aliases=("nama",)),
        Column("kabupaten_kota", "regency", required=True, aliases=("kab_kota", "kabupaten/kota")),
        Column(
            "jenis_koperasi",
            "choice",
            aliases=("jenis",),
            choices=choices(
                ("produsen", "koperasi produsen"),
                ("konsumen", "koperasi konsumen"),
                ("pemasaran", "koperasi pemasaran"),
                ("simpan pinjam", "koperasi simpan pinjam", "simpan-pinjam", "ksp"),
                ("jasa", "koperasi jasa"),
            ),
        ),
        Column("kelompok_koperasi", "text"),
        Column("status_aktif", "status", required=True, aliases=("status",)),
        Column("jumlah_anggota_pria", "integer", max_value=INT64_MAX),
        Column("jumlah_anggota_wanita", "integer", max_value=INT64_MAX),
        Column("tanggal_rat", "date", aliases=("tgl_rat",)),
        Column("modal_sendiri", "money"),
        Column("modal_luar", "money"),
        Column("aset", "money"),
        Column("volume_usaha", "money"),
        Column("shu", "money_signed"),
        Column(
            "predikat_kesehatan",
            "choice",
            choices=choices(
                ("sehat",),
                ("cukup sehat",),
                ("kurang sehat",),
                ("tidak sehat",),
                ("sangat tidak sehat",),
                ("dalam pengawasan",),
                ("dalam pengawasan khusus",),
                ("belum dinilai", "belum diperiksa"),
            ),
        ),
    ),
    (
        "nik_koperasi",
        "nama_koperasi",
        "kabupaten_kota",
        "jenis_koperasi",
        "kelompok_koperasi",
        "status_aktif",
        "jumlah_anggota_pria",
        "jumlah_anggota_wanita",
        "tanggal_rat",
        "modal_sendiri",
        "modal_luar",
        "aset",
        "volume_usaha",
        "shu",
        "predikat_kesehatan",
    ),
)

SKALA_CHOICES = choices(
    ("mikro", "usaha mikro", "micro"),
    ("kecil", "usaha kecil", "small"),
    ("menengah", "usaha menengah", "medium"),
)

UMKM = _dataset(
    "umkm",
    "umkm",
    (
        Column("nib", "identifier", aliases=("nomor_induk_berusaha",), digits=13),
        Column("nama_usaha", "text", required=True),
        Column("kabupaten_kota", "regency", required=True, aliases=("kab_kota", "kabupaten/kota")),
        Column("kbli", "identifier", digits=5),
        Column("skala_usaha", "choice", choices=SKALA_CHOICES),
        Column("modal_usaha", "money"),
        Column("omzet_tahunan", "money"),
        Column("tenaga_kerja", "integer", max_value=INT32_MAX),
        Column(
            "jenis_kelamin_pemilik",
            "choice",
            choices=choices(
                ("L", "laki-laki", "laki laki", "lelaki", "pria", "lk"),
                ("P", "perempuan", "wanita", "pr"),
            ),
        ),
        Column(
            "sertifikat_halal",
            "choice",
            choices=choices(
                ("tidak ada", "tidak", "belum ada", "belum", "-"),
                ("reguler", "regular"),
                ("self declare", "self-declare", "selfdeclare", "self declared"),
            ),
        ),
        Column("tanggal_sertifikat_halal", "date"),
    ),
    (
        "nib",
        "nama_usaha",
        "kabupaten_kota",
        "kbli",
        "skala_usaha",
        "skala_usaha_derived",
        "modal_usaha",
        "omzet_tahunan",
        "tenaga_kerja",
        "jenis_kelamin_pemilik",
        "sertifikat_halal",
        "tanggal_sertifikat_halal",
    ),
)

INDIKATOR_UMKM = _dataset(
    "indikator_umkm",
    "indikator_umkm",
    (
        Column(
            "kontribusi_pdrb_persen",
            "percent",
            required=True,
            aliases=("kontribusi_pdrb", "kontribusi_umkm_terhadap_pdrb", "kontribusi_umkm_pdrb"),
        ),
        Column("nilai_tambah_umkm", "decimal", aliases=("nilai_tambah",), scale=1_000_000_000),
        Column("jumlah_umkm", "integer", max_value=INT64_MAX),
        Column("tenaga_kerja_umkm", "integer", max_value=INT64_MAX),
        Column("sumber", "text"),
    ),
    ("kontribusi_pdrb_persen", "nilai_tambah_umkm", "jumlah_umkm", "tenaga_kerja_umkm", "sumber"),
)

JENIS_MITRA_PROVINSI = "pemerintah provinsi"

KERJA_SAMA = _dataset(
    "kerja_sama",
    "kerja_sama",
    (
        Column("nomor_dokumen", "identifier", required=True),
        Column(
            "jenis_dokumen",
            "choice",
            required=True,
            choices=choices(
                (
                    "MoU",
                    "nota kesepahaman",
                    "memorandum of understanding",
                    "memorandum saling pengertian",
                ),
                ("PKS", "perjanjian kerja sama", "perjanjian kerjasama", "perjanjian kerja-sama"),
                ("Kesepakatan Bersama", "kesepakatan"),
            ),
        ),
        Column("judul", "text", required=True),
        Column("nama_mitra", "text", required=True),
        Column(
            "jenis_mitra",
            "choice",
            required=True,
            choices=choices(
                (JENIS_MITRA_PROVINSI, "pemprov", "pemerintah daerah provinsi", "pemda provinsi"),
                (
                    "pemerintah kabupaten/kota",
                    "pemerintah kabupaten",
                    "pemerintah kota",
                    "pemkab",
                    "pemkot",
                    "pemkab/pemkot",
                    "pemerintah daerah kabupaten/kota",
                ),
                ("kementerian/lembaga", "kementerian", "lembaga", "k/l"),
                ("BUMN/BUMD", "bumn", "bumd"),
                ("swasta", "dunia usaha", "perusahaan swasta"),
                ("perguruan tinggi", "universitas", "akademisi"),
                ("asosiasi",),
                ("lembaga keuangan", "bank", "perbankan"),
                ("media", "media massa"),
                ("komunitas",),
            ),
        ),
        Column("provinsi_mitra", "province"),
        Column("tanggal_tanda_tangan", "date", required=True),
        Column("tanggal_berakhir", "date"),
        Column("dokumen_induk", "identifier"),
        Column("ruang_lingkup", "text"),
        Column(
            "status",
            "choice",
            choices=choices(
                ("draf", "draft", "konsep"),
                ("ditandatangani", "sudah ditandatangani"),
                ("berjalan", "sedang berjalan", "aktif"),
                ("selesai",),
                ("kedaluwarsa", "kadaluwarsa", "kadaluarsa", "kedaluarsa", "expired"),
                ("dibatalkan", "batal"),
            ),
        ),
    ),
    (
        "nomor_dokumen",
        "jenis_dokumen",
        "judul",
        "nama_mitra",
        "jenis_mitra",
        "provinsi_mitra",
        "tanggal_tanda_tangan",
        "tanggal_berakhir",
        "dokumen_induk",
        "ruang_lingkup",
        "status",
    ),
)

KEGIATAN_KERJA_SAMA = _dataset(
    "kegiatan_kerja_sama",
    "kegiatan_kerja_sama",
    (
        Column("nomor_dokumen", "identifier", required=True),
        Column("tanggal_kegiatan", "date", required=True),
        Column(
            "jenis_kegiatan",
            "choice",
            required=True,
            choices=choices(
                ("rapat koordinasi", "rakor"),
                ("kunjungan kerja", "kunker"),
                ("pelatihan",),
                ("temu bisnis",),
                ("promosi/pameran", "promosi", "pameran"),
                ("pendampingan",),
                ("fasilitasi sertifikasi",),
                ("lainnya", "lain-lain", "lain lain"),
            ),
        ),
        Column("uraian", "text"),
        Column("jumlah_peserta", "integer", max_value=INT32_MAX),
        Column("jumlah_umkm", "integer", max_value=INT32_MAX),
        Column("jumlah_koperasi", "integer", max_value=INT32_MAX),
        Column("nilai_transaksi", "money"),
        Column("anggaran", "money"),
    ),
    (
        "nomor_dokumen",
        "tanggal_kegiatan",
        "jenis_kegiatan",
        "uraian",
        "jumlah_peserta",
        "jumlah_umkm",
        "jumlah_koperasi",
        "nilai_transaksi",
        "anggaran",
    ),
)

DATASETS: dict[str, Dataset] = {
    d.name: d for d in (KOPERASI, UMKM, INDIKATOR_UMKM, KERJA_SAMA, KEGIATAN_KERJA_SAMA)
}


@dataclass(frozen=True)
class HeaderMatch:
    """How a header row maps onto a dataset.

    ``columns[i]`` is the canonical column of header cell i, or None for an extra column
    (kept in raw ``extra``). ``duplicates`` names canonical columns that two or more cells
    map to: the reader rejects such a file (which of the cells holds the value is unknown).
    A repeated province-check column (`kode_provinsi` and `nama_provinsi`) is not a
    duplicate: the first is used, the others are extras.
    """

    columns: tuple[str | None, ...]
    duplicates: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.duplicates


def match_columns(dataset: Dataset, header_cells: Sequence[Any]) -> tuple[str | None, ...]:
    """Canonical column per header cell (None = extra), duplicates included as found."""
    return tuple(dataset.canonical(cell) for cell in header_cells)


def missing_required(dataset: Dataset, columns: Iterable[str | None]) -> tuple[str, ...]:
    """Required columns of ``dataset`` not among ``columns``, in contract order."""
    present = set(columns)
    return tuple(name for name in dataset.required_columns if name not in present)


def header_mapping(dataset: Dataset, header_cells: Sequence[Any]) -> HeaderMatch | None:
    """Map a header row onto ``dataset``; None unless every required column is present."""
    found = match_columns(dataset, header_cells)
    if missing_required(dataset, found):
        return None
    seen: set[str] = set()
    duplicates: list[str] = []
    columns: list[str | None] = []
    for name in found:
        if name is not None and name in seen:
            if dataset.column(name).stored:
                if name not in duplicates:
                    duplicates.append(name)
            else:
                name = None  # a second province-check column: extra
        elif name is not None:
            seen.add(name)
        columns.append(name)
    return HeaderMatch(columns=tuple(columns), duplicates=tuple(duplicates))


@dataclass(frozen=True)
class UnrecognisedColumn:
    """A header cell that looks like a contract column but was not matched to it."""

    header: str  # as written in the file
    column: str  # the contract column it resembles
    unit: str | None  # the unit that does not fit, or None for a near spelling


def unrecognised_columns(
    dataset: Dataset, header_cells: Sequence[Any], columns: Sequence[str | None]
) -> list[UnrecognisedColumn]:
    """Extra header cells that resemble a contract column absent from the file: a unit
    that does not fit (`Aset (Rp juta)`) or a near spelling (`Jumlah Angota Pria`).

    Their values stay in raw `extra`; the loader names them in a warning so that no
    contract column goes NULL without a word.
    """
    present = {c for c in columns if c is not None}
    found: list[UnrecognisedColumn] = []
    for cell, column in zip(header_cells, columns, strict=False):
        if column is not None or cell is None or not str(cell).strip():
            continue
        split = split_unit(cell)
        if split is not None:
            name = dataset.canonical(split[0])
            if name is not None and name not in present:
                found.append(UnrecognisedColumn(str(cell), name, split[1].strip()))
                continue
        name = dataset.closest(split[0] if split else cell)
        if name is not None and name not in present:
            found.append(UnrecognisedColumn(str(cell), name, None))
    return found
