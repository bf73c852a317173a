"""series.yaml: defaults and validation errors."""

from __future__ import annotations

import textwrap

import pytest

from ingest.bps.errors import BpsConfigError
from ingest.bps.pipeline import choose_turvar
from ingest.bps.series import load_series

from .bodies import body


def test_default_series():
    config = load_series()
    got = {s.measure: s for s in config.series}
    assert list(got) == [
        "grdp_growth_pct",
        "grdp_per_capita_kidr",
        "population_thousand",
        "grdp_current_idr_bn",
    ]
    assert config.years == (2021, 2025)
    growth, per_capita = got["grdp_growth_pct"], got["grdp_per_capita_kidr"]
    assert (growth.var, growth.turvar, growth.turth, growth.confirmed) == (291, "0", 0, True)
    assert (per_capita.var, per_capita.turvar, per_capita.unit) == (288, "530", "Ribu Rupiah")
    population, grdp = got["population_thousand"], got["grdp_current_idr_bn"]
    assert population.var == 1886 and not population.confirmed and population.turvar is None
    assert grdp.var == 2268 and not grdp.confirmed and grdp.turth is None
    assert grdp.subperiods == {31: "Q1", 32: "Q2", 33: "Q3", 34: "Q4", 35: "year"}
    assert grdp.period_of(2024, 33) == ("2024Q3", "quarter")
    assert grdp.period_of(2024, 35) == ("2024", "year")


SERIES = """
years: {start: 2021, end: 2025}
series:
  - measure: m
    var: 291
    turvar: 0
    subperiods: {0: year}
    period_type: year
    unit: Persen
"""


def _load(tmp_path, text):
    path = tmp_path / "series.yaml"
    path.write_text(textwrap.dedent(text))
    return load_series(path)


def test_minimal_file(tmp_path):
    [s] = _load(tmp_path, SERIES).series
    assert s.turvar == "0" and s.years == (2021, 2025) and s.description == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("var: 291", "var: abc"), r"series\[0\] \(m\): 'var' must be a positive integer"),
        (("unit: Persen", "unit: Persen\n    colour: red"), r"unknown field\(s\) \['colour'\]"),
        (("    unit: Persen\n", ""), r"missing field\(s\) \['unit'\]"),
        (("{0: year}", "{0: Q1}"), "'Q1' is not a period code of a year series"),
        (("period_type: year", "period_type: weekly"), "'period_type' must be one of"),
        (("measure: m", "measure: Bad Name"), "'measure' must be a snake_case name"),
        (("turvar: 0", "turvar: total"), "'turvar' must be an integer code"),
        (("end: 2025", "end: 2019"), "start 2021 is after end 2019"),
        (("years: {start: 2021, end: 2025}\n", ""), "missing top-level 'years'"),
        (("series:", "series: []\nx:"), "unknown top-level"),
    ],
)
def test_invalid_files_say_what_is_wrong(tmp_path, change, message):
    with pytest.raises(BpsConfigError, match=message):
        _load(tmp_path, SERIES.replace(*change))


def test_duplicate_measure(tmp_path):
    text = SERIES + SERIES.split("series:\n")[1]
    with pytest.raises(BpsConfigError, match="measure 'm' is defined twice"):
        _load(tmp_path, text)


def test_not_yaml_and_missing_file(tmp_path):
    with pytest.raises(BpsConfigError, match="not valid YAML"):
        _load(tmp_path, "series: [\n")
    with pytest.raises(BpsConfigError, match="cannot read"):
        load_series(tmp_path / "absent.yaml")


def test_turvar_picked_by_label_or_the_only_one():
    from ingest.bps.decode import decode

    population = load_series().by_measure("population_thousand")
    sexes = body(turvar=((796, "Laki-laki"), (797, "Perempuan"), (798, "<b>JUMLAH</b>")))
    assert choose_turvar(population, decode(sexes)) == "798"
    unlabelled = population.__class__(**{**population.__dict__, "turvar_labels": ()})
    assert choose_turvar(unlabelled, decode(body(turvar=((5, "Semua"),)))) == "5"
    with pytest.raises(BpsConfigError, match="cannot choose a turvar"):
        choose_turvar(unlabelled, decode(sexes))
