"""National-scale benchmark of the pipeline (issue 7): `python -m kumkm_dev.bench --rows 1m`.

Generates 38 province `umkm` files (deterministic), then measures in one run, on the same
files and server: the project's ingest vs a bare COPY of the pre-cleaned rows vs pandas
`to_sql`; the GX gate; `dbt build`; a single-province resubmission until the marts show
it; DAG parse time. Results: `bench/results/<size>-<date>.json` and `bench/results/latest.md`.
"""

from kumkm_dev.bench.data import parse_size, size_label
from kumkm_dev.bench.report import render, summarise
from kumkm_dev.bench.run import Options, run_bench

__all__ = ["Options", "parse_size", "render", "run_bench", "size_label", "summarise"]
