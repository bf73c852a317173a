"""The validation gate: one GX validation per dataset over every submission waiting in
outcome `loaded`, then one transaction per dataset that records the results and decides
each submission's outcome.

Steps for one dataset batch (submission ids S):

1. The view `audit.gate_batch_<table>` = `select * from raw.<table> where submission_id
   in (S)` is (re)created and GX validates the suite over it as a table asset: every metric
   is SQL computed by PostgreSQL, the result format is BASIC (counts only), so memory does
   not grow with the batch. (Why a view and not a query asset: see `_gx.validate_table`.)
2. Attribution: for each expectation GX reports as failed, one SQL query returns per
   submission the number of failing rows and the first ones as json: grouped over
   `Rule.unexpected_rows_sql` for built-in expectations (row-wise ones read a temporary
   table of the rows failing any of them, filled by one scan); the suite's own query for
   query rules, which return one row per failing submission. The
   per-submission results must add up to GX's count (checked; a mismatch is logged as an
   error and listed in the report's anomalies).
3. Decision, in one transaction: `audit.validation_results` (one row per expectation per
   submission, replaced on re-validation); rows failing `quarantine` rules move to
   `raw.quarantine` (unless the submission is rejected: a rejected submission keeps all
   its rows in raw for inspection); the gate's findings are appended to
   `raw.submissions.reasons`; outcome, counts and `validated_at` are set.

Outcome: any failed `critical` rule, or every row failing some `quarantine` rule
(`gx.submission.no_valid_rows`) -> `rejected`; else any gate finding, any parser reason of
severity warning/quarantine, or rows quarantined by the parser -> `accepted_with_warnings`;
else `accepted`.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ingest import warehouse
from ingest.validation import _gx
from ingest.validation.suites import (
    DATASET_SUITES,
    RULE_PREFIX,
    Rule,
    Suite,
    get_suite,
    literal,
)

log = logging.getLogger(__name__)

SAMPLE_ROWS = 10  # failing rows kept per rule and submission (audit sample, reasons.rows)
NO_VALID_ROWS = "gx.submission.no_valid_rows"
GATE_LOCK = "kumkm.validation_gate"
FAILING_ROWS = "gate_failing_rows"  # temporary table of the gate's session, one batch at a time
FINAL_OUTCOMES = ("accepted", "accepted_with_warnings", "rejected")


class GateError(RuntimeError):
    """The gate could not validate some dataset batches (they stay `loaded`)."""


@dataclass
class Finding:
    """What one rule found in one submission."""

    rule: str
    severity: str
    count: int
    rows: list[int]
    sample: list[dict[str, Any]]


@dataclass
class SubmissionVerdict:
    submission_id: int
    dataset: str
    province_code: str | None
    period: str | None
    file_name: str
    outcome: str
    failed_rules: list[str] = field(default_factory=list)
    rows_loaded: int = 0
    rows_quarantined_by_gate: int = 0


@dataclass
class DatasetRun:
    dataset: str
    run_id: str
    submissions: int
    rows: int
    seconds: float
    outcomes: dict[str, int]
    failed_expectations: dict[str, int]  # rule -> unexpected count over the batch


@dataclass
class GateReport:
    submissions: list[SubmissionVerdict] = field(default_factory=list)
    datasets: list[DatasetRun] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)  # logged as errors, never raised

    def outcomes(self) -> dict[str, int]:
        return dict(Counter(v.outcome for v in self.submissions))

    def verdict(self, submission_id: int) -> SubmissionVerdict:
        for v in self.submissions:
            if v.submission_id == submission_id:
                return v
        raise KeyError(submission_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcomes": self.outcomes(),
            "submissions": [asdict(v) for v in self.submissions],
            "datasets": [asdict(d) for d in self.datasets],
            "errors": list(self.errors),
            "anomalies": list(self.anomalies),
        }


@dataclass
class _Pending:
    submission_id: int
    dataset: str
    province_code: str | None
    period: str | None
    file_name: str
    rows_loaded: int
    rows_quarantined: int
    reasons: list[dict[str, Any]]


# ---------------------------------------------------------------- public API


def validate_pending(
    conninfo: str,
    *,
    datasets: tuple[str, ...] | None = None,
    gx_dir: Path | None = None,
    raise_on_error: bool = True,
) -> GateReport:
    """Validate every submission in outcome `loaded`: one GX validation per dataset.

    A dataset batch that fails to validate (a GX or SQL error) is left `loaded` for the next
    run; the others are decided. With `raise_on_error` the call then raises GateError (the
    Airflow task fails visibly) after the other datasets are committed.
    """
    return _run(conninfo, None, datasets, gx_dir, raise_on_error)


def validate_submissions(
    conninfo: str,
    submission_ids: list[int],
    *,
    gx_dir: Path | None = None,
    raise_on_error: bool = True,
) -> GateReport:
    """Re-validate the given submissions from scratch (idempotent).

    The gate's earlier work on them is undone first: rows it quarantined return to
    raw.<dataset>, its reasons and results are removed, the outcome goes back to `loaded`.
    Submissions the loader decided (rejected files, duplicates) are left alone.
    """
    return _run(conninfo, list(submission_ids), None, gx_dir, raise_on_error)


# ---------------------------------------------------------------- the run


def _run(
    conninfo: str,
    submission_ids: list[int] | None,
    datasets: tuple[str, ...] | None,
    gx_dir: Path | None,
    raise_on_error: bool,
) -> GateReport:
    report = GateReport()
    gx_dir = gx_dir or _gx.default_gx_dir()
    with warehouse.connect(conninfo) as conn:
        conn.execute("select pg_advisory_lock(hashtext(%s))", (GATE_LOCK,))
        try:
            if submission_ids is not None:
                _reset(conn, submission_ids)
            pending = _pending(conn, submission_ids, datasets)
            if not pending:
                log.info("validation gate: no submission waiting for validation")
                return report
            with _gx.warehouse_datasource(conninfo) as datasource:
                for name in DATASET_SUITES:
                    batch = [p for p in pending if p.dataset == name]
                    if not batch:
                        continue
                    try:
                        _validate_dataset(conn, datasource, get_suite(name), batch, report, gx_dir)
                    except Exception as exc:
                        log.exception("validation gate: %s batch failed", name)
                        report.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            unknown = sorted({p.dataset for p in pending} - set(DATASET_SUITES))
            for name in unknown:
                report.errors.append(f"{name}: no suite for this dataset")
        finally:
            conn.execute("select pg_advisory_unlock(hashtext(%s))", (GATE_LOCK,))
    log.info("validation gate: %s", report.outcomes() or "nothing decided")
    if report.errors and raise_on_error:
        raise GateError("; ".join(report.errors))
    return report


def _pending(
    conn: psycopg.Connection, ids: list[int] | None, datasets: tuple[str, ...] | None
) -> list[_Pending]:
    query = """select submission_id, dataset, province_code, period, file_name,
                      rows_loaded, rows_quarantined, reasons
               from raw.submissions where outcome = 'loaded'"""
    params: list[Any] = []
    if ids is not None:
        query += " and submission_id = any(%s)"
        params.append(ids)
    if datasets is not None:
        query += " and dataset = any(%s)"
        params.append(list(datasets))
    rows = conn.execute(query + " order by submission_id", params).fetchall()
    return [_Pending(*r) for r in rows]


def _reset(conn: psycopg.Connection, ids: list[int]) -> None:
    """Undo the gate's decision on `ids` so that they validate again from `loaded`."""
    with conn.transaction():
        rows = conn.execute(
            """select submission_id, dataset from raw.submissions
               where submission_id = any(%s) and validated_at is not null
                 and outcome in ('accepted', 'accepted_with_warnings', 'rejected')
                 and (outcome <> 'rejected'
                      or exists (select 1 from audit.validation_results v
                                 where v.submission_id = raw.submissions.submission_id))
               for update""",
            (ids,),
        ).fetchall()
        by_dataset: dict[str, list[int]] = {}
        for sid, dataset in rows:
            by_dataset.setdefault(dataset, []).append(sid)
        for dataset, sids in by_dataset.items():
            table = sql.Identifier("raw", get_suite(dataset).name)
            restored = conn.execute(
                sql.SQL(
                    """with gone as (
                         delete from raw.quarantine
                         where submission_id = any(%s) and rule like 'gx.%%'
                         returning submission_id, original),
                       back as (
                         insert into {table}
                         select (jsonb_populate_record(null::{table}, original)).* from gone
                         returning submission_id)
                       select submission_id, count(*) from back group by submission_id"""
                ).format(table=table),
                (sids,),
            ).fetchall()
            moved = dict(restored)
            for sid in sids:
                conn.execute(
                    """update raw.submissions
                       set outcome = 'loaded', validated_at = null,
                           rows_loaded = rows_loaded + %(n)s,
                           rows_quarantined = rows_quarantined - %(n)s,
                           reasons = coalesce((select jsonb_agg(r order by i)
                                               from jsonb_array_elements(reasons)
                                                    with ordinality as e(r, i)
                                               where not (r->>'rule' like 'gx.%%')), '[]')
                       where submission_id = %(sid)s""",
                    {"n": moved.get(sid, 0), "sid": sid},
                )
            conn.execute(
                "delete from audit.validation_results where submission_id = any(%s)", (sids,)
            )
            log.info("validation gate: reset %s submissions %s", dataset, sids)


