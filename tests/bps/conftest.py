"""Fixtures of the BPS tests: the fake server, a client with recorded (not slept) backoffs,
the live captures, and a clean pair of raw.bps_* tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import warehouse
from ingest.bps.client import BpsClient

from .fake_server import LIVE_DIR, FakeBps

KEY = "TEST-KEY-s3cr3t-7f9a21"

needs_live = pytest.mark.skipif(
    not LIVE_DIR.is_dir(), reason=f"live captures not present at {LIVE_DIR}"
)


def live(name: str) -> dict:
    return json.loads((LIVE_DIR / name).read_text("utf-8"))


@pytest.fixture
def fake():
    with FakeBps(keys=(KEY,)) as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_client(url: str, sleeps: list[float], **kw) -> BpsClient:
    options = {
        "timeout": (1.0, 0.3),
        "max_attempts": 4,
        "backoff_base": 0.5,
        "backoff_max": 4.0,
        "sleep": sleeps.append,
        "jitter": lambda: 1.0,
    }
    options.update(kw)
    key = options.pop("api_key", KEY)
    return BpsClient(key, url, **options)


@pytest.fixture
def client(fake, sleeps):
    with make_client(fake.url, sleeps) as c:
        yield c


@pytest.fixture
def bps_db(pg_url) -> str:
    """The session database with empty raw.bps_* tables."""
    with warehouse.connect(pg_url) as conn:
        conn.execute((Path(warehouse.DDL_DIR) / "020_bps.sql").read_text())
        conn.execute("truncate raw.bps_observations, raw.bps_fetches")
    return pg_url
