"""The bundled offline snapshot: published BPS figures in the BPS WebAPI's exact format.

With no `BPS_API_KEY` the pipeline reads `ingest/bps/snapshot/*.json` instead of the API.
Each file is the answer the API would give to one dynamic-data request of a configured
series (one file per series and per chunk of at most 3 years): same envelope and keys as
the live captures. Every value in them is a PUBLISHED BPS figure, derived by `build()` from
the project's reference tables (`shared/reference/bps/*.csv`, each value with a source id)
and from the live WebAPI captures (`shared/fixtures/bps-live/`, per-capita GRDP 2023-2025
and growth 2025). A figure BPS did not publish (or that we have no copy of) is absent, never
made up: dbt estimates GRDP openly where it can (per-capita GRDP x population) and labels
every such value (`int_bps_province_year.grdp_basis`). `sources.csv` beside the files names
the source of every value.

Rebuild: `python -m ingest.bps.snapshot --reference ../shared/reference/bps
--live ../shared/fixtures/bps-live [folder]`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ingest.bps import _provinces
from ingest.bps.client import TH_BASE_YEAR
from ingest.bps.decode import NATIONAL_VERVAR, UNAVAILABLE, availability, decode, val_text, year_of
from ingest.bps.errors import BpsMalformedResponseError
from ingest.bps.series import Series, SeriesConfig, load_series, year_chunks
from ingest.config import PROJECT_ROOT

log = logging.getLogger(__name__)

SNAPSHOT_DIR = Path(__file__).with_name("snapshot")
SNAPSHOT_PREFIX = "BPS_"
SHARED = PROJECT_ROOT.parent / "shared"
REFERENCE_DIR = SHARED / "reference" / "bps"
LIVE_DIR = SHARED / "fixtures" / "bps-live"
SNAPSHOT_NOTE = (
    "Angka resmi BPS yang dipublikasikan (published BPS figures), dikumpulkan untuk KUMKM "
    "warehouse; sumber tiap nilai: ingest/bps/snapshot/sources.csv. Sel yang tidak ada = "
    "tidak dipublikasikan / tidak tersedia, bukan nol."
)
# reference CSV per measure; the live captures add the series they answer (var 288, 291)
REFERENCE_FILES = {
    "grdp_current_idr_bn": "grdp_current_idr_bn.csv",
    "population_thousand": "population_thousand.csv",
    "grdp_growth_pct": "grdp_growth_pct.csv",
}
LIVE_FILES = {
    "grdp_per_capita_kidr": "grdp_per_capita_current_288_2023_2025_live.json",
    "grdp_growth_pct": "grdp_growth_constant_2010_291_2023_2025_live.json",
}
LIVE_SOURCE_ID = {
    "grdp_per_capita_kidr": "S-NI-V288",
    "grdp_growth_pct": "S-NI-V291",
}
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


@dataclass(frozen=True)
class Figure:
    measure: str
    bps_code: str  # 4 digits; 9999 = INDONESIA
    year: int
    subperiod: int
    value: Decimal
    source_id: str


def file_name(series: Series, years: list[int]) -> str:
    return f"{SNAPSHOT_PREFIX}{series.var}_{series.measure}_{years[0]}-{years[-1]}.json"


def _bps_code(province_code: str) -> str:
    if province_code == "00":
        return NATIONAL_VERVAR
    return _provinces.provinces.by_code(province_code).bps_code


def _annual_subperiod(series: Series) -> int:
    (annual,) = [tt for tt, code in series.subperiods.items() if code == "year"]
    return annual


def reference_figures(series: Series, reference_dir: Path) -> list[Figure]:
    """The series' figures from the reference CSV (annual values only)."""
    name = REFERENCE_FILES.get(series.measure)
    if name is None:
        return []
    with (reference_dir / name).open(encoding="utf-8", newline="") as fh:
        return [
            Figure(
                series.measure,
                _bps_code(rec["province_code"]),
                int(rec["year"]),
                _annual_subperiod(series),
                Decimal(rec["value"]),
                rec["source_id"],
            )
            for rec in csv.DictReader(fh)
        ]


def live_figures(series: Series, live_dir: Path) -> list[Figure]:
    """The series' figures from the live WebAPI capture that answers it (decoded as the
    pipeline decodes API answers: same turvar, 4-digit BPS codes)."""
    name = LIVE_FILES.get(series.measure)
    if name is None:
        return []
    body = json.loads((live_dir / name).read_text("utf-8"), parse_float=Decimal)
    decoded = decode(
        body, var_id=series.var, turvar=series.turvar, turtahun=list(series.subperiods)
    )
    return [
        Figure(
            series.measure,
            obs.bps_code,
            obs.year,
            obs.turtahun_val,
            obs.value,
            LIVE_SOURCE_ID[series.measure],
        )
        for obs in decoded.observations
        if obs.value is not None
    ]


