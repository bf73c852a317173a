"""Command line of the benchmark.

    python -m kumkm_dev.bench --rows 1m            # 1M rows (also 5m, 21.4m, 250k, 1000000)
    python -m kumkm_dev.bench --rows 21.4m --workers 2
    python -m kumkm_dev.bench render               # rewrite bench/results/latest.md
    python -m kumkm_dev.bench xlsx                 # the XLSX stage alone (200k-row workbook)
    python -m kumkm_dev.bench gate --rows 5m       # the gate alone, SQL timed per statement

The PostgreSQL server is TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
or --admin-url; a database `kumkm_bench_<size>_<pid>` is created and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from kumkm_dev.bench import data, report
from kumkm_dev.bench.measure import Progress
from kumkm_dev.bench.run import BENCH_DIR, Options, run_bench


class _Elapsed(logging.Formatter):
    """Library log lines under the stage lines, on the same clock."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def format(self, record: logging.LogRecord) -> str:
        return f"[{record.created - self.progress.started:8.1f}s]   {record.getMessage()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kumkm_dev.bench", description=__doc__)
    parser.add_argument(
        "command", nargs="?", default="run", choices=("run", "render", "xlsx", "gate")
    )
    parser.add_argument("--rows", default="1m", help="rows over the 38 files: 1m, 5m, 21.4m")
    parser.add_argument("--workers", type=int, help="load workers (default KUMKM_LOAD_WORKERS)")
    parser.add_argument("--admin-url", help="PostgreSQL URL to create the bench database from")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    parser.add_argument(
        "--to-sql-rows", help="rows for the to_sql baseline (default min(1m, rows))"
    )
    parser.add_argument("--dag-repeats", type=int, default=3)
    parser.add_argument(
        "--xlsx-rows", default="200k", help="rows of the XLSX stage's workbook (0: no stage)"
    )
    parser.add_argument("--repeats", type=int, default=2, help="gate: validations to time")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the bench database")
    parser.add_argument("--quiet", action="store_true", help="stage lines only")
    args = parser.parse_args(argv)

    markdown = args.results_dir / "latest.md"
    if args.command == "render":
        markdown.write_text(report.render(args.results_dir))
        print(markdown)
        return 0

    say = Progress()
    if args.command == "xlsx":
        from datetime import date

        from kumkm_dev.bench.run import _db_url
        from kumkm_dev.bench.xlsx import run_xlsx

        rows = data.parse_size(args.xlsx_rows)
        stage = run_xlsx(
            args.admin_url or Options(rows=0).admin_url, args.data_dir / "xlsx", rows, _db_url, say
        )
        out = args.results_dir / f"xlsx-{data.size_label(rows)}-{date.today().isoformat()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(stage, indent=1) + "\n")
        say(f"results: {out}")
        return 0
    if args.command == "gate":
        from datetime import date

        from kumkm_dev.bench.gate import run_gate
        from kumkm_dev.bench.run import _db_url

        rows = data.parse_size(args.rows)
        result = run_gate(
            args.admin_url or Options(rows=0).admin_url,
            _db_url,
            args.data_dir,
            rows,
            args.repeats,
            say,
        )
        out = args.results_dir / f"gate-{data.size_label(rows)}-{date.today().isoformat()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")
        say(f"results: {out}")
        return 0
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_Elapsed(say))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    if not args.quiet:
        logging.getLogger("ingest.submissions.load").setLevel(logging.INFO)  # a line per file
    opts = Options(
        rows=data.parse_size(args.rows),
        workers=args.workers,
        data_dir=args.data_dir,
        results_dir=args.results_dir,
        to_sql_rows=data.parse_size(args.to_sql_rows) if args.to_sql_rows else None,
        dag_repeats=args.dag_repeats,
        xlsx_rows=data.parse_size(args.xlsx_rows),
        keep_db=args.keep_db,
    )
    if args.admin_url:
        opts.admin_url = args.admin_url
    results, _ = run_bench(opts, say)
    markdown.write_text(report.render(args.results_dir))
    say(f"markdown: {markdown}")
    s = results["summary"]
    say(
        f"summary: ingest {s['ingest_rows_per_s']:,.0f} rows/s = "
        f"{100 * s['ingest_vs_bare_copy']:.0f} % of bare COPY, "
        f"{100 * s['ingest_vs_floor']:.0f} % of the client floor "
        f"({s['floor_rows_per_s']:,.0f} rows/s), {s['ingest_vs_to_sql']:.1f}x "
        f"to_sql; end to end {s['end_to_end_s']:.0f} s; peak RSS {s['peak_rss_mb']:,.0f} MB; "
        f"refresh {100 * s['refresh_vs_full']:.0f} % of full; DAG parse max "
        f"{s['dag_parse_max_s']:.2f} s; reconciled {s['reconciled']}"
        + (
            f"; xlsx {s['xlsx_rows_per_s']:,.0f} rows/s = {s['xlsx_vs_openpyxl']:.1f}x openpyxl"
            if s.get("xlsx_rows_per_s")
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
