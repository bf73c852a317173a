"""The BPS suite (expectations/bps_observations.json) over raw.bps_observations.

BPS data is not a provincial submission: nothing is accepted or rejected. The run is one
GX validation over the whole table; its failures are listed as findings (per measure and
period: the provinces without a value), logged, and stored with the GX result in
`audit.validation_runs` (and the Data Docs store).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psycopg.types.json import Jsonb

from ingest import warehouse
from ingest.validation import _gx
from ingest.validation.suites import BPS_SUITE, get_suite

log = logging.getLogger(__name__)

MAX_FINDING_ROWS = 5000
VIEW = "gate_batch_bps_observations"
BATCH_SQL = f"select * from audit.{VIEW}"


@dataclass
class BpsReport:
    run_id: str
    success: bool
    rows: int
    seconds: float
    failed_rules: dict[str, int] = field(default_factory=dict)  # rule -> unexpected count
    # gx.bps.province_coverage: [{"measure", "period", "missing": [codes]}]; other rules:
    # [{"rule", "row": {...}}]
    findings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate_bps(conninfo: str, *, gx_dir: Path | None = None) -> BpsReport:
    """Run the BPS suite over raw.bps_observations; the findings (never raises on them)."""
    suite = get_suite(BPS_SUITE)
    started = datetime.now(UTC)
    t0 = time.monotonic()
    run_id = f"{started:%Y%m%dT%H%M%S%fZ}-bps"
    with warehouse.connect(conninfo) as conn:
        if conn.execute("select to_regclass('raw.bps_observations')").fetchone()[0] is None:
            raise RuntimeError("raw.bps_observations does not exist: run the migrations first")
        rows = conn.execute("select count(*) from raw.bps_observations").fetchone()[0]
        with conn.transaction():  # GX validates a view in the gate's schema (see _gx)
            conn.execute(f"drop view if exists audit.{VIEW}")
            conn.execute(f"create view audit.{VIEW} as select * from raw.bps_observations")
        with _gx.warehouse_datasource(conninfo) as datasource:
            result = _gx.validate_table(datasource, f"bps_{run_id}", VIEW, suite.gx_suite(), run_id)
        errors = _gx.exception_messages(result)
        if errors:
            raise RuntimeError(f"BPS suite could not be evaluated: {errors}")
        failed: dict[str, int] = {}
        findings: list[dict[str, Any]] = []
        by_rule = {r.expectation_config.meta["rule"]: r for r in result.results}
        for rule in suite.rules:
            r = by_rule[rule.code]
            if r.success:
                continue
            res = r.result or {}
            failed[rule.code] = int(res.get("unexpected_count", res.get("observed_value")) or 0)
            query = rule.unexpected_rows_sql(BATCH_SQL) + f" limit {MAX_FINDING_ROWS}"
            cur = conn.execute(query)
            names = [d.name for d in cur.description]
            records = [dict(zip(names, rec, strict=True)) for rec in cur.fetchall()]
            if rule.code == "gx.bps.province_coverage":
                missing: dict[tuple[str, str], list[str]] = defaultdict(list)
                for rec in records:
                    missing[(rec["measure"], rec["period"])].append(rec["missing_province_code"])
                findings += [
                    {"rule": rule.code, "measure": m, "period": p, "missing": sorted(codes)}
                    for (m, p), codes in sorted(missing.items())
                ]
            else:
                findings += [{"rule": rule.code, "row": _jsonable(rec)} for rec in records]
        result_json = result.to_json_dict()
        with conn.transaction():
            conn.execute(
                """insert into audit.validation_runs
                     (run_id, suite, started_at, finished_at, success, statistics, findings,
                      gx_result)
                   values (%s, %s, %s, now(), %s, %s, %s, %s)""",
                (
                    run_id,
                    suite.name,
                    started,
                    result.success,
                    Jsonb(result_json.get("statistics", {})),
                    Jsonb(findings),
                    Jsonb(result_json),
                ),
            )
            conn.execute(f"drop view if exists audit.{VIEW}")
    try:
        _gx.store_result(gx_dir or _gx.default_gx_dir(), dict(suite.document), result_json, run_id)
    except Exception:
        log.warning("bps validation: could not store the GX result", exc_info=True)
    report = BpsReport(
        run_id=run_id,
        success=bool(result.success),
        rows=rows,
        seconds=round(time.monotonic() - t0, 3),
        failed_rules=failed,
        findings=findings,
    )
    log.info(
        "bps validation: %d rows, %s in %.1f s",
        rows,
        "passed" if report.success else "FAILED",
        report.seconds,
    )
    for code, count in failed.items():
        log.info("  FAILED %s: %d unexpected", code, count)
    for f in findings[:50]:
        if "missing" in f:
            log.info("  %s %s: no value for provinces %s", f["measure"], f["period"], f["missing"])
    return report


def _jsonable(rec: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, str | int | float | bool) or v is None else str(v))
        for k, v in rec.items()
    }
