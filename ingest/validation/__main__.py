"""Command line for the validation gate.

    python -m ingest.validation                      # validate pending submissions
    python -m ingest.validation --bps                # the BPS suite
    python -m ingest.validation --docs DIR           # build Data Docs into DIR
    python -m ingest.validation --bench-rows 2000000 # time + peak RSS of one big umkm batch

The connection is WAREHOUSE_URL (or the embedded server), or --conninfo.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

from ingest import warehouse

log = logging.getLogger("ingest.validation")

BENCH_PROVINCE = "74"
BENCH_PERIOD = "2099"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(conninfo: str, rows: int, bad_every: int = 100_000, keep: bool = False) -> dict:
    """Load a synthetic umkm submission of `rows` rows with SQL, validate it, measure.

    Every `bad_every`-th row has a malformed NIB (moved to quarantine by the gate). The
    submission and its rows are deleted afterwards unless `keep`.
    """
    import great_expectations  # noqa: F401  (baseline RSS includes GX itself)

    from ingest.submissions.load import add_partition
    from ingest.validation import validate_submissions

    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
        sid = conn.execute(
            """insert into raw.submissions
                 (dataset, province_code, period, period_type, period_start, period_end,
                  file_name, file_path, sha256, file_size, file_mtime, outcome)
               values ('umkm', %s, %s, 'year', %s, %s, %s, %s, md5(random()::text), 0, now(),
                       'loaded')
               returning submission_id""",
            (
                BENCH_PROVINCE,
                BENCH_PERIOD,
                f"{BENCH_PERIOD}-01-01",
                f"{BENCH_PERIOD}-12-31",
                f"umkm_{BENCH_PROVINCE}_{BENCH_PERIOD}_bench.csv",
                f"_bench/umkm_{BENCH_PROVINCE}_{BENCH_PERIOD}_{time.time_ns()}.csv",
            ),
        ).fetchone()[0]
        t0 = time.monotonic()
        add_partition(conn, "umkm", sid)
        conn.execute(
            """insert into raw.umkm
                 (submission_id, row_number, nib, nama_usaha, kabupaten_kota, kbli, skala_usaha,
                  modal_usaha, omzet_tahunan, tenaga_kerja, jenis_kelamin_pemilik,
                  sertifikat_halal, tanggal_sertifikat_halal)
               select %(sid)s, g,
                      case when g %% %(bad)s = 0 then 'X' || g else lpad(g::text, 13, '0') end,
                      'Usaha ' || g, 'Kota Kendari', lpad((10000 + g %% 90000)::text, 5, '0'),
                      (array['mikro', 'kecil', 'menengah'])[1 + g %% 3],
                      (array[5e8, 3e9, 8e9])[1 + g %% 3], (array[1e9, 1e10, 3e10])[1 + g %% 3],
                      1 + g %% 50, (array['L', 'P'])[1 + g %% 2],
                      (array['tidak ada', 'reguler', 'self declare'])[1 + g %% 3],
                      case when g %% 3 = 0 then null else date '2023-01-01' + g %% 365 end
               from generate_series(1, %(rows)s) as g""",
            {"sid": sid, "rows": rows, "bad": bad_every},
        )
        conn.execute(
            "update raw.submissions set rows_received = %s, rows_loaded = %s "
            "where submission_id = %s",
            (rows, rows, sid),
        )
        conn.execute("analyze raw.umkm")
        load_s = time.monotonic() - t0
    rss_before = peak_rss_mb()
    t0 = time.monotonic()
    report = validate_submissions(conninfo, [sid])
    validate_s = time.monotonic() - t0
    rss_after = peak_rss_mb()
    verdict = report.verdict(sid)
    out = {
        "rows": rows,
        "submission_id": sid,
        "load_seconds": round(load_s, 2),
        "validate_seconds": round(validate_s, 2),
        "peak_rss_mb_before_validation": round(rss_before, 1),
        "peak_rss_mb_after_validation": round(rss_after, 1),
        "outcome": verdict.outcome,
        "failed_rules": verdict.failed_rules,
        "rows_quarantined_by_gate": verdict.rows_quarantined_by_gate,
    }
    if not keep:
        with warehouse.connect(conninfo) as conn, conn.transaction():
            conn.execute("delete from raw.umkm where submission_id = %s", (sid,))
            conn.execute("delete from raw.quarantine where submission_id = %s", (sid,))
            conn.execute("delete from raw.submissions where submission_id = %s", (sid,))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.validation", description=__doc__)
    parser.add_argument("--conninfo", help="warehouse URL (default: WAREHOUSE_URL / embedded)")
    parser.add_argument("--bps", action="store_true", help="run the BPS suite")
    parser.add_argument("--docs", type=Path, metavar="DIR", help="build Data Docs into DIR")
    parser.add_argument("--bench-rows", type=int, metavar="N", help="benchmark an N-row batch")
    parser.add_argument(
        "--bench-bad-every",
        type=int,
        default=100_000,
        metavar="K",
        help="bench: every K-th row has a malformed NIB (quarantined); default 100000",
    )
    parser.add_argument("--keep", action="store_true", help="bench: keep the synthetic rows")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    conninfo = args.conninfo or warehouse.url()

    from ingest import validation

    if args.bench_rows:
        result = bench(conninfo, args.bench_rows, args.bench_bad_every, keep=args.keep)
    elif args.docs:
        result = {"index": str(validation.build_data_docs(args.docs, conninfo=conninfo))}
    elif args.bps:
        result = validation.validate_bps(conninfo).as_dict()
    else:
        result = validation.validate_pending(conninfo, raise_on_error=False).as_dict()
    print(json.dumps(result, indent=None if args.json else 2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
