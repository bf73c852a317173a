"""The quarterly brief from the sample warehouse (sample dropzone -> loader -> gate -> BPS
snapshot -> dbt): written beside the extract, its headline figures equal the marts', its
first page renders to a non-blank image, a rerun gives the same bytes. The same warehouse
checks the issue's "done when" on the sample: no value added above GRDP, no English in
the workbook outside Kamus Data's column-name column."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import openpyxl
import pypdfium2 as pdfium
import pytest

from ingest import dbt_runner, warehouse
from ingest.bps.pipeline import ingest_bps
from ingest.brief.numbers import number, pct
from ingest.config import settings
from ingest.extract import extract_quarter
from ingest.extract.headers import COLUMNS, VALUES
from ingest.periods import parse_period
from ingest.submissions.load import ingest_dropzone
from ingest.validation import validate_pending
from kumkm_dev.sample_data import generate_dropzone

AS_OF = "2025-09-30"
QUARTER = "2025Q2"


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory, make_database):
    dropzone = tmp_path_factory.mktemp("sample") / "dropzone"
    generate_dropzone(dropzone)
    with make_database() as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUMKM_AS_OF", AS_OF)
        ingest_dropzone(url, dropzone)
        validate_pending(url)
        ingest_bps(url, settings=dataclasses.replace(settings(), bps_api_key=None))
        dbt_runner.build(url)
        yield url


@pytest.fixture(scope="module")
def extract(sample_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("extracts")
    extract_quarter(
        sample_warehouse, QUARTER, root, progress=lambda m: None, today=date(2025, 9, 30)
    )
    return root / QUARTER


def pdf_text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def one(url, sql):
    with warehouse.connect(url) as conn:
        return conn.execute(sql).fetchone()


def test_brief_is_written_beside_the_extract_and_renders(extract, tmp_path):
    pdf_path = extract / f"ringkasan_{QUARTER}.pdf"
    html_path = extract / f"ringkasan_{QUARTER}.html"
    assert pdf_path.read_bytes().startswith(b"%PDF")
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) >= 3
        image = pdf[0].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    pixels = list(image.getdata())
    inked = sum(1 for p in pixels if p < 200) / len(pixels)
    assert inked > 0.02, f"page 1 is nearly blank ({inked:.2%} dark pixels)"
    html = html_path.read_text(encoding="utf-8")
    assert '<html lang="id">' in html and html.count("data:image/png;base64,") == 5
    text = pdf_text(pdf_path)
    for words in (
        "Ringkasan Triwulanan Koperasi dan UMKM",
        "Angka utama nasional",
        "posisi data 30 Juni 2025",
        "Kepatuhan RAT per provinsi",
        "bersertifikat halal",
        "Pelaksanaan kerja sama per provinsi",
        "Penyampaian data per provinsi",
        "Sumber: kiriman Dinas KUMKM provinsi, BPS",
    ):
        assert words in text, words


def test_headline_figures_equal_the_marts(sample_warehouse, extract):
    text = pdf_text(extract / f"ringkasan_{QUARTER}.pdf")
    html = (extract / f"ringkasan_{QUARTER}.html").read_text(encoding="utf-8")
    year, active, rat = one(
        sample_warehouse,
        "select book_year, cooperatives_active, rat_compliance_pct "
        "from marts.cooperative_health_national "
        "where book_year <= 2025 and rat_compliance_pct is not null "
        "order by book_year desc limit 1",
    )
    with warehouse.connect(sample_warehouse) as conn:
        national = conn.execute(
            "select period, umkm_units from marts.umkm_contribution_national "
            "where umkm_units is not null"
        ).fetchall()
    # the latest period closed by the quarter's end (ties: the later label, 2024S2 > 2024)
    closed = [r for r in national if parse_period(r[0]).end <= date(2025, 6, 30)]
    period, units = max(closed, key=lambda r: (parse_period(r[0]).end, r[0]))
    with warehouse.connect(sample_warehouse) as conn:
        compliance = conn.execute(
            "select dataset, period, count(*), count(*) filter (where status = 'missing') "
            "from marts.submission_compliance where due_on <= '2025-06-30' "
            "group by 1, 2 having count(*) >= 38"
        ).fetchall()
    # per dataset, the latest period due by the quarter's end for all 38 provinces
    latest: dict[str, tuple] = {}
    for dataset, p, _, n_missing in compliance:
        end = parse_period(p).end
        if end <= date(2025, 6, 30) and (dataset not in latest or (end, p) > latest[dataset][0]):
            latest[dataset] = ((end, p), n_missing)
    missing = sum(n for _, n in latest.values())
    expected = [
        f"Koperasi aktif (tahun buku {year})",
        number(active),
        f"Kepatuhan RAT (tahun buku {year})",
        pct(rat),
        f"UMKM terdaftar ({period})",
        number(units),
        "Kiriman belum disampaikan",
    ]
    for figure in expected:
        assert figure in text and figure in html, figure
    shown = re.search(r"Kiriman belum disampaikan.*?\s(\d[\d.]*)\s", text, re.S)
    assert shown and shown.group(1) == number(missing), (shown and shown.group(1), missing)


def test_brief_is_reproducible(sample_warehouse, extract, tmp_path):
    again = extract_quarter(
        sample_warehouse, QUARTER, tmp_path, progress=lambda m: None, today=date(2025, 9, 30)
    )
    assert again.quarter == QUARTER
    for name in (f"ringkasan_{QUARTER}.pdf", f"ringkasan_{QUARTER}.html"):
        assert (tmp_path / QUARTER / name).read_bytes() == (extract / name).read_bytes(), name


def test_sample_marts_are_plausible_and_labelled(sample_warehouse):
    exceeding, sample, unlabelled = one(
        sample_warehouse,
        "select count(*) filter (where value_added_exceeds_grdp), "
        "count(*) filter (where grdp_source = 'sample'), "
        "count(*) filter (where grdp_current_idr_bn is not null and grdp_source is null) "
        "from marts.umkm_contribution",
    )
    assert (exceeding, sample, unlabelled) == (0, 0, 0)
    (semester_on_annual,) = one(
        sample_warehouse,
        "select count(*) from marts.umkm_contribution where period_type = 'semester' "
        "and value_added_source = 'estimated'",
    )
    assert semester_on_annual == 0  # a semester is always on a prorated (or its own) GRDP


def test_workbook_has_no_english_outside_the_column_names(extract):
    wb = openpyxl.load_workbook(extract / f"{QUARTER}_marts.xlsx", read_only=True)
    indonesian = {header for header, _ in COLUMNS.values()}
    english = {code for values in VALUES.values() for code, label in values.items()} - {
        label for values in VALUES.values() for label in values.values()
    }
    for ws in wb.worksheets:
        if ws.title in ("Sampul", "Kamus Data"):
            continue
        rows = ws.iter_rows(values_only=True)
        header = {h.removesuffix(" (UTC)") for h in next(rows)}
        assert header <= indonesian, (ws.title, header - indonesian)
        for row in rows:
            leaked = {v for v in row if isinstance(v, str)} & english
            assert not leaked, (ws.title, leaked)
            assert not any(isinstance(v, bool) for v in row), ws.title  # Ya / Tidak


def test_cover_and_manifest_say_where_the_grdp_came_from(extract):
    manifest = json.loads((extract / "manifest.json").read_text(encoding="utf-8"))
    labels = manifest["data_labels"]
    assert set(labels["grdp_source"]) == {"bps_snapshot"}  # published figures, no sample
    assert set(labels["grdp_basis"]) <= {"published", "estimated_per_capita_x_population"}
    assert labels["sample_notice"] is None and labels["value_added_exceeds_grdp"] == 0
    assert manifest["partial"] is False
    wb = openpyxl.load_workbook(extract / f"{QUARTER}_marts.xlsx", read_only=True)
    cover = {r[0]: r[1] for r in wb["Sampul"].iter_rows(min_row=2, values_only=True)}
    assert cover["Posisi data per"] == "30 Juni 2025"
    assert "snapshot angka resmi BPS" in cover["Sumber data: PDRB (BPS)"]
    assert "PERHATIAN" not in cover  # no sample data, no value added above GRDP
    assert any(k.startswith("Provinsi menyampaikan") for k in cover)
