"""Provincial submissions: from a dropzone file to typed rows in the raw layer.

One file is one submission. Each file is processed in its own transaction: its log row in
`raw.submissions`, its rows in `raw.<dataset>` and its quarantined rows in `raw.quarantine`
commit together or not at all, so a crash mid-file leaves nothing half-loaded and the next
run simply processes the file again. The rows are streamed (PostgreSQL COPY) into a fresh
table of their own, checked there, and attached as the submission's partition of
`raw.<dataset>` just before the commit (the primary key is built once, not row by row).

A file already seen (same path, same SHA-256) is skipped, which makes every run
idempotent; the SHA-256 is read again only when the file's status shows it may have
changed since it was last read (`file_hash`). A file byte-identical to an earlier loaded
submission for the same (dataset, province, period) under another name is logged once as
`duplicate`. Loaded files wait in outcome `loaded` until the validation gate decides
`accepted` / `accepted_with_warnings` / `rejected`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import multiprocessing
import operator
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pyarrow as pa
from psycopg import Copy, sql
from psycopg.copy import QueuedLibpqWriter
from psycopg.types.json import Jsonb

from ingest import warehouse
from ingest.submissions.columnar import BATCH_ROWS, batch_output, column_plan, decide
from ingest.submissions.datasets import DATASETS, UnrecognisedColumn, unrecognised_columns
from ingest.submissions.file_hash import file_sha256, sha256_of
from ingest.submissions.filenames import FileNameError, SubmissionName, parse_file_name
from ingest.submissions.normalize import Issue, normalise_row
from ingest.submissions.readers import TOTAL_ROWS_SKIPPED, FileRejected, ReadAgain, open_table
from ingest.submissions.row_keys import RowKeys

log = logging.getLogger(__name__)

SAMPLE_ROWS_PER_REASON = 20  # row numbers kept per reason in the submission log
ORIGINAL_CELL_CHARS = 1000  # longer original cells / header keys are stored shortened
PROGRESS_EVERY_ROWS = 500_000
MAX_LOAD_WORKERS = 8  # default cap: each worker holds a connection and a CPU
LOCK_PREFIX = "kumkm.submission:"  # advisory lock per file content (SHA-256)
WIT = timezone(timedelta(hours=9), "WIT")
_OUT_OF_SPACE = {errno.ENOSPC, errno.EDQUOT}


@dataclass
class Reason:
    """One finding about a submission, as stored in raw.submissions.reasons."""

    rule: str
    severity: str  # quarantine | warning | critical
    message: str  # for the provincial clerk (Indonesian)
    detail: str  # for engineers (English)
    count: int = 0
    rows: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "detail": self.detail,
            "count": self.count,
            "rows": self.rows,
        }


@dataclass
class FileResult:
    path: str
    outcome: str  # loaded | rejected | duplicate | skipped
    submission_id: int | None = None
    dataset: str | None = None
    province_code: str | None = None
    period: str | None = None
    rows_received: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reasons: list[Reason] = field(default_factory=list)


class _Rejected(Exception):
    """Raised inside a file's transaction to reject the whole file (rolls the rows back)."""

    def __init__(self, reason: Reason):
        super().__init__(reason.detail)
        self.reason = reason


def discover(dropzone: Path) -> list[Path]:
    """Every candidate file below the dropzone in arrival order (mtime, then name).

    Names starting with `_` or `.` are the dropzone's own bookkeeping and are ignored.
    """
    files = [
        p
        for p in dropzone.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(dropzone).parts)
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name, str(p)))


def load_workers(workers: int | None = None) -> int:
    """Worker processes for `ingest_dropzone`: the argument, else `KUMKM_LOAD_WORKERS`,
    else the number of CPUs (at most MAX_LOAD_WORKERS)."""
    if workers is None:
        env = os.environ.get("KUMKM_LOAD_WORKERS", "").strip()
        workers = int(env) if env else min(os.cpu_count() or 1, MAX_LOAD_WORKERS)
    return max(1, workers)


