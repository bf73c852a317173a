"""The bundled SAMPLE snapshot: generated, committed, in the API's format, 38 provinces."""

from __future__ import annotations

import json
from collections import defaultdict

from ingest.bps.decode import decode
from ingest.bps.pipeline import rows_of
from ingest.bps.series import load_series
from ingest.bps.snapshot import SNAPSHOT_DIR, SnapshotSource, generate

from .conftest import LIVE_DIR

LIVE_KEYS = {
    "status",
    "data-availability",
    "last_update",
    "subject",
    "var",
    "turvar",
    "labelvervar",
    "vervar",
    "tahun",
    "turtahun",
    "datacontent",
    "related",
}
RANGES = {
    "grdp_growth_pct": (3, 7),
    "grdp_per_capita_kidr": (30_000, 200_000),
    "population_thousand": (500, 300_000),
    "grdp_current_idr_bn": (1_000, 30_000_000),
}


def test_committed_files_are_the_generator_output(tmp_path):
    written = generate(tmp_path)
    committed = sorted(p.name for p in SNAPSHOT_DIR.glob("*.json"))
    assert sorted(p.name for p in written) == committed
    for path in written:
        assert path.read_bytes() == (SNAPSHOT_DIR / path.name).read_bytes(), path.name
    assert (tmp_path / "README.md").read_text() == (SNAPSHOT_DIR / "README.md").read_text()


def test_files_are_labelled_sample_and_shaped_like_the_api():
    if LIVE_DIR.is_dir():
        capture = json.loads(
            (LIVE_DIR / "grdp_growth_constant_2010_291_2023_2025_live.json").read_text()
        )
        assert set(capture) == LIVE_KEYS
    assert "SAMPLE VALUES" in (SNAPSHOT_DIR / "README.md").read_text()
    for path in SNAPSHOT_DIR.glob("*.json"):
        assert path.name.startswith("SAMPLE_")
        body = json.loads(path.read_text())
        assert set(body) == LIVE_KEYS and "_sample_note" not in body
        assert "SAMPLE" in body["var"][0]["note"] and "SAMPLE" in body["subject"][0]["label"]
        assert len(body["tahun"]) <= 3


def test_every_series_covers_38_provinces_2021_2025():
    config = load_series()
    source = SnapshotSource()
    for series in config.series:
        provinces = defaultdict(set)
        national = set()
        for name, body in source.fetch(series, series.year_list()):
            decoded = decode(body, var_id=series.var, turtahun=list(series.subperiods))
            assert not decoded.unmapped, name
            rows, _ = rows_of(series, decoded, series.year_list(), "snapshot")
            lo, hi = RANGES[series.measure]
            for row in rows:
                if row.is_national:
                    national.add(row.year)
                    continue
                provinces[row.year].add(row.province_code)
                if row.subperiod in (0, 35):
                    assert lo <= row.value <= hi, (series.measure, row)
        assert national == {2021, 2022, 2023, 2024, 2025}
        assert all(len(provinces[y]) == 38 for y in range(2022, 2026)), series.measure
        # the four newest Papua provinces are not back-filled before 2022
        assert provinces[2021] == provinces[2022] - {"93", "94", "95", "96"}


def test_snapshot_without_the_var_answers_not_available():
    series = load_series().series[0]
    other = series.__class__(**{**series.__dict__, "var": 99999})
    [(_, body)] = SnapshotSource().fetch(other, [2023])
    assert body["data-availability"] == "not-available"