# ---------------------------------------------------------------- one dataset batch


def _validate_dataset(
    conn: psycopg.Connection,
    datasource: Any,
    suite: Suite,
    batch: list[_Pending],
    report: GateReport,
    gx_dir: Path,
) -> None:
    started = datetime.now(UTC)
    t0 = time.monotonic()
    ids = [p.submission_id for p in batch]
    id_list = ", ".join(str(int(i)) for i in ids)
    table = suite.name
    view = f"gate_batch_{table}"
    batch_sql = f"select * from audit.{view}"
    run_id = f"{started:%Y%m%dT%H%M%S%fZ}-{table}"
    with conn.transaction():
        conn.execute(f"drop view if exists audit.{view}")
        conn.execute(
            f"create view audit.{view} as "
            f"select * from raw.{table} where submission_id in ({id_list})"
        )

    gx_suite = suite.gx_suite()
    result = _gx.validate_table(datasource, f"{table}_{run_id}", view, gx_suite, run_id)
    errors = _gx.exception_messages(result)
    if errors:
        raise GateError(f"{table}: expectations could not be evaluated: {errors}")

    element_counts = dict(
        conn.execute(
            f"select submission_id, count(*) from raw.{table} "
            f"where submission_id in ({id_list}) group by submission_id"
        ).fetchall()
    )
    gx_by_rule = {r.expectation_config.meta["rule"]: r for r in result.results}
    failed = [r for r in suite.rules if not gx_by_rule[r.code].success]
    failing_sql = _collect_failing_rows(conn, [r for r in failed if r.is_row_wise], batch_sql)
    findings: dict[int, list[Finding]] = {sid: [] for sid in ids}
    failed_expectations: dict[str, int] = {}
    mismatches: list[str] = []
    for rule in failed:
        gx_count = _gx_unexpected_count(gx_by_rule[rule.code])
        attributed = _attribute(conn, rule, failing_sql if rule.is_row_wise else batch_sql)
        if rule.is_query:  # GX counted failing submissions
            total = len(attributed)
            failed_expectations[rule.code] = sum(f.count for f in attributed.values())
        else:
            total = sum(f.count for f in attributed.values())
            failed_expectations[rule.code] = gx_count
        if total != gx_count:
            mismatches.append(f"{rule.code}: GX {gx_count}, per submission {total}")
        for sid, finding in attributed.items():
            if sid in findings:
                findings[sid].append(finding)
    for m in mismatches:
        log.error("validation gate: attribution mismatch %s", m)
        report.anomalies.append(f"{table}: attribution mismatch {m}")

    # the quarantine rules' failing rows: from the failing rows if they are all row-wise
    hits_source = failing_sql if all(r.is_row_wise for r in failed if r.is_row_level) else batch_sql
    verdicts: list[SubmissionVerdict] = []
    with conn.transaction():
        no_valid = _rows_failing_quarantine(conn, suite, findings, hits_source, element_counts)
        outcomes: dict[int, str] = {}
        for p in batch:
            f = findings[p.submission_id]
            rows = element_counts.get(p.submission_id, 0)
            if rows == 0 or no_valid.get(p.submission_id, 0) >= rows:
                f.append(Finding(NO_VALID_ROWS, "critical", rows, [], [{"row_count": rows}]))
            outcomes[p.submission_id] = _outcome(p, f)
        movable = [sid for sid in ids if outcomes[sid] != "rejected"]
        moved = _quarantine_rows(conn, suite, findings, hits_source, movable)
        _store_results(conn, suite, batch, findings, element_counts, outcomes, run_id)
        for p in batch:
            sid = p.submission_id
            reasons = [r for r in p.reasons if not str(r.get("rule", "")).startswith(RULE_PREFIX)]
            reasons += [
                _reason_json(suite, f, element_counts.get(sid, 0), outcomes[sid])
                for f in findings[sid]
            ]
            n = moved.get(sid, 0)
            conn.execute(
                """update raw.submissions
                   set outcome = %s, validated_at = now(), reasons = %s,
                       rows_loaded = rows_loaded - %s, rows_quarantined = rows_quarantined + %s
                   where submission_id = %s""",
                (outcomes[sid], Jsonb(reasons), n, n, sid),
            )
            verdicts.append(
                SubmissionVerdict(
                    submission_id=sid,
                    dataset=p.dataset,
                    province_code=p.province_code,
                    period=p.period,
                    file_name=p.file_name,
                    outcome=outcomes[sid],
                    failed_rules=[f.rule for f in findings[sid]],
                    rows_loaded=p.rows_loaded - n,
                    rows_quarantined_by_gate=n,
                )
            )
        result_json = result.to_json_dict()
        conn.execute(
            """insert into audit.validation_runs
                 (run_id, suite, submission_ids, started_at, finished_at, success,
                  statistics, gx_result)
               values (%s, %s, %s, %s, now(), %s, %s, %s)
               on conflict (run_id, suite) do update set
                 finished_at = excluded.finished_at, success = excluded.success,
                 statistics = excluded.statistics, gx_result = excluded.gx_result""",
            (
                run_id,
                suite.name,
                ids,
                started,
                result.success,
                Jsonb(result_json.get("statistics", {})),
                Jsonb(result_json),
            ),
        )
        conn.execute(f"drop view if exists audit.{view}")
    conn.execute(f"drop table if exists pg_temp.{FAILING_ROWS}")

    try:
        _gx.store_result(gx_dir, dict(suite.document), result_json, run_id)
    except Exception:  # Data Docs are a convenience: never fail the gate for them
        log.warning("validation gate: could not store the GX result in %s", gx_dir, exc_info=True)

    run = DatasetRun(
        dataset=table,
        run_id=run_id,
        submissions=len(batch),
        rows=sum(element_counts.values()),
        seconds=round(time.monotonic() - t0, 3),
        outcomes=dict(Counter(outcomes.values())),
        failed_expectations=failed_expectations,
    )
    report.datasets.append(run)
    report.submissions.extend(verdicts)
    _log_dataset(suite, run, verdicts, findings)


