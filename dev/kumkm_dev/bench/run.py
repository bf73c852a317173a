"""The benchmark run: every stage on the same files and the same server, in one process.

Order (each timed stage starts after a CHECKPOINT, so none pays for the previous one's
dirty buffers):

1. generate    the dropzone (reused when already there), not a measured target;
2. load        the project's ingest: `ingest_dropzone` (parse + normalise + COPY);
3. bare COPY   export the loaded rows as pre-cleaned COPY files, then bare `COPY ... FROM`
               them into a twin of raw.umkm as it was before issue 14 (one table, primary
               key and foreign key) with one stream and with as many streams as loader
               workers; as the loader now writes (each file into a fresh table attached
               as its submission's partition, the primary key built once); and into an
               unconstrained table (the physical limit without the schema's constraints);
               then the client floor (dev/kumkm_dev/bench/floor.py): the submitted files
               hashed, read by pyarrow.csv and COPYed as text into a partition per file,
               no normalisation (the least any loader must do), and the same with the
               file's bytes sent to COPY unparsed;
4. bps         the BPS offline snapshot (the marts join it), small;
5. validate    the GX gate: `validate_pending`;
6. transform   the marts build (ingest.marts_build), the database's first: the whole project;
7. incremental one province resubmits its umkm file: load + gate + the marts build (the part
               of the project downstream of the changed register) until
               marts.umkm_contribution shows the new register; then, as a reference on the
               same data, a full build, whose marts must equal the selective build's;
8. to_sql      `pandas.DataFrame.to_sql` of a sample of the submitted CSVs (last, so that
               pandas stays out of the pipeline stages' memory figures);
9. dag parse   every dags/*.py in fresh interpreters, median of 3;
10. xlsx       a 200k-row register workbook through the loader (python-calamine), next to
               openpyxl reading the same file (dev/kumkm_dev/bench/xlsx.py), in its own database.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg

from ingest import marts_build, warehouse
from ingest.config import PROJECT_ROOT
from ingest.submissions import load as submissions
from ingest.summary import mart_checksums
from kumkm_dev.bench import data, floor, xlsx
from kumkm_dev.bench.measure import (
    Progress,
    checkpoint,
    lifetime_maxrss_mb,
    measure,
    stage_record,
)

log = logging.getLogger(__name__)

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DIR = PROJECT_ROOT / "bench"
DAGS_DIR = PROJECT_ROOT / "dags"
TO_SQL_DEFAULT_ROWS = 1_000_000
TO_SQL_CHUNKSIZE = 10_000
COPY_BLOCK = 1 << 20
RESULTS_VERSION = 1

DAG_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
t1 = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
t2 = time.perf_counter()
print("RESULT" + json.dumps({"import_airflow_s": t1 - t0, "parse_s": t2 - t1,
      "errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": len(bag.dags)}))
"""


@dataclass
class Options:
    rows: int
    workers: int | None = None
    admin_url: str = field(default_factory=lambda: os.environ.get("TEST_PG_URL", DEFAULT_ADMIN_URL))
    data_dir: Path = BENCH_DIR / "data"
    results_dir: Path = BENCH_DIR / "results"
    to_sql_rows: int | None = None  # default: min(1M, rows)
    dag_repeats: int = 3
    xlsx_rows: int = xlsx.XLSX_ROWS  # 0: no xlsx stage
    keep_db: bool = False
    sample_interval: float = 0.5


class BenchError(RuntimeError):
    pass


# --------------------------------------------------------------------------- helpers


def _db_url(admin_url: str, name: str) -> str:
    base, _, rest = admin_url.rpartition("/")
    query = rest.partition("?")[2]
    return f"{base}/{name}" + (f"?{query}" if query else "")


def _server_info(conn: psycopg.Connection) -> dict[str, Any]:
    settings = {}
    for name in (
        "shared_buffers",
        "work_mem",
        "maintenance_work_mem",
        "max_wal_size",
        "synchronous_commit",
        "wal_level",
        "max_parallel_workers_per_gather",
    ):
        settings[name] = conn.execute(f"show {name}").fetchone()[0]
    return {"version": conn.execute("show server_version").fetchone()[0], "settings": settings}


def _git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    paths = ["ingest", "dbt_project", "expectations", "dags"]
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted_changes_in": sorted(
            {
                line[3:].split("/")[0] + "/" + line[3:].split("/")[1]
                for line in git("status", "--porcelain", "--", *paths).splitlines()
                if "/" in line[3:]
            }
        ),
    }


