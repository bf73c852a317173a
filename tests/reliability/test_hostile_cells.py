"""Every hostile cell value a reader can yield, in every column of every dataset: the row
normaliser records an issue or a value, it never raises (an exception here would abort the
whole loader run, not just the row)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from ingest import provinces
from ingest.periods import parse_period
from ingest.submissions.datasets import DATASETS
from ingest.submissions.normalize import normalise_row

HOSTILE = [
    float("nan"),
    float("inf"),
    -float("inf"),
    10**400,
    -(10**30),
    2**63,
    True,
    dt.time(12, 30),
    dt.timedelta(days=3),
    dt.datetime(2024, 2, 29, 13, 0),
    dt.date(1, 1, 1),
    Decimal("NaN"),
    Decimal("1E+400"),
    1e308,
    -0.0,
    "9" * 5000,  # more digits than Python converts to int from text by default
    "1" + "0" * 4300,
    "()",  # accounting parentheses around nothing
    "( )",
    "(-)",
    "Rp ()",
    "+",
    "-(",
    "1e400",
    "1e-400",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "²",
    "½",
    "\u00a0",
    "\u200b",
    "\x00",
    '=HYPERLINK("http://evil.example/","klik")',
    "31/02/2024",
    "٣١/٠٢/٢٠٢٤",
    "1.23457E+12",
    "NaN",
    "Infinity",
    "-",
    "−5",
    "x" * 1_000_000,  # a 1 MB cell
    "9" * 1_000_000,  # a 1 MB number: int() of it would take minutes
    "Rp " + "9" * 1_000_000,
    "1E+999999999",  # an exponent beyond the decimal context
    "-1E+999999999",
    "1" + "0" * 999_999 + ",5",
]


def _try(ds, col, value, crashes, slow) -> None:
    province, period = provinces.resolve("74"), parse_period("2024")
    started = time.perf_counter()
    try:
        normalise_row(ds, {col.name: value}, province=province, period=period)
    except Exception as exc:  # noqa: BLE001 - that is what the test looks for
        crashes.append(f"{col.name} <- {repr(value)[:40]}: {type(exc).__name__}: {exc}")
    if time.perf_counter() - started > 1.0:  # one cell must not stall the loader
        slow.append(f"{col.name} <- {repr(value)[:40]}")


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_no_cell_value_crashes_the_normaliser(dataset):
    ds = DATASETS[dataset]
    crashes: list[str] = []
    slow: list[str] = []
    for col in ds.columns:
        for value in HOSTILE:
            if len(str(value)) < 100_000:
                _try(ds, col, value, crashes, slow)
    assert not crashes, "\n".join(crashes[:20])
    assert not slow, slow


def test_megabyte_cells_in_every_column_kind_are_handled_quickly():
    """The 1 MB values, once per column kind (each costs a few hundred ms of string work)."""
    crashes: list[str] = []
    slow: list[str] = []
    done = set()
    for ds in DATASETS.values():
        for col in ds.columns:
            if col.kind in done:
                continue
            done.add(col.kind)
            for value in HOSTILE:
                if len(str(value)) >= 100_000:
                    _try(ds, col, value, crashes, slow)
    assert not crashes, "\n".join(crashes[:20])
    assert not slow, slow


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("()", "value.not_a_number"),
        ("Rp ()", "value.not_a_number"),
        ("9" * 5000, "value.out_of_range"),
        ("9" * 1_000_000, "value.out_of_range"),
        ("1E+999999999", "value.out_of_range"),
    ],
)
def test_degenerate_numbers_are_quarantined_with_a_reason(cell, rule):
    values, issues = normalise_row(
        DATASETS["koperasi"],
        {
            "nik_koperasi": "0074",
            "nama_koperasi": "A",
            "kabupaten_kota": "Kab. Konawe",
            "status_aktif": "aktif",
            "jumlah_anggota_pria": cell,
        },
        province=provinces.resolve("74"),
        period=parse_period("2024"),
    )
    assert values is None
    assert [i.rule for i in issues] == [rule]
    assert len(issues[0].reason) < 300  # the clerk's message quotes a shortened cell
