"""Stage measurement: wall time, CPU, peak RSS of every process involved, progress lines.

Peak RSS is sampled (psutil, every ``interval`` seconds) over this process, all its
descendants (loader workers, dbt, DAG-parse interpreters) and the PostgreSQL backends
connected to the benchmark database (matched by the database name in their process
title). A backend's RSS includes the shared buffers it touched, so it overstates what the
backend owns. CPU comes from ``getrusage`` (this process, plus children once they are
reaped) and from the sampled CPU times of the backends.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psutil
import psycopg

from ingest import warehouse

log = logging.getLogger(__name__)

MB = 1024 * 1024
BACKEND_SCAN_EVERY = 4  # sampler ticks between scans for new PostgreSQL backends


class Progress:
    """Stage lines with the elapsed time since the run started."""

    def __init__(self, stream=None) -> None:
        self.t0 = time.monotonic()
        self.started = time.time()
        self.stream = stream or sys.stdout

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def __call__(self, message: str) -> None:
        print(f"[{self.elapsed():8.1f}s] {message}", file=self.stream, flush=True)


@dataclass
class ProcPeak:
    rss_mb: float = 0.0
    role: str = ""
    pid: int = 0


@dataclass
class StageMeasure:
    name: str
    wall_s: float = 0.0
    cpu_self_s: float = 0.0
    cpu_children_s: float = 0.0
    cpu_postgres_s: float = 0.0
    peak: ProcPeak = field(default_factory=ProcPeak)
    peak_by_role: dict[str, float] = field(default_factory=dict)
    peak_total_rss_mb: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall_s, 3),
            "cpu_s": {
                "bench_process": round(self.cpu_self_s, 2),
                "child_processes": round(self.cpu_children_s, 2),
                # backends that start and end between two samples are missed
                "postgres_backends_sampled_lower_bound": round(self.cpu_postgres_s, 2),
            },
            "peak_rss_mb": round(self.peak.rss_mb, 1),
            "peak_rss_process": f"{self.peak.role} (pid {self.peak.pid})",
            "peak_rss_mb_by_role": {k: round(v, 1) for k, v in sorted(self.peak_by_role.items())},
            "peak_rss_mb_all_processes_sum": round(self.peak_total_rss_mb, 1),
            "loadavg_1m_before_after": [self.load_before, self.load_after],
        }


def stage_record(m: StageMeasure, rows: int | None = None, **extra: Any) -> dict[str, Any]:
    """A stage's figures for the results file: its measure, its rows and rows/s, `extra`."""
    out = m.as_dict()
    if rows is not None:
        out["rows"] = rows
        out["rows_per_s"] = round(rows / m.wall_s, 1) if m.wall_s > 0 else None
    out.update(extra)
    return out


class _Sampler(threading.Thread):
    def __init__(self, dbname: str | None, interval: float) -> None:
        super().__init__(daemon=True, name="bench-rss-sampler")
        self.dbname = dbname
        self.interval = interval
        self.me = psutil.Process()
        self.stop_event = threading.Event()
        self.peak = ProcPeak()
        self.by_role: dict[str, float] = {}
        self.total = 0.0
        self.pg_cpu_first: dict[int, float] = {}
        self.pg_cpu_last: dict[int, float] = {}
        self.ticks = 0
        self.backends: dict[int, psutil.Process] = {}

    def _processes(self) -> Iterator[tuple[psutil.Process, str]]:
        yield self.me, "bench"
        try:
            children = self.me.children(recursive=True)
        except psutil.Error:
            children = []
        for child in children:
            yield child, _role(child)
        if not self.dbname:
            return
        self.ticks += 1
        if self.ticks % BACKEND_SCAN_EVERY == 1:  # scanning every process costs CPU
            self.backends = {}
            for proc in psutil.process_iter(["cmdline"]):
                title = " ".join(proc.info.get("cmdline") or [])
                if title.startswith("postgres:") and f" {self.dbname} " in f" {title} ":
                    self.backends[proc.pid] = proc
        for proc in self.backends.values():
            yield proc, "postgres backend"

    def sample(self) -> None:
        total = 0.0
        for proc, role in self._processes():
            try:
                rss = proc.memory_info().rss / MB
                if role == "postgres backend":
                    cpu = sum(proc.cpu_times()[:2])
                    self.pg_cpu_first.setdefault(proc.pid, cpu)
                    self.pg_cpu_last[proc.pid] = cpu
            except psutil.Error:
                continue
            total += rss
            if rss > self.by_role.get(role, 0.0):
                self.by_role[role] = rss
            if rss > self.peak.rss_mb:
                self.peak = ProcPeak(rss, role, proc.pid)
        self.total = max(self.total, total)

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join()
        self.sample()


def _role(proc: psutil.Process) -> str:
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return "child"
    if "dbt" in cmd:
        return "dbt"
    if "DagBag" in cmd or "dag_processing" in cmd:
        return "dag parse"
    if "python" in cmd and proc.ppid() == os.getpid():
        return "worker"
    return "child"


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _loadavg() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover
        return 0.0


@contextmanager
def measure(name: str, dbname: str | None, interval: float = 0.5) -> Iterator[StageMeasure]:
    """Measure the `with` block as one stage."""
    m = StageMeasure(name, load_before=_loadavg())
    sampler = _Sampler(dbname, interval)
    self0, children0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    sampler.start()
    try:
        yield m
    finally:
        m.wall_s = time.perf_counter() - t0
        sampler.stop()
        m.cpu_self_s = _cpu(resource.RUSAGE_SELF) - self0
        m.cpu_children_s = _cpu(resource.RUSAGE_CHILDREN) - children0
        m.cpu_postgres_s = sum(
            sampler.pg_cpu_last[p] - sampler.pg_cpu_first[p] for p in sampler.pg_cpu_last
        )
        m.peak = sampler.peak
        m.peak_by_role = sampler.by_role
        m.peak_total_rss_mb = sampler.total
        m.load_after = _loadavg()


def lifetime_maxrss_mb() -> dict[str, float]:
    """ru_maxrss (KiB on Linux) of this process and of its largest reaped child."""
    return {
        "bench_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def checkpoint(conninfo: str) -> None:
    """CHECKPOINT before a stage, so that it does not pay for the writes of the one before."""
    try:
        with warehouse.connect(conninfo) as conn:
            conn.execute("checkpoint")
    except psycopg.Error as exc:  # not a superuser: measure without it
        log.warning("CHECKPOINT refused (%s); stages may pay for earlier writes", exc)
