"""Project settings, read from the environment (never from files in the repo).

Every setting has one name here; DAGs, the CLI and tests read them through this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    warehouse_url: str | None  # None: use the embedded PostgreSQL under state_dir
    dropzone: Path
    state_dir: Path  # project-local runtime state: embedded PostgreSQL, Airflow home, docs
    extracts_dir: Path
    bps_api_key: str | None
    bps_api_url: str

    @property
    def embedded_pgdata(self) -> Path:
        return self.state_dir / "pg"


def _env(name: str) -> str | None:
    """An environment variable; set-but-empty counts as unset (so `make VAR=` = default)."""
    return os.environ.get(name) or None


def settings() -> Settings:
    state = Path(_env("KUMKM_STATE_DIR") or PROJECT_ROOT / ".state").resolve()
    return Settings(
        warehouse_url=_env("WAREHOUSE_URL"),
        dropzone=Path(_env("DROPZONE") or state / "sample_dropzone").resolve(),
        state_dir=state,
        extracts_dir=Path(_env("EXTRACTS_DIR") or PROJECT_ROOT / "extracts").resolve(),
        bps_api_key=_env("BPS_API_KEY"),
        bps_api_url=_env("BPS_API_URL") or "https://webapi.bps.go.id/v1/api/",
    )
