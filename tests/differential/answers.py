"""What the loader, the gate and `dbt build` answer for three fixed inputs, as plain data
keyed by file path: the structure the differential test (test_same_answers.py) compares
with the golden file expected/answers.json.

Inputs (each in a database of its own, through the same calls as production and as
tests/test_sample_dropzone_reconciles.py: ingest_dropzone (2 worker processes) ->
validate_pending (the GX gate) -> dbt_runner.build):
- `sample`: the generated sample dropzone (kumkm_dev.sample_data.generate_dropzone; same
  bytes and mtimes on every run), with the marts;
- `trust`: the trust corpus (tests/trust): the good files of province 73 first, then every
  case later, as tests/trust/test_trust_corpus.py lands them, with the marts (one build);
- `reliability`: the hostile corpus (tests/reliability/corpus.py): load and gate only. Its
  accepted files are a handful of tiny koperasi registers; a third dbt build (~30 s) would
  add little the two others do not cover.

Per file (key: file path relative to the dropzone; submission ids and timestamps never
appear, they depend on arrival order in the worker processes and on the clock):
outcome, row counts, sheet name, the original's file path for a duplicate, every reason
(rule, severity, message, detail, count, rows), the quarantine rows (row_number, rule,
reason) with an md5 of their `original` json, an md5 of the typed raw rows (every column
but submission_id, ordered by row_number), and audit.validation_results (suite, rule,
severity, success, element/unexpected counts, rows quarantined).

Per relation of the schema `marts` (tables and views): row count and md5 of its rows, each
rendered as text with every `*submission_id` column replaced by that submission's file
path, ordered by that text.

What differs between two runs of the same code (found by recording twice) and is therefore
rewritten, never dropped: the submission ids (mart columns `*submission_id` -> file path;
"submission 12 (" in the details of file.duplicate and file.same_rows_as_other_period ->
"submission {id} (", the file path follows in the text) and the size of the trust
corpus's oversized workbook in its file.too_large detail ("from a {size}-byte file": the
corpus zips it at run time). The marts' one clock,
`submission_compliance.as_of`, is pinned by KUMKM_AS_OF (AS_OF below). Timestamps of the
log (file_mtime, arrived_at, validated_at) and of the gate (validated_at, run_id) are not
recorded at all.

The reliability corpus names two files after the running year and quarter (a future
period, the current one), and the loader's message for a future period quotes today's
date: those are written as {FUTURE_YEAR}, {CURRENT_QUARTER} and {TODAY} so the golden file
does not age.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from reliability import corpus as reliability_corpus

from ingest import dbt_runner, warehouse
from ingest.submissions.load import ingest_dropzone
from ingest.validation import validate_pending
from kumkm_dev.sample_data import generate_dropzone

MakeDatabase = Callable[[], AbstractContextManager[str]]

# the marts' one clock: compliance is evaluated at this date, not the build's
AS_OF = "2025-09-30"
WORKERS = 2  # as production's load task
RAW_TABLES = ("koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama")
TRUST_GOOD_MTIME = 1_700_000_000  # as tests/trust/test_trust_corpus.py
TRUST_CASE_MTIME = 1_760_000_000


def _write(dropzone: Path, rel: str, data: bytes, mtime: int) -> None:
    path = dropzone / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def _columns(conn, schema: str, table: str) -> list[tuple[str, str]]:
    return conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = %s order by ordinal_position",
        (schema, table),
    ).fetchall()


def submissions(conn) -> dict[str, dict[str, Any]]:
    """Per file path: what the submission log, the quarantine, the raw rows and the gate's
    results say about it."""
    rows = conn.execute(
        "select s.submission_id, s.file_path, s.outcome, s.rows_received, s.rows_loaded, "
        "s.rows_quarantined, s.rows_total_skipped, s.sheet_name, o.file_path, s.reasons "
        "from raw.submissions s left join raw.submissions o on o.submission_id = s.duplicate_of"
    ).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for sid, path, outcome, received, loaded, quarantined, skipped, sheet, dup, reasons in rows:
        assert path not in out, f"{path} recorded twice"
        out[path] = {
            "outcome": outcome,
            "rows_received": received,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "rows_total_skipped": skipped,
            "sheet_name": sheet,
            "duplicate_of": dup,
            "reasons": _without_ids(reasons),
            "quarantine": [
                list(r)
                for r in conn.execute(
                    "select row_number, rule, reason from raw.quarantine "
                    "where submission_id = %s order by row_number, rule, reason",
                    (sid,),
                ).fetchall()
            ],
            "quarantine_original_md5": conn.execute(
                "select md5(coalesce(string_agg(original::text, E'\\n' "
                "order by row_number, rule, original::text), '')) "
                "from raw.quarantine where submission_id = %s",
                (sid,),
            ).fetchone()[0],
            "raw_rows_md5": _raw_rows_md5(conn, sid),
            "validation": [
                list(r)
                for r in conn.execute(
                    "select suite, rule, severity, success, element_count, unexpected_count, "
                    "rows_quarantined from audit.validation_results where submission_id = %s "
                    "order by suite, rule",
                    (sid,),
                ).fetchall()
            ],
        }
    return out


# "byte-identical to submission 12 (path, ...)", "every row equals submission 12 (path, ...)":
# the id depends on arrival order in the worker processes; the path that follows names it
_SUBMISSION_ID = re.compile(r"\bsubmission \d+ \(")
# the trust corpus builds its oversized workbook with zipfile at run time: its size varies
# by a byte or so between runs (the input, not the code under test)
_FILE_SIZE = re.compile(r"\bfrom a \d+-byte file\b")


def _stable(text: str) -> str:
    return _FILE_SIZE.sub("from a {size}-byte file", _SUBMISSION_ID.sub("submission {id} (", text))


def _without_ids(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: _stable(v) if isinstance(v, str) else v for k, v in reason.items()}
        for reason in reasons
    ]


def _raw_rows_md5(conn, sid: int) -> dict[str, str]:
    """md5 of the typed rows the submission left in each raw dataset table (those with rows)."""
    out = {}
    for table in RAW_TABLES:
        cols = [c for c, _ in _columns(conn, "raw", table) if c != "submission_id"]
        count, digest = conn.execute(
            f"select count(*), md5(coalesce(string_agg(row({', '.join(cols)})::text, E'\\n' "
            f"order by row_number), '')) from raw.{table} where submission_id = %s",
            (sid,),
        ).fetchone()
        if count:
            out[table] = f"{count}:{digest}"
    return out


def marts(conn) -> dict[str, str]:
    """Per relation of the schema marts: "row count:md5 of its rows" (see module doc)."""
    out = {}
    relations = conn.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "order by table_name"
    ).fetchall()
    for (name,) in relations:
        exprs = [
            f"(select file_path from raw.submissions where submission_id = t.{col})"
            if col.endswith("submission_id")
            else f"t.{col}"
            for col, _ in _columns(conn, "marts", name)
        ]
        count, digest = conn.execute(
            f"select count(*), md5(coalesce(string_agg(r, E'\\n' order by r), '')) "
            f"from (select row({', '.join(exprs)})::text as r from marts.{name} t) q"
        ).fetchone()
        out[name] = f"{count}:{digest}"
    return out


def _pipeline(url: str, dropzone: Path) -> None:
    ingest_dropzone(url, dropzone, workers=WORKERS)
    validate_pending(url)


def _build(url: str) -> None:
    previous = os.environ.get("KUMKM_AS_OF")
    os.environ["KUMKM_AS_OF"] = AS_OF
    try:
        dbt_runner.build(url)  # raises DbtFailed
    finally:
        if previous is None:
            os.environ.pop("KUMKM_AS_OF", None)
        else:
            os.environ["KUMKM_AS_OF"] = previous


def sample(url: str, root: Path) -> dict[str, Any]:
    dropzone = root / "sample"
    generate_dropzone(dropzone)
    _pipeline(url, dropzone)
    _build(url)
    with warehouse.connect(url) as conn:
        return {"files": submissions(conn), "marts": marts(conn)}


def trust(url: str, root: Path) -> dict[str, Any]:
    # imported here: tests/trust/conftest.py registers trust.cases for assert rewriting,
    # which must happen before its first import
    from trust.cases import CASES as TRUST_CASES
    from trust.files import GOOD_FILES as TRUST_GOOD_FILES

    dropzone = root / "trust"
    for rel, data in TRUST_GOOD_FILES.items():
        _write(dropzone, rel, data, TRUST_GOOD_MTIME)
    _pipeline(url, dropzone)
    for i, case in enumerate(TRUST_CASES):
        _write(dropzone, case.path, case.data, TRUST_CASE_MTIME + i)
    _pipeline(url, dropzone)
    _build(url)
    with warehouse.connect(url) as conn:
        return {"files": submissions(conn), "marts": marts(conn)}


def _undated(files: dict[str, Any]) -> dict[str, Any]:
    """The reliability corpus's clock-dependent names and dates as placeholders: in the two
    files named after the running year and quarter, every mention of that year or quarter;
    everywhere, today's date in the loader's "after today (...)" detail."""
    text = json.dumps(files, sort_keys=True, ensure_ascii=False)
    for day in {datetime.now(timezone(timedelta(hours=9))).date(), datetime.now(UTC).date()}:
        text = text.replace(f"today ({day.isoformat()}", "today ({TODAY}")
    out = json.loads(text)
    dated = {
        f"koperasi_76_{reliability_corpus._future_year()}.csv": "FUTURE_YEAR",
        f"koperasi_76_{reliability_corpus._current_quarter()}.csv": "CURRENT_QUARTER",
    }
    for path, token in dated.items():
        if path in out:
            value = path.removeprefix("koperasi_76_").removesuffix(".csv")
            entry = json.dumps(out.pop(path), ensure_ascii=False).replace(value, f"{{{token}}}")
            out[path.replace(value, f"{{{token}}}")] = json.loads(entry)
    return out


def reliability(url: str, root: Path) -> dict[str, Any]:
    dropzone, outside = root / "reliability", root / "outside"
    reliability_corpus.build(dropzone, outside)
    _pipeline(url, dropzone)
    with warehouse.connect(url) as conn:
        return {"files": _undated(submissions(conn))}


CORPORA = {"sample": sample, "trust": trust, "reliability": reliability}


def compute(make_database: MakeDatabase, root: Path) -> dict[str, Any]:
    """The answers of the code under test for every corpus, each in a fresh database."""
    answers = {}
    for name, run in CORPORA.items():
        with make_database() as url:
            answers[name] = run(url, root / name)
    return answers


def flatten(answers: dict[str, Any]) -> dict[str, Any]:
    """{"corpus | files | path | field": value, "corpus | marts | name": digest}: the units
    a diff is reported in (file paths contain slashes, hence the bars)."""
    out = {}
    for corpus, parts in answers.items():
        for part, entries in parts.items():
            for key, value in entries.items():
                if isinstance(value, dict) and part == "files":
                    for field, leaf in value.items():
                        out[f"{corpus} | {part} | {key} | {field}"] = leaf
                else:
                    out[f"{corpus} | {part} | {key}"] = value
    return out
