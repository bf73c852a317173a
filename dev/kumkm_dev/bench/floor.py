"""The client floor: the least work any loader of the submitted files must do, measured.

The issue's target compares the loader with a bare COPY of pre-cleaned rows into an
unconstrained twin of raw.umkm. On 2 cores the client and PostgreSQL share the CPU, so a
loader that must hash, read and send the files cannot reach that bare COPY; this stage
measures how far one can get on the same submitted files, with nothing a real loader could
leave out taken away and everything it adds (normalisation, typing, rules, quarantine,
duplicate keys) left out:

- per file, in as many worker processes as the loader has (files biggest first), one
  transaction per file, as the loader works;
- SHA-256 of the file (`file_hash.sha256_of`: the loader keys the skip of a file already loaded
  on it, before the file's transaction);
- the body read by pyarrow.csv below the header row (the bench files have one header row
  and no title rows: kumkm_dev.sample_data.large), every column as string, one thread per
  worker; each batch written by pyarrow's CSV writer into `COPY ... (format csv)`, as the
  loader writes its batches, cells unchanged;
- into a fresh all-text table created in the transaction, attached as the file's partition
  of a LIST-partitioned all-text twin (the file's columns plus submission_id and
  row_number; primary key (submission_id, row_number) on the parent, built at attach), as
  the loader does with raw.umkm.

The `bytes` variant does not parse in the client: it streams the file's bytes below the
header straight into `COPY ... (format csv, delimiter ';')`, PostgreSQL parsing the cells
(empty cells kept as empty text, as pyarrow gives them); submission_id is the partition's
default and row_number an identity counting from the first data line (2). It is the bound
for a loader that lets PostgreSQL parse.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from psycopg import sql
from pyarrow import csv

from ingest import warehouse
from ingest.submissions.file_hash import sha256_of
from kumkm_dev.bench.measure import Progress, checkpoint, measure, stage_record

SCHEMA = "bench"
DELIMITER = ";"  # kumkm_dev.sample_data.large writes `;`-delimited UTF-8
READ_BLOCK = 4 << 20  # pyarrow.csv block: 4 MB, the block size of the loader's plain reader
SEND_BLOCK = 1 << 20  # bytes variant: the file sent in 1 MiB blocks, like psql's \copy
FIRST_DATA_LINE = 2  # one header row: row_number is the line number, as the loader's
VARIANTS = {
    "parsed": (
        "umkm_floor",
        "SHA-256 + pyarrow.csv (all columns string, use_threads=False) + pyarrow CSV writer "
        "into COPY (format csv); partition per file",
    ),
    "bytes": (
        "umkm_floor_bytes",
        "SHA-256 + the file's bytes below the header straight into COPY (format csv, "
        "delimiter ';'), PostgreSQL parses; partition per file",
    ),
}


def header_of(path: Path) -> list[str]:
    """The column names of a bench file: its first line (no title rows, no quoting)."""
    with path.open("rb") as f:
        return f.readline().decode("utf-8").rstrip("\r\n").split(DELIMITER)


def _create_parent(conn: Any, table: str, header: list[str]) -> None:
    name = sql.Identifier(SCHEMA, table)
    conn.execute(sql.SQL("drop table if exists {} cascade").format(name))
    conn.execute(
        sql.SQL(
            "create table {} (submission_id bigint not null, row_number bigint not null, {}, "
            "primary key (submission_id, row_number)) partition by list (submission_id)"
        ).format(
            name, sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in header)
        )
    )


def _copy_parsed(conn: Any, part: sql.Identifier, path: Path, sid: int, header: list[str]) -> dict:
    """The body through pyarrow.csv and pyarrow's CSV writer into COPY; rows and seconds."""
    t = {"read_s": 0.0, "format_s": 0.0, "send_s": 0.0}
    reader = csv.open_csv(
        path,
        read_options=csv.ReadOptions(
            use_threads=False, block_size=READ_BLOCK, skip_rows=1, column_names=header
        ),
        parse_options=csv.ParseOptions(delimiter=DELIMITER),
        convert_options=csv.ConvertOptions(column_types={c: pa.string() for c in header}),
    )
    names = ["submission_id", "row_number", *header]
    statement = sql.SQL("copy {} ({}) from stdin (format csv)").format(
        part, sql.SQL(", ").join(map(sql.Identifier, names))
    )
    rows = 0
    options = csv.WriteOptions(include_header=False)
    cursor = conn.cursor()
    with cursor.copy(statement) as copy:
        while True:
            t0 = time.perf_counter()
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            t1 = time.perf_counter()
            n = batch.num_rows
            start = FIRST_DATA_LINE + rows
            numbers = pa.array(np.arange(start, start + n, dtype=np.int64))
            table = pa.Table.from_arrays(
                [pa.repeat(pa.scalar(sid, pa.int64()), n), numbers, *batch.columns], names=names
            )
            sink = io.BytesIO()
            csv.write_csv(table, sink, options)
            t2 = time.perf_counter()
            copy.write(sink.getbuffer())
            t["read_s"] += t1 - t0
            t["format_s"] += t2 - t1
            t["send_s"] += time.perf_counter() - t2
            rows += n
        t0 = time.perf_counter()
    t["send_s"] += time.perf_counter() - t0  # the end of the COPY: the server's last rows
    if cursor.rowcount != rows:
        raise RuntimeError(f"{path.name}: read {rows} rows, COPY stored {cursor.rowcount}")
    return {"rows": rows, **t}


