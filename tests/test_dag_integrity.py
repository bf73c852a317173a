"""DAG integrity, one test per DAG file (after mattermost's DAG tests).

Each file is imported in a fresh interpreter, as the dag-processor would: it must load
without errors, define at least one DAG with tasks, bound every run and task in time
(dagrun_timeout, execution_timeout), and do no work at parse time (no database
connection, no heavy ingest/GX/dbt imports).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DAG_FILES = sorted((ROOT / "dags").glob("*.py"))
HEAVY_MODULES = [
    "great_expectations",
    "dbt",
    "pandas",
    "openpyxl",
    "ingest.submissions.load",
    "ingest.validation",
    "ingest.bps.client",
    "ingest.extract",
]

PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import psycopg
connects = []
def refuse(*args, **kwargs):
    connects.append(args)
    raise RuntimeError("connect at parse time")
psycopg.connect = refuse
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
elapsed = time.perf_counter() - t0
heavy = sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)
out = {
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dags": {d.dag_id: [t.task_id for t in d.tasks] for d in bag.dags.values()},
    "dagrun_timeouts": {d.dag_id: bool(d.dagrun_timeout) for d in bag.dags.values()},
    "task_timeouts": {
        f"{d.dag_id}.{t.task_id}": bool(t.execution_timeout)
        for d in bag.dags.values() for t in d.tasks
    },
    "heavy": heavy,
    "connects": len(connects),
    "seconds": elapsed,
}
print("RESULT" + json.dumps(out))
"""


def probe(dag_file: Path, tmp_path: Path) -> dict:
    """Import `dag_file` (or every DAG file of a folder) in a fresh interpreter."""
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/airflow.db",
    }
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(dag_file), json.dumps(HEAVY_MODULES)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT")), None)
    assert line, f"probe failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return json.loads(line[len("RESULT") :])


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=[p.name for p in DAG_FILES])
def test_dag_file_integrity(dag_file: Path, tmp_path: Path):
    result = probe(dag_file, tmp_path)
    assert result["errors"] == {}, result["errors"]
    assert all(result["dagrun_timeouts"].values()), result["dagrun_timeouts"]
    assert all(result["task_timeouts"].values()), result["task_timeouts"]
    assert result["dags"], f"{dag_file.name} defines no DAG"
    assert all(tasks for tasks in result["dags"].values()), "a DAG without tasks"
    assert result["heavy"] == [], f"imported at parse time: {result['heavy']}"
    assert result["connects"] == 0


def test_dag_ids_match_file_names():
    """One DAG per file, named after the file: the obvious place to look for each DAG."""
    for path in DAG_FILES:
        assert f"def {path.stem}(" in path.read_text(), path.name
