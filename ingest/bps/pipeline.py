"""The BPS ingest run: fetch -> decode -> upsert, for every configured series.

`ingest_bps(conninfo)` is what the Airflow task calls. With `BPS_API_KEY` set it reads the
WebAPI at `BPS_API_URL`; without it, the bundled snapshot of published figures
(ingest/bps/snapshot/).
Each series is fetched in chunks of at most 3 years. Per chunk, in one transaction, the
observations are upserted and the fetch is recorded in raw.bps_fetches:
- `ok`: cells loaded (requested years without any cell are listed in years_missing);
- `unavailable`: BPS answered not-available / list-not-available, or no cell for those
  years; this is a result, not a failure;
- `error`: the fetch failed after retries (or the answer could not be used); nothing is
  deleted, so the previous good rows stay.
Everything that succeeded is loaded; then, if any chunk failed, `BpsIngestFailed` is
raised (carrying the summary) so that the Airflow task goes red.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ingest import warehouse
from ingest.bps import load
from ingest.bps.client import BpsClient
from ingest.bps.decode import Decoded, clean_label, decode
from ingest.bps.errors import BpsConfigError, BpsError, BpsIngestFailed
from ingest.bps.series import Series, SeriesConfig, load_series, year_chunks
from ingest.bps.snapshot import SnapshotSource
from ingest.config import Settings
from ingest.config import settings as current_settings

log = logging.getLogger(__name__)


class Source(Protocol):
    name: str  # 'api' | 'snapshot'

    def fetch(self, series: Series, years: list[int]) -> list[tuple[str, dict]]: ...

    def close(self) -> None: ...


class ApiSource:
    """The BPS WebAPI, through a BpsClient: one call per chunk."""

    name = "api"

    def __init__(self, client: BpsClient):
        self.client = client

    def __repr__(self) -> str:
        return f"ApiSource({self.client!r})"

    def fetch(self, series: Series, years: list[int]) -> list[tuple[str, dict]]:
        response = self.client.data(
            series.var, years, turvar=series.turvar, turth=series.turth, domain=series.domain
        )
        return [(response.url, response.body)]

    def close(self) -> None:
        self.client.close()


@dataclass
class SeriesSummary:
    measure: str
    var_id: int
    confirmed: bool
    rows_received: int = 0  # observations with a value, upserted
    rows_inserted: int = 0
    rows_updated: int = 0
    years_loaded: list[int] = field(default_factory=list)
    years_unavailable: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    last_update: str | None = None

    @property
    def rows_changed(self) -> int:
        return self.rows_inserted + self.rows_updated

    @property
    def rows_unchanged(self) -> int:
        return self.rows_received - self.rows_changed

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class BpsRunSummary:
    run_id: str
    source: str  # 'api' | 'snapshot'
    started_at: datetime
    finished_at: datetime | None = None
    series: list[SeriesSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.series)

    @property
    def rows_changed(self) -> int:
        return sum(s.rows_changed for s in self.series)

    @property
    def errors(self) -> list[str]:
        return [f"{s.measure}: {e}" for s in self.series for e in s.errors]

    def by_measure(self, measure: str) -> SeriesSummary:
        return next(s for s in self.series if s.measure == measure)

    def to_dict(self) -> dict:
        """JSON-friendly (for an Airflow XCom)."""
        out = asdict(self)
        out["started_at"] = self.started_at.isoformat()
        out["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        for s, d in zip(self.series, out["series"], strict=True):
            d["rows_changed"] = s.rows_changed
            d["rows_unchanged"] = s.rows_unchanged
        out["ok"] = self.ok
        return out

    def describe(self) -> str:
        lines = [f"BPS ingest {self.run_id} from {self.source}:"]
        for s in self.series:
            lines.append(
                f"  {s.measure} (var {s.var_id}): {s.rows_received} rows, "
                f"{s.rows_inserted} inserted, {s.rows_updated} updated; "
                f"years loaded {_span(s.years_loaded)}, unavailable {_span(s.years_unavailable)}"
                + (f"; ERRORS: {'; '.join(s.errors)}" if s.errors else "")
            )
        return "\n".join(lines)


def _span(years: Iterable[int]) -> str:
    years = sorted(years)
    return ",".join(map(str, years)) if years else "-"


def _norm_label(text: str) -> str:
    return " ".join(clean_label(text).lower().split())


def choose_turvar(series: Series, decoded: Decoded) -> str:
    """The turvar val to keep for a series (configured, picked by label, or the only one)."""
    if series.turvar is not None:
        return series.turvar
    available = decoded.turvars
    if series.turvar_labels:
        wanted = [_norm_label(x) for x in series.turvar_labels]
        for label in wanted:
            for val, got in available:
                if _norm_label(got) == label:
                    return val
    elif len(available) == 1:
        return available[0][0]
    listed = ", ".join(f"{v}={lbl!r}" for v, lbl in available) or "none"
    raise BpsConfigError(
        f"series {series.measure}: cannot choose a turvar (BPS lists: {listed}); "
        "set 'turvar' or 'turvar_labels' in the series file"
    )


def rows_of(
    series: Series, decoded: Decoded, years: list[int], source: str
) -> tuple[list[load.Row], set[int]]:
    """Warehouse rows of one decoded answer, and the years they cover."""
    turvar = choose_turvar(series, decoded)
    last_update = load.parse_last_update(decoded.last_update)
    rows, seen = [], set()
    for obs in decoded.observations:
        if obs.turvar_val != turvar or obs.year not in years:
            continue
        if obs.turtahun_val not in series.subperiods or obs.value is None:
            continue  # an empty cell is missing: no row, never zero
        period, period_type = series.period_of(obs.year, obs.turtahun_val)
        rows.append(
            load.Row(
                measure=series.measure,
                var_id=obs.var_id,
                turvar=obs.turvar_val,
                turvar_label=obs.turvar_label or None,
                vervar=obs.vervar,
                province_code=obs.province_code,
                bps_code=obs.bps_code,
                is_national=obs.is_national,
                year=obs.year,
                subperiod=obs.turtahun_val,
                subperiod_label=obs.turtahun_label or None,
                period=period,
                period_type=period_type,
                value=obs.value,
                unit=obs.unit or series.unit,
                last_update=last_update,
                source=source,
            )
        )
        seen.add(obs.year)
    return rows, seen


def _merge(rows: list[load.Row]) -> list[load.Row]:
    """One row per key (several snapshot files may hold the same cell: the last wins)."""
    by_key = {(r.measure, r.bps_code, r.year, r.subperiod): r for r in rows}
    return list(by_key.values())


def _load_chunk(
    conn, source: Source, series: Series, years: list[int], run_id: str, summary: SeriesSummary
) -> None:
    fetched_at = datetime.now(UTC)
    request = None
    try:
        answers = source.fetch(series, years)
        request = " ".join(name for name, _ in answers)
        rows: list[load.Row] = []
        covered: set[int] = set()
        available = False
        last_update = None
        for _, body in answers:
            decoded = decode(body, var_id=series.var, turtahun=list(series.subperiods))
            if not decoded.available:
                continue
            available = True
            last_update = max(filter(None, (last_update, decoded.last_update)), default=None)
            chunk_rows, chunk_years = rows_of(series, decoded, years, source.name)
            rows.extend(chunk_rows)
            covered |= chunk_years
        rows = _merge(rows)
    except BpsError as exc:
        message = str(exc)
        log.error("BPS %s (var %s) %s: %s", series.measure, series.var, _span(years), message)
        summary.errors.append(f"{_span(years)}: {message}")
        with conn.transaction():
            load.record_fetch(
                conn,
                run_id=run_id,
                measure=series.measure,
                var_id=series.var,
                years=years,
                status="error",
                source=source.name,
                fetched_at=fetched_at,
                error=message,
                request=request,
            )
        return
    missing = sorted(set(years) - covered)
    status = "ok" if rows else "unavailable"
    with conn.transaction():
        counts = load.upsert_observations(conn, rows, fetched_at=fetched_at)
        load.record_fetch(
            conn,
            run_id=run_id,
            measure=series.measure,
            var_id=series.var,
            years=years,
            years_missing=missing,
            status=status,
            source=source.name,
            fetched_at=fetched_at,
            last_update=load.parse_last_update(last_update),
            rows=len(rows),
            rows_changed=counts.changed,
            request=request,
        )
    summary.rows_received += len(rows)
    summary.rows_inserted += counts.inserted
    summary.rows_updated += counts.updated
    summary.years_loaded.extend(sorted(covered))
    summary.years_unavailable.extend(missing)
    if last_update and (summary.last_update is None or last_update > summary.last_update):
        summary.last_update = last_update
    log.info(
        "BPS %s (var %s) %s: %s%s, %d rows, %d inserted, %d updated",
        series.measure,
        series.var,
        _span(years),
        status,
        "" if available else f" ({source.name}: not available)",
        len(rows),
        counts.inserted,
        counts.updated,
    )
    if missing:
        log.info("BPS %s: no figures for %s", series.measure, _span(missing))


def make_source(settings: Settings, snapshot_dir: Path | None = None) -> Source:
    if settings.bps_api_key:
        return ApiSource(BpsClient(settings.bps_api_key, settings.bps_api_url))
    log.warning(
        "BPS_API_KEY is not set: loading the bundled offline snapshot (published BPS figures, "
        "partial coverage: see ingest/bps/snapshot/README.md)"
    )
    return SnapshotSource(snapshot_dir)


def ingest_bps(
    conninfo: str,
    *,
    settings: Settings | None = None,
    series_file: str | Path | None = None,
    config: SeriesConfig | None = None,
    source: Source | None = None,
    snapshot_dir: Path | None = None,
    measures: Iterable[str] | None = None,
    raise_on_error: bool = True,
) -> BpsRunSummary:
    """Fetch every configured BPS series and upsert it into raw.bps_observations.

    `settings` defaults to `ingest.config.settings()` (BPS_API_KEY, BPS_API_URL); `source`
    overrides the choice between API and snapshot (tests pass a client with short
    backoffs); `measures` limits the run to some series. Raises `BpsIngestFailed` at the
    end when any fetch failed (after loading everything that succeeded), unless
    `raise_on_error` is False.
    """
    settings = settings or current_settings()
    config = config or load_series(series_file)
    chosen = [s for s in config.series if measures is None or s.measure in set(measures)]
    own_source = source is None
    source = source or make_source(settings, snapshot_dir)
    summary = BpsRunSummary(
        run_id=uuid.uuid4().hex[:12], source=source.name, started_at=datetime.now(UTC)
    )
    log.info("BPS ingest %s: %d series from %s", summary.run_id, len(chosen), source.name)
    try:
        with warehouse.connect(conninfo) as conn:
            load.ensure_tables(conn)
            for series in chosen:
                result = SeriesSummary(series.measure, series.var, series.confirmed)
                summary.series.append(result)
                if not series.confirmed:
                    log.info("BPS %s: var %s is not confirmed live", series.measure, series.var)
                for chunk in year_chunks(series.year_list()):
                    _load_chunk(conn, source, series, chunk, summary.run_id, result)
    finally:
        if own_source:
            source.close()
        summary.finished_at = datetime.now(UTC)
    log.info("%s", summary.describe())
    if raise_on_error and not summary.ok:
        raise BpsIngestFailed(
            f"BPS ingest {summary.run_id}: {len(summary.errors)} fetch(es) failed "
            f"(what succeeded is loaded; previous rows kept): " + " | ".join(summary.errors),
            summary=summary,
        )
    return summary
