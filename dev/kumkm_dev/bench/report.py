"""Targets, the summary of one run, and the markdown table over the latest runs.

`summarise(results)` adds ratios, target verdicts and row reconciliation to a results
dict; `render(results_dir)` writes the markdown for the latest result of each size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NATIONAL_ROWS = 21_400_000
E2E_TARGET_S = 4 * 60
GATE_TARGET_S = 60
RSS_TARGET_MB = 2048
COPY_RATIO_TARGET = 0.5
TO_SQL_RATIO_TARGET = 10
REFRESH_RATIO_TARGET = 0.05
DAG_PARSE_TARGET_S = 1.0
XLSX_TARGET_ROWS_PER_S = 30_000
PIPELINE_STAGES = ("load", "bps", "validate", "transform", "incremental")


def _ratio(a: float | None, b: float | None) -> float | None:
    if not a or not b:
        return None
    return round(a / b, 4)


def _worker_us_per_row(load: dict[str, Any]) -> float:
    """CPU of the loader's worker processes (reaped children) per row received."""
    return round(1e6 * load["cpu_s"]["child_processes"] / max(load["rows_received"], 1), 3)


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    st = results["stages"]
    load = st["load"]
    copies = st["bare_copy"]["variants"]
    same = {k: v for k, v in copies.items() if k.startswith("same_table")}
    # the baseline is raw.umkm as the loader writes it: one partition attached per file
    # (issue 14); results of earlier runs have only the one-table layout
    layout = {k: v for k, v in copies.items() if k.startswith("partition_per_file")} or same
    best_key = max(layout, key=lambda k: layout[k]["rows_per_s"])
    unconstrained = next((v for k, v in copies.items() if k.startswith("unconstrained")), None)
    ingest = load["rows_per_s"]
    floor = st.get("client_floor", {}).get("variants", {})  # runs before the stage: none
    parsed, unparsed = floor.get("parsed"), floor.get("bytes")
    unconstrained_rps = unconstrained["rows_per_s"] if unconstrained else None
    e2e = sum(st[s]["wall_s"] for s in ("load", "bps", "validate", "transform"))
    pipeline_peaks = [(st[s]["peak_rss_mb"], s, st[s]["peak_rss_process"]) for s in PIPELINE_STAGES]
    peak_mb, peak_stage, peak_proc = max(pipeline_peaks)
    inc = st["incremental"]
    dag_parse = st["dag_parse"]["files"]
    slowest_dag = max(dag_parse, key=lambda f: dag_parse[f]["parse_s_median"])
    rows = results["rows"]
    validate = st["validate"]
    mart_rows = st["transform"]["rows"]

    reconcile = {
        "generated == received": rows == load["rows_received"],
        "received == loaded + quarantined by parser": load["rows_received"]
        == load["rows_loaded"] + load["rows_quarantined"],
        "gate validated == loaded": validate["rows"] == load["rows_loaded"],
        "bare COPY rows == loaded (every variant)": all(
            v["rows"] == load["rows_loaded"] for v in copies.values()
        ),
        "to_sql rows == sample": st["to_sql"]["rows"] == st["to_sql"]["sample_rows"],
        "marts reflect the resubmission": bool(inc["marts_reflect_it"]),
        "marts: sum of umkm_units == loaded - quarantined by gate": st["transform"][
            "mart_umkm_units_total"
        ]
        == mart_rows,
        "resubmission: received == generated": inc["rows_received"] == inc["resubmitted_rows"],
        "refresh: marts of the selective build == marts of a full build": bool(
            inc.get("marts_equal_full_build", True)
        ),
    }
    if floor:
        reconcile["client floor rows == received (every variant)"] = all(
            v["rows"] == load["rows_received"] for v in floor.values()
        )
    summary = {
        "ingest_rows_per_s": ingest,
        "bare_copy_rows_per_s": layout[best_key]["rows_per_s"],
        "bare_copy_variant": best_key,
        "bare_copy_unconstrained_rows_per_s": unconstrained["rows_per_s"]
        if unconstrained
        else None,
        "ingest_vs_bare_copy": _ratio(ingest, layout[best_key]["rows_per_s"]),
        "ingest_vs_unconstrained_copy": _ratio(ingest, unconstrained_rps),
        "ingest_worker_us_per_row": _worker_us_per_row(load),
        "floor_rows_per_s": parsed["rows_per_s"] if parsed else None,
        "floor_worker_us_per_row": parsed["worker_cpu_us_per_row"] if parsed else None,
        "floor_vs_unconstrained_copy": _ratio(parsed and parsed["rows_per_s"], unconstrained_rps),
        "ingest_vs_floor": _ratio(ingest, parsed and parsed["rows_per_s"]),
        "floor_bytes_rows_per_s": unparsed["rows_per_s"] if unparsed else None,
        "floor_bytes_worker_us_per_row": unparsed["worker_cpu_us_per_row"] if unparsed else None,
        "floor_bytes_vs_unconstrained_copy": _ratio(
            unparsed and unparsed["rows_per_s"], unconstrained_rps
        ),
        "to_sql_rows_per_s": st["to_sql"]["rows_per_s"],
        "to_sql_sample_rows": st["to_sql"]["rows"],
        "ingest_vs_to_sql": _ratio(ingest, st["to_sql"]["rows_per_s"]),
        "validate_s": validate["wall_s"],
        "validate_rows_per_s": validate["rows_per_s"],
        "transform_s": st["transform"]["wall_s"],
        "transform_rows_per_s": round(mart_rows / st["transform"]["wall_s"], 1),
        "end_to_end_s": round(e2e, 2),
        "end_to_end_rows_per_s": round(rows / e2e, 1),
        "end_to_end_projected_21_4m_s": round(e2e * NATIONAL_ROWS / rows, 1),
        "peak_rss_mb": peak_mb,
        "peak_rss_where": f"{peak_stage}: {peak_proc}",
        "refresh_s": inc["wall_s"],
        "refresh_vs_full": _ratio(inc["wall_s"], e2e),
        "refresh_dbt_vs_full_dbt": _ratio(inc["parts_s"]["transform_s"], st["transform"]["wall_s"]),
        "refresh_dbt_vs_full_build_same_data": _ratio(
            inc["parts_s"]["transform_s"], inc.get("full_build_reference_s")
        ),
        "dag_parse_max_s": dag_parse[slowest_dag]["parse_s_median"],
        "dag_parse_slowest_file": slowest_dag,
        "dag_fresh_interpreter_max_s": max(
            f["fresh_interpreter_wall_s_median"] for f in dag_parse.values()
        ),
        "reconciliation": reconcile,
        "reconciled": all(reconcile.values()),
        "xlsx_rows": st.get("xlsx", {}).get("rows"),
        "xlsx_rows_per_s": st.get("xlsx", {}).get("rows_per_s"),
        "xlsx_vs_openpyxl": st.get("xlsx", {}).get("load_vs_openpyxl_reader"),
        "xlsx_peak_rss_mb": st.get("xlsx", {}).get("load", {}).get("peak_rss_mb"),
    }
    national = rows >= NATIONAL_ROWS
    summary["targets"] = {
        "ingest >= 50% of unconstrained COPY": _met(
            summary["ingest_vs_unconstrained_copy"], COPY_RATIO_TARGET, ">="
        ),
        "ingest >= 10x to_sql": _met(summary["ingest_vs_to_sql"], TO_SQL_RATIO_TARGET, ">="),
        "gate <= 60 s (21.4M)": _met(validate["wall_s"], GATE_TARGET_S, "<=") if national else None,
        "end to end <= 4 min (21.4M)": _met(e2e, E2E_TARGET_S, "<=") if national else None,
        "peak RSS <= 2 GB": _met(peak_mb, RSS_TARGET_MB, "<="),
        "refresh <= 5% of full": _met(summary["refresh_vs_full"], REFRESH_RATIO_TARGET, "<="),
        "DAG parse < 1 s": _met(summary["dag_parse_max_s"], DAG_PARSE_TARGET_S, "<"),
        "XLSX ingest >= 30k rows/s": _met(summary["xlsx_rows_per_s"], XLSX_TARGET_ROWS_PER_S, ">=")
        if summary["xlsx_rows"] == 200_000
        else None,
    }
    return summary