def _gx_unexpected_count(gx_result: Any) -> int:
    res = gx_result.result or {}
    if "unexpected_count" in res:
        return int(res["unexpected_count"] or 0)
    return int(res.get("observed_value") or 0)


def _collect_failing_rows(conn: psycopg.Connection, rules: list[Rule], batch_sql: str) -> str:
    """One scan of the batch: every row failing one of the failed row-wise `rules`, with all
    its columns, into a temporary table; returns the SQL that reads it.

    Attribution and quarantine then read these few rows instead of scanning the whole
    batch once per failed rule and twice more for the quarantine rules; a row-wise rule
    finds the same failures there (1M rows, six failed rules: expectations/README.md).
    """
    conn.execute(f"drop table if exists pg_temp.{FAILING_ROWS}")
    if not rules:
        return batch_sql  # nothing will read it
    where = " or ".join(f"({r.failing_row_condition()})" for r in rules)
    conn.execute(
        f"create temporary table {FAILING_ROWS} as select * from ({batch_sql}) as b where {where}"
    )
    conn.execute(f"analyze pg_temp.{FAILING_ROWS}")
    return f"select * from pg_temp.{FAILING_ROWS}"


def _attribute(conn: psycopg.Connection, rule: Rule, batch_sql: str) -> dict[int, Finding]:
    """Per submission: how many rows fail `rule`, and the first ones (grouped in SQL)."""
    if rule.is_query:
        query = (
            "select submission_id, unexpected_count, coalesce(sample, '[]'::jsonb) "
            f"from ({rule.unexpected_rows_sql(batch_sql)}) as q"
        )
    else:
        query = f"""
        with u as ({rule.unexpected_rows_sql(batch_sql)}),
        counts as (select submission_id, count(*) as n from u group by submission_id),
        firsts as (
            select submission_id,
                   jsonb_agg(to_jsonb(t) - 'gx_k' - 'submission_id'
                             order by t.row_number nulls first) as sample
            from (select u.*, row_number() over (
                      partition by submission_id order by row_number nulls first) as gx_k
                  from u) as t
            where gx_k <= {SAMPLE_ROWS}
            group by submission_id)
        select c.submission_id, c.n, f.sample
        from counts as c join firsts as f using (submission_id)"""
    out = {}
    for sid, n, sample in conn.execute(query).fetchall():
        rows = [s["row_number"] for s in sample if s.get("row_number") is not None]
        out[sid] = Finding(rule.code, rule.severity, int(n), rows, sample)
    return out


