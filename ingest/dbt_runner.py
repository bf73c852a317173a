"""Run dbt against the warehouse, with the connection taken from the warehouse URL."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from ingest import warehouse
from ingest.config import PROJECT_ROOT

log = logging.getLogger(__name__)

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


class DbtFailed(RuntimeError):
    pass


def dbt_env(conninfo: str) -> dict[str, str]:
    params = warehouse.libpq_params(conninfo)
    return {
        **os.environ,
        "KUMKM_PGHOST": params["host"],
        "KUMKM_PGPORT": params["port"],
        "KUMKM_PGUSER": params["user"],
        "KUMKM_PGPASSWORD": params["password"],
        "KUMKM_PGDATABASE": params["dbname"],
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }


def run_dbt(conninfo: str, *args: str, target_path: Path | None = None) -> str:
    """Run `dbt <args>` in the project; streams dbt's output to the log, raises on failure."""
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    if target_path is not None:
        cmd += ["--target-path", str(target_path)]
    log.info("running %s", " ".join(cmd[:3]))
    proc = subprocess.Popen(
        cmd,
        cwd=DBT_PROJECT_DIR,
        env=dbt_env(conninfo),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        log.info("dbt | %s", line.rstrip())
    if proc.wait() != 0:
        tail = "".join(lines[-40:])
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return "".join(lines)


def build(conninfo: str, *selectors: str) -> str:
    """`dbt build` (seeds, models, snapshots, tests) of the whole project or a selection."""
    args = ["build"]
    if selectors:
        args += ["--select", *selectors]
    return run_dbt(conninfo, *args)
