"""A dropzone file is read again for its SHA-256 only when its status shows it may have
changed (ingest/submissions/file_hash.py): real files, the real PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from ingest.submissions import file_hash
from ingest.submissions.file_hash import file_sha256
from ingest.submissions.load import ingest_dropzone

MARGIN_NS = 200_000_000  # the tests wait 0.2 s, not 2 s, for a status to count as settled
MARKER = "0" * 64  # written over a recorded hash: returned only if the file was not read


@pytest.fixture
def short_margin(monkeypatch):
    monkeypatch.setattr(file_hash, "RACY_MARGIN_NS", MARGIN_NS)


def settle() -> None:
    time.sleep(2 * MARGIN_NS / 1e9)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hash_now(conn, path: Path, rel: str) -> str:
    return file_sha256(conn, path, rel, path.stat())


def mark(conn, rel: str) -> None:
    conn.execute("update raw.file_hashes set sha256 = %s where file_path = %s", (MARKER, rel))


def rewrite_in_place(path: Path, text: str) -> None:
    """New content of the same size, the old modification time put back (ctime moves)."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    with path.open("r+b") as fh:
        fh.write(text.encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def settled_and_marked(conn, tmp_path: Path, rel: str) -> Path:
    """A file written, settled and hashed, whose recorded hash is then the marker."""
    path = tmp_path / "a.csv"
    path.write_text("satu;dua\n1;2\n")
    settle()
    assert hash_now(conn, path, rel) == sha(path)
    mark(conn, rel)
    return path


def test_a_settled_unchanged_file_is_not_read_again(conn, tmp_path, short_margin):
    path = settled_and_marked(conn, tmp_path, "t1/a.csv")
    assert hash_now(conn, path, "t1/a.csv") == MARKER  # the recorded hash, no read


def test_a_rewrite_with_size_and_mtime_put_back_is_read_again(conn, tmp_path, short_margin):
    path = settled_and_marked(conn, tmp_path, "t2/a.csv")
    rewrite_in_place(path, "satu;dua\n1;3\n")
    settle()
    assert hash_now(conn, path, "t2/a.csv") == sha(path)


def test_a_file_replaced_by_rename_is_read_again(conn, tmp_path, short_margin):
    path = settled_and_marked(conn, tmp_path, "t3/a.csv")
    other = tmp_path / "b.csv"
    other.write_text("satu;dua\n1;4\n")
    os.utime(other, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    other.replace(path)
    settle()
    assert hash_now(conn, path, "t3/a.csv") == sha(path)


def test_a_status_too_close_to_the_read_is_not_trusted(conn, tmp_path):
    """Default margin (2 s): a file changed just before it was hashed may change again in
    the same clock tick without its status moving, so its hash is read again next time."""
    path = tmp_path / "a.csv"
    path.write_text("satu;dua\n1;2\n")
    hash_now(conn, path, "t4/a.csv")
    mark(conn, "t4/a.csv")
    assert hash_now(conn, path, "t4/a.csv") == sha(path)
    recorded = conn.execute(
        "select sha256 from raw.file_hashes where file_path = 't4/a.csv'"
    ).fetchone()[0]
    assert recorded == sha(path)  # the fresh read replaced the entry


UMKM_HEADER = (
    "nib;nama_usaha;nama_pemilik;jenis_kelamin_pemilik;kabupaten_kota;kbli;skala_usaha;"
    "tenaga_kerja;omzet_tahunan;modal_usaha;sertifikat_halal;tanggal_sertifikat_halal"
)


def umkm_csv(workers: int) -> str:
    rows = [
        f"12345678901{n:02d};Usaha {n};Pemilik {n};P;Kota Kendari;10710;mikro;{workers};"
        f"150.000.000;10.000.000;tidak;"
        for n in range(3)
    ]
    return "\n".join([UMKM_HEADER, *rows]) + "\n"


def test_loader_loads_a_file_rewritten_in_place_with_its_status_put_back(
    conn, pg_url, tmp_path, short_margin
):
    """The whole loader: a re-run skips the unchanged file without reading it, and loads
    the same file rewritten with another figure, though size and mtime are as before."""
    dropzone = tmp_path / "dropzone"
    dropzone.mkdir()
    path = dropzone / "umkm_74_2024S1.csv"
    path.write_text(umkm_csv(workers=3))
    settle()
    [first] = ingest_dropzone(pg_url, dropzone, workers=1)
    assert first.outcome == "loaded"
    [again] = ingest_dropzone(pg_url, dropzone, workers=1)
    assert (again.outcome, again.submission_id) == ("skipped", first.submission_id)

    rewrite_in_place(path, umkm_csv(workers=4))
    settle()
    [changed] = ingest_dropzone(pg_url, dropzone, workers=1)
    assert changed.outcome == "loaded"
    assert changed.submission_id != first.submission_id
    workers = conn.execute(
        "select array_agg(tenaga_kerja order by row_number) from raw.umkm where submission_id = %s",
        (changed.submission_id,),
    ).fetchone()[0]
    assert workers == [4, 4, 4]
    assert conn.execute(
        "select sha256 from raw.submissions where submission_id = %s", (changed.submission_id,)
    ).fetchone()[0] == sha(path)