def _met(value: float | None, target: float, op: str) -> bool | None:
    if value is None:
        return None
    return {">=": value >= target, "<=": value <= target, "<": value < target}[op]


# --------------------------------------------------------------------------- markdown


def latest_results(results_dir: Path) -> list[dict[str, Any]]:
    """The most recent results file of each size, smallest size first."""
    latest: dict[str, tuple[str, dict]] = {}
    for path in sorted(results_dir.glob("*.json")):
        try:
            r = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if "summary" not in r or "size" not in r:
            continue
        key = r["started_at"]
        if r["size"] not in latest or key > latest[r["size"]][0]:
            latest[r["size"]] = (key, {**r, "_file": path.name})
    return sorted((r for _, r in latest.values()), key=lambda r: r["rows"])


def _n(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def _secs(s: float | None) -> str:
    if s is None:
        return "n/a"
    if s >= 120:
        return f"{s / 60:.1f} min ({s:,.0f} s)"
    return f"{s:.1f} s"


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "n/a"}[ok]


def _cell(value: str, ok: bool | None) -> str:
    return f"{value} ({_verdict(ok)})" if ok is not None else value


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f} %"


def _rows_main_table(r: dict, national_measured: bool) -> dict[str, str]:
    """One column of the main table: row label -> cell."""
    s = r["summary"]
    tg = s["targets"]
    variant = s["bare_copy_variant"].replace("same_table_", "").replace("_", " ")
    e2e = _cell(_secs(s["end_to_end_s"]), tg.get("end to end <= 4 min (21.4M)"))
    if r["rows"] < NATIONAL_ROWS and not national_measured:
        e2e += f"; linear projection to 21.4M: {_secs(s['end_to_end_projected_21_4m_s'])}"
    where = s["peak_rss_where"].split(" (pid")[0]
    return {
        "ingest": _n(s["ingest_rows_per_s"]),
        "copy": f"{_n(s['bare_copy_rows_per_s'])} ({variant})",
        "copy_ratio": _pct(s["ingest_vs_bare_copy"]),
        "unconstrained": _cell(
            f"{_pct(s['ingest_vs_unconstrained_copy'])} of "
            f"{_n(s['bare_copy_unconstrained_rows_per_s'])} rows/s",
            tg.get("ingest >= 50% of unconstrained COPY"),
        ),
        "floor": _floor_cell(s, "floor"),
        "floor_ratio": _pct(s.get("floor_vs_unconstrained_copy")),
        "ingest_floor": _pct(s.get("ingest_vs_floor")),
        "floor_bytes": _floor_cell(s, "floor_bytes"),
        "to_sql": f"{_n(s['to_sql_rows_per_s'])} (on {s['to_sql_sample_rows']:,} rows)",
        "to_sql_ratio": _cell(f"{s['ingest_vs_to_sql'] or 0:.1f}x", tg.get("ingest >= 10x to_sql")),
        "validate": _cell(
            f"{_secs(s['validate_s'])}, {_n(s['validate_rows_per_s'])} rows/s",
            tg.get("gate <= 60 s (21.4M)"),
        ),
        "transform": _secs(s["transform_s"]),
        "e2e": e2e,
        "rss": _cell(f"{_n(s['peak_rss_mb'])} MB ({where})", tg.get("peak RSS <= 2 GB")),
        "refresh": _cell(
            f"{_pct(s['refresh_vs_full'])} ({_secs(s['refresh_s'])})",
            tg.get("refresh <= 5% of full"),
        ),
        "dag": _cell(
            f"{s['dag_parse_max_s']:.2f} s ({s['dag_parse_slowest_file']})",
            tg.get("DAG parse < 1 s"),
        ),
        "reconciled": "yes" if s["reconciled"] else "**no**",
        "xlsx": _xlsx_cell(r),
    }


