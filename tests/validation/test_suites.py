"""The suite files: loadable by GX, complete metadata, in step with the contract's code."""

from __future__ import annotations

import csv
import re

import pytest

from ingest.submissions.datasets import DATASETS
from ingest.validation import BPS_SUITE, DATASET_SUITES, SUITES_DIR, SuiteError, load_suite
from ingest.validation.suites import render_batch_query

ALL_SUITES = (*DATASET_SUITES, BPS_SUITE)


@pytest.mark.parametrize("name", ALL_SUITES)
def test_suite_loads_into_gx_with_complete_meta(name):
    suite = load_suite(name)
    gx_suite = suite.gx_suite()
    assert gx_suite.name == name
    assert len(gx_suite.expectations) == len(suite.rules) > 0
    for rule in suite.rules:
        assert rule.code.startswith(f"gx.{'bps' if name == BPS_SUITE else name}.")
        assert rule.severity in ("critical", "quarantine", "warning")
        assert rule.reason and rule.description
    for exp in gx_suite.expectations:  # GX's own severity mirrors the gate's
        gate = exp.meta["severity"]
        assert exp.severity.value == ("critical" if gate == "critical" else "warning")


def test_rule_codes_are_unique_across_suites():
    codes = [r.code for name in ALL_SUITES for r in load_suite(name).rules]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("name", DATASET_SUITES)
def test_value_sets_match_the_dataset_contract(name):
    """Every choice column has a value-set rule listing exactly the canonical labels."""
    dataset = DATASETS[name]
    suite = load_suite(name)
    sets = {
        r.kwargs["column"]: set(r.kwargs["value_set"])
        for r in suite.rules
        if r.type == "expect_column_values_to_be_in_set" and r.code.endswith(".value_set")
    }
    choice_columns = {c.name: set(c.choices.values()) for c in dataset.columns if c.choices}
    assert sets == choice_columns


@pytest.mark.parametrize("name", DATASET_SUITES)
def test_required_columns_have_not_null_rules(name):
    dataset = DATASETS[name]
    suite = load_suite(name)
    not_null = {
        r.kwargs["column"] for r in suite.rules if r.type == "expect_column_values_to_not_be_null"
    }
    stored_required = {c.name for c in dataset.columns if c.required and c.stored}
    assert not_null == stored_required


@pytest.mark.parametrize("name", DATASET_SUITES)
def test_identifier_shapes_match_the_dataset_contract(name):
    dataset = DATASETS[name]
    suite = load_suite(name)
    regexes = {
        r.kwargs["column"]: r.kwargs["regex"]
        for r in suite.rules
        if r.type == "expect_column_values_to_match_regex" and r.severity == "quarantine"
    }
    for col in dataset.columns:
        if col.kind == "identifier" and col.digits:
            assert regexes[col.name] == f"^[0-9]{{{col.digits}}}$"
        elif col.kind == "identifier" and col.digits_only:
            assert regexes[col.name] == "^[0-9]+$"


def test_bps_suite_knows_the_38_provinces():
    seed = SUITES_DIR.parent / "dbt_project" / "seeds" / "provinces.csv"
    with seed.open(encoding="utf-8") as fh:
        codes = {r["province_code"] for r in csv.DictReader(fh)}
    assert len(codes) == 38
    suite = load_suite(BPS_SUITE)
    assert set(suite.rule("gx.bps.province_code.value_set").kwargs["value_set"]) == codes
    mitra = load_suite("kerja_sama").rule("gx.kerja_sama.provinsi_mitra.code")
    assert set(mitra.kwargs["value_set"]) == codes
    query = suite.rule("gx.bps.province_coverage").kwargs["unexpected_rows_query"]
    assert set(re.findall(r"\('(\d\d)', ", query)) == codes


def test_batch_substitution_agrees_with_gx():
    """The gate renders `{batch}` the way GX does (JOIN -> caller aliases it)."""
    from great_expectations.expectations.metrics import query_metric_provider as qmp

    for name in ALL_SUITES:
        for rule in load_suite(name).rules:
            if not rule.is_query:
                continue
            query = rule.kwargs["unexpected_rows_query"]
            rendered = render_batch_query(query, "select 1")
            assert ("AS subselect" not in rendered) == qmp._query_has_join_clause(query)