def ingest_dropzone(
    conninfo: str,
    dropzone: Path,
    *,
    workers: int | None = None,
    files: list[Path] | None = None,
) -> list[FileResult]:
    """Process every new file of the dropzone; one bad file never stops the others.

    Results come back in arrival order. With more than one worker (see `load_workers`),
    files are loaded in parallel by worker processes, each with its own connection and,
    as always, one transaction per file. Files of the same (dataset, province, period)
    -- the scope of duplicate detection and of "the latest file is in force" -- stay in one
    worker, in arrival order, so their submission ids keep arrival order; across keys the
    biggest groups start first (the order of their submission ids is then not arrival
    order, which nothing depends on: ranking uses file_mtime and file_name). `files`
    (default: all of `discover(dropzone)`) limits the run to those files of the dropzone.
    """
    if not dropzone.is_dir():
        raise FileNotFoundError(f"dropzone {dropzone} does not exist or is not a folder")
    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
        files = discover(dropzone) if files is None else files
        log.info("dropzone %s: %d files", dropzone, len(files))
        groups = _groups(files, dropzone)
        workers = min(load_workers(workers), len(groups))
        if workers <= 1:
            results: list[FileResult | None] = []
            for n, path in enumerate(files, 1):
                results.append(ingest_file(conn, path, dropzone))
                _log_result(results[-1], n, len(files))
            return results  # type: ignore[return-value]
    results = [None] * len(files)
    done = 0
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_ingest_group, conninfo, dropzone, group) for group in groups]
        try:
            for future in as_completed(futures):
                for index, result in future.result():
                    results[index] = result
                    done += 1
                    _log_result(result, done, len(files))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results  # type: ignore[return-value]


def _groups(files: list[Path], dropzone: Path) -> list[list[tuple[int, Path]]]:
    """Files (with their arrival index) grouped by (dataset, province, period) from the
    file name, in arrival order within a group; groups biggest first (by bytes).

    Groups holding files of the same size are merged: a byte-identical copy sent under
    another name must meet its original in arrival order, so that the earlier file is
    loaded and the later one is recorded as its duplicate.
    """
    parent: dict[tuple, tuple] = {}

    def root(key: tuple) -> tuple:
        while parent[key] != key:
            key = parent[key] = parent[parent[key]]
        return key

    keyed: list[tuple[tuple, int, Path]] = []
    by_size: dict[int, tuple] = {}
    for index, path in enumerate(files):
        try:
            name = parse_file_name(path.name)
            key: tuple = (name.dataset, name.province.code, name.period.label)
        except FileNameError:
            key = ("?", str(path))
        parent.setdefault(key, key)
        size = path.stat().st_size
        other = by_size.setdefault(size, key)
        parent[root(key)] = root(other)
        keyed.append((key, index, path))
    by_root: dict[tuple, list[tuple[int, Path]]] = {}
    for key, index, path in keyed:
        by_root.setdefault(root(key), []).append((index, path))
    groups = list(by_root.values())
    sizes = {id(g): sum(p.stat().st_size for _, p in g) for g in groups}
    return sorted(groups, key=lambda g: (-sizes[id(g)], g[0][0]))


def _ingest_group(
    conninfo: str, dropzone: Path, group: list[tuple[int, Path]]
) -> list[tuple[int, FileResult]]:
    """Worker process: the files of one group, in order, on a connection of its own."""
    with warehouse.connect(conninfo) as conn:
        return [(index, ingest_file(conn, path, dropzone)) for index, path in group]


def _log_result(result: FileResult, n: int, total: int) -> None:
    if result.outcome != "skipped":
        log.info(
            "[%d/%d] %s -> %s (received %d, loaded %d, quarantined %d)%s",
            n,
            total,
            result.path,
            result.outcome,
            result.rows_received,
            result.rows_loaded,
            result.rows_quarantined,
            "".join(f" | {r.message}" for r in result.reasons),
        )


def ingest_file(conn: psycopg.Connection, path: Path, dropzone: Path) -> FileResult:
    """Process one dropzone file: skip, reject, record as duplicate, or load it.

    Safe with several loaders on the same dropzone (overlapping runs, worker processes):
    the decision and the load happen under a transaction-level advisory lock on the
    file's SHA-256, and the "already seen" / "duplicate" checks are repeated under it, so
    a file is recorded once and its rows are loaded once, whoever gets there first.

    An unexpected error while processing one file (a parser bug) is recorded as a
    rejection with rule `file.internal_error` and logged with its traceback; the run goes
    on with the other files. Only losing the warehouse connection or running out of local
    disk space (the quarantine spool) stops the run: nothing is recorded for the file, whose
    transaction rolled back, and the next run processes it again.
    """
    try:
        return _ingest_file(conn, path, dropzone)
    except (psycopg.OperationalError, psycopg.InterfaceError):
        raise
    except OSError as exc:
        if exc.errno in _OUT_OF_SPACE:  # the machine's fault, not the file's: retry later
            raise
        log.exception("%s: unexpected error while processing the file", path)
        return _record_internal_error(conn, path, dropzone, exc)
    except Exception as exc:
        log.exception("%s: unexpected error while processing the file", path)
        return _record_internal_error(conn, path, dropzone, exc)


