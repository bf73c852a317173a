"""Which BPS series to load: `series.yaml`, validated into `Series` objects.

Configuration, not code: ids can be wrong or change, and a planner adds a series by
editing the YAML. Loading fails with a `BpsConfigError` naming the file, the entry and
the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.bps.errors import BpsConfigError

SERIES_FILE = Path(__file__).with_name("series.yaml")
MAX_YEARS_PER_CALL = 3

# period types and the subperiod codes each allows (the vocabulary of ingest/periods.py)
PERIOD_TYPES = {
    "year": re.compile(r"year"),
    "quarter": re.compile(r"year|Q[1-4]"),
    "semester": re.compile(r"year|S[12]"),
}
_MEASURE = re.compile(r"[a-z][a-z0-9_]{0,62}")
_FIELDS = {
    "measure",
    "var",
    "turvar",
    "turvar_labels",
    "subperiods",
    "period_type",
    "unit",
    "description",
    "confirmed",
    "years",
    "domain",
}
_REQUIRED = {"measure", "var", "subperiods", "period_type", "unit"}


@dataclass(frozen=True)
class Series:
    measure: str
    var: int
    turvar: str | None  # kept (and requested) turvar val; None: pick by label / the only one
    turvar_labels: tuple[str, ...]
    subperiods: dict[int, str]  # turtahun val -> "year" | "Q1".."Q4" | "S1" "S2"
    period_type: str
    unit: str
    description: str
    confirmed: bool
    years: tuple[int, int]  # inclusive window
    domain: str = "0000"

    @property
    def turth(self) -> int | None:
        """The turtahun to request (`turth/{x}`) when the series keeps exactly one."""
        return next(iter(self.subperiods)) if len(self.subperiods) == 1 else None

    def period_of(self, year: int, turtahun: int) -> tuple[str, str]:
        """(period, period_type) of a row: ("2024", "year"), ("2024Q3", "quarter")."""
        code = self.subperiods[turtahun]
        if code == "year":
            return str(year), "year"
        return f"{year}{code}", self.period_type

    def year_list(self) -> list[int]:
        return list(range(self.years[0], self.years[1] + 1))


@dataclass(frozen=True)
class SeriesConfig:
    years: tuple[int, int]
    series: tuple[Series, ...]
    path: Path

    def by_measure(self, measure: str) -> Series:
        for s in self.series:
            if s.measure == measure:
                return s
        raise KeyError(measure)


def year_chunks(years: list[int] | range, size: int = MAX_YEARS_PER_CALL) -> list[list[int]]:
    """Sorted, distinct years split into calls of at most `size` (2019..2025 -> 3+3+1)."""
    ordered = sorted(set(int(y) for y in years))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _years(raw: Any, where: str) -> tuple[int, int]:
    if not isinstance(raw, dict) or set(raw) != {"start", "end"}:
        raise BpsConfigError(f"{where}: 'years' must be a mapping {{start: YYYY, end: YYYY}}")
    start, end = raw["start"], raw["end"]
    for v in (start, end):
        if not isinstance(v, int) or isinstance(v, bool) or not 1900 <= v <= 2999:
            raise BpsConfigError(f"{where}: years must be 4-digit integers, got {v!r}")
    if start > end:
        raise BpsConfigError(f"{where}: years start {start} is after end {end}")
    return start, end


def _series(raw: Any, index: int, default_years: tuple[int, int], path: Path) -> Series:
    where = f"{path.name}: series[{index}]"
    if not isinstance(raw, dict):
        raise BpsConfigError(f"{where}: each series must be a mapping")
    if isinstance(raw.get("measure"), str):
        where += f" ({raw['measure']})"
    unknown = set(raw) - _FIELDS
    if unknown:
        raise BpsConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = _REQUIRED - set(raw)
    if missing:
        raise BpsConfigError(f"{where}: missing field(s) {sorted(missing)}")

    measure = raw["measure"]
    if not isinstance(measure, str) or not _MEASURE.fullmatch(measure):
        raise BpsConfigError(f"{where}: 'measure' must be a snake_case name, got {measure!r}")
    var = raw["var"]
    if not isinstance(var, int) or isinstance(var, bool) or var <= 0:
        raise BpsConfigError(f"{where}: 'var' must be a positive integer, got {var!r}")

    turvar = raw.get("turvar")
    if turvar is not None:
        if isinstance(turvar, bool) or not isinstance(turvar, int | str):
            raise BpsConfigError(f"{where}: 'turvar' must be an integer code, got {turvar!r}")
        turvar = str(turvar).strip()
        if not turvar.isdigit():
            raise BpsConfigError(f"{where}: 'turvar' must be an integer code, got {turvar!r}")
    labels = raw.get("turvar_labels") or []
    if isinstance(labels, str):
        labels = [labels]
    if not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels):
        raise BpsConfigError(f"{where}: 'turvar_labels' must be a list of labels")

    period_type = raw["period_type"]
    if period_type not in PERIOD_TYPES:
        raise BpsConfigError(
            f"{where}: 'period_type' must be one of {sorted(PERIOD_TYPES)}, got {period_type!r}"
        )
    subperiods = raw["subperiods"]
    if not isinstance(subperiods, dict) or not subperiods:
        raise BpsConfigError(f"{where}: 'subperiods' must map turtahun vals to period codes")
    clean: dict[int, str] = {}
    for key, code in subperiods.items():
        if isinstance(key, bool) or not isinstance(key, int) or key < 0:
            raise BpsConfigError(f"{where}: subperiod key {key!r} must be a turtahun val (int)")
        if not isinstance(code, str) or not PERIOD_TYPES[period_type].fullmatch(code):
            raise BpsConfigError(
                f"{where}: subperiod {key}: {code!r} is not a period code of a {period_type} series"
            )
        clean[key] = code
    if len(set(clean.values())) != len(clean):
        raise BpsConfigError(f"{where}: two subperiods map to the same period code")

    unit = raw["unit"]
    if not isinstance(unit, str):
        raise BpsConfigError(f"{where}: 'unit' must be text")
    description = raw.get("description") or ""
    if not isinstance(description, str):
        raise BpsConfigError(f"{where}: 'description' must be text")
    confirmed = raw.get("confirmed", False)
    if not isinstance(confirmed, bool):
        raise BpsConfigError(f"{where}: 'confirmed' must be true or false")
    domain = str(raw.get("domain", "0000"))
    if not re.fullmatch(r"\d{4}", domain):
        raise BpsConfigError(f"{where}: 'domain' must be a 4-digit BPS domain")
    years = _years(raw["years"], where) if "years" in raw else default_years
    return Series(
        measure=measure,
        var=var,
        turvar=turvar,
        turvar_labels=tuple(x.strip() for x in labels),
        subperiods=clean,
        period_type=period_type,
        unit=unit,
        description=description.strip(),
        confirmed=confirmed,
        years=years,
        domain=domain,
    )


def load_series(path: str | Path | None = None) -> SeriesConfig:
    """Read and validate a series file (default: the bundled `series.yaml`)."""
    path = Path(path) if path else SERIES_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BpsConfigError(f"cannot read series file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise BpsConfigError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or "series" not in raw:
        raise BpsConfigError(f"{path.name}: expected a mapping with a 'series' list")
    unknown = set(raw) - {"years", "series"}
    if unknown:
        raise BpsConfigError(f"{path.name}: unknown top-level field(s) {sorted(unknown)}")
    if "years" not in raw:
        raise BpsConfigError(f"{path.name}: missing top-level 'years' {{start, end}}")
    default_years = _years(raw["years"], path.name)
    items = raw["series"]
    if not isinstance(items, list) or not items:
        raise BpsConfigError(f"{path.name}: 'series' must be a non-empty list")
    series = tuple(_series(item, i, default_years, path) for i, item in enumerate(items))
    seen: set[str] = set()
    for s in series:
        if s.measure in seen:
            raise BpsConfigError(f"{path.name}: measure {s.measure!r} is defined twice")
        seen.add(s.measure)
    return SeriesConfig(years=default_years, series=series, path=path)
