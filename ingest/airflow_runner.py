"""Run the pipeline's DAGs through Airflow (`airflow dags test`), as `make run` does.

Each DAG runs in a project-local AIRFLOW_HOME with SQLite metadata, so the Airflow UI
(`make airflow-ui`) shows the same runs afterwards. The full log of each DAG run goes to
`<state>/logs/<dag_id>.log`; the console gets the lines a data engineer wants to see.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from ingest.config import PROJECT_ROOT

PIPELINE_DAGS = ("ingest_submissions", "ingest_bps_statistics", "build_marts")
FINISHED = re.compile(r"DagRun Finished: dag_id=(\S+),.* state=(\w+)")
# Lines worth echoing from the task logs: files that did not load cleanly, per-run
# counts, gate verdicts, BPS series, dbt's totals, failures. Everything is in the log file.
INTERESTING = re.compile(
    r"(-> (rejected|duplicate)|quarantined [1-9]|dropzone \S+: |gate \w+: |BPS \w+ \(var"
    r"|dbt \| .*(Done\.|ERROR|FAIL)|Task failed|Traceback)"
)
STRUCTLOG = re.compile(r"^\S+Z \[\s*\w+\s*\] (.*?)\s+\[[\w.]+\]( loc=\S+.*)?$")


class DagRunFailed(RuntimeError):
    pass


def airflow_env(state_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    home = state_dir / "airflow"
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "KUMKM_TASK_RETRIES": "0",  # fail the local run at once, no retry delays
        "NO_PROXY": "*",
        **(extra or {}),
    }


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def ensure_metadata(env: dict[str, str]) -> None:
    home = Path(env["AIRFLOW_HOME"])
    marker = home / ".migrated"
    if marker.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [airflow_bin(), "db", "migrate"], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise DagRunFailed(
            f"airflow db migrate failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    marker.touch()


def run_dag(dag_id: str, env: dict[str, str], log_dir: Path, echo=print) -> float:
    """`airflow dags test <dag_id>`; raises DagRunFailed unless the run ends in success."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{dag_id}.log"
    started = time.perf_counter()
    state = None
    with log_path.open("w") as log_file:
        proc = subprocess.Popen(
            [airflow_bin(), "dags", "test", dag_id],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            log_file.write(line)
            if match := FINISHED.search(line):
                state = match.group(2)
            elif INTERESTING.search(line):
                echo("   " + _strip_structlog(line))
        proc.wait()
    seconds = time.perf_counter() - started
    if proc.returncode != 0 or state != "success":
        raise DagRunFailed(
            f"DAG {dag_id} ended in state {state} (exit {proc.returncode}); full log: {log_path}"
        )
    return seconds


def _strip_structlog(line: str) -> str:
    """Keep the message of a structlog console line, drop timestamp, logger and location."""
    text = line.rstrip()
    match = STRUCTLOG.match(text)
    return match.group(1) if match else text


def run_pipeline(state_dir: Path, extra_env: dict[str, str] | None = None, echo=print) -> dict:
    env = airflow_env(state_dir, extra_env)
    ensure_metadata(env)
    timings = {}
    for dag_id in PIPELINE_DAGS:
        echo(f">> airflow dags test {dag_id}")
        timings[dag_id] = run_dag(dag_id, env, state_dir / "logs", echo)
        echo(f"   {dag_id}: success in {timings[dag_id]:.0f} s")
    return timings