# --------------------------------------------------------------------------- stages


def _load(conninfo: str, dropzone: Path, workers: int | None, say: Progress) -> dict:
    results = submissions.ingest_dropzone(conninfo, dropzone, workers=workers)
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    loaded = [r for r in results if r.outcome == "loaded"]
    say(f"  load: {len(loaded)}/{len(results)} files loaded {outcomes}")
    return {
        "files": len(results),
        "outcomes": outcomes,
        "rows_received": sum(r.rows_received for r in results),
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_quarantined": sum(r.rows_quarantined for r in results),
        "submissions": {r.province_code: r.submission_id for r in loaded},
    }


def _export_clean(conninfo: str, submission_ids: list[int], folder: Path) -> list[Path]:
    """The loaded rows of each submission as a COPY text file: the pre-cleaned input."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    paths = []
    with warehouse.connect(conninfo) as conn:
        for sid in submission_ids:
            path = folder / f"umkm_{sid}.copy"
            with (
                path.open("wb") as out,
                conn.cursor().copy(
                    "copy (select * from raw.umkm where submission_id = %s order by row_number) "
                    "to stdout",
                    (sid,),
                ) as copy,
            ):
                for block in copy:
                    out.write(block)
            paths.append(path)
    os.chmod(folder, 0o755)
    for p in paths:
        os.chmod(p, 0o644)
    return paths


def _server_can_read(conninfo: str, path: Path) -> bool:
    try:
        with warehouse.connect(conninfo) as conn:
            conn.execute("select pg_stat_file(%s)", (str(path),))
        return True
    except psycopg.Error:
        return False


def _copy_files(
    conninfo: str,
    table: str,
    paths: list[Path],
    streams: int,
    server: bool,
    partition_per_file: bool = False,
) -> None:
    """Bare COPY of pre-cleaned files, one transaction per file, over `streams` connections
    (server-side `COPY FROM 'file'` when the server can read the files, else streamed
    from here in 1 MiB blocks like psql's \\copy). With `partition_per_file` (the loader's
    design), each file goes into a fresh plain table attached as its submission's partition
    of `table` in the same transaction."""

    def one(path: Path) -> None:
        with warehouse.connect(conninfo) as conn, conn.transaction():
            target = table
            if partition_per_file:
                sid = int(path.stem.rpartition("_")[2])  # umkm_<sid>.copy
                target = f"{table}_s{sid}"
                conn.execute(
                    f"create table {target} (like {table} including defaults including "
                    f"generated, check (submission_id = {sid}))"
                )
            if server:
                conn.execute(f"copy {target} from '{path}'")  # noqa: S608 - our own paths
            else:
                with (
                    conn.cursor().copy(f"copy {target} from stdin") as copy,
                    path.open("rb") as f,
                ):
                    while block := f.read(COPY_BLOCK):
                        copy.write(block)
            if partition_per_file:
                conn.execute(f"alter table {table} attach partition {target} for values in ({sid})")

    biggest_first = sorted(paths, key=lambda p: -p.stat().st_size)
    if streams <= 1:
        for p in biggest_first:
            one(p)
        return
    with ThreadPoolExecutor(max_workers=streams) as pool:
        list(pool.map(one, biggest_first))


def _bare_copy(
    conninfo: str, dbname: str, paths: list[Path], streams: int, interval: float, say: Progress
) -> dict:
    server = _server_can_read(conninfo, paths[0])
    how = "server-side COPY FROM 'file'" if server else "COPY FROM STDIN streamed from files"
    with warehouse.connect(conninfo) as conn:
        conn.execute("create schema if not exists bench")
        for t in ("umkm_copy_n", "umkm_copy_unconstrained", "umkm_copy_part"):
            conn.execute(f"drop table if exists bench.{t} cascade")
        # the layout before issue 14 (reference): one table, its primary key and a foreign key
        conn.execute("create table bench.umkm_copy_n (like raw.umkm including all)")
        conn.execute(
            "alter table bench.umkm_copy_n add foreign key (submission_id) "
            "references raw.submissions"
        )
        conn.execute(
            "create table bench.umkm_copy_unconstrained (like raw.umkm including defaults)"
        )
        # the loader's layout: partitioned by submission, one partition attached per file
        conn.execute(
            "create table bench.umkm_copy_part (like raw.umkm including all) "
            "partition by list (submission_id)"
        )
    variants = [
        (f"same_table_{streams}_streams", "bench.umkm_copy_n", streams),
        (f"partition_per_file_{streams}_streams", "bench.umkm_copy_part", streams),
        (f"unconstrained_{streams}_streams", "bench.umkm_copy_unconstrained", streams),
    ]
    out: dict[str, Any] = {"method": how, "variants": {}}
    for key, table, n in variants:
        checkpoint(conninfo)
        say(f"  bare COPY -> {table} ({n} stream{'s' if n > 1 else ''}, {how})")
        with measure(f"copy:{key}", dbname, interval) as m:
            _copy_files(conninfo, table, paths, n, server, table == "bench.umkm_copy_part")
        with warehouse.connect(conninfo) as conn:
            rows = conn.execute(f"select count(*) from {table}").fetchone()[0]
        out["variants"][key] = stage_record(m, rows, table=table, streams=n)
        say(f"  bare COPY {key}: {rows:,} rows in {m.wall_s:.1f}s ({rows / m.wall_s:,.0f} rows/s)")
    with warehouse.connect(conninfo) as conn:
        for _, table, _ in variants:
            conn.execute(f"drop table if exists {table} cascade")
    return out


def _to_sql(
    conninfo: str, dbname: str, dropzone: Path, rows: int, interval: float, say: Progress
) -> dict:
    """What a user would write: read each submitted CSV with pandas and `to_sql` it."""
    import pandas as pd
    from sqlalchemy import create_engine

    params = warehouse.libpq_params(conninfo)
    engine = create_engine(
        "postgresql+psycopg://",
        connect_args={
            "host": params["host"],
            "port": params["port"],
            "user": params["user"],
            "password": params["password"],
            "dbname": params["dbname"],
        },
    )
    files = submissions.discover(dropzone)
    left = rows
    read_s = write_s = 0.0
    with measure("to_sql", dbname, interval) as m:
        first = True
        for path in files:
            if left <= 0:
                break
            t0 = time.perf_counter()
            df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, nrows=left)
            t1 = time.perf_counter()
            df.to_sql(
                "umkm_to_sql",
                engine,
                schema="bench",
                if_exists="replace" if first else "append",
                index=False,
                chunksize=TO_SQL_CHUNKSIZE,
            )
            write_s += time.perf_counter() - t1
            read_s += t1 - t0
            left -= len(df)
            first = False
    engine.dispose()
    with warehouse.connect(conninfo) as conn:
        loaded = conn.execute("select count(*) from bench.umkm_to_sql").fetchone()[0]
        conn.execute("drop table bench.umkm_to_sql")
    say(f"  to_sql: {loaded:,} rows in {m.wall_s:.1f}s ({loaded / m.wall_s:,.0f} rows/s)")
    return stage_record(
        m,
        loaded,
        sample_rows=rows,
        read_csv_s=round(read_s, 2),
        to_sql_s=round(write_s, 2),
        how=(
            f"pandas.read_csv(dtype=str) + DataFrame.to_sql(chunksize={TO_SQL_CHUNKSIZE}, "
            "method=None) over SQLAlchemy/psycopg 3, file by file in arrival order; "
            "no normalisation (text columns)"
        ),
    )


def _hash_reads(conninfo: str) -> dict[str, int]:
    """When each dropzone file was last read for its SHA-256 (raw.file_hashes)."""
    with warehouse.connect(conninfo) as conn:
        return dict(conn.execute("select file_path, hashed_at_ns from raw.file_hashes").fetchall())


def _bps(conninfo: str) -> dict:
    from ingest.bps.pipeline import ingest_bps
    from ingest.bps.snapshot import SnapshotSource

    summary = ingest_bps(conninfo, source=SnapshotSource(), raise_on_error=False)
    return {"source": "snapshot", "ok": summary.ok, "rows_changed": summary.rows_changed}


def _validate(conninfo: str) -> dict:
    from ingest.validation import validate_pending

    report = validate_pending(conninfo, raise_on_error=False)
    quarantined = sum(v.rows_quarantined_by_gate for v in report.submissions)
    return {
        "outcomes": report.outcomes(),
        "rows_validated": sum(d.rows for d in report.datasets),
        "rows_quarantined_by_gate": quarantined,
        "errors": report.errors,
        "anomalies": report.anomalies,
        "gx_seconds_by_dataset": {d.dataset: round(d.seconds, 2) for d in report.datasets},
        "failed_expectations": {d.dataset: d.failed_expectations for d in report.datasets},
    }


def _dbt_build(conninfo: str, target: Path, full: bool = False) -> dict:
    """The pipeline's marts build (ingest.marts_build: the part of the project downstream of
    what changed since the previous build, or all of it), as build_marts runs it."""
    plan = marts_build.build(conninfo, target_path=target, full=full)
    slowest = []
    results_path = target / "run_results.json"
    if results_path.exists():
        results = json.loads(results_path.read_text())["results"]
        results.sort(key=lambda r: -(r.get("execution_time") or 0))
        slowest = [
            {"node": r["unique_id"], "seconds": round(r["execution_time"], 2)} for r in results[:8]
        ]
    return {
        "dbt_plan": plan.kind,
        "dbt_summary": plan.reason,
        "dbt_nodes": plan.nodes,
        "slowest_nodes": slowest,
    }


def _mart_umkm(conninfo: str) -> dict[str, tuple[int, int]]:
    with warehouse.connect(conninfo) as conn:
        rows = conn.execute(
            "select province_code, umkm_units, register_submission_id "
            "from marts.umkm_contribution where period = %s",
            (data.PERIOD,),
        ).fetchall()
    return {code: (units, sid) for code, units, sid in rows}


def _dag_parse(repeats: int, scratch: Path, say: Progress) -> dict:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(scratch / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{scratch}/airflow.db",
    }
    out = {}
    for dag_file in sorted(DAGS_DIR.glob("*.py")):
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", DAG_PROBE, str(dag_file)],
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
            )
            wall = time.perf_counter() - t0
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT")), None)
            if line is None:
                raise BenchError(f"DAG probe failed for {dag_file.name}: {proc.stderr[-2000:]}")
            result = json.loads(line[len("RESULT") :])
            if result["errors"] or not result["dags"]:
                raise BenchError(f"{dag_file.name}: import errors {result['errors']}")
            runs.append({**result, "interpreter_wall_s": wall})
        out[dag_file.name] = {
            "parse_s_median": round(statistics.median(r["parse_s"] for r in runs), 3),
            "import_airflow_s_median": round(
                statistics.median(r["import_airflow_s"] for r in runs), 3
            ),
            "fresh_interpreter_wall_s_median": round(
                statistics.median(r["interpreter_wall_s"] for r in runs), 3
            ),
            "repeats": repeats,
        }
        say(
            f"  {dag_file.name}: parse {out[dag_file.name]['parse_s_median']:.3f}s "
            f"(fresh interpreter {out[dag_file.name]['fresh_interpreter_wall_s_median']:.2f}s)"
        )
    return out


# --------------------------------------------------------------------------- the run


def run_bench(opts: Options, say: Progress | None = None) -> tuple[dict, Path]:
    """Run every stage; write and return the results (dict, path of the JSON file)."""
    say = say or Progress()
    label = data.size_label(opts.rows)
    workers = submissions.load_workers(opts.workers)
    to_sql_rows = min(opts.to_sql_rows or TO_SQL_DEFAULT_ROWS, opts.rows)
    work = opts.data_dir / label
    dropzone = work / "dropzone"
    dbname = f"kumkm_bench_{label.replace('.', '_')}_{os.getpid()}"
    conninfo = _db_url(opts.admin_url, dbname)
    started = datetime.now(UTC)
    git = _git_state()  # the code this run imports: taken now, others may commit meanwhile
    stages: dict[str, Any] = {}
    say(f"benchmark {label}: {opts.rows:,} umkm rows over 38 provinces, {workers} load workers")

    with measure("generate", None, opts.sample_interval) as m:
        files, generated = data.ensure_dropzone(dropzone, opts.rows)
    stages["generate"] = stage_record(
        m, opts.rows, files=len(files), reused=not generated, folder=str(dropzone)
    )
    say(
        f"generate: {'wrote' if generated else 'reused'} {len(files)} files in {m.wall_s:.1f}s "
        f"({sum(p.stat().st_size for p in dropzone.glob('*.csv')) / 1e6:,.0f} MB)"
    )

    with psycopg.connect(opts.admin_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{dbname}" with (force)')
        admin.execute(f'create database "{dbname}"')
    try:
        with warehouse.connect(conninfo) as conn:
            warehouse.migrate(conn)
            server = _server_info(conn)

        # ---- load
        checkpoint(conninfo)
        say("load: ingest_dropzone (parse + normalise + COPY) ...")
        with measure("load", dbname, opts.sample_interval) as m:
            load = _load(conninfo, dropzone, workers, say)
        stages["load"] = stage_record(m, load["rows_loaded"], workers=workers, **load)
        say(
            f"load: {load['rows_loaded']:,} rows in {m.wall_s:.1f}s "
            f"({load['rows_loaded'] / m.wall_s:,.0f} rows/s), peak RSS {m.peak.rss_mb:,.0f} MB"
        )
        sids = sorted(load["submissions"].values())
        if len(sids) != len(files):
            raise BenchError(f"only {len(sids)} of {len(files)} files loaded: {load['outcomes']}")

        # ---- baselines
        say("baselines: exporting the loaded rows as pre-cleaned COPY files ...")
        with measure("export_clean", dbname, opts.sample_interval) as m:
            clean = _export_clean(conninfo, sids, work / "clean")
        stages["export_clean"] = stage_record(m, None, bytes=sum(p.stat().st_size for p in clean))
        stages["bare_copy"] = _bare_copy(
            conninfo, dbname, clean, workers, opts.sample_interval, say
        )
        shutil.rmtree(work / "clean", ignore_errors=True)
        say("baselines: client floor (SHA-256 + read + COPY as text, no normalisation) ...")
        stages["client_floor"] = floor.run_floor(
            conninfo,
            dbname,
            submissions.discover(dropzone),
            workers,
            opts.sample_interval,
            say,
        )

        # ---- BPS, validate, transform
        checkpoint(conninfo)
        say("bps: offline snapshot ...")
        with measure("bps", dbname, opts.sample_interval) as m:
            bps = _bps(conninfo)
        stages["bps"] = stage_record(m, None, **bps)

        checkpoint(conninfo)
        say("validate: GX gate (validate_pending) ...")
        with measure("validate", dbname, opts.sample_interval) as m:
            gate = _validate(conninfo)
        stages["validate"] = stage_record(m, gate["rows_validated"], **gate)
        say(f"validate: {gate['outcomes']} in {m.wall_s:.1f}s, peak RSS {m.peak.rss_mb:,.0f} MB")

        checkpoint(conninfo)
        say("transform: the marts build (first build of this database: whole project) ...")
        target = work / "dbt_target"
        shutil.rmtree(target, ignore_errors=True)
        with measure("transform", dbname, opts.sample_interval) as m:
            dbt = _dbt_build(conninfo, target)
        marts = _mart_umkm(conninfo)
        stages["transform"] = stage_record(
            m,
            load["rows_loaded"] - gate["rows_quarantined_by_gate"],
            mart_umkm_units_total=sum(units for units, _ in marts.values()),
            **dbt,
        )
        say(f"transform: {dbt['dbt_summary']} in {m.wall_s:.1f}s")

        # ---- incremental
        chosen = data.median_province(files)
        resub_path, resub_rows = data.write_resubmission(work / "resubmission", chosen)
        shutil.copy2(resub_path, dropzone / resub_path.name)
        checkpoint(conninfo)
        say(
            f"incremental: {chosen.province_name} ({chosen.province_code}) resubmits "
            f"{resub_rows:,} rows ..."
        )
        hashed_before = _hash_reads(conninfo)
        with measure("incremental", dbname, opts.sample_interval) as m:
            t0 = time.perf_counter()
            inc_load = _load(conninfo, dropzone, workers, say)
            t1 = time.perf_counter()
            inc_gate = _validate(conninfo)
            t2 = time.perf_counter()
            inc_dbt = _dbt_build(conninfo, target)
            t3 = time.perf_counter()
            after = _mart_umkm(conninfo)
        parts = {"load_s": t1 - t0, "validate_s": t2 - t1, "transform_s": t3 - t2}
        (dropzone / resub_path.name).unlink()
        # the reference, on the same data: every build before ingest/marts_build.py ran the
        # whole project and parsed it whole (the profile's application name, new per call,
        # defeated dbt's partial parsing)
        with warehouse.connect(conninfo) as conn:
            selective_marts = mart_checksums(conn)
        (target / "partial_parse.msgpack").unlink(missing_ok=True)
        checkpoint(conninfo)
        say("incremental: reference full build of the same warehouse ...")
        t0 = time.perf_counter()
        reference = _dbt_build(conninfo, target, full=True)
        full_dbt_s = time.perf_counter() - t0
        with warehouse.connect(conninfo) as conn:
            same_marts = mart_checksums(conn) == selective_marts
        new_sid = inc_load["submissions"].get(chosen.province_code)
        units, mart_sid = after.get(chosen.province_code, (None, None))
        expected_units = inc_load["rows_loaded"] - inc_gate["rows_quarantined_by_gate"]
        reflected = mart_sid == new_sid and units == expected_units
        stages["incremental"] = stage_record(
            m,
            inc_load["rows_loaded"],
            province_code=chosen.province_code,
            province_name=chosen.province_name,
            why_this_province="median register size of the 38",
            resubmitted_rows=resub_rows,
            rows_received=inc_load["rows_received"],
            parts_s={k: round(v, 3) for k, v in parts.items()},
            files_skipped=inc_load["outcomes"].get("skipped", 0),
            skipped_files_read_again=sum(
                hashed_before.get(path) != at
                for path, at in _hash_reads(conninfo).items()
                if path in hashed_before
            ),
            gate_outcomes=inc_gate["outcomes"],
            dbt_plan=inc_dbt["dbt_plan"],
            dbt_summary=inc_dbt["dbt_summary"],
            dbt_nodes=inc_dbt["dbt_nodes"],
            slowest_nodes=inc_dbt["slowest_nodes"],
            full_build_reference_s=round(full_dbt_s, 3),
            full_build_reference_how="whole project, full parse (as before marts_build)",
            full_build_reference_nodes=reference["dbt_nodes"],
            marts_equal_full_build=same_marts,
            marts_reflect_it=reflected,
            mart_umkm_units_before=marts.get(chosen.province_code, (None, None))[0],
            mart_umkm_units_after=units,
        )
        say(
            f"incremental: marts reflect it after {m.wall_s:.1f}s "
            f"(load {parts['load_s']:.1f}s, gate {parts['validate_s']:.1f}s, "
            f"dbt {parts['transform_s']:.1f}s); reflected={reflected}"
        )
        say(
            f"incremental: {inc_dbt['dbt_plan']} build ({inc_dbt['dbt_nodes']} nodes) "
            f"{parts['transform_s']:.1f}s vs full build of the same data "
            f"({reference['dbt_nodes']} nodes) {full_dbt_s:.1f}s; same marts: {same_marts}"
        )
        with warehouse.connect(conninfo) as conn:
            db_size = conn.execute("select pg_database_size(current_database())").fetchone()[0]

        # ---- the user's way, last: pandas stays out of the pipeline stages' RSS
        checkpoint(conninfo)
        say(f"baseline: pandas to_sql on {to_sql_rows:,} rows of the submitted CSVs ...")
        stages["to_sql"] = _to_sql(
            conninfo, dbname, dropzone, to_sql_rows, opts.sample_interval, say
        )
    finally:
        if not opts.keep_db:
            with psycopg.connect(opts.admin_url, autocommit=True) as admin:
                admin.execute(f'drop database if exists "{dbname}" with (force)')

    say(f"dag parse: every dags/*.py in fresh interpreters, median of {opts.dag_repeats} ...")
    with (
        tempfile.TemporaryDirectory(prefix="kumkm-bench-dags-") as scratch,
        measure("dag_parse", None, opts.sample_interval) as m,
    ):
        dags = _dag_parse(opts.dag_repeats, Path(scratch), say)
    stages["dag_parse"] = {**stage_record(m, None), "files": dags}

    if opts.xlsx_rows:
        stages["xlsx"] = xlsx.run_xlsx(
            opts.admin_url, opts.data_dir / "xlsx", opts.xlsx_rows, _db_url, say
        )

    results = {
        "version": RESULTS_VERSION,
        "size": label,
        "rows": opts.rows,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgres": server,
            "note": "shared machine: loadavg before/after each stage is recorded",
        },
        "git": git,
        "database": {"name": dbname, "size_bytes_at_end": db_size, "dropped": not opts.keep_db},
        "options": {
            "workers": workers,
            "to_sql_rows": to_sql_rows,
            "dag_repeats": opts.dag_repeats,
            "xlsx_rows": opts.xlsx_rows,
        },
        "stages": stages,
        "lifetime_maxrss_mb": lifetime_maxrss_mb(),
    }
    from kumkm_dev.bench.report import summarise

    results["summary"] = summarise(results)
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    path = opts.results_dir / f"{label}-{started.date().isoformat()}.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    say(f"results: {path}")
    return results, path