def _copy_bytes(conn: Any, part: sql.Identifier, path: Path, sid: int, header: list[str]) -> dict:
    """The file's bytes below the header into COPY (format csv): PostgreSQL parses."""
    conn.execute(
        sql.SQL(
            "alter table {} alter column submission_id set default {}, "
            "alter column row_number add generated always as identity (start with {} cache 16384)"
        ).format(part, sql.Literal(sid), sql.Literal(FIRST_DATA_LINE))
    )
    columns = sql.SQL(", ").join(map(sql.Identifier, header))
    statement = sql.SQL(
        "copy {} ({}) from stdin (format csv, delimiter {}, force_not_null ({}))"
    ).format(part, columns, sql.Literal(DELIMITER), columns)
    t0 = time.perf_counter()
    cursor = conn.cursor()
    with path.open("rb") as f, cursor.copy(statement) as copy:
        f.readline()  # the header row
        while block := f.read(SEND_BLOCK):
            copy.write(block)
    send_s = time.perf_counter() - t0
    # the identity was the partition's own: the parent has none, the values stay
    conn.execute(sql.SQL("alter table {} alter column row_number drop identity").format(part))
    return {"rows": cursor.rowcount, "send_s": send_s}


def _load_file(conninfo: str, variant: str, path: Path, sid: int, header: list[str]) -> dict:
    """Worker process: one file, one transaction; its rows and where its time went."""
    table = VARIANTS[variant][0]
    t0 = time.perf_counter()
    sha256_of(path)  # what the loader must compute before the file's transaction
    t1 = time.perf_counter()
    parent = sql.Identifier(SCHEMA, table)
    part = sql.Identifier(SCHEMA, f"{table}_s{sid}")
    with warehouse.connect(conninfo) as conn, conn.transaction():
        conn.execute(
            sql.SQL(
                "create table {} (like {} including defaults, check (submission_id = {}))"
            ).format(part, parent, sql.Literal(sid))
        )
        copy = (_copy_parsed if variant == "parsed" else _copy_bytes)(conn, part, path, sid, header)
        t2 = time.perf_counter()
        conn.execute(
            sql.SQL("alter table {} attach partition {} for values in ({})").format(
                parent, part, sql.Literal(sid)
            )
        )
    t3 = time.perf_counter()
    return {"sha256_s": t1 - t0, "attach_commit_s": t3 - t2, **copy}


def _run_variant(conninfo: str, variant: str, files: list[Path], workers: int) -> list[dict]:
    biggest_first = sorted(files, key=lambda p: -p.stat().st_size)
    headers = [header_of(p) for p in biggest_first]
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(_load_file, conninfo, variant, path, sid, header)
            for sid, (path, header) in enumerate(zip(biggest_first, headers, strict=True), 1)
        ]
        return [f.result() for f in futures]


def run_floor(
    conninfo: str,
    dbname: str,
    files: list[Path],
    workers: int,
    interval: float,
    say: Progress,
    variants: tuple[str, ...] = tuple(VARIANTS),
) -> dict[str, Any]:
    """Both variants over `files` (every one with the same header); each variant's twin is
    dropped after its rows are counted."""
    header = header_of(files[0])
    if any(header_of(p) != header for p in files):
        raise ValueError("client floor: the files do not share one header")
    out: dict[str, Any] = {"variants": {}}
    for variant in variants:
        table, how = VARIANTS[variant]
        name = sql.Identifier(SCHEMA, table)
        with warehouse.connect(conninfo) as conn:
            conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(SCHEMA)))
            _create_parent(conn, table, header)
        checkpoint(conninfo)
        say(f"  client floor ({variant}) -> {SCHEMA}.{table} ({workers} workers)")
        with measure(f"floor:{variant}", dbname, interval) as m:
            per_file = _run_variant(conninfo, variant, files, workers)
        with warehouse.connect(conninfo) as conn:
            rows = conn.execute(sql.SQL("select count(*) from {}").format(name)).fetchone()[0]
            conn.execute(sql.SQL("drop table {} cascade").format(name))
            dropped = conn.execute(
                "select to_regclass(%s) is null", (f"{SCHEMA}.{table}",)
            ).fetchone()[0]
        worker_cpu = m.cpu_children_s
        parts = {
            k: round(sum(f.get(k, 0.0) for f in per_file), 2)
            for k in per_file[0]
            if k.endswith("_s")
        }
        out["variants"][variant] = stage_record(
            m,
            rows,
            table=f"{SCHEMA}.{table}",
            how=how,
            workers=workers,
            files=len(files),
            rows_copied=sum(f["rows"] for f in per_file),
            worker_cpu_us_per_row=round(1e6 * worker_cpu / rows, 3) if rows else None,
            worker_seconds=parts,
            dropped=dropped,
        )
        say(
            f"  client floor {variant}: {rows:,} rows in {m.wall_s:.1f}s "
            f"({rows / m.wall_s:,.0f} rows/s), worker CPU {1e6 * worker_cpu / max(rows, 1):.2f} "
            f"us/row; worker seconds {parts}"
        )
    return out