def collect(series: Series, reference_dir: Path, live_dir: Path) -> dict[tuple, Figure]:
    """{(bps_code, year, subperiod): figure} within the series' window. The live capture
    wins over the reference table where both hold a cell (they agree where checked)."""
    years = set(series.year_list())
    cells: dict[tuple, Figure] = {}
    for fig in reference_figures(series, reference_dir) + live_figures(series, live_dir):
        if fig.year in years:
            cells[(fig.bps_code, fig.year, fig.subperiod)] = fig
    return cells


def _bps_label(name: str) -> str:
    label = name.upper()
    return label.replace("KEPULAUAN ", "KEP. ", 1) if label.startswith("KEPULAUAN ") else label


def _turtahun_label(val: int, code: str) -> str:
    if code == "year":
        return "Tahun" if val == 0 else "Tahunan"
    if code.startswith("Q"):
        return f"Triwulan {_ROMAN[code[1]]}"
    return f"Semester {code[1]}"


def _vervar_val(series: Series, bps_code: str) -> int:
    """4-digit vervar; the 2-digit form (BPS code without "00") for var 2268."""
    if series.var == 2268 and bps_code != NATIONAL_VERVAR:
        return int(bps_code[:2])
    return int(bps_code)


def _turvar(series: Series) -> tuple[object, str]:
    if series.turvar is not None:
        return (series.turvar if series.turvar == "0" else int(series.turvar), "Jumlah")
    # picked by label (population 1886: the total of the sex breakdown)
    return (3, series.turvar_labels[0] if series.turvar_labels else "Jumlah")


def response(series: Series, years: list[int], cells: dict[tuple, Figure]) -> dict | None:
    """The API answer of one series and chunk of years holding the published cells; None
    when none of those years has a cell."""
    chosen = {k: f for k, f in cells.items() if k[1] in years}
    if not chosen:
        return None
    codes = sorted({k[0] for k in chosen} - {NATIONAL_VERVAR})
    names = {p.bps_code: p.name for p in _provinces.all_provinces()}
    vervar = [{"val": _vervar_val(series, c), "label": _bps_label(names[c])} for c in codes]
    if any(k[0] == NATIONAL_VERVAR for k in chosen):
        vervar.append({"val": int(NATIONAL_VERVAR), "label": "INDONESIA"})
    turvar, turvar_label = _turvar(series)
    content = {
        f"{_vervar_val(series, code)}{series.var}{turvar}{year - TH_BASE_YEAR}{tt}": float(
            fig.value
        )
        for (code, year, tt), fig in sorted(chosen.items())
    }
    sources = sorted({f.source_id for f in chosen.values()})
    return {
        "status": "OK",
        "data-availability": "available",
        "last_update": max(LAST_UPDATE.get(s, DEFAULT_LAST_UPDATE) for s in sources),
        "subject": [{"val": 0, "label": "Angka resmi BPS (snapshot luring)"}],
        "var": [
            {
                "val": series.var,
                "label": series.description,
                "unit": series.unit,
                "subj": "Angka resmi BPS (snapshot luring)",
                "def": "",
                "decimal": 2,
                "note": f"{SNAPSHOT_NOTE} Sumber: {', '.join(sources)}.",
            }
        ],
        "turvar": [{"val": turvar, "label": turvar_label}],
        "labelvervar": f"{len(codes)} Provinsi",
        "vervar": vervar,
        "tahun": [{"val": y - TH_BASE_YEAR, "label": str(y)} for y in years],
        "turtahun": [
            {"val": tt, "label": _turtahun_label(tt, code)}
            for tt, code in sorted(series.subperiods.items())
        ],
        "datacontent": content,
        "related": [],
    }


# BPS's last_update of the live answers; reference tables: their publication date
LAST_UPDATE = {"S-NI-V288": "2026-02-19 10:24:55", "S-NI-V291": "2026-02-19 10:27:07"}
DEFAULT_LAST_UPDATE = "2025-05-02 00:00:00"  # S-BPS-POP24, the latest reference table


def _sources_csv(figures: Iterable[Figure]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "bps_code", "year", "subperiod", "value", "source_id"])
    for f in sorted(figures, key=lambda f: (f.measure, f.bps_code, f.year, f.subperiod)):
        writer.writerow([f.measure, f.bps_code, f.year, f.subperiod, f.value, f.source_id])
    return out.getvalue()


