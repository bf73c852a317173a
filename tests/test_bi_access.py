"""BI access to the embedded warehouse: `bi-user` creates a read-only login, the server
listens on 127.0.0.1 with SCRAM passwords (the pipeline keeps its socket), and that login
reads marts, nothing else, and writes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from ingest import warehouse

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def embedded():
    """A state folder of its own with a running embedded warehouse (migrated, one mart)."""
    state = Path(tempfile.mkdtemp(prefix="pgbi", dir="/tmp"))
    url = warehouse.start_embedded(state / "pg")
    try:
        with warehouse.connect(url) as conn:
            warehouse.migrate(conn)
            conn.execute("create table marts.dim_test (province_code text, n integer)")
            conn.execute("insert into marts.dim_test values ('74', 1)")
            conn.execute("grant select on marts.dim_test to bi_reader")
        yield state, url
    finally:
        warehouse.stop_embedded(state / "pg")
        shutil.rmtree(state, ignore_errors=True)


def bi_user(state: Path, name: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_URL"}
    env["KUMKM_STATE_DIR"] = str(state)
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", "bi-user", name],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_pipeline_socket_and_tcp_with_password(embedded):
    state, url = embedded
    assert "host=/" in url  # the pipeline's URL is the Unix socket (trust), as before
    proc = bi_user(state, "metabase")
    assert proc.returncode == 0, proc.stderr
    (conn_url,) = re.findall(r"connection string: (\S+)", proc.stdout)
    assert conn_url.startswith("postgresql://metabase:") and "@127.0.0.1:" in conn_url
    tcp = warehouse.embedded_tcp(state / "pg")
    assert tcp is not None and tcp[0] == "127.0.0.1"

    with psycopg.connect(conn_url, autocommit=True) as conn:
        assert conn.info.host == "127.0.0.1"
        assert conn.execute("select province_code, n from marts.dim_test").fetchall() == [("74", 1)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select count(*) from raw.submissions")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("insert into marts.dim_test values ('11', 2)")
        conn.execute("set default_transaction_read_only = off")  # the privileges hold too
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("insert into marts.dim_test values ('11', 2)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("create table marts.mine (x int)")

    wrong = re.sub(r"(metabase:)[^@]+@", r"\1not-the-password@", conn_url)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong).close()
    # the superuser has no password: no login over TCP at all
    host, port = tcp
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(f"postgresql://postgres@{host}:{port}/postgres").close()


def test_rerun_gives_a_new_password_and_the_old_one_stops_working(embedded):
    state, _ = embedded
    first = re.findall(r"connection string: (\S+)", bi_user(state, "excel").stdout)[0]
    second_proc = bi_user(state, "excel")
    assert "new password for BI user excel" in second_proc.stdout
    second = re.findall(r"connection string: (\S+)", second_proc.stdout)[0]
    assert first != second
    psycopg.connect(second).close()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(first).close()


@pytest.mark.parametrize("name", ["postgres", "bi_reader", "Robert'); drop", "x"])
def test_bad_names_are_refused(embedded, name):
    state, _ = embedded
    proc = bi_user(state, name)
    assert proc.returncode == 2
    assert "invalid BI user name" in proc.stderr