def _floor_cell(s: dict, key: str) -> str:
    """rows/s of a client floor variant and its workers' CPU per row, next to the loader's."""
    if not s.get(f"{key}_rows_per_s"):
        return "n/a"
    cell = f"{_n(s[f'{key}_rows_per_s'])} (workers {s[f'{key}_worker_us_per_row']:.2f} us CPU/row"
    if key == "floor_bytes":
        return cell + f"; {_pct(s['floor_bytes_vs_unconstrained_copy'])} of the unconstrained twin)"
    return cell + f"; ingest's {s['ingest_worker_us_per_row']:.2f})"


def _read_again(inc: dict) -> str:
    """How many of the refresh's skipped files were read again for their SHA-256."""
    n = inc.get("skipped_files_read_again")
    if n is None:  # older results: before raw.file_hashes every file was read again
        return "the files read again for their SHA-256 not counted in this run"
    return f"{n} of them read again for their SHA-256"


def _xlsx_cell(r: dict) -> str:
    x = r["stages"].get("xlsx")
    if not x:
        return "n/a"
    base = x["openpyxl_reader"]
    return _cell(
        f"{_n(x['rows_per_s'])} on {x['rows']:,} rows ({_n(x['load']['rows_per_cpu_s'])} per "
        f"CPU s; openpyxl reading alone {_n(base['rows_per_s'])}: {x['load_vs_openpyxl_reader']}x"
        f"; reader alone {x.get('calamine_vs_openpyxl_reader', 'n/a')}x openpyxl); "
        f"peak RSS {_n(x['load']['peak_rss_mb'])} MB",
        r["summary"]["targets"].get("XLSX ingest >= 30k rows/s"),
    )