def _ingest_file(conn: psycopg.Connection, path: Path, dropzone: Path) -> FileResult:
    rel = path.relative_to(dropzone).as_posix()
    real = _inside(path, dropzone)
    if real is None:
        return _refuse_outside(conn, path, rel)
    stat = real.stat()
    sha = file_sha256(conn, real, rel, stat)
    seen = _seen(conn, rel, sha)
    if seen:  # the common case on a re-run: no lock, no transaction
        return FileResult(rel, "skipped", submission_id=seen)
    file_row = {
        "file_name": path.name,
        "file_path": rel,
        "sha256": sha,
        "file_size": stat.st_size,
        "file_mtime": datetime.fromtimestamp(stat.st_mtime, UTC),
    }
    with conn.transaction():
        _lock(conn, sha)
        seen = _seen(conn, rel, sha)  # again, under the lock: another loader may have won
        if seen:
            return FileResult(rel, "skipped", submission_id=seen)
        return _ingest_locked(conn, real, file_row)


def _lock(conn: psycopg.Connection, sha: str) -> None:
    """Serialise, until the end of the current transaction, every loader working on a file
    with this content (same path, or a byte-identical copy under another name)."""
    conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (LOCK_PREFIX + sha,))


def _seen(conn: psycopg.Connection, rel: str, sha: str) -> int | None:
    row = conn.execute(
        "select submission_id from raw.submissions where file_path = %s and sha256 = %s",
        (rel, sha),
    ).fetchone()
    return row[0] if row else None


def _ingest_locked(conn: psycopg.Connection, path: Path, file_row: dict[str, Any]) -> FileResult:
    sha = file_row["sha256"]
    try:
        name = parse_file_name(file_row["file_name"])
    except FileNameError as exc:
        reason = Reason(exc.rule, "critical", exc.reason, exc.detail)
        return _record_final(conn, file_row, None, "rejected", [reason])
    future = _period_in_future(name)
    if future is not None:
        return _record_final(conn, file_row, name, "rejected", [future])

    original = conn.execute(
        """select submission_id, file_path, dataset, province_code, period
           from raw.submissions
           where sha256 = %s and outcome in ('loaded', 'accepted', 'accepted_with_warnings')
           order by submission_id limit 1""",
        (sha,),
    ).fetchone()
    if original:
        return _record_final(
            conn, file_row, name, "duplicate", [_duplicate_reason(name, *original)], original[0]
        )

    try:
        with conn.transaction():
            return _load(conn, path, file_row, name)
    except _Rejected as exc:
        return _record_final(conn, file_row, name, "rejected", [exc.reason])
    except FileRejected as exc:
        reason = Reason(exc.rule, "critical", exc.reason, exc.detail)
        return _record_final(conn, file_row, name, "rejected", [reason])


def _duplicate_reason(
    name: SubmissionName, sid: int, path: str, dataset: str, province: str, period: str
) -> Reason:
    """A byte-identical file is a no-op whatever its name; the log names the original, and
    says so when this name claims another dataset, province or period."""
    same_key = (dataset, province, period) == (name.dataset, name.province.code, name.period.label)
    claim = (
        ""
        if same_key
        else f"; nama berkas ini menyebut {name.dataset} {name.province.code} "
        f"{name.period.label}, tetapi isinya sama persis dengan kiriman {dataset} {province} "
        f"{period}: periksa apakah berkas yang benar terkirim"
    )
    return Reason(
        "file.duplicate",
        "warning",
        f"berkas identik (byte demi byte) dengan kiriman sebelumnya {path}; tidak dimuat ulang"
        + claim,
        f"byte-identical to submission {sid} ({path}, {dataset} {province} {period}); "
        "not loaded again",
    )


def _today() -> date:
    """Today somewhere in Indonesia: the date in its easternmost zone (WIT, UTC+9)."""
    return datetime.now(WIT).date()


def _period_in_future(name: SubmissionName) -> Reason | None:
    """A period that has not started yet cannot have data (a typo in the file name: 2052
    for 2025). The running period is accepted: a register as of today is plausible."""
    period, today = name.period, _today()
    if period.start <= today:
        return None
    return Reason(
        "file.period_in_future",
        "critical",
        f"periode {period.label} belum dimulai (mulai {period.start:%d/%m/%Y}); periksa "
        "periode pada nama berkas",
        f"period {period.label} starts {period.start.isoformat()}, after today "
        f"({today.isoformat()}, UTC+9)",
    )