README = """# Offline BPS snapshot: published BPS figures

Every `BPS_*.json` file here is shaped exactly like an answer of the BPS WebAPI
(`list/model/data/lang/ind/domain/0000/var/{{var}}/th/{{th}}/...`) for one configured series
(`ingest/bps/series.yaml`) and one chunk of at most 3 years. Every value is a published BPS
figure: `sources.csv` names the source id of each one, and
`shared/reference/bps/sources.md` cites the sources. Built by `ingest/bps/snapshot.py`
(`build()`) from `shared/reference/bps/*.csv` and the live WebAPI captures in
`shared/fixtures/bps-live/` (per-capita GRDP and growth).

What is NOT here (BPS figures we hold no published copy of) is absent, never zero and never
made up: quarterly GRDP, GRDP of most provinces outside 2024, population outside 2024 (and
2021 for ten provinces), the five Papua provinces' 2024 population. The marts estimate GRDP
openly where per-capita GRDP and population of the same year exist (GRDP = per-capita x
population, within 0.13 % of the published figure where both exist) and label each value
(`grdp_basis`); a semester or quarter without its own GRDP takes the annual one prorated by
months (`value_added_source = estimated_prorated`).

The pipeline loads these files (`source = 'snapshot'`) only when no `BPS_API_KEY` is set;
rows fetched from the API are never overwritten by snapshot rows.

Files ({count} values):
{files}
"""


def build(
    folder: Path | None = None,
    config: SeriesConfig | None = None,
    reference_dir: Path = REFERENCE_DIR,
    live_dir: Path = LIVE_DIR,
) -> list[Path]:
    """Write the snapshot files, sources.csv and README.md; the paths of the JSON files."""
    folder = Path(folder) if folder else SNAPSHOT_DIR
    config = config or load_series()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    written, figures = [], []
    for series in config.series:
        cells = collect(series, reference_dir, live_dir)
        figures.extend(cells.values())
        for chunk in year_chunks(series.year_list()):
            body = response(series, chunk, cells)
            if body is None:
                continue
            path = folder / file_name(series, chunk)
            path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", "utf-8")
            written.append(path)
    (folder / "sources.csv").write_text(_sources_csv(figures), "utf-8")
    listing = "\n".join(f"- `{p.name}`" for p in written)
    (folder / "README.md").write_text(README.format(count=len(figures), files=listing))
    return written


# --- reader ---


class SnapshotSource:
    """Answers dynamic-data requests from the snapshot files (the API's format)."""

    name = "snapshot"

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else SNAPSHOT_DIR
        self._index: list[tuple[Path, int, frozenset[int]]] | None = None

    def __repr__(self) -> str:
        return f"SnapshotSource({str(self.folder)!r})"

    def _files(self) -> list[tuple[Path, int, frozenset[int]]]:
        if self._index is None:
            index = []
            for path in sorted(self.folder.glob("*.json")):
                body = self._read(path)
                if availability(body) in UNAVAILABLE:
                    continue
                try:
                    var = int(val_text(body["var"][0]["val"]))
                    years = frozenset(year_of(t["label"]) for t in body["tahun"])
                except (KeyError, IndexError, TypeError, ValueError):
                    raise BpsMalformedResponseError(
                        f"snapshot file {path.name} is not a BPS data answer"
                    ) from None
                index.append((path, var, years))
            if not index:
                log.warning("BPS snapshot folder %s holds no data files", self.folder)
            self._index = index
        return self._index

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            body = json.loads(path.read_text("utf-8"), parse_float=Decimal)
        except ValueError:
            raise BpsMalformedResponseError(f"snapshot file {path.name} is not JSON") from None
        if not isinstance(body, dict):
            raise BpsMalformedResponseError(f"snapshot file {path.name} is not a JSON object")
        return body

    def fetch(self, series: Series, years: list[int]) -> list[tuple[str, dict]]:
        """(file name, answer) of every snapshot file of the series' var holding those years.

        No file: one not-available answer, exactly as the API says it.
        """
        wanted = set(years)
        found = [
            (path.name, self._read(path))
            for path, var, file_years in self._files()
            if var == series.var and file_years & wanted
        ]
        if not found:
            return [(f"snapshot var {series.var}", {"status": "OK", **_NOT_AVAILABLE})]
        return found

    def close(self) -> None:
        pass


_NOT_AVAILABLE = {"data-availability": "not-available", "data": ""}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ingest.bps.snapshot")
    parser.add_argument("folder", nargs="?", type=Path, default=SNAPSHOT_DIR)
    parser.add_argument("--reference", type=Path, default=REFERENCE_DIR)
    parser.add_argument("--live", type=Path, default=LIVE_DIR)
    args = parser.parse_args(argv)
    for written in build(args.folder, reference_dir=args.reference, live_dir=args.live):
        print(written)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