MAIN_ROWS = (
    ("ingest", "ingest (parse + normalise + COPY), rows/s", ""),
    ("copy", "bare COPY of the same rows pre-cleaned, laid out as the loader writes, rows/s", ""),
    ("copy_ratio", "ingest / that bare COPY (reference)", ""),
    ("unconstrained", "ingest / bare COPY into an unconstrained twin", ">= 50 %"),
    ("floor", "client floor (read + COPY as text, no normalisation), rows/s", ""),
    ("floor_ratio", "floor / bare COPY into the unconstrained twin", ""),
    ("ingest_floor", "ingest / floor", ""),
    ("floor_bytes", "client floor without parsing (file bytes into COPY), rows/s", ""),
    ("to_sql", "pandas `to_sql`, rows/s", ""),
    ("to_sql_ratio", "ingest / `to_sql`", ">= 10x"),
    ("validate", "validate (GX gate)", "<= 60 s at 21.4M"),
    ("transform", "transform (`dbt build`, whole project)", ""),
    ("e2e", "end to end: load + BPS + validate + marts", "<= 4 min at 21.4M"),
    ("rss", "peak RSS of any process", "<= 2 GB"),
    ("refresh", "single-province refresh / full run", "<= 5 %"),
    ("dag", "DAG file parse, slowest file (median of 3)", "< 1 s"),
    ("reconciled", "row counts reconcile", ""),
    ("xlsx", "XLSX ingest: register workbook through the loader, rows/s", ">= 30k (200k rows)"),
)