def _hits_sql(suite: Suite, rules: list[Rule], batch_sql: str) -> str:
    parts = [
        f"select submission_id, row_number, {i} as ord from ({r.unexpected_rows_sql(batch_sql)}) "
        f"as h{i} where row_number is not null"
        for i, r in enumerate(rules)
    ]
    return " union ".join(parts)


def _quarantine_rules(suite: Suite, findings: dict[int, list[Finding]], ids: list[int]):
    failed = {f.rule for sid in ids for f in findings[sid] if f.severity == "quarantine"}
    return [r for r in suite.rules if r.code in failed]


def _rows_failing_quarantine(
    conn: psycopg.Connection,
    suite: Suite,
    findings: dict[int, list[Finding]],
    batch_sql: str,
    element_counts: dict[int, int],
) -> dict[int, int]:
    """Per submission: distinct rows failing at least one quarantine rule."""
    ids = list(findings)
    rules = _quarantine_rules(suite, findings, ids)
    if not rules:
        return {}
    if len(rules) == 1:  # no overlap possible: the attributed counts are exact
        return {sid: f.count for sid in ids for f in findings[sid] if f.rule == rules[0].code}
    query = f"""select submission_id, count(distinct row_number)
                from ({_hits_sql(suite, rules, batch_sql)}) as hits group by submission_id"""
    return dict(conn.execute(query).fetchall())


