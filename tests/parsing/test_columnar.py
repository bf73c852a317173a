"""The columnar path (ingest/submissions/columnar.py) against the per-row path.

Every cell shape of the value-parser cases (tests/parsing/test_values.py) and the rule
boundaries are put, one at a time, into every column of a valid row; the batch goes
through ``columnar.decide`` and each row through ``normalise_row``. A row the columnar
path decides must be one the per-row path loads without any issue, with the same values
(compared as the COPY text both paths write); a row it leaves undecided goes to
``normalise_row`` in the loader, so only the decided rows can differ.
"""

from __future__ import annotations

import inspect
import random
from decimal import Decimal
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ingest.periods import parse_period
from ingest.provinces import by_code
from ingest.submissions import columnar
from ingest.submissions.datasets import DATASETS
from ingest.submissions.normalize import normalise_row
from ingest.submissions.readers import cell_columns

from . import test_values

PROVINCE = by_code("35")
PERIOD = parse_period("2024")


def _case_cells() -> list[str]:
    """The text cells of every parametrised case of the value-parser tests."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, tuple | list):
            for v in value:
                walk(v)
        elif hasattr(value, "values"):  # pytest.param
            walk(value.values)

    for _, fn in inspect.getmembers(test_values, inspect.isfunction):
        for mark in getattr(fn, "pytestmark", []):
            if mark.name == "parametrize":
                walk(list(mark.args[1]))
    return sorted(found)


EXTRA_CELLS = [
    "",
    " ",
    "0",
    "00",
    "007",
    "0,00",
    "0,5",
    "1.000",
    "1.000,50",
    "Rp 1.000",
    "Rp. 2.000.000.000",
    "rp1.000,5",
    "2000000000",
    "2000000000,01",
    "15000000000",
    "15.000.000.000,01",
    "50000000000",
    "50000000000,01",
    "999999999999999999",
    "1000000000000000000",
    "99999999999999999,99",
    "2147483647",
    "2147483648",
    "12,345",
    "1.2345",
    "8120444213032",
    "812044421303",
    "56303",
    "Toko  Dua",
    "Toko Dua ",
    "Café Ibu",
    "mikro",
    "Mikro",
    "kecil",
    "menengah",
    "besar",
    "reguler",
    "self declare",
    "tidak ada",
    "2024-02-29",
    "2023-02-29",
    "29/02/2024",
    "31/04/2024",
    "1899-12-31",
    "35",
    "Jawa Timur",
    "3500",
    "11",
    "Aceh",
]

UMKM_ROW = {
    "nib": "8120444213032",
    "nama_usaha": "Toko Satu",
    "kabupaten_kota": "Kota Surabaya",
    "kbli": "56303",
    "skala_usaha": "mikro",
    "modal_usaha": "1.000.000",
    "omzet_tahunan": "26830000",
    "tenaga_kerja": "4",
    "jenis_kelamin_pemilik": "P",
    "sertifikat_halal": "tidak ada",
    "tanggal_sertifikat_halal": "",
}
KEGIATAN_ROW = {
    "nomor_dokumen": "PKS/001/2024",
    "tanggal_kegiatan": "16/06/2024",
    "jenis_kegiatan": "pelatihan",
    "uraian": "Pelatihan",
    "jumlah_peserta": "10",
    "jumlah_umkm": "5",
    "jumlah_koperasi": "1",
    "nilai_transaksi": "1.000.000",
    "anggaran": "2.000.000",
}
INDIKATOR_ROW = {
    "kontribusi_pdrb_persen": "57,2",
    "nilai_tambah_umkm": "123,45",
    "jumlah_umkm": "1000",
    "tenaga_kerja_umkm": "2000",
    "sumber": "BPS",
}


def _rows(
    base: dict[str, str], with_checks: bool, cells: list[str] | None = None
) -> tuple[list[str], list[list[str]]]:
    columns = list(base) + (["provinsi", "kode_bps"] if with_checks else [])
    first = [*base.values(), *(["35", "3500"] if with_checks else [])]
    rows = [first]
    for i in range(len(columns)):
        for cell in cells if cells is not None else [*_case_cells(), *EXTRA_CELLS]:
            row = list(first)
            row[i] = cell
            rows.append(row)
    return columns, rows


def _differential(
    dataset_name: str, base: dict[str, str], with_checks: bool, cells: list[str] | None = None
) -> int:
    dataset = DATASETS[dataset_name]
    columns, rows = _rows(base, with_checks, cells)
    plan = columnar.column_plan(dataset, columns, PROVINCE)
    assert plan is not None
    result = columnar.decide(plan, cell_columns([list(r) for r in rows]))
    decided = result.decided.to_pylist()
    assert result.undecided == [i for i, d in enumerate(decided) if not d]
    texts = {name: arr.to_pylist() for name, arr in result.texts.items()}
    for i, row in enumerate(rows):
        if not decided[i]:
            continue
        values, issues = normalise_row(
            dataset, dict(zip(columns, row, strict=True)), province=PROVINCE, period=PERIOD
        )
        assert issues == [], (row, issues)
        assert values is not None
        for name in dataset.raw_columns:
            assert texts[name][i] == columnar.value_text(values[name]), (row, name)
    return decided.count(True)


def test_umkm_cells_decided_by_columns_equal_the_per_row_path():
    decided = _differential("umkm", UMKM_ROW, with_checks=True)
    assert decided > 500  # the path decides most shapes, it does not just give up


def test_skala_derived_from_the_omzet_by_columns_as_by_the_rule():
    columns = list(UMKM_ROW)
    omzets = ["2.000.000.000", "2.000.000.000,01", "15.000.000.000", "50.000.000.000", "0"]
    rows = [
        [{**UMKM_ROW, "skala_usaha": "", "omzet_tahunan": o}[c] for c in columns] for o in omzets
    ]
    plan = columnar.column_plan(DATASETS["umkm"], columns, PROVINCE)
    result = columnar.decide(plan, cell_columns(rows))
    assert result.undecided == []
    assert result.texts["skala_usaha"].to_pylist() == [
        "mikro",
        "kecil",
        "kecil",
        "menengah",
        "mikro",
    ]
    assert result.texts["skala_usaha_derived"].to_pylist() == ["t"] * len(omzets)


def test_a_batch_without_decimal_commas_equals_the_per_row_path():
    """Numbers take a shorter route when no cell of the batch has a comma."""
    cells = [c for c in [*_case_cells(), *EXTRA_CELLS] if "," not in c]
    assert _differential("umkm", {**UMKM_ROW, "modal_usaha": "1.000"}, False, cells) > 300


def test_datasets_without_row_rules_decided_by_columns_equal_the_per_row_path():
    assert _differential("kegiatan_kerja_sama", KEGIATAN_ROW, with_checks=False) > 100
    assert _differential("indikator_umkm", INDIKATOR_ROW, with_checks=True) > 100


def test_rows_with_a_rule_issue_are_left_to_the_per_row_path():
    """A skala contradicting the omzet, omzet above menengah, a skala derivable only from
    the modal and certified halal without a date: never decided by columns."""
    columns = list(UMKM_ROW)
    cases = [
        {"skala_usaha": "kecil"},
        {"omzet_tahunan": "50000000000,01", "skala_usaha": "menengah"},
        {"sertifikat_halal": "reguler"},
        {"omzet_tahunan": "", "skala_usaha": ""},
        {"omzet_tahunan": "", "skala_usaha": "", "modal_usaha": "10.000.000.001"},
    ]
    rows = [[{**UMKM_ROW, **case}[c] for c in columns] for case in cases]
    plan = columnar.column_plan(DATASETS["umkm"], columns, PROVINCE)
    assert columnar.decide(plan, cell_columns(rows)).undecided == list(range(len(cases)))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (True, "t"),
        (False, "f"),
        (12, "12"),
        (Decimal("1234.50"), "1234.5"),
        (Decimal("0.00"), "0"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0"), "0"),
    ],
)
def test_value_text_is_canonical(value, text):
    assert columnar.value_text(value) == text


# pieces of cells for the byte shapes: digits, spaces, printable and other bytes
SHAPE_PIECES = ["0", "7", "42", "0012", "1234567890123", " ", "  ", "a", "Toko", "~", "\\"]
SHAPE_PIECES += ["\t", "\n", "\x7f", "é", "١", "\u00a0", "Rp", ".", ","]


@pytest.mark.parametrize("seed", range(6))
def test_byte_shapes_equal_their_regular_expressions(seed):
    """``_shaped`` decides a column's clean shapes from its bytes; on random columns
    (nulls, empty cells, sliced arrays, columns all of one shape and columns with one
    odd cell) it gives the answer of the shape's regular expression."""
    rng = random.Random(seed)
    shapes = [
        ("^[0-9]{13}$", partial(columnar._digits, 13, 13)),
        ("^[0-9]+$", partial(columnar._digits, 1, None)),
        (r"^(?:0|[1-9][0-9]{0,17})$", columnar._whole),
    ]
    for _ in range(60):
        pieces = rng.sample(SHAPE_PIECES, rng.randint(1, 4))

        def cell(pieces=pieces) -> str | None:
            if rng.random() < 0.05:
                return None
            return "".join(rng.choices(pieces, k=rng.randint(0, 3)))

        cells = [cell() for _ in range(rng.randint(1, 40))]
        if rng.random() < 0.5:  # an edge space in one cell, none next to a cell's edge
            cells = [c and c.strip() for c in cells]
            cells[rng.randrange(len(cells))] = rng.choice(["Toko ", " Toko", "0 ", " 1"])
        arr = pa.array(cells, pa.string()).slice(rng.randint(0, 1))
        for regex, by_bytes in shapes:
            expected = pc.fill_null(pc.match_substring_regex(arr, regex), False).to_pylist()
            assert columnar._shaped(arr, by_bytes).to_pylist() == expected, (regex, cells)
