"""The pyarrow body reader of plain CSV files (``readers._PlainBody``) against the row
reader (``_checked_records`` + ``Table._data_rows``): the same files read both ways give
the same batches of (row number, cells), the same notes and the same rejection, and the
files the fast path must not read are left to the row reader."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest.submissions import readers
from ingest.submissions.datasets import DATASETS
from ingest.submissions.readers import FileRejected, open_table

KOP = "No;NIK;Nama Koperasi;Kabupaten/Kota;Status\n"
IND = "Kontribusi PDRB;Nilai Tambah;Jumlah UMKM;Tenaga Kerja UMKM;Sumber\n"

BODIES = {
    "totals in the middle": (
        "1;7401010001;KSP Maju;Kab. Konawe;aktif\n"
        ";;JUMLAH KAB. KONAWE;;\n"
        "2;7401010002;Toko Jaya;Kab. Konawe;aktif\n"
        "4;;Jumlah Kota Kendari;;\n"
        "Sub Jumlah;;;;\n"
        "5;7401010005;Koperasi Total Jaya;Kab. Muna;aktif\n"
        ";;;Total Kab. Muna;\n"
        "6;JUMLAH;;;\n"
        "7;  ;Sinar;Kab. Muna;aktif\n"
        "Grand Total;;;;\n"
    ),
    "blank lines": "\n1;7401010001;A;Muna;aktif\n\n\n;;;;\n  ;;;;\n2;7401010002;B;Muna;aktif\n\n",
    "column-number row": "1;2;3;4;5\n1;7401010001;A;Muna;aktif\n1;2;3;4;5\n",
    "bracketed column numbers after blanks": (
        "\n;;;;\n(1);(2);(3);(4);(5)\n1;7401010001;A;M;aktif\n"
    ),
    "short and long rows": (
        "1;7401010001;A\n"
        "2;7401010002\n"
        "3;7401010003;C;Muna;aktif;;\n"
        "4\n"
        "5;7401010005;E;Muna;aktif; ;\t\n"
        "Jumlah\n"
    ),
    "trailing delimiter": "1;7401010001;A;Muna;aktif;\n2;7401010002;B;Muna;aktif;\n",
    "CRLF": "1;7401010001;A;Muna;aktif\r\n;;Jumlah;;\r\n\r\n2;7401010002;B;Muna;aktif\r\n",
    "last line without newline": "1;7401010001;A;Muna;aktif\n2;7401010002;B;Muna;aktif",
    "empty identifier rows": (
        "1;;Kopwan;Muna;aktif\n2;;Total Jaya Abadi;Muna;aktif\n3;;;;\n;;Tani;;\n4;;;Jumlah;\n"
    ),
    "a long row with a value rejected deep in the file": (
        "".join(f"{i};74010100{i:02d};A{i};Muna;aktif\n" for i in range(1, 12))
        + "12;7401010012;L;Muna;aktif;lebih\n"
        + "13;7401010013;M;Muna;aktif\n"
    ),
    "a header only": "",
    "many short rows in a block": "".join(f"{i};7401010{i:03d};A\n" for i in range(1, 200)),
    "many rows dropped in a block": "".join(
        f"{i};7401010{i:03d};A;Muna;aktif\n;;Jumlah;;\n\n" for i in range(1, 100)
    ),
    "labels and identifiers starting with a total letter": (
        "1;;Toko Jumlah;Muna;aktif\n2;;Subur Jaya;Muna;aktif\n;;SUB TOTAL;;\n"
        ";;Grand total kab. x;;\n;;Jumla\u0125;;\n;;\u017fub total;;\n;;Tot;;\n;;Total;;\n"
        ";T1234;A;Muna;aktif\n;Jumlah;;;\n;;\u00a0Jumlah;;\n;;\u2003Jumlah;;\n;;G;;\n"
        ";Sub;B;;\n;\u017fub;B;;\n3;;Sinar;Total Kab. Muna;\n4;;Sinar;Tani;\n"
        ";\t;\u00a0;Jumlah Kota X;\n;;Jumlah Rejeki;Muna;aktif\n"
    ),
    "non-ASCII text": "1;7401010001;Koperasi Sé Jaya ✓;Kab. Muna;aktif\n2;7401010002;B;M;a\n",
}


def _batches(path: Path, dataset, fast: bool, size: int):
    """(batches as (row numbers, rows), notes, rejection) of reading ``path`` one way."""
    out = []
    with open_table(path, dataset) as table:
        source = table.batches(size) if fast else readers._grouped(table.rows(), size)
        try:
            for batch in source:
                rows = batch.rows_at(list(range(len(batch))))
                out.append((batch.numbers.to_pylist(), rows))
        except FileRejected as exc:
            return out, table.notes, (exc.rule, exc.reason, exc.detail)
        return out, table.notes, None


@pytest.mark.parametrize("name", sorted(BODIES))
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("block", [7, 64, readers.PLAIN_BLOCK_BYTES])
@pytest.mark.parametrize("size", [1, 3, 16_384])
def test_plain_body_read_by_arrow_equals_the_row_reader(
    tmp_path, monkeypatch, name, bom, block, size
):
    monkeypatch.setattr(readers, "PLAIN_BLOCK_BYTES", block)
    path = tmp_path / "k.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + (KOP + BODIES[name]).encode())
    dataset = DATASETS["koperasi"]
    expected = _batches(path, dataset, fast=False, size=size)
    assert _batches(path, dataset, fast=True, size=size) == expected


@pytest.mark.parametrize("size", [2, 16_384])
def test_plain_body_without_an_identifier_column(tmp_path, monkeypatch, size):
    """Without an identifier the first cell and the label columns decide the sure rows."""
    monkeypatch.setattr(readers, "PLAIN_BLOCK_BYTES", 16)
    body = (
        "Judul Laporan\n"  # a title line above the header
        + IND
        + "12,5;100;2000;3000;BPS\n"
        + "Jumlah;;;;\n"
        + "12,5;100;2000;3000;Total Kab. X\n"
        + "\n"
        + "Sumber;1;2;3;Survei\n"
        + " 7;1;2;3;BPS\n"
    )
    path = tmp_path / "i.csv"
    path.write_text(body, encoding="utf-8")
    dataset = DATASETS["indikator_umkm"]
    expected = _batches(path, dataset, fast=False, size=size)
    assert expected[0]  # the file has data rows
    assert _batches(path, dataset, fast=True, size=size) == expected


# pieces of cells for the cheap tests: total words, blanks, total initials, lookalikes
PIECES = [
    *("", " ", "\t", "\u00a0", "\u2003", "J", "j", "T", "t", "G", "g", "S", "s", "K", "7"),
    *("Jumlah", "JUMLAH ", "Total", "sub total", "Sub-Jumlah", "Grand", "grand total", "Tot"),
    *("\u017fub", "Jumla\u0125", "\u212a", "\u0130", "\u00e9", "\u00a9", "Toko", "Tani", "Kab."),
    *(":", ".", "-", "(1)", "se-", "Kota", "keseluruhan", "\U0001f600"),
]


@pytest.mark.parametrize("dataset", ["koperasi", "indikator_umkm"])
def test_the_cheap_tests_decide_only_rows_the_row_sorter_keeps(tmp_path, dataset):
    """``_PlainBody._sure_data`` (Arrow kernels) marks a row sure only if
    ``_RowSorter.keep`` keeps it, on random cells (with and without an identifier
    column, on a sliced array as a rejected block gives)."""
    header = KOP if dataset == "koperasi" else IND
    path = tmp_path / "k.csv"
    path.write_text(header + "1;7401010001;A;Muna;aktif\n", encoding="utf-8")
    rng = random.Random(14)

    def cell() -> str | None:
        return None if rng.random() < 0.05 else "".join(rng.choices(PIECES, k=rng.randint(0, 3)))

    with open_table(path, DATASETS[dataset]) as table:
        body = table._plain()
        sorter = readers._RowSorter(table)
        sorter.first = False
        rows = [[cell() for _ in range(5)] for _ in range(5000)]
        columns = [column.slice(3) for column in readers.cell_columns(rows)]
        sure = body._sure_data(columns, sorter).to_pylist()
        assert 1000 < sum(sure) < len(sure)
        assert all(sorter.keep(3 + i, rows[3 + i]) for i, s in enumerate(sure) if s)
        assert sorter.total_count == 0


NOT_PLAIN = [
    '1;7401010001;"KSP Maju";Muna;aktif\n',  # a quote anywhere in the body
    "1;7401010001;A;Muna;aktif\r2;7401010002;B;Muna;aktif\r",  # CR-only line ends
    "1;7401010001;A;Muna;aktif\n" * 3000 + "2;7401010002;B\x00;Muna;aktif\n",  # NUL
    "1;7401010001;A;Muna;aktif\n" * 3000 + "2;7401010002;B\x92;Muna;aktif\n",  # cp1252
    "1;7401010001;A;Muna;aktif\n" * 9000 + "2;7401010002;B\x00;Muna;aktif\n",  # NUL, far
    "1;7401010001;A;Muna;aktif\n" * 30 + '2;7401010002;"B";Muna;aktif\n' * 3,  # late quote
    "1;7401010001;A;Muna;aktif\r\n" * 30 + "2;7401010002;B\rMuna;aktif\r\n",  # lone CR
    "1;7401010001;A;Muna;aktif\r\n" * 30 + "2;7401010002;B;Muna;aktif\r",  # CR at the end
    "1;7401010001;A;Muna;aktif;lebih\n" + '2;7401010002;"B";Muna;aktif\n',  # rejected first
]


def _not_plain(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "k.csv"
    path.write_bytes((KOP + content).encode().replace(b"\xc2\x92", b"\x92"))
    return path


@pytest.mark.parametrize("content", NOT_PLAIN)
@pytest.mark.parametrize("block", [64, readers.PLAIN_BLOCK_BYTES])
def test_bodies_found_not_plain_before_a_batch_are_read_by_rows(
    tmp_path, monkeypatch, content, block
):
    """The body is checked block by block as it is read; a block that is not plain before
    the first batch was yielded hands the file to the row reader, unnoticed."""
    monkeypatch.setattr(readers, "PLAIN_BLOCK_BYTES", block)
    path = _not_plain(tmp_path, content)
    dataset = DATASETS["koperasi"]
    expected = _batches(path, dataset, fast=False, size=16_384)
    assert _batches(path, dataset, fast=True, size=16_384) == expected


@pytest.mark.parametrize("content", NOT_PLAIN[2:])
def test_a_body_found_not_plain_after_a_batch_is_read_again(tmp_path, monkeypatch, content):
    """After batches were yielded, a block that is not plain raises ReadAgain (the
    batches so far came from lines before it, so they are right); ``batches`` again then
    gives the row reader's batches from the start."""
    monkeypatch.setattr(readers, "PLAIN_BLOCK_BYTES", 64)
    path = _not_plain(tmp_path, content)
    dataset = DATASETS["koperasi"]
    expected = _batches(path, dataset, fast=False, size=2)
    with open_table(path, dataset) as table:
        first = []
        try:
            for batch in table.batches(2):
                first.append((batch.numbers.to_pylist(), batch.rows_at(list(range(len(batch))))))
        except FileRejected as exc:  # a rejection in a plain block before: the same
            assert expected[2] == (exc.rule, exc.reason, exc.detail)
            assert first == expected[0]
            return
        except readers.ReadAgain:
            assert first and first == expected[0][: len(first)]
        else:
            raise AssertionError("the body is not plain")
        again = []
        try:
            for batch in table.batches(2):
                again.append((batch.numbers.to_pylist(), batch.rows_at(list(range(len(batch))))))
        except FileRejected as exc:
            assert expected[2] == (exc.rule, exc.reason, exc.detail)
        assert (again, table.notes) == expected[:2]


def test_a_line_at_the_field_limit_is_left_to_the_row_reader(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "PLAIN_BLOCK_BYTES", 16)
    monkeypatch.setattr(readers, "CSV_FIELD_LIMIT", 40)
    path = _not_plain(tmp_path, "1;7401010001;A;Muna;aktif\n2;7401010002;" + "B" * 40 + "\n")
    with open_table(path, DATASETS["koperasi"]) as table:
        body = table._plain()
        assert body is not None
        with pytest.raises(readers._NotPlain):
            list(body.batches(readers._RowSorter(table), 1))


def test_windows_1252_and_utf16_are_left_to_the_row_reader(tmp_path):
    for encoding in ("cp1252", "utf-16"):
        path = tmp_path / f"k-{encoding}.csv"
        path.write_bytes((KOP + "1;7401010001;Koperasi Sé;Muna;aktif\n").encode(encoding))
        with open_table(path, DATASETS["koperasi"]) as table:
            assert table.encoding != "utf-8" and table._plain() is None