def _inside(path: Path, dropzone: Path) -> Path | None:
    """The real path of a dropzone file, or None when it is a link leading outside the
    dropzone (never followed there: its target is not read, not even hashed)."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # vanished, or a symlink loop
        return None
    return real if real.is_relative_to(dropzone.resolve()) else None


def _refuse_outside(conn: psycopg.Connection, path: Path, rel: str) -> FileResult:
    """Record a link that leads outside the dropzone as rejected. Its `sha256` is that of
    the link's target path (the content is never read), so re-runs skip it and a changed
    link is seen again."""
    try:
        target = os.readlink(path)
    except OSError:
        target = ""
    sha = hashlib.sha256(b"symlink:" + os.fsencode(target)).hexdigest()
    stat = path.lstat()
    file_row = {
        "file_name": path.name,
        "file_path": rel,
        "sha256": sha,
        "file_size": 0,
        "file_mtime": datetime.fromtimestamp(stat.st_mtime, UTC),
    }
    try:
        name: SubmissionName | None = parse_file_name(path.name)
    except FileNameError:
        name = None
    reason = Reason(
        "file.outside_dropzone",
        "critical",
        "berkas ini adalah tautan (symlink) ke berkas di luar folder dropzone dan tidak "
        "dibaca; salin berkasnya ke dropzone",
        "symbolic link leading outside the dropzone: not followed, target not read",
    )
    return _record_once(conn, file_row, name, reason)


def _record_internal_error(
    conn: psycopg.Connection, path: Path, dropzone: Path, exc: Exception
) -> FileResult:
    rel = path.relative_to(dropzone).as_posix()
    try:
        real = _inside(path, dropzone)
        sha = sha256_of(real) if real else hashlib.sha256(b"unreadable").hexdigest()
        stat = (real or path).lstat()
        size, mtime = stat.st_size, stat.st_mtime
    except OSError:
        sha, size, mtime = hashlib.sha256(b"unreadable").hexdigest(), 0, 0.0
    file_row = {
        "file_name": path.name,
        "file_path": rel,
        "sha256": sha,
        "file_size": size,
        "file_mtime": datetime.fromtimestamp(mtime, UTC),
    }
    try:
        name: SubmissionName | None = parse_file_name(path.name)
    except FileNameError:
        name = None
    reason = Reason(
        "file.internal_error",
        "critical",
        "berkas tidak dapat diproses karena kesalahan sistem gudang data; tim data telah "
        "dicatat dan akan menindaklanjuti",
        f"unexpected {type(exc).__name__} while processing the file: {str(exc)[:300]} "
        "(traceback in the task log; delete this submission row to process the file again)",
    )
    return _record_once(conn, file_row, name, reason)


def _record_once(
    conn: psycopg.Connection, file_row: dict[str, Any], name: SubmissionName | None, reason: Reason
) -> FileResult:
    """Record a rejection unless this (path, sha256) is already recorded (under the lock)."""
    with conn.transaction():
        _lock(conn, file_row["sha256"])
        seen = _seen(conn, file_row["file_path"], file_row["sha256"])
        if seen:
            return FileResult(file_row["file_path"], "skipped", submission_id=seen)
        return _record_final(conn, file_row, name, "rejected", [reason])


def _insert_submission(
    conn: psycopg.Connection,
    file_row: dict[str, Any],
    name: SubmissionName | None,
    outcome: str,
    dataset_fallback: str = "unknown",
) -> int:
    period = name.period if name else None
    return conn.execute(
        """insert into raw.submissions
             (dataset, province_code, period, period_type, period_start, period_end,
              file_name, file_path, sha256, file_size, file_mtime, outcome)
           values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
           returning submission_id""",
        (
            name.dataset if name else dataset_fallback,
            name.province.code if name else None,
            period.label if period else None,
            period.type if period else None,
            period.start if period else None,
            period.end if period else None,
            file_row["file_name"],
            file_row["file_path"],
            file_row["sha256"],
            file_row["file_size"],
            file_row["file_mtime"],
            outcome,
        ),
    ).fetchone()[0]


def _record_final(
    conn: psycopg.Connection,
    file_row: dict[str, Any],
    name: SubmissionName | None,
    outcome: str,
    reasons: list[Reason],
    duplicate_of: int | None = None,
) -> FileResult:
    with conn.transaction():
        sid = _insert_submission(conn, file_row, name, outcome)
        conn.execute(
            "update raw.submissions set reasons = %s, validated_at = now(), duplicate_of = %s "
            "where submission_id = %s",
            (Jsonb([r.as_json() for r in reasons]), duplicate_of, sid),
        )
    return FileResult(
        file_row["file_path"],
        outcome,
        submission_id=sid,
        dataset=name.dataset if name else None,
        province_code=name.province.code if name else None,
        period=name.period.label if name else None,
        reasons=reasons,
    )


def partition_name(table: str, sid: int) -> str:
    """The partition of raw.<table> holding the rows of submission `sid`."""
    return f"{table}_s{sid}"


def _create_rows_table(conn: psycopg.Connection, table: str, sid: int) -> sql.Identifier:
    """A fresh plain table shaped like raw.<table> (defaults and generated keys included) for
    the rows of submission `sid`: COPY fills it without maintaining an index or checking a key
    per row. Its CHECK constraint equals the partition's bound, so that attaching it later
    needs no validation scan. Created in the file's transaction: a rollback removes it."""
    name = sql.Identifier("raw", partition_name(table, sid))
    conn.execute(
        sql.SQL(
            "create table {} (like {} including defaults including generated, "
            "check (submission_id = {}))"
        ).format(name, sql.Identifier("raw", table), sid)
    )
    return name


