"""Start Airflow's components on this machine, talk to them over the REST API, stop them.

Used by `make run` (LocalExecutor, SQLite metadata under `.state/airflow`) and by the
Celery scale-out test (CeleryExecutor, PostgreSQL metadata, Redis broker, two workers).
Every component is a process of its own (own process group), logging to
`<AIRFLOW_HOME>/logs/components/<name>.log`, stopped by its PID. Ports are picked free on
127.0.0.1: other developers run the same components on the same machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

from ingest.config import PROJECT_ROOT

FINISHED_STATES = ("success", "failed")


class AirflowError(RuntimeError):
    pass


def airflow_env(state_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the project-local deployment (`make run`, `make airflow-ui`)."""
    home = state_dir / "airflow"
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        # 2 cores: the LocalExecutor forks `parallelism` workers (default 32)
        "AIRFLOW__CORE__PARALLELISM": "2",
        "KUMKM_TASK_RETRIES": "0",  # fail the local run at once, no retry delays
        "NO_PROXY": "*",
        **(extra or {}),
    }


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def ensure_metadata(env: dict[str, str]) -> None:
    """`airflow db migrate` once per metadata database (a marker file in AIRFLOW_HOME)."""
    home = Path(env["AIRFLOW_HOME"])
    marker = home / ".migrated"
    if marker.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [airflow_bin(), "db", "migrate"], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise AirflowError(
            f"airflow db migrate failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    marker.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def password_file(home: Path) -> Path:
    """Where the simple auth manager keeps the generated admin password (JSON)."""
    return home / "simple_auth_manager_passwords.json.generated"


@dataclass
class Component:
    name: str
    command: list[str]
    env: dict[str, str]
    proc: subprocess.Popen | None = None


@dataclass
class Services:
    """The components of one Airflow deployment; `with services.running():` starts them."""

    env: dict[str, str]
    workers: int = 0  # Celery workers (0: the LocalExecutor runs the tasks)
    port: int = field(default_factory=free_port)
    components: list[Component] = field(default_factory=list)
    _token: str | None = None

    @property
    def home(self) -> Path:
        return Path(self.env["AIRFLOW_HOME"])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def component_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            **self.env,
            "PATH": f"{Path(airflow_bin()).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            **(extra or {}),
        }

    def plan(self) -> list[Component]:
        host = "127.0.0.1"
        parts = [
            Component("api-server", ["api-server", "--host", host, "--port", str(self.port)], {}),
            Component("dag-processor", ["dag-processor"], {}),
            Component("scheduler", ["scheduler"], {}),
        ]
        for n in range(1, self.workers + 1):
            command = ["celery", "worker", "--celery-hostname", f"w{n}@%h", "--concurrency", "2"]
            worker_env = {
                "KUMKM_WORKER_NAME": f"w{n}",
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": "ingest.airflow_services.worker_hostname",
            }
            parts.append(Component(f"worker-{n}", command, worker_env))
        return parts

    @contextmanager
    def running(self, timeout: float = 180) -> Iterator[Services]:
        log_dir = self.home / "logs" / "components"
        log_dir.mkdir(parents=True, exist_ok=True)
        # a SIGTERM (timeout, Ctrl-C of make) must still stop the components below
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            for part in self.plan():
                part.env = self.component_env(part.env)
                with (log_dir / f"{part.name}.log").open("a") as log:
                    part.proc = subprocess.Popen(
                        [airflow_bin(), *part.command],
                        env=part.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                self.components.append(part)
            self.wait_ready(timeout)
            yield self
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous)

    def stop(self, grace: float = 30) -> None:
        """SIGTERM each component's process group (its PID), SIGKILL what remains."""
        alive = [c for c in self.components if c.proc and c.proc.poll() is None]
        for c in alive:
            _signal_group(c.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for c in alive:
            try:
                c.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(c.proc.pid, signal.SIGKILL)
                c.proc.wait()
        for c in self.components:  # children left in a group whose leader has exited
            _signal_group(c.proc.pid, signal.SIGKILL)
        self.components.clear()

    def _check_alive(self) -> None:
        for c in self.components:
            if c.proc and c.proc.poll() is not None:
                log = self.home / "logs" / "components" / f"{c.name}.log"
                raise AirflowError(f"airflow {c.name} exited ({c.proc.returncode}); see {log}")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                if requests.get(f"{self.base_url}/api/v2/monitor/health", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(1)
        raise AirflowError(f"the api-server did not answer on {self.base_url} in {timeout} s")

    # --- REST API -------------------------------------------------------------------------

    def token(self) -> str:
        if self._token is None:
            users = json.loads(password_file(self.home).read_text())
            user, password = next(iter(users.items()))
            response = requests.post(
                f"{self.base_url}/auth/token",
                json={"username": user, "password": password},
                timeout=30,
            )
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return self._token

    def api(self, method: str, path: str, **kwargs) -> dict:
        response = requests.request(
            method,
            f"{self.base_url}/api/v2/{path}",
            headers={"Authorization": f"Bearer {self.token()}"},
            timeout=60,
            **kwargs,
        )
        if not response.ok:
            raise AirflowError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else {}

    def wait_for_dags(self, dag_ids: tuple[str, ...], timeout: float = 180) -> None:
        """Until the dag-processor has parsed and serialized every DAG in `dag_ids`."""
        deadline = time.monotonic() + timeout
        missing = list(dag_ids)
        while time.monotonic() < deadline:
            self._check_alive()
            listed = self.api("GET", "dags", params={"limit": 100})["dags"]
            missing = [d for d in dag_ids if d not in {x["dag_id"] for x in listed}]
            if not missing:
                return
            time.sleep(2)
        raise AirflowError(f"DAGs not parsed after {timeout} s: {missing}")

    def unpause(self, dag_id: str) -> dict:
        return self.api("PATCH", f"dags/{dag_id}", json={"is_paused": False})

    def start_run(self, dag_id: str) -> None:
        """Unpause the DAG and let it run once now: the scheduler's own run when one is due
        (an hourly DAG's first run), else a manual one (a rerun within the hour)."""
        dag = self.unpause(dag_id)
        due = dag.get("next_dagrun_run_after")
        if due is None or datetime.fromisoformat(due) > datetime.now(UTC):
            self.api("POST", f"dags/{dag_id}/dagRuns", json={"logical_date": None})

    def runs_since(self, dag_id: str, since: datetime) -> list[dict]:
        """The runs queued after `since` (a scheduled run's run_after is its interval's)."""
        params = {"order_by": "-id", "limit": 50}
        runs = self.api("GET", f"dags/{dag_id}/dagRuns", params=params)["dag_runs"]
        fresh = [r for r in runs if datetime.fromisoformat(r["queued_at"]) >= since]
        return sorted(fresh, key=lambda r: r["queued_at"])

    def queued_asset_events(self, dag_id: str) -> int:
        try:
            return self.api("GET", f"dags/{dag_id}/assets/queuedEvents")["total_entries"]
        except AirflowError as exc:
            if " 404 " in str(exc):  # none queued
                return 0
            raise

    def wait_runs(self, dag_id: str, since: datetime, timeout: float, at_least: int = 1):
        """Until at least `at_least` runs of `dag_id` after `since` exist and all finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            runs = self.runs_since(dag_id, since)
            if (
                len(runs) >= at_least
                and all(r["state"] in FINISHED_STATES for r in runs)
                and not self.queued_asset_events(dag_id)
            ):
                return runs
            time.sleep(2)
        raise AirflowError(f"{dag_id}: runs not finished after {timeout} s")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"dags/{dag_id}/dagRuns/{run_id}/taskInstances"
        return self.api("GET", path)["task_instances"]

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int = 1) -> str:
        """The task's log as the UI shows it (the api-server reads the log file)."""
        path = f"dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}"
        content = self.api("GET", path)["content"]
        return "\n".join(json.dumps(line, ensure_ascii=False, default=str) for line in content)


def worker_hostname() -> str:
    """`[core] hostname_callable` of local Celery workers: this host's name, prefixed with
    the worker's name (KUMKM_WORKER_NAME) so that task instances tell the workers apart."""
    name = os.environ.get("KUMKM_WORKER_NAME")
    return f"{name}.{socket.getfqdn()}" if name else socket.getfqdn()


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)  # the group that component's own session started (pgid = pid)
