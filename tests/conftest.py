"""Shared fixtures: a throw-away database on the real PostgreSQL for every test session.

TEST_PG_URL (default: the local server at 127.0.0.1:5432, user postgres) names the server;
each pytest session creates its own database and drops it at the end, so parallel
sessions never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest

from ingest import warehouse

ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _with_db(url: str, dbname: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of a fresh, migrated database for this test session."""
    name = f"kumkm_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    url = _with_db(ADMIN_URL, name)
    with warehouse.connect(url) as conn:
        warehouse.migrate(conn)
    yield url
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def conn(pg_url):
    with warehouse.connect(pg_url) as c:
        yield c