def _attach_rows_table(conn: psycopg.Connection, table: str, sid: int) -> None:
    """Make the rows table of `sid` the partition of raw.<table> for `sid`: PostgreSQL builds
    its primary key index once, by sort. Attaching takes SHARE UPDATE EXCLUSIVE on raw.<table>,
    which two attaching loaders cannot hold at once (readers, and the gate's row moves, are
    not blocked): it is the last statement of the file's transaction, so the lock is held
    only until the commit that follows."""
    conn.execute(
        sql.SQL("alter table {} attach partition {} for values in ({})").format(
            sql.Identifier("raw", table), sql.Identifier("raw", partition_name(table, sid)), sid
        )
    )


def add_partition(conn: psycopg.Connection, table: str, sid: int) -> None:
    """The partition of raw.<table> for submission `sid`, empty, unless it exists: for writers
    other than the loader (test fixtures, the gate's benchmark) that insert rows through
    raw.<table> (which has no default partition: a row of a submission without a partition
    is refused)."""
    exists = conn.execute(
        "select to_regclass(%s) is not null", (f"raw.{partition_name(table, sid)}",)
    ).fetchone()[0]
    if not exists:
        _create_rows_table(conn, table, sid)
        _attach_rows_table(conn, table, sid)


def _table_columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        """select column_name from information_schema.columns
           where table_schema = 'raw' and table_name = %s and is_generated = 'NEVER'
             and column_name not in ('submission_id', 'row_number', 'extra')
           order by ordinal_position""",
        (table,),
    ).fetchall()
    return [r[0] for r in rows]


class _ReasonBook:
    """Collects issues per rule: counts and the first row numbers, for the submission log."""

    def __init__(self) -> None:
        self.by_rule: dict[tuple[str, str], Reason] = {}

    def add(self, issue: Issue, row_number: int) -> None:
        key = (issue.rule, issue.severity)
        reason = self.by_rule.get(key)
        if reason is None:
            reason = self.by_rule[key] = Reason(
                issue.rule, issue.severity, issue.reason, issue.detail
            )
        reason.count += 1
        if len(reason.rows) < SAMPLE_ROWS_PER_REASON:
            reason.rows.append(row_number)

    def reasons(self) -> list[Reason]:
        return list(self.by_rule.values())


