"""The closing summary of an end-to-end run: what landed, and what changed since the last run."""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from ingest.extract.headers import SAMPLE_NOTICE
from ingest.pipeline import mart_row_counts

OUTCOMES = ("accepted", "accepted_with_warnings", "rejected", "duplicate", "loaded")


def mart_checksums(conn: psycopg.Connection) -> dict[str, str]:
    """An order-independent checksum of each mart's full contents."""
    sums = {}
    for table in mart_row_counts(conn):
        sums[table] = conn.execute(
            f"select coalesce(md5(string_agg(t::text, '|' order by t::text)), '') "
            f'from marts."{table}" t'
        ).fetchone()[0]
    return sums


def grdp_label_lines(conn: psycopg.Connection) -> list[str]:
    """What the GRDP-based figures of marts.umkm_contribution stand on: the sample-data
    banner first when any row uses made-up BPS figures, then sources, bases, value added."""
    if conn.execute("select to_regclass('marts.umkm_contribution') is null").fetchone()[0]:
        return []
    counts = conn.execute(
        "select count(*) filter (where grdp_source = 'sample'), "
        "count(*) filter (where grdp_source = 'bps_api'), "
        "count(*) filter (where grdp_source = 'bps_snapshot'), "
        "count(*) filter (where grdp_basis = 'estimated_per_capita_x_population'), "
        "count(*) filter (where value_added_source = 'estimated_prorated'), "
        "count(*) filter (where value_added_exceeds_grdp), "
        "count(*) filter (where grdp_current_idr_bn is null) "
        "from marts.umkm_contribution"
    ).fetchone()
    sample, api, snapshot, estimated, prorated, exceeding, no_grdp = counts
    lines = []
    if sample:
        lines += [
            "!" * 72,
            f"!! {SAMPLE_NOTICE}: {sample} rows of marts.umkm_contribution use SAMPLE GRDP",
            "!" * 72,
        ]
    lines.append(
        f"GRDP in marts.umkm_contribution: {api} rows from the BPS WebAPI, {snapshot} from "
        f"the snapshot of published BPS figures, {sample} sample, {no_grdp} without GRDP; "
        f"{estimated} estimated (per-capita x population), {prorated} value added on an "
        "annual GRDP prorated by months"
    )
    if exceeding:
        lines.append(
            f"WARNING: {exceeding} rows have UMKM value added above the GRDP "
            "(value_added_exceeds_grdp): check them before publishing"
        )
    return lines


def run_summary(conn: psycopg.Connection) -> str:
    """Render the summary and record this run in audit.pipeline_runs."""
    previous = conn.execute(
        "select max_submission_id, mart_checksums from audit.pipeline_runs "
        "order by run_id desc limit 1"
    ).fetchone()
    since = previous[0] if previous else 0
    new = dict(
        conn.execute(
            "select outcome, count(*) from raw.submissions where submission_id > %s group by 1",
            (since,),
        ).fetchall()
    )
    totals = dict(
        conn.execute("select outcome, count(*) from raw.submissions group by 1").fetchall()
    )
    received, loaded, quarantined, skipped = conn.execute(
        "select coalesce(sum(rows_received), 0), coalesce(sum(rows_loaded), 0), "
        "coalesce(sum(rows_quarantined), 0), coalesce(sum(rows_total_skipped), 0) "
        "from raw.submissions"
    ).fetchone()
    findings = conn.execute(
        """select r->>'rule', count(distinct s.submission_id), sum((r->>'count')::bigint)
           from raw.submissions s, jsonb_array_elements(s.reasons) r
           where s.submission_id > %s
           group by 1 order by 2 desc, 1""",
        (since,),
    ).fetchall()
    counts = mart_row_counts(conn)
    sums = mart_checksums(conn)
    changed = sorted(t for t in sums if not previous or previous[1].get(t) != sums[t])
    max_id = conn.execute("select coalesce(max(submission_id), 0) from raw.submissions").fetchone()[
        0
    ]
    conn.execute(
        "insert into audit.pipeline_runs (max_submission_id, mart_checksums) values (%s, %s)",
        (max_id, Jsonb(sums)),
    )

    def outcome_line(c: dict) -> str:
        return ", ".join(f"{c.get(o, 0)} {o}" for o in OUTCOMES if c.get(o))

    lines = ["", "KUMKM warehouse: run summary", "=" * 28, *grdp_label_lines(conn)]
    if sum(new.values()):
        lines.append(f"This run: {sum(new.values())} new files: {outcome_line(new)}")
    else:
        lines.append("This run: no new files in the dropzone.")
    lines.append(f"All submissions: {sum(totals.values())} files: {outcome_line(totals)}")
    lines.append(
        f"Rows: {received} received = {loaded} loaded + {quarantined} quarantined "
        f"({skipped} total/subtotal rows skipped: not data)"
    )
    if findings:
        lines.append("Findings in this run's files (rule, files, rows; raw.submissions.reasons):")
        lines += [f"  {rule:<58} {files:>4} {rows or 0:>8}" for rule, files, rows in findings]
    lines.append("Marts (rows):")
    lines += [f"  marts.{t:<32} {n:>8}" for t, n in counts.items()]
    if not previous:
        lines.append("First run recorded: every mart is new.")
    elif changed:
        lines.append(f"Changed since the previous run: {', '.join(changed)}")
    else:
        lines.append("Nothing changed since the previous run: marts are identical.")
    return "\n".join(lines)
