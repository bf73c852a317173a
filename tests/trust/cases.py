"""The trust corpus (issue 11): awkward and malicious provincial files, one or more per class
of failure seen in the field, each with what the loader, the gate AND the marts must make
of it. The classes are those of docs/reliability.md, "Loads a planner can trust".

Province 73 (Sulawesi Selatan) holds the good submissions (files.GOOD_FILES) that no case
may disturb; the other cases use provinces of their own, so each effect on the marts can be
asserted exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .files import (
    GOOD_FILES,
    GOOD_INDIKATOR,
    GOOD_KEGIATAN,
    GOOD_KERJA_SAMA,
    GOOD_KOPERASI,
    INDIKATOR,
    KEGIATAN,
    KERJA_SAMA,
    KOPERASI,
    UMKM,
    csv_bytes,
    with_huge_shared_strings,
    xlsx_bytes,
)

Check = Callable[[Any], None]  # conn -> asserts on the marts / raw tables


@dataclass
class Case:
    name: str
    klass: int  # the class of issue 11 it belongs to (1..10); 0 = gate/dbt agreement
    path: str
    data: bytes
    outcome: str
    rule: str | None = None  # a reason (loader or gate) with this rule must be logged
    message: str | None = None  # ... whose clerk message contains this fragment
    loaded: int | None = None
    quarantined: dict[str, int] = field(default_factory=dict)  # rule -> rows
    marts: Check | None = None

    @property
    def id(self) -> str:
        return self.name


def one(conn, sql: str, *params) -> tuple:
    row = conn.execute(sql, params).fetchone()
    assert row is not None, f"no row for {sql} {params}"
    return row


def coop(conn, province: str, year: int) -> tuple:
    return one(
        conn,
        "select cooperatives_total, members_total, assets_idr, rat_held "
        "from marts.cooperative_health where province_code = %s and book_year = %s",
        province,
        year,
    )


def umkm_units(conn, province: str, period: str) -> Any:
    return one(
        conn,
        "select umkm_units from marts.umkm_contribution where province_code = %s and period = %s",
        province,
        period,
    )[0]


def agreement(conn, province: str, document: str) -> tuple:
    return one(
        conn,
        "select activities_count, transaction_value_idr, umkm_reached "
        "from marts.agreement_implementation where province_code = %s and document_number = %s",
        province,
        document,
    )


def no_coop_year(conn, province: str, year: int) -> None:
    assert (
        conn.execute(
            "select count(*) from marts.cooperative_health where province_code = %s "
            "and book_year = %s",
            (province, year),
        ).fetchone()[0]
        == 0
    )


def _coop_rows(province: str, n: int, start: int = 1) -> list[list[str]]:
    return [
        [f"{province}71{i:06d}", f"Koperasi Uji {province}-{i}", "Kota Uji", "jasa", "aktif"]
        + [str(10 + i), str(5 + i), "", f"{i}.000.000", "0", "sehat"]
        for i in range(start, start + n)
    ]


def _umkm_rows(province: str, n: int, start: int = 1) -> list[list[str]]:
    return [
        [f"{province}{i:011d}", f"Usaha {province}-{i}", "Kota Uji", "47111", "mikro"]
        + ["100.000.000", "tidak ada", ""]
        for i in range(start, start + n)
    ]


# ---------------------------------------------------------------- class 1: rejected files
# A rejected file of every dataset; its rows stay in raw (gate rejections) but never reach a
# model or test: the marts build and province 73 keeps its figures.

REJECTED_KERJA_SAMA = csv_bytes(
    KERJA_SAMA,
    [
        *GOOD_KERJA_SAMA,
        ["PKS/73/001/2024", "PKS", "Judul lain", "Mitra lain", "swasta"]
        + ["05/05/2024", "05/05/2026", "berjalan"],
    ],
)
WRONG_PROVINCE_KOPERASI = csv_bytes(
    ["Propinsi", *KOPERASI], [["Jawa Timur", *r] for r in GOOD_KOPERASI]
)
TWO_ROW_INDIKATOR = csv_bytes(INDIKATOR, [*GOOD_INDIKATOR, ["61,00", "", "", "revisi"]])
WRONG_PROVINCE_KEGIATAN = csv_bytes(
    ["Nama Provinsi", *KEGIATAN], [["Sulawesi Tenggara", *r] for r in GOOD_KEGIATAN]
)
# an unclosed quote in row 3 swallows the following rows into one cell
BROKEN_QUOTE_UMKM = (
    ";".join(UMKM)
    + "\n7300000000011;Toko Satu;Kota Makassar;47111;mikro;100.000.000;tidak ada;\n"
    + '7300000000012;"Toko Dua;Kota Makassar;47111;mikro;100.000.000;tidak ada;\n'
    + "7300000000013;Toko Tiga;Kota Makassar;47111;mikro;100.000.000;tidak ada;\n"
    + "7300000000014;Toko Empat;Kota Makassar;47111;mikro;100.000.000;tidak ada;\n"
).encode()


def _province_73_unchanged(conn) -> None:
    assert coop(conn, "73", 2024) == (4, 295, 2_560_000_000, 2)
    assert umkm_units(conn, "73", "2024S1") == 4
    assert agreement(conn, "73", "PKS/73/001/2024")[:2] == (2, 150_000_000)


CLASS_1 = [
    Case(
        "rejected_kerja_sama_conflicting_duplicate_document",
        1,
        "kasus/kerja_sama_73_2024_revisi.csv",
        REJECTED_KERJA_SAMA,
        "rejected",
        rule="gx.kerja_sama.nomor_dokumen.unique_per_submission",
        message="nomor dokumen yang sama",
        marts=_province_73_unchanged,
    ),
    Case(
        "rejected_koperasi_other_province_under_propinsi",
        3,
        "kasus/koperasi_73_2024_revisi.csv",
        WRONG_PROVINCE_KOPERASI,
        "rejected",
        rule="file.wrong_province",
        message="Jawa Timur (35), bukan Sulawesi Selatan (73)",
        marts=_province_73_unchanged,
    ),
    Case(
        "rejected_umkm_unclosed_quote",
        2,
        "kasus/umkm_73_2024S1_revisi.csv",
        BROKEN_QUOTE_UMKM,
        "rejected",
        rule="file.malformed_csv",
        message="baris 3",
        marts=_province_73_unchanged,
    ),
    Case(
        "rejected_indikator_two_rows",
        1,
        "kasus/indikator_umkm_73_2024S1_revisi.csv",
        TWO_ROW_INDIKATOR,
        "rejected",
        rule="gx.indikator_umkm.one_row_per_submission",
        message="satu baris",
        marts=_province_73_unchanged,
    ),
    Case(
        "rejected_kegiatan_other_province_under_nama_provinsi",
        3,
        "kasus/kegiatan_kerja_sama_73_2024Q2_revisi.csv",
        WRONG_PROVINCE_KEGIATAN,
        "rejected",
        rule="file.wrong_province",
        message="Sulawesi Tenggara (74), bukan Sulawesi Selatan (73)",
        marts=_province_73_unchanged,
    ),
]


# ---------------------------------------------------------------- class 4: subtotal rows

SUBTOTALS_UMKM = csv_bytes(
    UMKM,
    [
        *_umkm_rows("81", 3),
        ["", "Jumlah Kota Ambon", "", "", "", "300.000.000", "", ""],
        *_umkm_rows("81", 2, start=4),
        ["", "Sub Jumlah", "", "", "", "200.000.000", "", ""],
        ["Total Kab. Maluku Tengah", "", "", "", "", "", "", ""],
        *_umkm_rows("81", 1, start=6),
        ["JUMLAH", "", "", "", "", "600.000.000", "", ""],
    ],
)


def _subtotals_marts(conn) -> None:
    assert umkm_units(conn, "81", "2024S1") == 6
    skipped = one(
        conn,
        "select rows_total_skipped from raw.submissions where file_path = %s",
        "kasus/umkm_81_2024S1.csv",
    )[0]
    assert skipped == 4


# ---------------------------------------------------------------- class 5: duplicate rows

KS_74 = [
    ["PKS/74/010/2024", "PKS", "Pameran produk", "PT Aneka", "swasta", "02/01/2024"]
    + ["02/01/2026", "berjalan"],
]
DUP_KEGIATAN_ROW = [
    "PKS/74/010/2024",
    "10/03/2024",
    "promosi/pameran",
    "Pameran",
    "8",
    "50.000.000",
]
DUP_KEGIATAN = csv_bytes(
    KEGIATAN,
    [
        DUP_KEGIATAN_ROW,
        ["PKS/74/010/2024", "11/04/2024", "pelatihan", "Pelatihan", "4", "0"],
        DUP_KEGIATAN_ROW,
    ],
)


def _no_double_count(conn) -> None:
    assert agreement(conn, "74", "PKS/74/010/2024") == (2, 50_000_000, 12)


DUP_UMKM = csv_bytes(UMKM, [*_umkm_rows("82", 3), _umkm_rows("82", 1)[0]])


# ---------------------------------------------------------------- class 6: silent NULLs

FORMULA_KOPERASI = xlsx_bytes(
    [
        (
            "koperasi",
            [
                KOPERASI,
                _coop_rows("75", 1)[0],
                ["7571000002", '=UPPER("koperasi rumus")', "Kota Uji", "jasa", "aktif"]
                + [10, 5, None, "=1000*2", 0, "sehat"],
                _coop_rows("75", 1, start=3)[0],
            ],
            "visible",
        )
    ]
)


def _formula_marts(conn) -> None:
    # the row whose name is a formula without value is quarantined (value.required, and
    # the warning names the cell); the other two rows are in the mart
    assert coop(conn, "75", 2024)[0] == 2


UNITS_KOPERASI = csv_bytes(
    [
        "NIK Koperasi",
        "Nama Koperasi",
        "Kabupaten/Kota",
        "Status Aktif",
        "Jumlah Anggota Pria (orang)",
        "Jumlah Anggota Wanita (orang)",
        "Aset (Rp)",
    ],
    [
        ["7671000001", "KSP Mamuju", "Kab. Mamuju", "aktif", "10", "20", "1.000.000"],
        ["7671000002", "KSP Majene", "Kab. Majene", "aktif", "30", "40", "2.000.000"],
    ],
)


def _units_marts(conn) -> None:
    assert coop(conn, "76", 2024)[:3] == (2, 100, 3_000_000)


UNITS_INDIKATOR = csv_bytes(
    ["Kontribusi PDRB (%)", "Nilai Tambah (Rp miliar)", "Jumlah UMKM (unit)"],
    [["55,5", "1.234,5", "1000"]],
)


def _value_added_reported(conn) -> None:
    value = one(
        conn,
        "select umkm_value_added_idr_bn from marts.umkm_contribution "
        "where province_code = '76' and period = '2024S1'",
    )[0]
    assert float(value) == 1234.5


MISSPELT_KOPERASI = csv_bytes(
    ["nik_koperasi", "nama_koperasi", "kabupaten_kota", "status_aktif", "Jumlah Anggota Pira"],
    [["7171000001", "KSP Manado", "Kota Manado", "aktif", "15"]],
)
SCALED_UNIT_KOPERASI = csv_bytes(
    ["nik_koperasi", "nama_koperasi", "kabupaten_kota", "status_aktif", "Aset (Rp juta)"],
    [["7271000001", "KSP Palu", "Kota Palu", "aktif", "15"]],
)


# ---------------------------------------------------------------- class 7: reinterpretation

DASH_DATE_KOPERASI = csv_bytes(
    KOPERASI,
    [
        ["6571000001", "KSP Tarakan", "Kota Tarakan", "jasa", "aktif", "1", "1", "-", "-", "-"]
        + ["sehat"],
    ],
)
AMBIGUOUS_INDIKATOR = csv_bytes(INDIKATOR, [["40,5", "12,345", "", "Dinas"]])
FRACTION_INDIKATOR = csv_bytes(INDIKATOR, [["0,6043", "", "", "Dinas"]])


def _ambiguous_marts(conn) -> None:
    raw = one(
        conn,
        "select i.nilai_tambah_umkm from raw.indikator_umkm i join raw.submissions s "
        "using (submission_id) where s.file_path = 'kasus/indikator_umkm_64_2024S1.csv'",
    )[0]
    assert str(raw) == "12.3450"  # 12,345 is 12.345 miliar, not 12,345 miliar
    value = one(
        conn,
        "select umkm_value_added_idr_bn from marts.umkm_contribution "
        "where province_code = '64' and period = '2024S1'",
    )[0]
    assert str(value) == "12.35"  # the mart's 2 decimals


# ---------------------------------------------------------------- class 8: same content

SAME_ROWS_OTHER_BYTES = csv_bytes(KOPERASI, GOOD_KOPERASI, sep=",").replace(
    b"1.500.000.000", b"1500000000"
)


def _no_2023_for_73(conn) -> None:
    no_coop_year(conn, "73", 2023)
    _province_73_unchanged(conn)


# ---------------------------------------------------------------- class 9: amplification

LONG_HEADER = "Keterangan " + "x" * 200_000
# 30 good rows, then 2 rows without a name (quarantined) carrying a 5,000-character note
AMPLIFIED_UMKM = csv_bytes(
    [*UMKM, LONG_HEADER],
    [[*r, "catatan"] for r in _umkm_rows("63", 30)]
    + [[r[0], "", *r[2:], "y" * 5_000] for r in _umkm_rows("63", 2, start=31)],
)


def _bounded_storage(conn) -> None:
    biggest = one(
        conn,
        """select max(pg_column_size(q.original)), max(pg_column_size(u.extra))
           from raw.submissions s
           left join raw.quarantine q on q.submission_id = s.submission_id
           left join raw.umkm u on u.submission_id = s.submission_id
           where s.file_path = 'kasus/umkm_63_2024S1.csv'""",
    )
    assert biggest[0] is not None and biggest[0] < 4_000, biggest
    assert biggest[1] is not None and biggest[1] < 4_000, biggest


def _bomb() -> bytes:
    small = xlsx_bytes([("koperasi", [KOPERASI, *_coop_rows("62", 2)], "visible")])
    return with_huge_shared_strings(small, 100 * 1024 * 1024)


# ---------------------------------------------------------------- class 10: what a file is

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Login - Sistem Informasi</title></head>"
    b"<body><h1>Sesi Anda telah berakhir</h1></body></html>\n"
)
TAB_KOPERASI = csv_bytes(KOPERASI, _coop_rows("61", 3), sep="\t")
UTF16_KOPERASI = (
    "\t".join(KOPERASI) + "\r\n" + "\r\n".join("\t".join(r) for r in _coop_rows("53", 2)) + "\r\n"
).encode("utf-16-le")
HIDDEN_FIRST_SHEET = xlsx_bytes(
    [
        ("lama", [KOPERASI, *_coop_rows("52", 5)], "hidden"),
        ("koperasi", [KOPERASI, *_coop_rows("52", 2)], "visible"),
    ]
)
SECOND_SHEET = xlsx_bytes(
    [
        ("Sampul", [["DATA KOPERASI PROVINSI BENGKULU"], ["Keadaan 31 Desember 2024"]], "visible"),
        ("Data Koperasi 2024", [KOPERASI, *_coop_rows("17", 3)], "visible"),
    ]
)


def _sheet_read(path: str, sheet: str, province: str, total: int) -> Check:
    def check(conn) -> None:
        assert one(conn, "select sheet_name from raw.submissions where file_path = %s", path) == (
            sheet,
        )
        assert coop(conn, province, 2024)[0] == total

    return check


CASES: list[Case] = [
    *CLASS_1,
    Case(
        "subtotal_rows_anywhere",
        4,
        "kasus/umkm_81_2024S1.csv",
        SUBTOTALS_UMKM,
        "accepted",
        rule="file.total_rows_skipped",
        loaded=6,
        marts=_subtotals_marts,
    ),
    Case(
        "duplicate_activity_row",
        5,
        "kasus/kegiatan_kerja_sama_74_2024Q1.csv",
        DUP_KEGIATAN,
        "accepted_with_warnings",
        rule="row.duplicate",
        message="baris ganda",
        loaded=2,
        quarantined={"row.duplicate": 1},
        marts=_no_double_count,
    ),
    Case(
        "kerja_sama_74_for_the_duplicate_activity",
        0,
        "kasus/kerja_sama_74_2024.csv",
        csv_bytes(KERJA_SAMA, KS_74),
        "accepted",
        loaded=1,
    ),
    Case(
        "duplicate_business_row",
        5,
        "kasus/umkm_82_2024S1.csv",
        DUP_UMKM,
        "accepted_with_warnings",
        rule="row.duplicate",
        message="baris ganda",
        loaded=3,
        quarantined={"row.duplicate": 1},
        marts=lambda conn: _equal(umkm_units(conn, "82", "2024S1"), 3),
    ),
    Case(
        "formula_without_cached_value",
        6,
        "kasus/koperasi_75_2024.xlsx",
        FORMULA_KOPERASI,
        "accepted_with_warnings",
        rule="file.formula_without_value",
        message="B3",
        loaded=2,
        quarantined={"value.required": 1},
        marts=_formula_marts,
    ),
    Case(
        "headers_with_units",
        6,
        "kasus/koperasi_76_2024.csv",
        UNITS_KOPERASI,
        "accepted",
        loaded=2,
        marts=_units_marts,
    ),
    Case(
        "indicator_headers_with_units",
        6,
        "kasus/indikator_umkm_76_2024S1.csv",
        UNITS_INDIKATOR,
        "accepted",
        loaded=1,
        marts=_value_added_reported,
    ),
    Case(
        "misspelt_contract_column",
        6,
        "kasus/koperasi_71_2024.csv",
        MISSPELT_KOPERASI,
        "accepted_with_warnings",
        rule="file.column_not_recognised",
        message="jumlah_anggota_pria",
        loaded=1,
    ),
    Case(
        "unit_that_does_not_fit",
        6,
        "kasus/koperasi_72_2024.csv",
        SCALED_UNIT_KOPERASI,
        "accepted_with_warnings",
        rule="file.column_not_recognised",
        message="Rp juta",
        loaded=1,
    ),
    Case(
        "period_fragment_in_name",
        7,
        "kasus/umkm_74_2024-S1.csv",
        csv_bytes(UMKM, _umkm_rows("74", 2)),
        "rejected",
        rule="file.name_period_fragment",
        message="umkm_74_2024S1.csv",
    ),
    Case(
        "dash_in_optional_date_and_money",
        7,
        "kasus/koperasi_65_2024.csv",
        DASH_DATE_KOPERASI,
        "accepted",
        loaded=1,
    ),
    Case(
        "lone_comma_three_digits",
        7,
        "kasus/indikator_umkm_64_2024S1.csv",
        AMBIGUOUS_INDIKATOR,
        "accepted_with_warnings",
        rule="value.ambiguous_number",
        message="12.345",
        loaded=1,
        marts=_ambiguous_marts,
    ),
    Case(
        "share_sent_as_a_fraction",
        7,
        "kasus/indikator_umkm_73_2025S1.csv",
        FRACTION_INDIKATOR,
        "accepted_with_warnings",
        rule="gx.indikator_umkm.kontribusi_pdrb_persen.fraction_not_percent",
        message="pecahan",
        loaded=1,
    ),
    Case(
        "byte_identical_copy_under_another_period",
        8,
        "kasus/koperasi_73_2023.csv",
        GOOD_FILES["good/koperasi_73_2024.csv"],
        "duplicate",
        rule="file.duplicate",
        message="good/koperasi_73_2024.csv",
        marts=_no_2023_for_73,
    ),
    Case(
        "same_rows_other_bytes_other_period",
        8,
        "kasus/koperasi_73_2022.csv",
        SAME_ROWS_OTHER_BYTES,
        "accepted_with_warnings",
        rule="file.same_rows_as_other_period",
        message="good/koperasi_73_2024.csv",
        loaded=4,
    ),
    Case(
        "one_long_header_cell",
        9,
        "kasus/umkm_63_2024S1.csv",
        AMPLIFIED_UMKM,
        "accepted_with_warnings",
        loaded=30,
        quarantined={"value.required": 2},
        marts=_bounded_storage,
    ),
    Case(
        "shared_strings_bomb",
        9,
        "kasus/koperasi_62_2024.xlsx",
        _bomb(),
        "rejected",
        rule="file.too_large",
    ),
    Case(
        "html_page_saved_as_csv",
        10,
        "kasus/koperasi_94_2024.csv",
        HTML_PAGE,
        "rejected",
        rule="file.html_page",
        message="HTML",
    ),
    Case(
        "tab_separated",
        10,
        "kasus/koperasi_61_2024.csv",
        TAB_KOPERASI,
        "accepted",
        loaded=3,
        marts=lambda conn: _equal(coop(conn, "61", 2024)[0], 3),
    ),
    Case(
        "utf16_without_bom",
        10,
        "kasus/koperasi_53_2024.csv",
        UTF16_KOPERASI,
        "accepted",
        loaded=2,
        marts=lambda conn: _equal(coop(conn, "53", 2024)[0], 2),
    ),
    Case(
        "hidden_first_sheet",
        10,
        "kasus/koperasi_52_2024.xlsx",
        HIDDEN_FIRST_SHEET,
        "accepted",
        loaded=2,
        marts=_sheet_read("kasus/koperasi_52_2024.xlsx", "koperasi", "52", 2),
    ),
    Case(
        "data_on_a_second_sheet",
        10,
        "kasus/koperasi_17_2024.xlsx",
        SECOND_SHEET,
        "accepted",
        loaded=3,
        marts=_sheet_read("kasus/koperasi_17_2024.xlsx", "Data Koperasi 2024", "17", 3),
    ),
]


def _equal(actual: Any, expected: Any) -> None:
    assert actual == expected, (actual, expected)