def _load(
    conn: psycopg.Connection, path: Path, file_row: dict[str, Any], name: SubmissionName
) -> FileResult:
    dataset = DATASETS[name.dataset]
    sid = _insert_submission(conn, file_row, name, "loaded")
    columns = _table_columns(conn, dataset.table)
    book = _ReasonBook()
    received = loaded = quarantined = 0
    row_keys = RowKeys()  # exact duplicates of an earlier row are candidates
    rows_table = _create_rows_table(conn, dataset.table, sid)
    with open_table(path, dataset) as table, tempfile.TemporaryFile("w+b") as spool:
        header_keys = _header_keys(table.header)
        spool_rows = _QuarantineSpool(spool)
        # FREEZE: the rows table was created in this transaction, so its rows are written
        # frozen and its pages all-visible; the gate's and dbt's first scans then need not
        # set a hint bit on (and write back) every page of a freshly loaded table
        copy_sql = sql.SQL(
            "copy {} (submission_id, row_number, {}, extra) from stdin (freeze)"
        ).format(rows_table, sql.SQL(", ").join(sql.Identifier(c) for c in columns))
        pick = operator.itemgetter(*columns)

        def per_row(row_number: int, cells: dict, raw_cells: list) -> dict[str, Any] | None:
            """The row's typed values (None: quarantined) by the per-row path."""
            values, issues = normalise_row(
                dataset, cells, province=name.province, period=name.period
            )
            for issue in issues:
                if issue.severity == "reject_file":
                    raise _Rejected(
                        Reason(
                            issue.rule,
                            "critical",
                            f"baris {row_number}: {issue.reason}",
                            f"row {row_number}: {issue.detail}",
                            count=1,
                            rows=[row_number],
                        )
                    )
                book.add(issue, row_number)
            if values is None:
                spool_rows.add(sid, row_number, issues, _original(header_keys, raw_cells))
            return values

        plan = column_plan(dataset, table.columns, name.province) if table.format == "csv" else None
        if plan is not None:
            mapper = _row_mapper(table.columns, header_keys)
            while True:
                with _copy(conn, copy_sql) as copy:
                    try:
                        for batch in table.batches(BATCH_ROWS):
                            before = received
                            received += len(batch)
                            decided = decide(plan, batch.columns)
                            slow: dict[int, tuple[Any, ...] | None] = {}
                            undecided = decided.undecided
                            numbers = batch.numbers.take(
                                pa.array(undecided, pa.int64())
                            ).to_pylist()
                            rows = batch.rows_at(undecided)
                            for i, number, row in zip(undecided, numbers, rows, strict=True):
                                cells, extra = mapper(row)
                                values = per_row(number, cells, row)
                                slow[i] = None if values is None else (pick(values), extra)
                            loaded_numbers, keys, data = batch_output(
                                sid, batch.numbers, decided, columns, slow
                            )
                            loaded += len(keys)
                            quarantined += len(batch) - len(keys)
                            row_keys.add_batch(loaded_numbers, keys)
                            copy.write(data)
                            if received // PROGRESS_EVERY_ROWS > before // PROGRESS_EVERY_ROWS:
                                log.info("%s: %d rows read", path.name, received)
                        break
                    except ReadAgain as exc:
                        log.info("%s: read again by rows (%s)", path.name, exc)
                # The body turned out not plain deep in the file: forget the rows read so
                # far (this transaction's own fresh table) and read the file again by rows.
                conn.execute(sql.SQL("truncate {}").format(rows_table))
                spool.seek(0)
                spool.truncate()
                received = loaded = quarantined = 0
                book, spool_rows = _ReasonBook(), _QuarantineSpool(spool)  # per_row's too
                row_keys = RowKeys()
        else:
            with _copy(conn, copy_sql) as copy:
                write_row = copy.write_row
                for row_number, cells, extra, raw_cells in _mapped_rows(table, header_keys):
                    received += 1
                    values = per_row(row_number, cells, raw_cells)
                    if values is None:
                        quarantined += 1
                        continue
                    loaded += 1
                    row = pick(values)
                    row_keys.add_row(
                        row_number, hash((row, tuple(extra.items()))) if extra else hash(row)
                    )
                    write_row((sid, row_number, *row, Jsonb(extra) if extra else None))
                    if received % PROGRESS_EVERY_ROWS == 0:
                        log.info("%s: %d rows read", path.name, received)
        spool_rows.copy_into(conn)
        notes = list(table.notes)
        sheet = table.sheet
        unrecognised = unrecognised_columns(dataset, table.header, table.columns)
    repeated = row_keys.candidates()
    del row_keys

    if received == 0:
        raise _Rejected(
            Reason(
                "file.empty",
                "critical",
                "berkas tidak berisi baris data (hanya judul/kepala kolom)",
                "the file has a header but no data rows",
            )
        )
    if loaded == 0:
        raise _Rejected(
            Reason(
                "file.no_valid_rows",
                "critical",
                f"semua {received} baris ditolak; lihat alasan per baris",
                f"all {received} rows broke row-level rules: "
                + "; ".join(f"{r.rule} x{r.count}" for r in book.reasons()),
                count=received,
            )
        )
    reasons = [_column_reason(unrecognised)] if unrecognised else []
    reasons += [Reason(n.rule, n.severity, n.reason, n.detail, n.count, n.rows) for n in notes]
    if repeated:
        moved = _quarantine_repeated_rows(conn, rows_table, columns, sid, repeated)
        if moved:
            reasons.append(moved)
            loaded -= moved.count
            quarantined += moved.count
    reasons += book.reasons()
    same = _same_rows_elsewhere(conn, dataset.table, rows_table, columns, name, loaded)
    if same:
        reasons.append(same)
    skipped_totals = sum(n.count for n in notes if n.rule == TOTAL_ROWS_SKIPPED)
    conn.execute(
        """update raw.submissions
           set rows_received = %s, rows_loaded = %s, rows_quarantined = %s, reasons = %s,
               sheet_name = %s, rows_total_skipped = %s
           where submission_id = %s""",
        (
            received,
            loaded,
            quarantined,
            Jsonb([r.as_json() for r in reasons]),
            sheet,
            skipped_totals,
            sid,
        ),
    )
    _attach_rows_table(conn, dataset.table, sid)
    return FileResult(
        file_row["file_path"],
        "loaded",
        submission_id=sid,
        dataset=name.dataset,
        province_code=name.province.code,
        period=name.period.label,
        rows_received=received,
        rows_loaded=loaded,
        rows_quarantined=quarantined,
        reasons=reasons,
    )


def _copy(conn: psycopg.Connection, statement: sql.Composed) -> Copy:
    """A COPY FROM STDIN whose data a thread sends while the loader reads and decides the
    next batch: with psycopg's default writer, ``write`` waits while the server parses,
    so a worker and its backend took turns on the CPU. The queue holds at most 1,024
    buffers of at most 128 KB (psycopg's ``QUEUE_SIZE``, ``MAX_BUFFER_SIZE``); an error of
    the server reaches the loader at its next ``write`` or when the COPY ends."""
    cursor = conn.cursor()
    return cursor.copy(statement, writer=QueuedLibpqWriter(cursor))


