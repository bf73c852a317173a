"""Every hostile cell value a reader can yield, in every column of every dataset: the row
normaliser records an issue or a value, it never raises (an exception here would abort the
whole loader run, not just the row)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ingest import provinces
from ingest.datasets import DATASETS
from ingest.normalize import normalise_row
from ingest.periods import parse_period

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
]


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_no_cell_value_crashes_the_normaliser(dataset):
    ds = DATASETS[dataset]
    province, period = provinces.resolve("74"), parse_period("2024")
    crashes = []
    for col in ds.columns:
        for value in HOSTILE:
            try:
                normalise_row(ds, {col.name: value}, province=province, period=period)
            except Exception as exc:  # noqa: BLE001 - that is what the test looks for
                crashes.append(f"{col.name} <- {repr(value)[:40]}: {type(exc).__name__}: {exc}")
    assert not crashes, "\n".join(crashes[:20])


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("()", "value.not_a_number"),
        ("Rp ()", "value.not_a_number"),
        ("9" * 5000, "value.out_of_range"),
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