def _quarantine_rows(
    conn: psycopg.Connection,
    suite: Suite,
    findings: dict[int, list[Finding]],
    batch_sql: str,
    ids: list[int],
) -> dict[int, int]:
    """Move the rows of `ids` failing quarantine rules to raw.quarantine; moved per submission.

    A row failing several rules moves once, with all their codes and messages.
    """
    rules = _quarantine_rules(suite, findings, ids)
    if not rules or not ids:
        return {}
    info = ", ".join(
        f"({i}, {literal(r.code)}, {literal(r.reason)}, {literal(_row_detail(r))})"
        for i, r in enumerate(rules)
    )
    id_list = ", ".join(str(int(i)) for i in ids)
    table = f"raw.{suite.name}"
    query = f"""
        with hits as ({_hits_sql(suite, rules, batch_sql)}),
        info (ord, rule, reason, detail) as (values {info}),
        bad as (
            select h.submission_id, h.row_number,
                   string_agg(i.rule, ',' order by h.ord) as rule,
                   string_agg(i.reason, '; ' order by h.ord) as reason,
                   string_agg(i.detail, '; ' order by h.ord) as detail
            from hits as h join info as i using (ord)
            where h.submission_id in ({id_list})
            group by h.submission_id, h.row_number),
        moved as (
            delete from {table} as t using bad
            where t.submission_id = bad.submission_id and t.row_number = bad.row_number
            returning t.*),
        ins as (
            insert into raw.quarantine (submission_id, row_number, rule, reason, detail, original)
            select m.submission_id, m.row_number, bad.rule, bad.reason, bad.detail, to_jsonb(m)
            from moved as m join bad using (submission_id, row_number)
            returning submission_id)
        select submission_id, count(*) from ins group by submission_id"""
    return dict(conn.execute(query).fetchall())


def _row_detail(rule: Rule) -> str:
    where = f" ({rule.column_label})" if rule.column_label else ""
    return f"{rule.code}: {rule.description}{where}; moved by the validation gate"


def _outcome(p: _Pending, findings: list[Finding]) -> str:
    if any(f.severity == "critical" for f in findings):
        return "rejected"
    parser_flags = any(r.get("severity") in ("warning", "quarantine") for r in p.reasons)
    if findings or parser_flags or p.rows_quarantined > 0:
        return "accepted_with_warnings"
    return "accepted"