def _column_reason(found: list[UnrecognisedColumn]) -> Reason:
    """One warning naming every header that looks like a contract column but is not one."""
    clerk, engineer = [], []
    for f in found:
        if f.unit is not None:
            clerk.append(
                f"'{_short(f.header, 80)}': satuan '{_short(f.unit, 40)}' tidak sesuai satuan "
                f"kolom {f.column} dalam kontrak"
            )
            engineer.append(f"{f.header[:80]!r}: unit {f.unit[:40]!r} does not fit {f.column}")
        else:
            clerk.append(f"'{_short(f.header, 80)}' mirip kolom {f.column} tetapi ejaannya berbeda")
            engineer.append(f"{f.header[:80]!r} looks like {f.column} (close spelling)")
    return Reason(
        "file.column_not_recognised",
        "warning",
        "kolom tidak dikenali, nilainya TIDAK dimuat ke kolom kontrak (disimpan sebagai kolom "
        "tambahan): " + "; ".join(clerk) + ". Perbaiki judul kolom lalu kirim ulang",
        "header cells resembling contract columns were not matched (values kept in extra "
        "only, contract columns empty): " + "; ".join(engineer),
        count=len(found),
    )


def _quarantine_repeated_rows(
    conn: psycopg.Connection,
    table: sql.Identifier,
    columns: list[str],
    sid: int,
    candidates: list[int],
) -> Reason | None:
    """Move exact repeats of an earlier row of the same submission to the quarantine.

    The loader only remembers a hash per row; here PostgreSQL compares the candidates'
    typed values (and extra cells) with the earlier rows exactly, keeps the first row and
    moves the copies to raw.quarantine with rule `row.duplicate` ("baris ganda"). `table`
    is the submission's rows table, not yet attached.
    """
    names = (*columns, "extra")
    query = sql.SQL(
        """
        with candidate as (
            select t.row_number, row({t_cols})::text as content
            from {table} as t
            where t.submission_id = %(sid)s and t.row_number = any(%(rows)s)
        ),
        copies as (
            select c.row_number, min(o.row_number) as first_row
            from candidate as c
            join {table} as o
              on o.submission_id = %(sid)s and o.row_number < c.row_number
             and row({o_cols})::text = c.content
            group by c.row_number
        ),
        removed as (
            delete from {table} as t
            using copies
            where t.submission_id = %(sid)s and t.row_number = copies.row_number
            returning t.*, copies.first_row
        )
        insert into raw.quarantine (submission_id, row_number, rule, reason, detail, original)
        select submission_id, row_number, 'row.duplicate',
               'baris ganda: sama persis dengan baris ' || first_row || '; dimuat sekali saja',
               'exact duplicate of row ' || first_row || ' of the same submission; kept once',
               to_jsonb(removed) - 'submission_id' - 'row_number' - 'first_row'
        from removed
        returning row_number
        """
    ).format(
        table=table,
        t_cols=sql.SQL(", ").join(sql.Identifier("t", c) for c in names),
        o_cols=sql.SQL(", ").join(sql.Identifier("o", c) for c in names),
    )
    moved = conn.execute(query, {"sid": sid, "rows": candidates}).fetchall()
    if not moved:
        return None
    rows = sorted(r[0] for r in moved)
    return Reason(
        "row.duplicate",
        "quarantine",
        f"{len(rows)} baris ganda (sama persis dengan baris sebelumnya dalam berkas ini) "
        "dimuat sekali saja; salinannya dikarantina",
        f"{len(rows)} exact duplicate rows within the submission kept once; copies quarantined",
        count=len(rows),
        rows=rows[:SAMPLE_ROWS_PER_REASON],
    )


def _same_rows_elsewhere(
    conn: psycopg.Connection,
    table: str,
    rows_table: sql.Identifier,
    columns: list[str],
    name: SubmissionName,
    loaded: int,
) -> Reason | None:
    """A warning when the rows equal those of a submission of another period (same dataset
    and province; other bytes, e.g. last year's register re-saved under this year's name).

    Only submissions with the same number of rows are compared, so the full comparison runs
    in the rare case where it can match. `rows_table` holds this submission's rows (not yet
    attached to raw.<table>).
    """
    others = conn.execute(
        """select submission_id, file_path, period from raw.submissions
           where dataset = %s and province_code = %s and period <> %s and rows_loaded = %s
             and outcome in ('loaded', 'accepted', 'accepted_with_warnings')
           order by submission_id""",
        (name.dataset, name.province.code, name.period.label, loaded),
    ).fetchall()
    compare = sql.SQL(
        """select not exists (
               (select {cols} from {rows_table}
                except all
                select {cols} from {table} where submission_id = %(other)s)
               union all
               (select {cols} from {table} where submission_id = %(other)s
                except all
                select {cols} from {rows_table}))"""
    ).format(
        table=sql.Identifier("raw", table),
        rows_table=rows_table,
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in (*columns, "extra")),
    )
    for other, path, period in others:
        identical = conn.execute(compare, {"other": other}).fetchone()[0]
        if identical:
            return Reason(
                "file.same_rows_as_other_period",
                "warning",
                f"semua baris sama persis dengan kiriman periode {period} ({path}); periksa "
                f"apakah data periode {name.period.label} yang benar terkirim",
                f"every row equals submission {other} ({path}, period {period})",
            )
    return None


