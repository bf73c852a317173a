"""Writing BPS observations and fetch records to the warehouse (raw.bps_*).

Upserts are keyed by (measure, bps_code, year, subperiod). A row is rewritten only when a
stored attribute differs (`on conflict do update ... where (...) is distinct from (...)`),
so reloading the same answer changes nothing, `fetched_at` included (it reads "inserted or
last changed at"). Rows are never deleted. Snapshot rows (source 'snapshot') never replace
rows fetched from the API.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import psycopg

log = logging.getLogger(__name__)

DDL_FILE = Path(__file__).resolve().parents[1] / "ddl" / "020_bps.sql"

_COLUMNS = (
    "measure",
    "var_id",
    "turvar",
    "turvar_label",
    "vervar",
    "province_code",
    "bps_code",
    "is_national",
    "year",
    "subperiod",
    "subperiod_label",
    "period",
    "period_type",
    "value",
    "unit",
    "last_update",
    "source",
    "fetched_at",
)
_KEY = ("measure", "bps_code", "year", "subperiod")
_COMPARED = [c for c in _COLUMNS if c not in _KEY and c != "fetched_at"]

UPSERT_SQL = f"""
insert into raw.bps_observations as t ({", ".join(_COLUMNS)})
values ({", ".join(["%s"] * len(_COLUMNS))})
on conflict ({", ".join(_KEY)}) do update set
    {", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in _KEY)}
where ({", ".join(f"t.{c}" for c in _COMPARED)})
      is distinct from ({", ".join(f"excluded.{c}" for c in _COMPARED)})
  and not (t.source = 'api' and excluded.source = 'snapshot')
returning (xmax = 0) as inserted
"""


@dataclass(frozen=True)
class Row:
    measure: str
    var_id: int
    turvar: str
    turvar_label: str | None
    vervar: str
    province_code: str | None
    bps_code: str
    is_national: bool
    year: int
    subperiod: int
    subperiod_label: str | None
    period: str
    period_type: str
    value: Decimal
    unit: str | None
    last_update: datetime | None
    source: str

    def params(self, fetched_at: datetime) -> tuple:
        return (*(getattr(self, c) for c in _COLUMNS if c != "fetched_at"), fetched_at)


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


def parse_last_update(text: str | None) -> datetime | None:
    """BPS `last_update` ("2026-02-19 10:27:07") as a naive timestamp; None if unusable."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).strip())
    except ValueError:
        log.warning("BPS last_update %r is not a timestamp: ignored", text)
        return None


def ensure_tables(conn: psycopg.Connection) -> None:
    """Apply 020_bps.sql (idempotent), so the pipeline runs on a database not yet migrated."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('kumkm.migrate'))")
        conn.execute(DDL_FILE.read_text(encoding="utf-8"))


def upsert_observations(
    conn: psycopg.Connection, rows: Sequence[Row], *, fetched_at: datetime
) -> UpsertCounts:
    """Insert or update `rows` (call inside a transaction); counts of what changed."""
    if not rows:
        return UpsertCounts()
    keys = [(r.measure, r.bps_code, r.year, r.subperiod) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate (measure, bps_code, year, subperiod) in one load")
    inserted = updated = 0
    with conn.cursor() as cur:
        cur.executemany(UPSERT_SQL, [r.params(fetched_at) for r in rows], returning=True)
        while True:
            result = cur.fetchone()
            if result is not None:
                if result[0]:
                    inserted += 1
                else:
                    updated += 1
            if not cur.nextset():
                break
    return UpsertCounts(inserted, updated, len(rows) - inserted - updated)


def record_fetch(
    conn: psycopg.Connection,
    *,
    run_id: str,
    measure: str,
    var_id: int,
    years: Sequence[int],
    status: str,
    source: str,
    fetched_at: datetime,
    years_missing: Sequence[int] = (),
    error: str | None = None,
    last_update: datetime | None = None,
    rows: int = 0,
    rows_changed: int = 0,
    request: str | None = None,
) -> None:
    conn.execute(
        """
        insert into raw.bps_fetches
            (run_id, measure, var_id, years, years_missing, status, error, last_update,
             rows, rows_changed, request, fetched_at, source)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        """,
        (
            run_id,
            measure,
            var_id,
            list(years),
            list(years_missing),
            status,
            error,
            last_update,
            rows,
            rows_changed,
            request,
            fetched_at,
            source,
        ),
    )
