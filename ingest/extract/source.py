"""Reading the marts, the submissions in force and the BPS fetch state in one snapshot.

Every table and view of schema `marts` is read, whatever it is (dbt's transient
`*__dbt_tmp` / `*__dbt_backup` relations excepted). All reads run in one REPEATABLE READ,
READ ONLY transaction that first takes ACCESS SHARE locks on the marts: a `dbt build`
swapping a mart waits for the extract (at most seconds) instead of the extract seeing half
of a rebuild, so every file of one extract describes the same warehouse state.

Identifiers come from the catalog and are quoted with psycopg.sql; values are never
spliced into SQL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import psycopg
from psycopg import sql

from ingest.periods import Period

from .folder import ExtractError
from .quarter import row_filter

SCHEMA = "marts"
LOCK_TIMEOUT = "5min"  # how long to wait for a running dbt build to release a mart

# Base types read as Python values; any other type is read as its PostgreSQL text.
TEXT_TYPES = {"text", "varchar", "bpchar", "name"}
INT_TYPES = {"int2", "int4", "int8"}
NATIVE_TYPES = TEXT_TYPES | INT_TYPES | {
    "numeric", "float4", "float8", "date", "bool", "timestamptz", "timestamp",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str  # as PostgreSQL prints it: numeric(24,2), text, ...
    base: str  # base type (domains resolved): numeric, int8, text...; "text" if read as text
    precision: int | None = None  # numeric(p,s) only
    scale: int | None = None
    not_null: bool = False
    as_text: bool = False  # a type without a native mapping, read as PostgreSQL's text


@dataclass
class MartData:
    name: str
    columns: list[Column]
    rows: list[tuple]
    rows_in_mart: int
    filter: str | None  # the quarter filter applied, None = whole mart
    read_seconds: float = 0.0


@dataclass
class Snapshot:
    marts: list[MartData]
    submissions: list[dict] = field(default_factory=list)
    bps: list[dict] | None = None  # None: no raw.bps_fetches table


class TablesChanged(Exception):
    """The set of marts changed between listing and locking them (a dbt build ran)."""


def read_snapshot(conn: psycopg.Connection, quarter: Period, progress=None) -> Snapshot:
    """Everything the extract needs, read consistently. Retries when dbt swaps tables."""
    for attempt in range(3):
        try:
            return _read(conn, quarter, progress)
        except (TablesChanged, psycopg.errors.UndefinedTable) as exc:
            if attempt == 2:
                raise ExtractError(
                    "the marts kept changing while the extract started (a dbt build running?):"
                    " rerun the extract when it has finished"
                ) from exc
        except psycopg.errors.LockNotAvailable as exc:
            raise ExtractError(
                f"the marts stayed locked for {LOCK_TIMEOUT} (a dbt build still running?): "
                "rerun the extract when it has finished"
            ) from exc
    raise AssertionError("unreachable")


def _list_marts(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        """
        select c.relname
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s
          and c.relkind in ('r', 'p', 'v', 'm')
          and not c.relispartition
          and c.relname !~ '__dbt_(tmp|backup)$'
        order by c.relname collate "C"
        """,
        (SCHEMA,),
    ).fetchall()
    return [r[0] for r in rows]


def _read(conn: psycopg.Connection, quarter: Period, progress) -> Snapshot:
    names = _list_marts(conn)
    with conn.transaction():
        conn.execute("set transaction isolation level repeatable read, read only")
        conn.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
        conn.execute("set local timezone = 'UTC'")
        conn.execute("set local datestyle = 'ISO, YMD'")
        conn.execute("set local intervalstyle = 'iso_8601'")
        conn.execute("set local extra_float_digits = 1")
        tables = [sql.Identifier(SCHEMA, n) for n in names]
        if tables:  # LOCK comes before any query, so the snapshot is taken after the locks
            lock = sql.SQL("lock table {} in access share mode")
            conn.execute(lock.format(sql.SQL(", ").join(tables)))
        if _list_marts(conn) != names:
            raise TablesChanged
        marts = []
        for name in names:
            t0 = time.perf_counter()
            mart = _read_mart(conn, name, quarter)
            mart.read_seconds = time.perf_counter() - t0
            if progress:
                scope = f", {mart.filter}" if mart.filter else ""
                progress(
                    f"  read {name}: {len(mart.rows)} of {mart.rows_in_mart} rows{scope}"
                    f" ({mart.read_seconds:.2f} s)"
                )
            marts.append(mart)
        referenced = sorted(
            {
                int(row[i])
                for m in marts
                for i, c in enumerate(m.columns)
                if c.name == "source_submission_id"
                for row in m.rows
                if row[i] is not None
            }
        )
        submissions = _submissions(conn, quarter.end, referenced, marts)
        bps = _bps_state(conn)
    return Snapshot(marts=marts, submissions=submissions, bps=bps)


def _columns(conn: psycopg.Connection, name: str) -> list[Column]:
    rows = conn.execute(
        """
        select a.attname,
               format_type(a.atttypid, a.atttypmod),
               coalesce(bt.typname, t.typname),
               case when t.typtype = 'd' then t.typtypmod else a.atttypmod end,
               a.attnotnull
        from pg_attribute a
        join pg_type t on t.oid = a.atttypid
        left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
        where a.attrelid = (
                select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = %s and c.relname = %s)
          and a.attnum > 0 and not a.attisdropped
        order by a.attnum
        """,
        (SCHEMA, name),
    ).fetchall()
    columns = []
    for attname, pg_type, base, typmod, not_null in rows:
        precision = scale = None
        if base == "numeric" and typmod is not None and typmod >= 4:
            precision, scale = ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF
        as_text = base not in NATIVE_TYPES  # json, uuid, arrays, intervals...: their text
        columns.append(
            Column(
                attname,
                pg_type,
                "text" if as_text else base,
                precision,
                scale,
                bool(not_null),
                as_text,
            )
        )
    return columns


def _read_mart(conn: psycopg.Connection, name: str, quarter: Period) -> MartData:
    columns = _columns(conn, name)
    select, order = [], []
    for c in columns:
        ident = sql.Identifier(c.name)
        if c.as_text:
            select.append(sql.SQL("{}::text as {}").format(ident, ident))
            order.append(sql.SQL('{}::text collate "C"').format(ident))
        elif c.base in TEXT_TYPES:
            select.append(ident)
            order.append(sql.SQL('{} collate "C"').format(ident))
        else:
            select.append(ident)
            order.append(ident)
    rows: list[tuple] = []
    if columns:
        query = sql.SQL("select {} from {} order by {}").format(
            sql.SQL(", ").join(select), sql.Identifier(SCHEMA, name), sql.SQL(", ").join(order)
        )
        rows = conn.execute(query).fetchall()
    total = len(rows)
    rule = row_filter([c.name for c in columns], quarter)
    if rule:
        index, _, keep = rule
        rows = [r for r in rows if keep(r[index])]
    return MartData(name, columns, rows, total, rule[1] if rule else None)


def _exists(conn: psycopg.Connection, relation: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (relation,)).fetchone()[0]


def _submissions(
    conn: psycopg.Connection, quarter_end: date, referenced: list[int], marts: list[MartData]
) -> list[dict]:
    """The submissions in force (view raw.submissions_in_force) for periods closed by the
    quarter end, plus every submission a mart row names in `source_submission_id` (with the
    marts that name it)."""
    if not _exists(conn, "raw.submissions"):
        return []
    rows = conn.execute(
        """
        select s.submission_id, s.dataset, s.province_code, s.period, s.file_name, s.sha256,
               s.outcome, f.submission_id is not null as in_force
        from raw.submissions as s
        left join raw.submissions_in_force as f on f.submission_id = s.submission_id
        where (f.submission_id is not null and s.period_end <= %(end)s)
           or s.submission_id = any(%(ids)s)
        order by s.dataset collate "C", s.province_code collate "C", s.period collate "C",
                 s.submission_id
        """,
        {"end": quarter_end, "ids": referenced},
    ).fetchall()
    users: dict[int, list[str]] = {}
    for m in marts:
        for i, c in enumerate(m.columns):
            if c.name == "source_submission_id":
                for sid in sorted({int(r[i]) for r in m.rows if r[i] is not None}):
                    users.setdefault(sid, []).append(m.name)
    return [
        {
            "submission_id": sid,
            "dataset": dataset,
            "province_code": province,
            "period": period,
            "file_name": file_name,
            "sha256": sha256,
            "outcome": outcome,
            "in_force": in_force,
            "used_by": users.get(sid, []),
        }
        for sid, dataset, province, period, file_name, sha256, outcome, in_force in rows
    ]


def _bps_state(conn: psycopg.Connection) -> list[dict] | None:
    """BPS's latest last_update per measure (None when the table does not exist).

    Only BPS's own dates, not when the fetches ran: a fetch that changed nothing leaves the
    manifest unchanged."""
    if not _exists(conn, "raw.bps_fetches"):
        return None
    rows = conn.execute(
        """
        select measure, max(last_update)
        from raw.bps_fetches
        group by measure
        order by measure collate "C"
        """
    ).fetchall()
    return [
        {"measure": measure, "last_update": last_update.isoformat() if last_update else None}
        for measure, last_update in rows
    ]