def _reason_json(suite: Suite, f: Finding, rows: int, outcome: str) -> dict[str, Any]:
    """A gate finding in the shape of raw.submissions.reasons (as the loader writes them)."""
    if f.rule == NO_VALID_ROWS:
        if rows == 0:
            message = "berkas tidak berisi baris data yang dapat dimuat; berkas ditolak"
            detail = "no rows of this submission are left in the raw table; rejected"
        else:
            message = f"semua {rows} baris melanggar aturan per baris; berkas ditolak"
            detail = f"all {rows} rows fail at least one quarantine rule; rejected"
        return _reason(f, message, detail)
    rule = suite.rule(f.rule)
    row_level = bool(f.rows)
    if row_level:
        message = f"{f.count} baris: {rule.reason}"
        detail = f"{rule.description}: {f.count} of {rows} rows ({rule.type}"
        detail += f" on {rule.column_label})" if rule.column_label else ")"
        if f.severity == "quarantine":
            message += (
                " (baris dipindahkan ke karantina)"
                if outcome != "rejected"
                else " (berkas ditolak, baris tidak dipindahkan)"
            )
    else:
        message = rule.reason
        observed = json.dumps(f.sample[0], default=str, ensure_ascii=False) if f.sample else ""
        detail = f"{rule.description}; observed {observed}"
    return _reason(f, message, detail)


def _reason(f: Finding, message: str, detail: str) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": message,
        "detail": detail,
        "count": f.count,
        "rows": f.rows,
    }


def _store_results(
    conn: psycopg.Connection,
    suite: Suite,
    batch: list[_Pending],
    findings: dict[int, list[Finding]],
    element_counts: dict[int, int],
    outcomes: dict[int, str],
    run_id: str,
) -> None:
    ids = [p.submission_id for p in batch]
    conn.execute("delete from audit.validation_results where submission_id = any(%s)", (ids,))
    records = []
    for sid in ids:
        rows = element_counts.get(sid, 0)
        by_rule = {f.rule: f for f in findings[sid]}
        entries: list[tuple[str, str, str | None, str, Finding | None]] = [
            (r.code, r.type, r.column_label, r.severity, by_rule.get(r.code)) for r in suite.rules
        ]
        if NO_VALID_ROWS in by_rule:
            entries.append(
                (
                    NO_VALID_ROWS,
                    "gate_all_rows_quarantined",
                    None,
                    "critical",
                    by_rule[NO_VALID_ROWS],
                )
            )
        for code, type_, column, severity, f in entries:
            count = f.count if f else 0
            if f and not f.rows and f.sample:
                observed: Any = f.sample[0]
            else:
                observed = {
                    "unexpected_count": count,
                    "element_count": rows,
                    "unexpected_percent": round(100.0 * count / rows, 4) if rows else 0.0,
                }
            moved = count if (f and severity == "quarantine" and outcomes[sid] != "rejected") else 0
            records.append(
                (
                    sid,
                    suite.name,
                    code,
                    type_,
                    column,
                    severity,
                    f is None,
                    rows,
                    count,
                    Jsonb(observed),
                    Jsonb(f.sample if f else []),
                    moved,
                    run_id,
                )
            )
    with conn.cursor() as cur:
        cur.executemany(
            """insert into audit.validation_results
                 (submission_id, suite, rule, expectation_type, column_name, severity, success,
                  element_count, unexpected_count, observed_value, unexpected_sample,
                  rows_quarantined, run_id)
               values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            records,
        )


def _log_dataset(
    suite: Suite,
    run: DatasetRun,
    verdicts: list[SubmissionVerdict],
    findings: dict[int, list[Finding]],
) -> None:
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(run.outcomes.items()))
    log.info(
        "gate %s: %d submissions (%d rows) validated in %.1f s -> %s",
        run.dataset,
        run.submissions,
        run.rows,
        run.seconds,
        outcomes,
    )
    for code, count in run.failed_expectations.items():
        rule = suite.rule(code)
        per_sub = [
            f"#{sid} ({f.count})" for sid, fs in findings.items() for f in fs if f.rule == code
        ]
        log.info(
            "  FAILED %s [%s] %s%s: %d unexpected in %d submission(s): %s",
            code,
            rule.severity,
            rule.type,
            f"({rule.column_label})" if rule.column_label else "",
            count,
            len(per_sub),
            ", ".join(per_sub[:20]) + (" ..." if len(per_sub) > 20 else ""),
        )
    for v in verdicts:
        if v.outcome != "accepted":
            log.info(
                "  submission %d (%s %s %s, %s): %s%s%s",
                v.submission_id,
                v.dataset,
                v.province_code,
                v.period,
                v.file_name,
                v.outcome,
                f" [{', '.join(v.failed_rules)}]" if v.failed_rules else "",
                f", {v.rows_quarantined_by_gate} rows quarantined"
                if v.rows_quarantined_by_gate
                else "",
            )
