"""bi_reader (ingest/ddl/040_roles.sql and the dbt on-run-end grant) reads the marts and
nothing else: a login role in bi_reader selects every mart and is refused raw, audit,
quarantine, staging and intermediate."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql

from ingest import dbt_runner, warehouse


@pytest.fixture(scope="module")
def reader(marts_db):
    """A connection as a fresh LOGIN role that is a member of bi_reader."""
    url, _ = marts_db
    name = f"bi_reader_test_{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    with warehouse.connect(url) as admin:
        admin.execute(
            sql.SQL("create role {} login password {} in role bi_reader").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
    params = warehouse.libpq_params(url)
    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=params["port"],
            dbname=params["dbname"],
            user=name,
            password=password,
            autocommit=True,
        ) as conn:
            yield conn
    finally:
        with warehouse.connect(url) as admin:
            admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def mart_tables(url: str) -> list[str]:
    with warehouse.connect(url) as conn:
        return [
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            )
        ]


def test_bi_reader_is_a_nologin_group_role(marts_db):
    url, _ = marts_db
    with warehouse.connect(url) as conn:
        assert conn.execute(
            "select rolcanlogin from pg_roles where rolname = 'bi_reader'"
        ).fetchone() == (False,)


def test_reads_every_mart(marts_db, reader):
    tables = mart_tables(marts_db[0])
    assert {"umkm_contribution", "submission_compliance", "agreement_implementation"} <= set(tables)
    for table in tables:
        reader.execute(sql.SQL("select count(*) from marts.{}").format(sql.Identifier(table)))
    (n,) = reader.execute("select count(*) from marts.dim_province").fetchone()
    assert n == 38


@pytest.mark.parametrize(
    "relation",
    [
        "raw.submissions",
        "raw.koperasi",
        "raw.umkm",
        "raw.quarantine",
        "raw.bps_observations",
        "audit.validation_results",
        "staging.stg_submissions__quarantine",
        "intermediate.int_submissions_in_force",
        "snapshots.submissions_in_force_snapshot",
    ],
)
def test_is_refused_everything_else(reader, relation):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reader.execute(f"select 1 from {relation} limit 1")


def test_dbt_grants_again_after_a_rebuild_by_itself(marts_db, reader):
    """Even without the default privileges, the on-run-end grant reopens recreated marts."""
    url, _ = marts_db
    with warehouse.connect(url) as admin:
        admin.execute("revoke select on all tables in schema marts from bi_reader")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reader.execute("select 1 from marts.umkm_contribution limit 1")
    dbt_runner.run_dbt(url, "run-operation", "grant_marts_to_bi_reader")
    reader.execute("select 1 from marts.umkm_contribution limit 1")