def _header_keys(header: list[str]) -> list[str]:
    """The JSON key of each column in `extra` and in quarantined originals: the header as
    written (shortened beyond ORIGINAL_CELL_CHARS, so a 1 MB header cell is not repeated in
    every row), or `kolom_<n>` for a blank one."""
    return [_short(h) if h else f"kolom_{i + 1}" for i, h in enumerate(header)]


def _mapped_rows(
    table, header: list[str]
) -> Iterator[tuple[int, dict[str, Any], dict[str, Any], list[Any]]]:
    """(row_number, canonical cells, extra cells, the row's cells as read) for each data row.

    ``header`` is `_header_keys(table.header)`. The original row (header -> cell, kept for
    quarantined rows) is built by the caller only when needed: `_original(header, cells)`.
    """
    mapper = _row_mapper(table.columns, header)
    for row_number, cells in table.rows():
        canonical, extra = mapper(cells)
        yield row_number, canonical, extra, cells


def _row_mapper(
    columns: list[str | None], header: list[str]
) -> Callable[[list[Any]], tuple[dict[str, Any], dict[str, Any]]]:
    """cells -> (canonical column -> cell, extra header -> cell with a value)."""
    names = tuple(name for name in columns if name is not None)
    positions = tuple(i for i, name in enumerate(columns) if name is not None)
    width = len(columns)
    extra_positions = tuple(i for i, name in enumerate(columns) if name is None)
    pick = operator.itemgetter(*positions) if len(positions) > 1 else None
    no_extra: dict[str, Any] = {}  # shared, never written to

    def mapped(cells: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        if pick is not None and len(cells) >= width:
            canonical = dict(zip(names, pick(cells)))  # noqa: B905 - same length by design
        else:
            canonical = {
                name: cells[i] for name, i in zip(names, positions, strict=True) if i < len(cells)
            }
        extra = no_extra
        if extra_positions or len(cells) > width:
            extra = {}
            for i in (*extra_positions, *range(width, len(cells))):
                if i >= len(cells):
                    break
                cell = cells[i]
                if cell not in (None, ""):
                    key = header[i] if i < len(header) else f"kolom_{i + 1}"
                    extra[key] = _json_cell(cell)
        return canonical, extra

    return mapped


def _json_cell(cell: Any) -> Any:
    if cell is None or isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


def _short(text: str, limit: int = ORIGINAL_CELL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with a marker saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [dipotong, {len(text):,} karakter]".replace(",", ".")


def _original(header: list[str], cells: list[Any]) -> dict[str, Any]:
    """A quarantined row as submitted (header key -> cell), long cells shortened."""
    out = {}
    for i, cell in enumerate(cells):
        value = _json_cell(cell)
        out[header[i] if i < len(header) else f"kolom_{i + 1}"] = (
            _short(value) if isinstance(value, str) else value
        )
    return out


class _QuarantineSpool:
    """Quarantined rows wait in a temporary file (bounded memory) until the data COPY ends."""

    def __init__(self, spool) -> None:
        self.spool = spool
        self.count = 0

    def add(self, sid: int, row_number: int, issues: list[Issue], original: dict) -> None:
        blocking = [i for i in issues if i.severity == "quarantine"]
        rule = ",".join(sorted({i.rule for i in blocking}))
        reason = "; ".join(i.reason for i in blocking)
        detail = "; ".join(i.detail for i in blocking)
        line = json.dumps([sid, row_number, rule, reason, detail, original], default=str)
        self.spool.write(line.encode() + b"\n")
        self.count += 1

    def copy_into(self, conn: psycopg.Connection) -> None:
        if not self.count:
            return
        self.spool.seek(0)
        with conn.cursor().copy(
            "copy raw.quarantine (submission_id, row_number, rule, reason, detail, original) "
            "from stdin"
        ) as copy:
            for line in self.spool:
                sid, row_number, rule, reason, detail, original = json.loads(line)
                copy.write_row((sid, row_number, rule, reason, detail, Jsonb(original)))
