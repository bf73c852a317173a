"""Versioned migrations: a warehouse of the previous release (its DDL run, no version table)
is upgraded in place; rows stay, new columns arrive, each file runs once, in order."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import psycopg
import pytest

from ingest import warehouse

NEW_FILE = "055_submissions_note.sql"
NEW_DDL = """-- idempotent, as every new numbered file must be
alter table raw.submissions add column if not exists note text not null default '';
"""


def previous_release_migrate(conn) -> None:
    """What migrate() did before the version table: every file, every time."""
    for path in sorted(warehouse.DDL_DIR.glob("*.sql")):
        conn.execute(path.read_text())


@pytest.fixture
def old_warehouse(make_empty_database) -> Iterator[str]:
    with make_empty_database() as url, warehouse.connect(url) as conn:
        previous_release_migrate(conn)
        conn.execute(
            """insert into raw.submissions (dataset, file_name, file_path, sha256, file_size,
                   file_mtime, outcome)
               values ('koperasi', 'koperasi_74_2024.csv', 'koperasi_74_2024.csv', 'abc', 10,
                       now(), 'accepted')"""
        )
        yield url


def _columns(conn, table: str) -> list[str]:
    schema, name = table.split(".")
    return [
        c
        for (c,) in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (schema, name),
        )
    ]


def test_previous_release_is_upgraded_in_place(old_warehouse, tmp_path):
    ddl = tmp_path / "ddl"
    shutil.copytree(warehouse.DDL_DIR, ddl)
    (ddl / NEW_FILE).write_text(NEW_DDL)
    shipped = sorted(p.name for p in warehouse.DDL_DIR.glob("*.sql"))
    with warehouse.connect(old_warehouse) as conn:
        applied = warehouse.migrate(conn, ddl)
        assert applied == sorted([*shipped, NEW_FILE])
        rows = conn.execute("select file_name, outcome, note from raw.submissions").fetchall()
        assert rows == [("koperasi_74_2024.csv", "accepted", "")]
        assert "note" in _columns(conn, "raw.submissions")
        recorded = [r for (r,) in conn.execute("select file_name from audit.schema_migrations")]
        assert sorted(recorded) == applied
        assert warehouse.migrate(conn, ddl) == []  # nothing runs twice


def test_a_new_file_numbered_before_an_applied_one_still_runs(tmp_path, make_empty_database):
    ddl = tmp_path / "ddl"
    shutil.copytree(warehouse.DDL_DIR, ddl)
    with make_empty_database() as url, warehouse.connect(url) as conn:
        assert "090_audit.sql" in warehouse.migrate(conn, ddl)
        (ddl / NEW_FILE).write_text(NEW_DDL)  # another branch's file, merged later
        (ddl / "README.txt").write_text("not a migration")
        assert warehouse.migrate(conn, ddl) == [NEW_FILE]
        assert "note" in _columns(conn, "raw.submissions")


def test_a_failing_file_is_not_recorded_and_stops_the_run(tmp_path, make_empty_database):
    ddl = tmp_path / "ddl"
    shutil.copytree(warehouse.DDL_DIR, ddl)
    (ddl / "050_broken.sql").write_text("alter table raw.no_such_table add column x int;")
    (ddl / "060_after.sql").write_text("create table if not exists raw.after_broken (x int);")
    with make_empty_database() as url, warehouse.connect(url) as conn:
        with pytest.raises(psycopg.errors.UndefinedTable):
            warehouse.migrate(conn, ddl)
        recorded = {r for (r,) in conn.execute("select file_name from audit.schema_migrations")}
        assert "040_roles.sql" in recorded
        assert "050_broken.sql" not in recorded and "060_after.sql" not in recorded
        assert conn.execute("select to_regclass('raw.after_broken')").fetchone()[0] is None


PARTITIONING = "070_partition_per_submission.sql"


def test_a_populated_warehouse_of_the_unpartitioned_layout_keeps_every_row(
    tmp_path, make_empty_database
):
    before = tmp_path / "before"
    shutil.copytree(warehouse.DDL_DIR, before)
    (before / PARTITIONING).unlink()
    with make_empty_database() as url, warehouse.connect(url) as conn:
        warehouse.migrate(conn, before)
        sids = [
            conn.execute(
                """insert into raw.submissions (dataset, file_name, file_path, sha256, file_size,
                       file_mtime, outcome)
                   values ('kerja_sama', %s, %s, %s, 1, now(), 'accepted')
                   returning submission_id""",
                (f"kerja_sama_74_202{n}.csv", f"kerja_sama_74_202{n}.csv", f"sha{n}"),
            ).fetchone()[0]
            for n in range(3)
        ]
        conn.execute(
            """insert into raw.kerja_sama (submission_id, row_number, nomor_dokumen,
                   jenis_dokumen, judul, nama_mitra, jenis_mitra, tanggal_tanda_tangan,
                   dokumen_induk, extra)
               select (%s::bigint[])[1 + g %% 3], g, 'ks / ' || g, 'MoU', 'judul', 'mitra',
                      'swasta', date '2024-01-01' + g, case when g %% 2 = 0 then 'induk ' || g end,
                      case when g %% 5 = 0 then jsonb_build_object('catatan', g) end
               from generate_series(2, 1001) as g""",
            (sids,),
        )
        conn.execute("create view public.reads_raw as select * from raw.kerja_sama")
        snapshot = "select to_jsonb(k)::text from raw.kerja_sama as k order by 1"
        rows = conn.execute(snapshot).fetchall()
        assert len(rows) == 1000

        assert warehouse.migrate(conn) == [PARTITIONING]
        assert conn.execute(snapshot).fetchall() == rows  # generated keys included
        partitions = conn.execute(
            """select c.relname from pg_inherits as i join pg_class as c on c.oid = i.inhrelid
               where i.inhparent = 'raw.kerja_sama'::regclass order by 1"""
        ).fetchall()
        assert partitions == sorted((f"kerja_sama_s{sid}",) for sid in sids)
        kinds = conn.execute(
            """select relname, relkind from pg_class where relnamespace = 'raw'::regnamespace
               and relname in ('koperasi', 'umkm', 'indikator_umkm', 'kerja_sama',
                               'kegiatan_kerja_sama', 'kerja_sama_unpartitioned')"""
        ).fetchall()
        assert sorted(k for _, k in kinds) == ["p"] * 5
        # the view that read the old table is gone (dbt recreates its own at the next build)
        assert conn.execute("select to_regclass('public.reads_raw')").fetchone()[0] is None
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.execute("delete from raw.submissions where submission_id = %s", (sids[0],))