def test_every_rule_is_documented_in_the_readme():
    readme = (SUITES_DIR / "README.md").read_text(encoding="utf-8")
    for name in ALL_SUITES:
        for rule in load_suite(name).rules:
            assert f"`{rule.code}`" in readme, rule.code


def test_suite_checks_reject_bad_meta(tmp_path):
    (tmp_path / "umkm.json").write_text(
        '{"name": "umkm", "expectations": [{"type": "expect_column_values_to_not_be_null",'
        ' "kwargs": {"column": "nib"}, "meta": {"rule": "gx.umkm.x", "severity": "fatal",'
        ' "reason": "r", "description": "d"}}]}'
    )
    with pytest.raises(SuiteError, match="severity"):
        load_suite("umkm", tmp_path)


def test_a_dataset_suite_writes_its_sql_rules_as_unexpected_submissions(tmp_path):
    (tmp_path / "umkm.json").write_text(
        '{"name": "umkm", "expectations": [{"type": "unexpected_rows_expectation",'
        ' "kwargs": {"unexpected_rows_query": "select submission_id from {batch}"},'
        ' "severity": "warning", "meta": {"rule": "gx.umkm.x", "severity": "warning",'
        ' "reason": "r", "description": "d"}}]}'
    )
    with pytest.raises(SuiteError, match="unexpected_submissions_expectation"):
        load_suite("umkm", tmp_path)


# What `gx.<dataset>.kabupaten_kota.format` checked as the regex `^(Kabupaten|Kota) .+`
# before it became LIKE patterns (PostgreSQL's regex engine cost most of the gate's scan).
KABUPATEN_KOTA_REGEX = "^(Kabupaten|Kota) .+"
NAMES = [
    "Kabupaten Bogor", "Kota Bogor", "Kota X", "Kabupaten ", "Kota ", "Kota", "Kabupaten",
    "KabupatenBogor", "KotaBogor", "kota Bogor", "KOTA BOGOR", " Kota Bogor", "Kab. Bogor",
    "Kota  Bogor", "Kota\tBogor", "Kota \n", "Kota %", "Kota _", "Kabupaten Kota", "Kotamobagu",
    "Kota Kotamobagu", "Kabupaten\u00a0Bogor", "Kota é", "",
]  # fmt: skip


@pytest.mark.parametrize("name", ["koperasi", "umkm"])
def test_regency_format_patterns_equal_the_regex(name, conn):
    """The LIKE patterns accept exactly the names the regex accepted; the gate's attribution
    predicate (`failing_row_condition`) fails exactly the others."""
    rule = load_suite(name).rule(f"gx.{name}.kabupaten_kota.format")
    assert rule.type == "expect_column_values_to_match_like_pattern_list"
    predicate = rule.failing_row_condition()
    for value in NAMES:
        regex_ok, rule_fails = conn.execute(
            f"select kabupaten_kota ~ %s, {predicate.replace('%', '%%')} "
            "from (select %s::text as kabupaten_kota) as t",
            (KABUPATEN_KOTA_REGEX, value),
        ).fetchone()
        assert rule_fails is (not regex_ok), value


def test_data_docs_built_in_a_fresh_process_keep_every_rule(tmp_path):
    """`make docs` runs in a process that has not validated anything: the suites stored for
    Data Docs still hold every rule, the gate's own expectation type included (GX drops an
    expectation whose type it does not know, and says so only in its log)."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path\n"
        "from ingest.validation import build_data_docs, _gx, get_suite\n"
        "build_data_docs(Path(sys.argv[1]) / 'site', gx_dir=Path(sys.argv[1]) / 'gx')\n"
        "context = _gx.file_context(Path(sys.argv[1]) / 'gx')\n"
        "for name in sys.argv[2:]:\n"
        "    print(name, len(context.suites.get(name).expectations), len(get_suite(name).rules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), *ALL_SUITES],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [
        ln.split() for ln in proc.stdout.splitlines() if ln.split()[:1] in ([n] for n in ALL_SUITES)
    ]
    assert {name for name, _, _ in lines} == set(ALL_SUITES)
    for name, stored, rules in lines:
        assert stored == rules, name
