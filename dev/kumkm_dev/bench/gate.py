"""Where the gate's time goes: the benchmark's 38 umkm files loaded once into a template
database, then `validate_pending` over a fresh copy of it, `--repeats` times, with every
SQL statement GX sends timed through SQLAlchemy's cursor events.

    python -m kumkm_dev.bench gate --rows 5m --repeats 2

Statements are named by what they compute: the suite's SQL rules by their rule code, GX's
one aggregate query over every value check, the row count; the gate's own SQL (view,
row counts per submission, results, Data Docs store) is the rest of the wall time.
`expectations/README.md`, "Where the time goes", quotes these figures.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ingest import warehouse
from ingest.submissions.load import ingest_dropzone
from ingest.validation import get_suite, validate_pending
from kumkm_dev.bench import data
from kumkm_dev.bench.measure import Progress

VALUE_CHECKS = "value checks: GX's one aggregate query (every column map expectation)"
ROW_COUNT = "table.row_count"
OUTSIDE = "outside GX's SQL: GX's start-up and planning, the gate's own SQL, results, Data Docs"
SHOWN_FROM_S = 0.05


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _labeller(suite_name: str):
    """A statement -> the name of what it computes."""
    rules = [
        (r.code, _squeeze(r.kwargs["unexpected_rows_query"]).split("{batch}")[0][:60])
        for r in get_suite(suite_name).rules
        if r.is_query
    ]

    def label(statement: str) -> str:
        text = _squeeze(statement)
        for code, head in rules:
            if head in text:
                return code
        if "column_values." in text:
            return VALUE_CHECKS
        if ROW_COUNT in text:
            return ROW_COUNT
        return text[:70]

    return label


class _StatementClock:
    """Wall time per labelled statement of every SQLAlchemy engine, while installed."""

    def __init__(self, label) -> None:
        self.label = label
        self.seconds: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        took = time.perf_counter() - conn.info["bench_started"].pop()
        name = self.label(statement)
        self.seconds[name] += took
        self.count[name] += 1

    def __enter__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self.before)
        event.listen(Engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self.before)
        event.remove(Engine, "after_cursor_execute", self.after)


def _recreate(admin_url: str, name: str, template: str | None = None) -> None:
    _drop(admin_url, name)
    create = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" template {}").format(sql.Identifier(template))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(create)


def _drop(admin_url: str, name: str) -> None:
    drop = sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(drop)


def run_gate(
    admin_url: str, db_url, data_dir: Path, rows: int, repeats: int, say: Progress
) -> dict[str, Any]:
    """Load once, validate `repeats` fresh copies; the per-statement times of each run."""
    label = data.size_label(rows)
    dropzone = data_dir / label / "dropzone"
    files, _ = data.ensure_dropzone(dropzone, rows)
    template = f"kumkm_bench_gate_{label.replace('.', '_')}_{os.getpid()}"
    runs = []
    _recreate(admin_url, template)
    try:
        with warehouse.connect(db_url(admin_url, template)) as conn:
            warehouse.migrate(conn)
        say(f"gate: loading {rows:,} rows ({len(files)} files) into the template database ...")
        loaded = ingest_dropzone(db_url(admin_url, template), dropzone)
        if sum(r.outcome == "loaded" for r in loaded) != len(files):
            raise RuntimeError(f"gate: not every bench file loaded: {loaded}")
        for i in range(repeats):
            copy = f"{template}_run"
            _recreate(admin_url, copy, template)
            try:
                load_before = os.getloadavg()[0]
                with _StatementClock(_labeller("umkm")) as clock:
                    t0 = time.perf_counter()
                    report = validate_pending(db_url(admin_url, copy), raise_on_error=False)
                    wall = time.perf_counter() - t0
            finally:
                _drop(admin_url, copy)
            in_gx = sum(clock.seconds.values())
            run = {
                "gate_s": round(wall, 2),
                "outcomes": report.outcomes(),
                "load_avg_before": round(load_before, 2),
                "statements": {
                    k: {"seconds": round(v, 2), "count": clock.count[k]}
                    for k, v in sorted(clock.seconds.items(), key=lambda kv: -kv[1])
                },
                "outside_gx_s": round(wall - in_gx, 2),
            }
            runs.append(run)
            say(f"gate run {i + 1}/{repeats}: {wall:.1f}s (load average {load_before:.1f})")
            small = [s for s in run["statements"].values() if s["seconds"] < SHOWN_FROM_S]
            for name, s in run["statements"].items():
                if s["seconds"] >= SHOWN_FROM_S:
                    say(f"  {s['seconds']:7.2f}s x{s['count']}  {name}")
            say(
                f"  {sum(s['seconds'] for s in small):7.2f}s x{sum(s['count'] for s in small)}"
                f"  other GX statements (catalog, samples of passing checks), each < "
                f"{SHOWN_FROM_S} s"
            )
            say(f"  {run['outside_gx_s']:7.2f}s     {OUTSIDE}")
    finally:
        _drop(admin_url, template)
    return {"rows": rows, "files": len(files), "runs": runs}
