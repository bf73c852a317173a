"""One measurement of the XLSX benchmark stage (dev/kumkm_dev/bench/xlsx.py), in a fresh
interpreter: ``python -m kumkm_dev.bench.xlsx_probe load|calamine|openpyxl PATH [URL]``
prints ``RESULT{json}`` with rows, wall and CPU seconds, rows/s and peak RSS."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import openpyxl

from ingest.submissions.datasets import DATASETS
from ingest.submissions.load import ingest_dropzone
from ingest.submissions.readers import open_table


def _measure(what: str, path: Path, conninfo: str) -> int:
    if what == "load":
        results = ingest_dropzone(conninfo, path, workers=1)
        if [r.outcome for r in results] != ["loaded"]:
            raise SystemExit(f"the workbook did not load: {results}")
        return results[0].rows_received
    if what == "calamine":
        with open_table(path, DATASETS["umkm"]) as table:
            return sum(1 for _ in table.rows())
    if what == "openpyxl":
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1  # header
        finally:
            wb.close()
    raise SystemExit(f"unknown probe {what!r}")


def _peak_rss_mb() -> float:
    """This process's peak RSS since its exec: VmHWM (``ru_maxrss`` would include the RSS
    of the parent it was forked from, the benchmark process)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return round(kib / 1024, 1)


def main(argv: list[str]) -> int:
    what, path, conninfo = argv[0], Path(argv[1]), argv[2] if len(argv) > 2 else ""
    t0, c0 = time.perf_counter(), time.process_time()
    rows = _measure(what, path, conninfo)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    result = {
        "rows": rows,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "rows_per_s": round(rows / wall, 1),
        "rows_per_cpu_s": round(rows / cpu, 1),
        "peak_rss_mb": _peak_rss_mb(),
    }
    print("RESULT" + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