def render(results_dir: Path) -> str:
    runs = latest_results(results_dir)
    if not runs:
        return "# Benchmark results\n\nNo results yet: `make bench SIZE=1m`.\n"
    national = any(r["rows"] >= NATIONAL_ROWS for r in runs)
    columns = [_rows_main_table(r, national) for r in runs]
    files = ", ".join(f"`{r['_file']}`" for r in runs)
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python -m kumkm_dev.bench` (`make bench SIZE=1m|5m|21.4m`); one run per "
        "column, every stage of a run on the same files and the same PostgreSQL server. "
        f"Files: {files}.",
        "",
        "| | target | " + " | ".join(f"{r['size']} rows" for r in runs) + " |",
        "|---|---|" + "---|" * len(runs),
    ]
    for key, label, target in MAIN_ROWS:
        lines.append(f"| {label} | {target} | " + " | ".join(c[key] for c in columns) + " |")
    lines.append("")
    for r in runs:
        lines += _stage_table(r)
    lines += _notes(runs)
    return "\n".join(lines) + "\n"


STAGE_LABELS = {
    "generate": "generate the files (not a target)",
    "load": "load: `ingest_dropzone`",
    "export_clean": "export pre-cleaned COPY files",
    "bps": "BPS offline snapshot",
    "to_sql": "pandas `to_sql` (sample)",
    "validate": "validate: GX gate",
    "transform": "transform: `dbt build`",
    "incremental": "incremental: 1 province, load + gate + dbt",
    "dag_parse": "DAG parse (all files x repeats)",
}


FLOOR_LABELS = {
    "parsed": "client floor: SHA-256 + pyarrow read + COPY as text",
    "bytes": "client floor: SHA-256 + file bytes into COPY",
}


def _stage_table(r: dict) -> list[str]:
    st = r["stages"]
    m = r["machine"]
    lines = [
        f"## {r['size']} rows ({r['rows']:,}), {r['started_at']}",
        "",
        f"{m['cpus']} CPUs, {m['memory_gb']} GB, PostgreSQL {m['postgres']['version']} "
        f"(shared_buffers {m['postgres']['settings']['shared_buffers']}), "
        f"{r['options']['workers']} load workers, commit {r['git']['commit']}"
        + (
            f" (uncommitted changes in {', '.join(r['git']['uncommitted_changes_in'])})"
            if r["git"]["uncommitted_changes_in"]
            else ""
        )
        + "."
        + (f" Note: {r['git']['note']}." if r["git"].get("note") else ""),
        "",
        "| stage | wall | rows/s | CPU s: bench process / its children | peak RSS (process) "
        "| load avg before/after |",
        "|---|---|---|---|---|---|",
    ]

    def line(label: str, s: dict) -> str:
        cpu = s["cpu_s"]
        return (
            f"| {label} | {_secs(s['wall_s'])} | "
            f"{'n/a' if s.get('reused') else _n(s.get('rows_per_s'))} | "
            f"{cpu['bench_process']:.1f} / {cpu['child_processes']:.1f} | "
            f"{_n(s['peak_rss_mb'])} MB "
            f"({s['peak_rss_process'].split(' (pid')[0]}) | "
            f"{s['loadavg_1m_before_after'][0]} / {s['loadavg_1m_before_after'][1]} |"
        )

    order = ["generate", "load", "export_clean"]
    for key in order:
        lines.append(line(STAGE_LABELS[key], st[key]))
    for key, v in st["bare_copy"]["variants"].items():
        lines.append(line(f"bare COPY: {key.replace('_', ' ')}", v))
    for key, v in st.get("client_floor", {}).get("variants", {}).items():
        lines.append(line(FLOOR_LABELS[key], v))
    for key in ("to_sql", "bps", "validate", "transform", "incremental", "dag_parse"):
        lines.append(line(STAGE_LABELS[key], st[key]))
    inc = st["incremental"]
    parts = inc["parts_s"]
    lines += [
        "",
        f"Incremental: {inc['province_name']} ({inc['province_code']}, {inc['why_this_province']}) "
        f"resubmits {inc['resubmitted_rows']:,} rows: load {parts['load_s']:.1f} s "
        f"(the other {inc['files_skipped']} files are skipped, {_read_again(inc)}), gate "
        f"{parts['validate_s']:.1f} s, dbt {parts['transform_s']:.1f} s; marts reflect it: "
        f"{'yes' if inc['marts_reflect_it'] else '**no**'} "
        f"(umkm_units {inc['mart_umkm_units_before']:,} -> {inc['mart_umkm_units_after']:,}).",
        f"Marts build of the refresh: {inc.get('dbt_plan', 'full')}, "
        f"{inc.get('dbt_summary', '')}."
        + (
            f" A full build of the same warehouse right after: "
            f"{inc['full_build_reference_s']:.1f} s ({inc['full_build_reference_nodes']} nodes), "
            f"same marts: {'yes' if inc['marts_equal_full_build'] else '**no**'}."
            if "full_build_reference_s" in inc
            else ""
        ),
        f"Bare COPY method: {st['bare_copy']['method']}. to_sql: {st['to_sql']['how']}.",
        "Slowest dbt nodes (full build): "
        + ", ".join(
            f"{_node_name(n['node'])} {n['seconds']:.1f} s"
            for n in st["transform"]["slowest_nodes"][:5]
        )
        + ".",
        "DAG files (parse in a warm interpreter / whole fresh interpreter incl. Airflow import): "
        + ", ".join(
            f"{name} {f['parse_s_median']:.2f} / {f['fresh_interpreter_wall_s_median']:.1f} s"
            for name, f in st["dag_parse"]["files"].items()
        )
        + ".",
        "",
    ]
    return lines


def _node_name(unique_id: str) -> str:
    """`model.kumkm.umkm_contribution` -> `umkm_contribution`; tests keep their name, not
    the hash dbt appends to long ones (`test.kumkm.<name>.<hash>`)."""
    parts = unique_id.split(".")
    return parts[2] if len(parts) > 2 else unique_id


def _notes(runs: list[dict]) -> list[str]:
    big = runs[-1]
    st = big["stages"]
    s = big["summary"]
    load = st["load"]
    nodes = st["transform"]["slowest_nodes"]
    umkm_nodes = [n for n in nodes if "umkm" in n["node"]][:5]
    umkm_s = sum(n["seconds"] for n in umkm_nodes)
    parts = st["incremental"]["parts_s"]
    copies = st["bare_copy"]["variants"]
    best_copy = max(v["rows_per_s"] for v in copies.values())
    loader_us = _worker_us_per_row(load)
    floor = st.get("client_floor", {}).get("variants", {}).get("parsed")
    return [
        "## How to read this",
        "",
        "- *ingest* is the project's loader (`ingest_dropzone`: read, normalise and type every "
        "cell, row rules, quarantine, COPY, one transaction per file) over 38 province files; "
        "*bare COPY* loads the same rows, already clean (exported from the loaded table), into "
        "a twin of `raw.umkm` as the loader writes it (each file into a fresh table attached "
        "as its submission's partition, one stream per load worker), into the layout before "
        "issue 14 (one table, primary key and foreign key checked per row) and into an "
        "unconstrained twin (no key at all). The issue's target compares the loader with the "
        "unconstrained twin.",
        "- *client floor* (`dev/kumkm_dev/bench/floor.py`) is the least work any loader of these "
        "files must do, on the same submitted files, with as many worker processes as the "
        "loader (files biggest first, one transaction per file): the file's SHA-256 (the loader "
        "keys the skip of a file already loaded on it), the body read by `pyarrow.csv` (every "
        "column as string, one thread per worker), each batch written by pyarrow's CSV writer "
        "into `COPY ... (format csv)` with its cells unchanged, into a fresh all-text table "
        "attached as the file's partition of an all-text twin whose primary key "
        "(submission_id, row_number) is built at attach. Normalisation, typing, row rules, "
        "quarantine and duplicate keys cost extra on top, so the floor is the best a loader "
        "that reads the file in the client and COPYs it can reach on this machine: if floor / "
        "unconstrained twin is below the target, no such loader meets it here (up to the "
        "run-to-run noise below). *Without parsing*: the file's bytes below the header go to "
        "`COPY ... (format csv, delimiter ';')` unread (row_number from an identity): the "
        "bound for a loader that lets PostgreSQL parse, which could then neither type nor "
        "check a cell before the server does.",
        "- *to_sql* is what a user would write (`read_csv` + `DataFrame.to_sql`, text columns, "
        "no normalisation, into a new table without keys), measured on the sample shown and "
        "compared as rows/s. In this run the fastest bare COPY is "
        f"{best_copy / st['to_sql']['rows_per_s']:.1f}x `to_sql` ({big['size']} run).",
        "- *end to end* = load + BPS snapshot + validate + `dbt build`; the baselines are not "
        "part of it. *Refresh* = one province's new file through load (every other file is "
        "skipped, read again for its SHA-256 only if its status shows it may have changed: "
        "`ingest/submissions/file_hash.py`; results before 2026-12-07 21:06 read every file), "
        "gate and the marts build as the pipeline runs it "
        "(`ingest/marts_build.py`: the tables downstream of the changed register and their "
        "tests; results before that change ran the whole project), divided by the end to end "
        "figure.",
        "- Peak RSS is sampled every 0.5 s over the benchmark process, its children (loader "
        "workers, dbt, DAG parsers) and the PostgreSQL backends of the benchmark database "
        "(their RSS includes the shared buffers they touched). The `to_sql` baseline (pandas) "
        "is not part of the pipeline figure.",
        "- The machine is shared with other work: the load average before and after each stage "
        "is recorded; stage times move by tens of percent between runs.",
        "",
        "## Where the time goes",
        "",
        f"In the {big['size']} run the loader workers used {loader_us:.1f} us of CPU per row "
        "(read, normalise, type, row rules, COPY formatting; `docs/loader-design.md` gives the "
        f"path of a cell and of a row); ingest reached {_pct(s['ingest_vs_unconstrained_copy'])} "
        "of the bare COPY into the unconstrained twin. A one-province refresh took "
        f"{_secs(st['incremental']['wall_s'])}: load {parts['load_s']:.1f} s, "
        f"gate {parts['validate_s']:.1f} s, marts build {parts['transform_s']:.1f} s "
        f"({st['incremental'].get('dbt_nodes', 'about 230')} dbt nodes; dbt's start-up is "
        "the fixed part). `int_umkm_register_counts` is incremental "
        "(`delete+insert` on `submission_id`): a build aggregates only the umkm submissions "
        "whose outcome, `validated_at`, `rows_loaded` or model code changed, reading each "
        "through its own partition of `raw.umkm`. The slowest umkm nodes of the full build "
        "(node time; dbt runs 2 threads): "
        + ", ".join(f"`{_node_name(n['node'])}` {n['seconds']:.0f} s" for n in umkm_nodes)
        + f", together {umkm_s:.0f} s. Where the gate's time goes: `expectations/README.md`."
        + (_floor_note(floor, s) if floor else ""),
    ]


def _floor_note(floor: dict[str, Any], s: dict[str, Any]) -> str:
    w = floor["worker_seconds"]
    reach = s["floor_vs_unconstrained_copy"]
    return (
        f" The client floor's workers used {floor['worker_cpu_us_per_row']:.2f} us of CPU per "
        f"row (worker wall time: SHA-256 {w['sha256_s']:.1f} s, pyarrow reading "
        f"{w['read_s']:.1f} s, CSV writing {w['format_s']:.1f} s, sending to COPY "
        f"{w['send_s']:.1f} s, attach and commit {w['attach_commit_s']:.1f} s); the floor "
        f"reached {_pct(reach)} of the bare COPY into the unconstrained twin, and ingest "
        f"{_pct(s.get('ingest_vs_floor'))} of the floor: "
        + (
            f"the target needs ingest at {_pct(COPY_RATIO_TARGET / reach)} of the floor."
            if reach >= COPY_RATIO_TARGET
            else "no loader that reads the files in the client reaches the target here."
        )
    )
