"""All SQL is built with bound parameters, psycopg.sql quoting, or names from a fixed
allow-list: never from file content.

A static scan (tests/reliability/sql_scan.py) finds every expression that reaches SQL
text in ingest/**/*.py. Each must be listed below with where its value comes from; a new
one fails this test until someone has checked it and written down why it is safe. The
dynamic half (a header named `"; drop table raw.submissions; --` lands in the jsonb
`extra`, file names written as SQL load as data) is in the corpus:
tests/reliability/corpus.py cases `csv_header_names_sql` and `name_with_sql`.
"""

from __future__ import annotations

from ingest.config import PROJECT_ROOT

from .sql_scan import scan_source, scan_tree

DATASET_TABLE = "a table name from ingest.submissions.datasets.DATASETS (five fixed contracts)"
SUITE_NAME = "the suite name: one of DATASET_SUITES / BPS_SUITE (fixed names)"
IDS = "submission ids from raw.submissions, each through int()"
SUITE_SQL = (
    "SQL rendered from the reviewed expectation suites (expectations/*.json) by "
    "ingest/validation/suites.py, identifiers through ident(), values through literal()"
)
BENCH = "benchmark tooling: names of its own bench tables / settings / files, no input data"

ALLOW: dict[tuple[str, str], str] = {
    # the loader: composes its SQL with psycopg.sql
    ("ingest/submissions/load.py", "statement"): (
        "_copy's argument: the loader's COPY statement, a psycopg sql.Composed (identifiers "
        "quoted) built in _load"
    ),
    ("dev/kumkm_dev/bench/xlsx.py", "os.getpid()"): BENCH,
    # the as-of extract replay
    ("ingest/extract/asof.py", "where"): (
        "one of the fixed conditions written in _copy_raw_as_of (values bound as %s)"
    ),
    # warehouse and pipeline
    ("ingest/warehouse.py", "path.read_text()"): "the DDL files shipped in ingest/ddl/*.sql",
    ("ingest/pipeline.py", "t"): "mart table names from information_schema.tables, quoted",
    ("ingest/summary.py", "table"): "mart table names from information_schema.tables, quoted",
    # BPS
    ("ingest/bps/load.py", "', '.join(_COLUMNS)"): "the fixed column tuple _COLUMNS",
    ("ingest/bps/load.py", "', '.join(['%s'] * len(_COLUMNS))"): "bound-parameter placeholders",
    ("ingest/bps/load.py", "', '.join(_KEY)"): "the fixed key tuple _KEY",
    (
        "ingest/bps/load.py",
        "', '.join((f'{c} = excluded.{c}' for c in _COLUMNS if c not in _KEY))",
    ): "the fixed column tuples",
    ("ingest/bps/load.py", "', '.join((f't.{c}' for c in _COMPARED))"): "fixed tuple _COMPARED",
    ("ingest/bps/load.py", "', '.join((f'excluded.{c}' for c in _COMPARED))"): "fixed _COMPARED",
    ("ingest/bps/load.py", "UPSERT_SQL"): "module constant built from the fixed tuples above",
    ("ingest/bps/load.py", "DDL_FILE.read_text(encoding='utf-8')"): "ingest/ddl/020_bps.sql",
    # validation gate (owned by the validation engineer; reviewed here)
    ("ingest/validation/gate.py", "suite.name"): SUITE_NAME,
    ("ingest/validation/gate.py", "', '.join((str(int(i)) for i in ids))"): IDS,
    ("ingest/validation/gate.py", "rule.unexpected_rows_sql(batch_sql)"): SUITE_SQL,
    ("ingest/validation/gate.py", "r.unexpected_rows_sql(batch_sql)"): SUITE_SQL,
    ("ingest/validation/gate.py", "_hits_sql(suite, rules, batch_sql)"): SUITE_SQL,
    ("ingest/validation/gate.py", "SAMPLE_ROWS"): "an int constant",
    ("ingest/validation/gate.py", "FAILING_ROWS"): "a constant temporary table name",
    ("ingest/validation/gate.py", "batch_sql"): "the gate's own view name (audit.gate_*)",
    (
        "ingest/validation/gate.py",
        "' or '.join((f'({r.failing_row_condition()})' for r in rules))",
    ): SUITE_SQL,
    ("ingest/validation/gate.py", "i"): "enumerate() index, an int",
    (
        "ingest/validation/gate.py",
        "', '.join((f'({i}, {literal(r.code)}, {literal(r.reason)}, "
        "{literal(_row_detail(r))})' for i, r in enumerate(rules)))",
    ): "rule codes and messages of the suites, each through literal()",
    ("ingest/validation/bps.py", "VIEW"): "a constant view name",
    ("ingest/validation/bps.py", "rule.unexpected_rows_sql(BATCH_SQL)"): SUITE_SQL,
    ("ingest/validation/bps.py", "MAX_FINDING_ROWS"): "an int constant",
    ("ingest/validation/suites.py", "batch_sql"): "the gate's own view name (audit.gate_*)",
    ("ingest/validation/suites.py", "', '.join((ident(c) for c in (*ROW_KEY, *shown)))"): (
        "suite column names through ident()"
    ),
    ("ingest/validation/suites.py", "self.failing_row_condition()"): SUITE_SQL,
    # quarterly extract (owned by the extract engineer; reviewed here)
    ("ingest/extract/source.py", "LOCK_TIMEOUT"): "a constant duration",
    ("ingest/extract/source.py", "lock.format(sql.SQL(', ').join(tables))"): (
        "psycopg sql.SQL composed with sql.Identifier of the marts tables"
    ),
    # benchmark tooling
    ("dev/kumkm_dev/bench/run.py", "name"): "PostgreSQL setting names from a fixed tuple (`show`)",
    ("dev/kumkm_dev/bench/run.py", "table"): BENCH,
    ("dev/kumkm_dev/bench/run.py", "path"): BENCH + " (its own generated files)",
    ("dev/kumkm_dev/bench/run.py", "t"): BENCH,
    ("dev/kumkm_dev/bench/run.py", "key"): BENCH,
    ("dev/kumkm_dev/bench/run.py", "int(path.stem.rpartition('_')[2])"): BENCH
    + " (the submission id in the name of a file it exported, an int)",
    ("dev/kumkm_dev/bench/run.py", "label.replace('.', '_')"): BENCH + " (database name, quoted)",
    ("dev/kumkm_dev/bench/run.py", "os.getpid()"): BENCH + " (database name, quoted)",
}


