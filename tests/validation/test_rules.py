"""Every expectation fires on a crafted bad submission and stays quiet on good ones.

All cases go through the gate together: ONE `validate_pending` call validates a batch of
about 60 submissions over the five datasets, so this also shows that failures are
attributed to the right submission when many share a GX validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from ingest import warehouse
from ingest.validation import DATASET_SUITES, get_suite, validate_pending
from ingest.validation.gate import NO_VALID_ROWS

from .conftest import Factory, good_row, results, submission_row


def rows(dataset: str, n: int = 3, **changes) -> list[dict]:
    """n good rows; `changes` apply to the first row."""
    out = [good_row(dataset, i) for i in range(1, n + 1)]
    out[0].update(changes)
    return out


def dup(dataset: str, key: str) -> list[dict]:
    out = rows(dataset)
    out[1][key] = out[0][key]
    return out


@dataclass
class Case:
    rule: str
    dataset: str
    build: Callable[[Factory, str], list[dict]] | None = None  # (factory, province) -> rows
    rows: list[dict] | None = None
    extra: frozenset[str] = frozenset()  # rules that must fire too
    previous_rows: int = 0  # an accepted earlier submission of that size

    @property
    def id(self) -> str:
        return self.rule


def _with_register(dataset_rows):
    def build(f: Factory, province: str) -> list[dict]:
        f.register(province)
        return dataset_rows

    return build


K, U, IND, KS, KG = DATASET_SUITES
NVR = frozenset({NO_VALID_ROWS})
CASES = [
    # koperasi
    Case("gx.koperasi.nik_koperasi.digits", K, rows=rows(K, nik_koperasi="A7401")),
    Case("gx.koperasi.jenis_koperasi.value_set", K, rows=rows(K, jenis_koperasi="lainnya")),
    Case("gx.koperasi.predikat_kesehatan.value_set", K, rows=rows(K, predikat_kesehatan="prima")),
    Case("gx.koperasi.jumlah_anggota_pria.non_negative", K, rows=rows(K, jumlah_anggota_pria=-1)),
    Case(
        "gx.koperasi.jumlah_anggota_wanita.non_negative", K, rows=rows(K, jumlah_anggota_wanita=-3)
    ),
    Case("gx.koperasi.modal_sendiri.non_negative", K, rows=rows(K, modal_sendiri=-1)),
    Case("gx.koperasi.modal_luar.non_negative", K, rows=rows(K, modal_luar=-1)),
    Case("gx.koperasi.aset.non_negative", K, rows=rows(K, aset=-0.01)),
    Case("gx.koperasi.volume_usaha.non_negative", K, rows=rows(K, volume_usaha=-5)),
    Case("gx.koperasi.nik_koperasi.unique_per_submission", K, rows=dup(K, "nik_koperasi")),
    Case("gx.koperasi.kabupaten_kota.format", K, rows=rows(K, kabupaten_kota="Konawe")),
    Case("gx.koperasi.row_count.drop_vs_previous", K, rows=rows(K), previous_rows=7),
    # umkm
    Case("gx.umkm.nib.shape", U, rows=rows(U, nib="123")),
    Case("gx.umkm.kbli.shape", U, rows=rows(U, kbli="4711")),
    Case("gx.umkm.skala_usaha.value_set", U, rows=rows(U, skala_usaha="besar")),
    Case("gx.umkm.jenis_kelamin_pemilik.value_set", U, rows=rows(U, jenis_kelamin_pemilik="W")),
    Case("gx.umkm.sertifikat_halal.value_set", U, rows=rows(U, sertifikat_halal="ada")),
    Case("gx.umkm.modal_usaha.non_negative", U, rows=rows(U, modal_usaha=-1)),
    Case("gx.umkm.omzet_tahunan.non_negative", U, rows=rows(U, omzet_tahunan=-1)),
    Case("gx.umkm.tenaga_kerja.non_negative", U, rows=rows(U, tenaga_kerja=-2)),
    Case(
        "gx.umkm.omzet_tahunan.above_umkm_limit",
        U,
        rows=rows(U, omzet_tahunan=50_000_000_001, skala_usaha="menengah"),
    ),
    Case("gx.umkm.modal_usaha.above_umkm_limit", U, rows=rows(U, modal_usaha=10_000_000_001)),
    Case(
        "gx.umkm.tanggal_sertifikat_halal.required",
        U,
        rows=rows(U, sertifikat_halal="self declare", tanggal_sertifikat_halal=None),
    ),
    Case("gx.umkm.nib.unique_per_submission", U, rows=dup(U, "nib")),
    Case("gx.umkm.kabupaten_kota.format", U, rows=rows(U, kabupaten_kota="KONAWE")),
    Case("gx.umkm.row_count.drop_vs_previous", U, rows=rows(U), previous_rows=10),
    # indikator_umkm: one row per file, so a quarantined row leaves nothing: rejected
    Case(
        "gx.indikator_umkm.kontribusi_pdrb_persen.percent_range",
        IND,
        rows=rows(IND, 1, kontribusi_pdrb_persen=100.5),
        extra=NVR,
    ),
    Case(
        "gx.indikator_umkm.nilai_tambah_umkm.non_negative",
        IND,
        rows=rows(IND, 1, nilai_tambah_umkm=-1),
        extra=NVR,
    ),
    Case(
        "gx.indikator_umkm.jumlah_umkm.non_negative",
        IND,
        rows=rows(IND, 1, jumlah_umkm=-1),
        extra=NVR,
    ),
    Case(
        "gx.indikator_umkm.tenaga_kerja_umkm.non_negative",
        IND,
        rows=rows(IND, 1, tenaga_kerja_umkm=-1),
        extra=NVR,
    ),
    Case("gx.indikator_umkm.one_row_per_submission", IND, rows=rows(IND, 2)),
    Case(  # 0,6043 sent where the province's history says 60,43
        "gx.indikator_umkm.kontribusi_pdrb_persen.fraction_not_percent",
        IND,
        rows=rows(IND, 1, kontribusi_pdrb_persen=0.6043),
        previous_rows=1,
    ),
    # kerja_sama
    Case("gx.kerja_sama.jenis_dokumen.value_set", KS, rows=rows(KS, jenis_dokumen="mou")),
    Case("gx.kerja_sama.jenis_mitra.value_set", KS, rows=rows(KS, jenis_mitra="lainnya")),
    Case("gx.kerja_sama.status.value_set", KS, rows=rows(KS, status="aktif")),
    Case(
        "gx.kerja_sama.tanggal_berakhir.after_tanda_tangan",
        KS,
        rows=rows(KS, tanggal_berakhir=date(2023, 1, 10)),  # same day: not after
    ),
    Case("gx.kerja_sama.nomor_dokumen.unique_per_submission", KS, rows=dup(KS, "nomor_dokumen")),
    Case("gx.kerja_sama.provinsi_mitra.code", KS, rows=rows(KS, provinsi_mitra="Sultra")),
    Case(
        "gx.kerja_sama.provinsi_mitra.required",
        KS,
        rows=rows(KS, jenis_mitra="pemerintah provinsi"),
    ),
    Case("gx.kerja_sama.dokumen_induk.unknown", KS, rows=rows(KS, dokumen_induk="MOU/999/2020")),
    Case("gx.kerja_sama.row_count.drop_vs_previous", KS, rows=rows(KS), previous_rows=8),
    # kegiatan_kerja_sama (each province gets an accepted register with KS/001/2023)
    Case(
        "gx.kegiatan_kerja_sama.jenis_kegiatan.value_set",
        KG,
        build=_with_register(rows(KG, jenis_kegiatan="seminar")),
    ),
    *[
        Case(
            f"gx.kegiatan_kerja_sama.{col}.non_negative",
            KG,
            build=_with_register(rows(KG, **{col: -1})),
        )
        for col in (
            "jumlah_peserta",
            "jumlah_umkm",
            "jumlah_koperasi",
            "nilai_transaksi",
            "anggaran",
        )
    ],
    Case(
        "gx.kegiatan_kerja_sama.nomor_dokumen.orphan",
        KG,
        build=_with_register(rows(KG, nomor_dokumen="KS/404/2023")),
    ),
    Case(
        "gx.kegiatan_kerja_sama.tanggal_kegiatan.before_agreement",
        KG,
        build=_with_register(rows(KG, tanggal_kegiatan=date(2023, 1, 9))),
    ),
    Case(
        "gx.kegiatan_kerja_sama.row_count.drop_vs_previous",
        KG,
        build=_with_register(rows(KG)),
        previous_rows=9,
    ),
]


def _good(dataset: str) -> Callable[[Factory, str], list[dict]]:
    """A clean submission, using the tolerant paths of the rules (nulls, case, spaces)."""

    def build(f: Factory, province: str) -> list[dict]:
        out = rows(dataset)
        if dataset == "umkm":
            out[1].update(nib=None, kbli=None, skala_usaha=None, omzet_tahunan=60_000)
            out[2].update(sertifikat_halal="tidak ada", tanggal_sertifikat_halal=None)
        if dataset == "koperasi":
            out[1].update(tanggal_rat=None, status_aktif=False)
            out[2].update(tanggal_rat=date(2025, 12, 31), kabupaten_kota="Kota Kendari")
        if dataset == "indikator_umkm":
            out = out[:1]
            out[0].update(kontribusi_pdrb_persen=100, jumlah_umkm=0)
        if dataset == "kerja_sama":
            out[0].update(jenis_mitra="BUMN/BUMD")
            out[1].update(jenis_dokumen="PKS", dokumen_induk=" ks/001/2023")
            out[2].update(jenis_mitra="pemerintah provinsi", provinsi_mitra="73")
            out[2].update(tanggal_berakhir=None, status=None)
        if dataset == "kegiatan_kerja_sama":
            f.register(province)
            out[1].update(nomor_dokumen="ks/001/2023 ", tanggal_kegiatan=date(2023, 1, 10))
        return out

    return build


GOOD = [Case(f"good-{d}", d, build=_good(d), previous_rows=4) for d in DATASET_SUITES]


@pytest.fixture(scope="module")
def matrix(pg_url, gx_dir):
    """Write every case, validate them all in one gate run."""
    ids: dict[str, int] = {}
    with warehouse.connect(pg_url) as conn:
        f = Factory(conn)
        for case in [*CASES, *GOOD]:
            province = f.new_province()
            if case.previous_rows:
                previous = [good_row(case.dataset, i) for i in range(1, case.previous_rows + 1)]
                if case.dataset == "indikator_umkm":
                    previous = previous[:1]
                f.submission(
                    case.dataset, previous, province=province, period=2023, outcome="accepted"
                )
            data = case.build(f, province) if case.build else case.rows
            ids[case.rule] = f.submission(case.dataset, data, province=province)
    report = validate_pending(pg_url, gx_dir=gx_dir)
    return ids, report


def _expected_outcome(case: Case) -> str:
    severities = {get_suite(case.dataset).rule(case.rule).severity} | (
        {"critical"} if case.extra & NVR else set()
    )
    return "rejected" if "critical" in severities else "accepted_with_warnings"


def test_the_gate_run_is_clean(matrix):
    _, report = matrix
    assert report.errors == []
    assert report.anomalies == []  # GX counts == the gate's per-submission counts
    assert {d.dataset for d in report.datasets} == set(DATASET_SUITES)


def test_every_rule_has_a_case():
    covered = {c.rule for c in CASES}
    for name in DATASET_SUITES:
        for rule in get_suite(name).rules:
            if rule.type == "expect_column_values_to_not_be_null":
                continue  # the raw DDL forbids these nulls: see test_not_null_rules
            assert rule.code in covered, rule.code


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires_on_its_bad_submission_only(case, matrix, conn):
    ids, report = matrix
    sid = ids[case.rule]
    verdict = report.verdict(sid)
    assert set(verdict.failed_rules) == {case.rule} | case.extra
    assert verdict.outcome == _expected_outcome(case)
    row = submission_row(conn, sid)
    assert row["outcome"] == verdict.outcome
    assert row["validated_at"] is not None
    gate_reasons = [r for r in row["reasons"] if r["rule"].startswith("gx.")]
    assert {r["rule"] for r in gate_reasons} == {case.rule} | case.extra
    res = results(conn, sid)
    assert len(res) == len(get_suite(case.dataset).rules) + len(case.extra)
    assert not res[case.rule]["success"]
    assert res[case.rule]["unexpected_count"] >= 1
    assert all(r["success"] for code, r in res.items() if code not in {case.rule} | case.extra)


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.id)
def test_good_submission_is_accepted(case, matrix, conn):
    ids, report = matrix
    sid = ids[case.rule]
    assert report.verdict(sid).outcome == "accepted"
    assert report.verdict(sid).failed_rules == []
    res = results(conn, sid)
    assert len(res) == len(get_suite(case.dataset).rules)
    assert all(r["success"] and r["unexpected_count"] == 0 for r in res.values())
    assert submission_row(conn, sid)["reasons"] == []


def test_quarantine_rule_moves_the_row(matrix, conn):
    ids, _ = matrix
    sid = ids["gx.umkm.nib.shape"]
    assert conn.execute(
        "select row_number from raw.umkm where submission_id = %s order by 1", (sid,)
    ).fetchall() == [(3,), (4,)]
    rule, reason, detail, original = conn.execute(
        "select rule, reason, detail, original from raw.quarantine where submission_id = %s",
        (sid,),
    ).fetchone()
    assert rule == "gx.umkm.nib.shape"
    assert "NIB harus 13 digit" in reason
    assert "nib must be 13 digits" in detail
    assert original["nib"] == "123" and original["row_number"] == 2
    row = submission_row(conn, sid)
    assert (row["rows_loaded"], row["rows_quarantined"]) == (2, 1)
    res = results(conn, sid)["gx.umkm.nib.shape"]
    assert res["rows_quarantined"] == 1
    assert res["unexpected_sample"] == [{"row_number": 2, "nib": "123"}]


def test_rejected_submission_keeps_its_rows_in_raw(matrix, conn):
    ids, _ = matrix
    for rule in (
        "gx.koperasi.nik_koperasi.unique_per_submission",
        "gx.indikator_umkm.kontribusi_pdrb_persen.percent_range",
    ):
        sid = ids[rule]
        dataset = submission_row(conn, sid)["dataset"]
        n = conn.execute(
            f"select count(*) from raw.{dataset} where submission_id = %s", (sid,)
        ).fetchone()[0]
        assert n == submission_row(conn, sid)["rows_loaded"] > 0
        assert (
            conn.execute(
                "select count(*) from raw.quarantine where submission_id = %s", (sid,)
            ).fetchone()[0]
            == 0
        )


def test_submission_level_findings_describe_what_was_seen(matrix, conn):
    ids, _ = matrix
    sid = ids["gx.umkm.row_count.drop_vs_previous"]
    res = results(conn, sid)["gx.umkm.row_count.drop_vs_previous"]
    assert res["observed_value"]["row_count"] == 3
    assert res["observed_value"]["previous_row_count"] == 10
    reason = next(
        r for r in submission_row(conn, sid)["reasons"] if r["rule"].endswith("drop_vs_previous")
    )
    assert reason["severity"] == "warning" and reason["rows"] == []
    assert "previous_row_count" in reason["detail"]
