"""As-of replay: the marts as they stood at a quarter's end, rebuilt from the raw history.

The marts hold the current state: a resubmission that arrived after the quarter's end has
replaced what was in force then. A backfilled extract must give the figures in force at the
quarter's end (marts.md): per (dataset, province, period), the latest accepted submission
that had ARRIVED by then (arrival = the file's modification time, submissions.md section 1).

When any submission arrived after the quarter's end (Asia/Jakarta), `replayed_marts`
builds the marts again in a scratch database on the same server: a copy of the raw layer
holding only the submissions that had arrived by then (and their rows), the BPS tables
whole, and `dbt build` with `KUMKM_AS_OF` = the quarter's last day (so compliance is
evaluated at that date too). The extract reads that database; it is dropped afterwards.
Nothing in the warehouse itself changes. The cost is one copy of the raw layer of those
submissions and one dbt build (seconds on the sample data, minutes on millions of rows).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from ingest import dbt_runner, warehouse
from ingest.periods import Period
from ingest.submissions.load import add_partition

from .folder import ExtractError
from .quarter import JAKARTA

DATASET_TABLES = ("koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama")
ROW_TABLES = (*DATASET_TABLES, "quarantine")  # keyed by submission_id
WHOLE_TABLES = ("bps_observations", "bps_fetches")


def cutoff_of(quarter: Period) -> datetime:
    """The end of the quarter's last day in Asia/Jakarta: files arrived before it count."""
    return datetime.combine(quarter.end + timedelta(days=1), time(0), tzinfo=JAKARTA)


def arrived_after(conn: psycopg.Connection, quarter: Period) -> int:
    """Submissions that arrived after the quarter's end (0 when there is no log)."""
    if conn.execute("select to_regclass('raw.submissions') is null").fetchone()[0]:
        return 0
    return conn.execute(
        "select count(*) from raw.submissions where file_mtime >= %s", (cutoff_of(quarter),)
    ).fetchone()[0]


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = %s and is_generated = 'NEVER' "
        "order by ordinal_position",
        (table,),
    ).fetchall()
    return [r[0] for r in rows]


def _copy(src: psycopg.Connection, dst: psycopg.Connection, table: str, where: str, params):
    columns = _columns(src, table)
    if not columns:
        return
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    target = sql.Identifier("raw", table)
    with (
        src.cursor() as cur_src,
        dst.cursor() as cur_dst,
        cur_src.copy(
            sql.SQL("copy (select {} from {} where {}) to stdout (format binary)").format(
                names, target, sql.SQL(where)
            ),
            params,
        ) as reader,
        cur_dst.copy(
            sql.SQL("copy {} ({}) from stdin (format binary)").format(target, names)
        ) as writer,
    ):
        for block in reader:
            writer.write(block)


def _copy_raw_as_of(src_url: str, dst_url: str, quarter: Period) -> int:
    cutoff = cutoff_of(quarter)
    with warehouse.connect(src_url) as src, warehouse.connect(dst_url) as dst:
        warehouse.migrate(dst)
        with src.transaction(), dst.transaction():
            src.execute("set transaction isolation level repeatable read, read only")
            _copy(src, dst, "submissions", "file_mtime < %s", (cutoff,))
            kept = (
                "submission_id in (select submission_id from raw.submissions where file_mtime < %s)"
            )
            for table in DATASET_TABLES:  # one partition per submission, as the loader makes
                for (sid,) in src.execute(
                    sql.SQL("select distinct submission_id from {} where {}").format(
                        sql.Identifier("raw", table), sql.SQL(kept)
                    ),
                    (cutoff,),
                ):
                    add_partition(dst, table, sid)
            for table in ROW_TABLES:
                _copy(src, dst, table, kept, (cutoff,))
            for table in WHOLE_TABLES:
                _copy(src, dst, table, "true", ())
            return dst.execute("select count(*) from raw.submissions").fetchone()[0]


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def replayed_marts(
    conninfo: str | None, quarter: Period, progress: Callable[[str], object]
) -> Iterator[str]:
    """The URL of a scratch database whose marts are the marts as of the quarter's end."""
    src_url = conninfo or warehouse.url()
    name = f"kumkm_asof_{quarter.label.lower()}_{secrets.token_hex(4)}"
    parts = urlsplit(src_url)
    dst_url = urlunsplit(parts._replace(path=f"/{name}"))
    admin_db = warehouse.libpq_params(src_url)["dbname"]
    with warehouse.connect(src_url) as admin:
        try:
            admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise ExtractError(
                f"the as-of replay needs a scratch database and {admin_db!r}'s user may not "
                f"create one ({exc.diag.message_primary}): grant CREATEDB, or extract from "
                "the current marts"
            ) from exc
    try:
        kept = _copy_raw_as_of(src_url, dst_url, quarter)
        progress(f"  as-of replay: {kept} submissions had arrived by {quarter.end}; dbt build")
        with (
            tempfile.TemporaryDirectory(prefix="kumkm-asof-") as target,
            _environment(KUMKM_AS_OF=quarter.end.isoformat()),
        ):
            dbt_runner.run_dbt(dst_url, "build", target_path=Path(target))
        yield dst_url
    finally:
        with warehouse.connect(src_url) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
