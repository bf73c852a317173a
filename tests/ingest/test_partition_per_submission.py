"""One partition per submission: the loader's rows table becomes the submission's partition
of raw.<dataset> at commit, a rolled-back file leaves no table, and the guarantees of the
former foreign key (no rows without their submission) still hold."""

from __future__ import annotations

import psycopg
import pytest
from test_submissions_loader import GOOD_ROWS, koperasi_csv, write

from ingest import warehouse
from ingest.submissions import load
from ingest.submissions.load import ingest_dropzone


def koperasi_tables(conn) -> dict[str, bool]:
    """Every plain table named koperasi_s* in raw -> whether it is a partition."""
    return dict(
        conn.execute(
            "select relname, relispartition from pg_class "
            "where relnamespace = 'raw'::regnamespace and relkind = 'r' "
            "and relname like 'koperasi\\_s%'"
        ).fetchall()
    )


def test_each_loaded_file_is_one_partition_with_its_rows_and_key(tmp_path, make_database):
    dropzone = tmp_path / "dropzone"
    repeated = [*GOOD_ROWS, GOOD_ROWS[0]]  # an exact repeat: moved to quarantine before attach
    write(dropzone / "koperasi_74_2024.csv", koperasi_csv(repeated), mtime=1_000)
    write(dropzone / "koperasi_73_2024.csv", koperasi_csv(GOOD_ROWS[:2]), mtime=1_001)
    with make_database() as url:
        results = ingest_dropzone(url, dropzone, workers=1)
        assert [r.outcome for r in results] == ["loaded", "loaded"]
        with warehouse.connect(url) as conn:
            assert koperasi_tables(conn) == {f"koperasi_s{r.submission_id}": True for r in results}
            for r in results:
                part = f"raw.koperasi_s{r.submission_id}"
                count, sids = conn.execute(
                    f"select count(*), array_agg(distinct submission_id) from {part}"  # noqa: S608
                ).fetchone()
                assert (count, sids) == (r.rows_loaded, [r.submission_id])
                bound = conn.execute(
                    "select pg_get_expr(relpartbound, oid) from pg_class where oid = %s::regclass",
                    (part,),
                ).fetchone()[0]
                assert bound == f"FOR VALUES IN ('{r.submission_id}')"
                assert conn.execute(
                    "select indisprimary from pg_index where indrelid = %s::regclass",
                    (part,),
                ).fetchone() == (True,)
            assert results[0].rows_loaded == 3 and results[0].rows_quarantined == 1
            with pytest.raises(psycopg.errors.UniqueViolation):  # the key holds on the parent
                conn.execute(
                    "insert into raw.koperasi (submission_id, row_number, nik_koperasi, "
                    "nama_koperasi, kabupaten_kota, status_aktif) "
                    "select submission_id, row_number, 'x', 'x', 'x', true from raw.koperasi "
                    "where submission_id = %s limit 1",
                    (results[0].submission_id,),
                )


def test_a_file_rolled_back_leaves_no_table(tmp_path, make_database, monkeypatch):
    dropzone = tmp_path / "dropzone"
    write(dropzone / "koperasi_74_2024.csv", koperasi_csv(GOOD_ROWS), mtime=1_000)
    header = "provinsi;nik_koperasi;nama_koperasi;kabupaten_kota;status_aktif"
    wrong = "\n".join([header, "Sulawesi Tenggara;1;A;Kab. Konawe;aktif", "Jawa Timur;2;B;X;aktif"])
    write(dropzone / "koperasi_74_2020.csv", wrong + "\n", mtime=900)

    def lost_connection(conn, table, sid):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    with make_database() as url:
        monkeypatch.setattr(load, "_attach_rows_table", lost_connection)
        with pytest.raises(psycopg.OperationalError):
            ingest_dropzone(url, dropzone, workers=1)
        with warehouse.connect(url) as conn:
            # the 2020 file was rejected after its rows were copied; the 2024 file failed at
            # attach: neither left a table, nor a log row for the file that failed
            assert koperasi_tables(conn) == {}
            assert conn.execute("select file_name, outcome from raw.submissions").fetchall() == [
                ("koperasi_74_2020.csv", "rejected")
            ]
        monkeypatch.undo()
        [skipped, loaded] = ingest_dropzone(url, dropzone, workers=1)  # the next run loads it
        assert (skipped.outcome, loaded.outcome) == ("skipped", "loaded")
        with warehouse.connect(url) as conn:
            assert koperasi_tables(conn) == {f"koperasi_s{loaded.submission_id}": True}


def test_no_rows_without_their_submission(tmp_path, make_database):
    dropzone = tmp_path / "dropzone"
    write(dropzone / "koperasi_74_2024.csv", koperasi_csv(GOOD_ROWS), mtime=1_000)
    with make_database() as url:
        [result] = ingest_dropzone(url, dropzone, workers=1)
        sid = result.submission_id
        with warehouse.connect(url) as conn:
            with pytest.raises(psycopg.errors.CheckViolation):  # no partition: refused
                conn.execute(
                    "insert into raw.koperasi (submission_id, row_number, nik_koperasi, "
                    "nama_koperasi, kabupaten_kota, status_aktif) "
                    "values (%s, 2, 'x', 'x', 'x', true)",
                    (sid + 1000,),
                )
            conn.rollback()
            for statement in (
                f"delete from raw.submissions where submission_id = {sid}",
                f"update raw.submissions set submission_id = {sid + 1000}",
                "truncate raw.submissions cascade",
            ):
                with pytest.raises(psycopg.errors.ForeignKeyViolation):
                    conn.execute(statement)
                conn.rollback()
            with conn.transaction():  # removable as a unit: its rows, then its log row
                conn.execute("delete from raw.koperasi where submission_id = %s", (sid,))
                conn.execute("delete from raw.submissions where submission_id = %s", (sid,))
            assert conn.execute("select count(*) from raw.koperasi").fetchone()[0] == 0
