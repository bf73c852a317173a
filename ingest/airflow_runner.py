"""Run the pipeline's DAGs through Airflow's scheduler, as `make run` does.

The components (api-server, dag-processor, scheduler; LocalExecutor, SQLite metadata in
`<state>/airflow`) are started for the run and stopped after it, so the runs and their task
logs stay visible in `make airflow-ui`. The ingest DAGs run now (their scheduled run when
one is due, else a manual one); `build_marts` runs when they emit an asset event, i.e.
only when something new arrived. The console gets the lines a data engineer wants to see
from the task logs (`<state>/airflow/logs/dag_id=*/run_id=*/task_id=*/attempt=*.log`).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest.airflow_services import Services, airflow_env, ensure_metadata

INGEST_DAGS = ("ingest_submissions", "ingest_bps_statistics")
MARTS_DAG = "build_marts"
PIPELINE_DAGS = (*INGEST_DAGS, MARTS_DAG)
# the tasks whose success emits the asset event build_marts is scheduled on
OUTLET_TASKS = {"ingest_submissions": "validation_gate", "ingest_bps_statistics": "validate"}
# Lines worth echoing from the task logs: files that did not load cleanly, per-run
# counts, gate verdicts, skips, BPS series, dbt's totals, stale sources, failures.
INTERESTING = re.compile(
    r"(-> (rejected|duplicate)|quarantined [1-9]|dropzone \S+: |gate \w+: |BPS \w+ \(var"
    r"|skipped|dbt \| .*(Done\.|ERROR|FAIL|WARN)|source freshness|Task failed|Traceback)"
)


class DagRunFailed(RuntimeError):
    pass


@dataclass
class DagRunReport:
    dag_id: str
    run_id: str
    state: str
    seconds: float
    tasks: dict[str, str] = field(default_factory=dict)  # task_id -> state

    def line(self) -> str:
        tasks = ", ".join(f"{t} {s}" for t, s in self.tasks.items())
        return f"{self.dag_id}: {self.state} in {self.seconds:.0f} s ({tasks})"


@dataclass
class PipelineReport:
    runs: list[DagRunReport]
    seconds: float

    def of(self, dag_id: str) -> list[DagRunReport]:
        return [r for r in self.runs if r.dag_id == dag_id]

    @property
    def dbt_builds(self) -> int:
        return sum(1 for r in self.of(MARTS_DAG) if r.tasks.get("dbt_build") == "success")


def run_pipeline(
    state_dir: Path,
    extra_env: dict[str, str] | None = None,
    echo=print,
    timeout: float = 1800,
    services: Services | None = None,
) -> PipelineReport:
    """Start the components (unless `services` runs already), run the pipeline, stop them."""
    if services is not None:
        return _run(services, echo, timeout)
    env = airflow_env(state_dir, extra_env)
    ensure_metadata(env)
    with Services(env).running() as started:
        return _run(started, echo, timeout)


def _run(services: Services, echo, timeout: float) -> PipelineReport:
    t0 = time.monotonic()
    echo(f">> Airflow scheduler, dag-processor and api-server on {services.base_url}")
    services.wait_for_dags(PIPELINE_DAGS)
    since = datetime.now(UTC) - timedelta(seconds=1)
    services.unpause(MARTS_DAG)
    for dag_id in INGEST_DAGS:
        services.start_run(dag_id)
    reports = []
    for dag_id in INGEST_DAGS:
        runs = services.wait_runs(dag_id, since, timeout)
        reports += [_report(services, dag_id, run, echo) for run in runs]
    events = [r for r in reports if r.tasks.get(OUTLET_TASKS[r.dag_id]) == "success"]
    if events:
        runs = services.wait_runs(MARTS_DAG, since, timeout)
        reports += [_report(services, MARTS_DAG, run, echo) for run in runs]
    else:
        echo(f"   {MARTS_DAG}: not run: no asset event (nothing new), so no dbt build")
    failed = [r for r in reports if r.state != "success"]
    if failed:
        logs = services.home / "logs"
        raise DagRunFailed(
            "; ".join(f"{r.dag_id} run {r.run_id} ended {r.state}" for r in failed)
            + f" (task logs: {logs}, or make airflow-ui)"
        )
    return PipelineReport(reports, time.monotonic() - t0)


def _report(services: Services, dag_id: str, run: dict, echo) -> DagRunReport:
    tis = services.task_instances(dag_id, run["dag_run_id"])
    tis.sort(key=lambda ti: ti.get("start_date") or "9999")
    report = DagRunReport(
        dag_id,
        run["dag_run_id"],
        run["state"],
        run.get("duration") or 0.0,
        {ti["task_id"]: ti["state"] or "none" for ti in tis},
    )
    for ti in tis:
        for line in task_log_lines(services.home, dag_id, run["dag_run_id"], ti["task_id"]):
            if INTERESTING.search(line):
                echo("   " + line)
    echo("   " + report.line())
    return report


def task_log_lines(home: Path, dag_id: str, run_id: str, task_id: str) -> list[str]:
    """The messages of a task's latest attempt, from its log file (JSON lines)."""
    folder = home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    attempts = sorted(folder.glob("attempt=*.log"))
    if not attempts:
        return []
    lines = []
    for raw in attempts[-1].read_text(errors="replace").splitlines():
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            lines.append(raw)
            continue
        lines.append(str(record.get("event", "")) if isinstance(record, dict) else raw)
    return lines