def test_every_expression_reaching_sql_is_allow_listed():
    findings = scan_tree(PROJECT_ROOT)
    assert findings, "the scanner finds the known dynamic SQL"
    unknown = [str(f) for f in findings if (f.path, f.expr) not in ALLOW]
    assert not unknown, (
        "SQL text built from expressions nobody has reviewed; use bound parameters "
        "(%s) or psycopg.sql.Identifier, or add the expression to ALLOW with where its "
        "value comes from:\n" + "\n".join(unknown)
    )


def test_allow_list_has_no_stale_entries():
    found = {(f.path, f.expr) for f in scan_tree(PROJECT_ROOT)}
    stale = sorted(key for key in ALLOW if key not in found)
    assert not stale, f"remove entries that no longer match any code: {stale}"


UNSAFE = [
    'conn.execute(f"select * from raw.koperasi where nama_koperasi = {user_value}")',
    "conn.execute(\"select * from raw.koperasi where nik = '%s'\" % nik)",
    "conn.execute(\"delete from raw.quarantine where rule = '{}'\".format(rule))",
    'conn.execute("select * from raw." + header_cell)',
    'q = "select * from raw.umkm where 1=1"\nq += f" and nib = {nib}"\ncur.execute(q)',
    "def f(conn, query):\n    conn.execute(query)",
    'conn.cursor().copy(f"copy raw.koperasi ({columns}) from stdin")',
    'conn.execute(sql.SQL(f"select * from {table}"))',
    'sql_text = f"update raw.submissions set outcome = {outcome!r}"',
]
SAFE = [
    'conn.execute("select * from raw.koperasi where nama_koperasi = %s", (user_value,))',
    'conn.execute(sql.SQL("select * from {}").format(sql.Identifier("raw", table)))',
    'log.info(f"loaded {n} rows from {path}")',
    'message = f"berkas {name}: kolom {col} tidak ada"',
]


def test_the_scanner_catches_values_interpolated_into_sql():
    for source in UNSAFE:
        assert scan_source(source), f"not caught: {source}"
    for source in SAFE:
        assert scan_source(source) == [], f"false alarm: {source}"
