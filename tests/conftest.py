"""Shared fixtures: throw-away databases on the real PostgreSQL.

TEST_PG_URL (default: the local server at 127.0.0.1:5432, user postgres) names the server;
each database is created for the test session (or one test) and dropped afterwards, so
parallel sessions never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from ingest import warehouse

# fixture plugins (pytest reads pytest_plugins in the root conftest only)
pytest_plugins = ["fixtures.gx_results"]

ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def empty_database() -> Iterator[str]:
    """Create an empty database; yield its URL; drop it."""
    name = f"kumkm_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    try:
        yield f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty migrated database; yield its URL; drop it."""
    with empty_database() as url:
        with warehouse.connect(url) as conn:
            warehouse.migrate(conn)
        yield url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh, migrated database shared by this test session."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def conn(pg_url):
    with warehouse.connect(pg_url) as c:
        yield c


@pytest.fixture(scope="session")
def make_database():
    """`with make_database() as url:` a database of its own, for tests that need isolation."""
    return fresh_database


@pytest.fixture(scope="session")
def make_empty_database():
    """`with make_empty_database() as url:` an empty database (no migration) of its own."""
    return empty_database
