"""The submission loader on real files into the real PostgreSQL: outcomes, counts, idempotency."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.submissions.load import discover, ingest_dropzone

KOPERASI_HEADER = (
    "nik_koperasi;nama_koperasi;kabupaten_kota;jenis_koperasi;status_aktif;"
    "jumlah_anggota_pria;jumlah_anggota_wanita;tanggal_rat;aset;shu;predikat_kesehatan"
)


def write(path: Path, text: str, *, mtime: int, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    os.utime(path, (mtime, mtime))
    return path


def koperasi_csv(rows: list[str], title: bool = True) -> str:
    lines = ["DATA KOPERASI PROVINSI SULAWESI TENGGARA", "Keadaan s.d. 31 Desember 2024", ""]
    return "\n".join((lines if title else []) + [KOPERASI_HEADER, *rows, "JUMLAH;;;;;;;;;;"]) + "\n"


GOOD_ROWS = [
    "0074010001;KSP Maju;Kab. Konawe;simpan pinjam;AKTIF;10;12;16 Juni 2025;"
    "Rp 1.234.567,89;-12.345;sehat",
    "0074010002;KUD Sejahtera;KOTA KENDARI;produsen;Tidak  aktif;3;4;;2.000.000;-;cukup sehat",
    "0074010003;Kopwan Melati;Kabupaten  Konawe ;jasa;aktif;0;25;05/03/2025;1.500;0;belum dinilai",
]


@pytest.fixture
def dropzone(tmp_path):
    return tmp_path / "dropzone"


def submission(conn, path: str):
    return conn.execute(
        "select outcome, rows_received, rows_loaded, rows_quarantined, reasons, province_code, "
        "period from raw.submissions where file_path = %s order by submission_id desc limit 1",
        (path,),
    ).fetchone()


def test_good_file_loads_typed_rows(conn, pg_url, dropzone):
    write(dropzone / "sultra" / "koperasi_sultra_2024.csv", koperasi_csv(GOOD_ROWS), mtime=1_000)
    [result] = ingest_dropzone(pg_url, dropzone)
    assert result.outcome == "loaded"
    outcome, received, loaded, quarantined, reasons, province, period = submission(
        conn, "sultra/koperasi_sultra_2024.csv"
    )
    assert (outcome, received, loaded, quarantined) == ("loaded", 3, 3, 0)
    assert (province, period) == ("74", "2024")
    rows = conn.execute(
        "select nik_koperasi, status_aktif, tanggal_rat::text, aset, shu, kabupaten_kota "
        "from raw.koperasi where submission_id = %s order by row_number",
        (result.submission_id,),
    ).fetchall()
    assert rows[0][0] == "0074010001"
    assert rows[0][1] is True and rows[1][1] is False
    assert rows[0][2] == "2025-06-16" and rows[1][2] is None
    assert str(rows[0][3]) == "1234567.89" and str(rows[0][4]) == "-12345.00"
    assert [r[5] for r in rows] == ["Kabupaten Konawe", "Kota Kendari", "Kabupaten Konawe"]


def test_rerun_is_a_no_op_and_duplicates_are_logged_once(conn, pg_url, dropzone):
    body = koperasi_csv([*GOOD_ROWS, "0074010009;KSP Baru;Kab. Muna;jasa;aktif;1;1;;5.000;0;sehat"])
    write(dropzone / "koperasi_74_2023.csv", body, mtime=2_000)
    write(dropzone / "copy" / "koperasi_74_2023_final.csv", body, mtime=2_001)
    first = ingest_dropzone(pg_url, dropzone)
    assert [r.outcome for r in first] == ["loaded", "duplicate"]
    count = conn.execute("select count(*) from raw.submissions").fetchone()[0]
    rows = conn.execute("select count(*) from raw.koperasi").fetchone()[0]
    second = ingest_dropzone(pg_url, dropzone)
    assert [r.outcome for r in second] == ["skipped", "skipped"]
    assert conn.execute("select count(*) from raw.submissions").fetchone()[0] == count
    assert conn.execute("select count(*) from raw.koperasi").fetchone()[0] == rows


def test_bad_rows_are_quarantined_with_reasons_and_counts_reconcile(conn, pg_url, dropzone):
    rows = [  # not GOOD_ROWS as such: identical rows to 2024's would add a warning
        *GOOD_ROWS[:2],
        GOOD_ROWS[2].replace("Kopwan Melati", "Kopwan Mawar"),
        "0074010004;KSP Rugi;Kab. Muna;simpan pinjam;aktif;1;1;;-5.000;0;sehat",
        "0074010005;KSP Angka;Kab. Muna;simpan pinjam;aktif;banyak;1;;5.000;0;sehat",
        ";Tanpa NIK;Kab. Muna;jasa;aktif;1;1;;5.000;0;sehat",
    ]
    write(dropzone / "koperasi_sulawesi-tenggara_2022.csv", koperasi_csv(rows), mtime=3_000)
    [result] = ingest_dropzone(pg_url, dropzone)
    assert (result.rows_received, result.rows_loaded, result.rows_quarantined) == (6, 3, 3)
    quarantined = conn.execute(
        "select row_number, rule, reason, original from raw.quarantine "
        "where submission_id = %s order by row_number",
        (result.submission_id,),
    ).fetchall()
    assert [q[0] for q in quarantined] == [8, 9, 10]  # physical line numbers in the file
    assert "negative" in quarantined[0][1]
    assert quarantined[1][3]["jumlah_anggota_pria"] == "banyak"
    blocking = {r.rule: r.count for r in result.reasons if r.severity == "quarantine"}
    assert blocking == {"value.negative": 1, "value.not_a_number": 1, "value.required": 1}
    warnings = {r.rule for r in result.reasons if r.severity == "warning"}
    assert warnings == {"koperasi.rat_outside_window"}  # RATs of 2025 for book year 2022


def test_unusable_files_are_rejected_whole_and_others_still_load(conn, pg_url, dropzone):
    write(dropzone / "koperasi_74_2021.csv", "nama;alamat\nx;y\n", mtime=4_000)
    write(dropzone / "koperasi_atlantis_2021.csv", koperasi_csv(GOOD_ROWS), mtime=4_001)
    (dropzone / "koperasi_75_2021.csv").write_bytes(b"")
    os.utime(dropzone / "koperasi_75_2021.csv", (4_002, 4_002))
    write(dropzone / "koperasi_76_2021.csv", koperasi_csv([]), mtime=4_003)
    write(dropzone / "koperasi_73_2021.csv", koperasi_csv(GOOD_ROWS, title=False), mtime=4_004)
    results = {r.path: r for r in ingest_dropzone(pg_url, dropzone)}
    assert results["koperasi_73_2021.csv"].outcome == "loaded"
    expected = {
        "koperasi_74_2021.csv": "file.no_header",
        "koperasi_atlantis_2021.csv": "file.name_unknown_province",
        "koperasi_75_2021.csv": "file.empty",
        "koperasi_76_2021.csv": "file.empty",
    }
    for path, rule in expected.items():
        outcome, *_, reasons, _, _ = submission(conn, path)
        assert outcome == "rejected", path
        assert reasons[0]["rule"] == rule, (path, reasons)
        assert reasons[0]["message"], "a reason for the clerk"
    rejected_ids = [results[p].submission_id for p in expected]
    assert (
        conn.execute(
            "select count(*) from raw.koperasi where submission_id = any(%s)", (rejected_ids,)
        ).fetchone()[0]
        == 0
    )


def test_wrong_province_inside_rows_rejects_the_file(conn, pg_url, dropzone):
    header = "provinsi;nik_koperasi;nama_koperasi;kabupaten_kota;status_aktif"
    rows = ["Sulawesi Tenggara;001;A;Kab. Konawe;aktif", "Jawa Timur;002;B;Kab. Malang;aktif"]
    body = "\n".join([header, *rows]) + "\n"
    write(dropzone / "koperasi_74_2020.csv", body, mtime=5_000)
    [result] = ingest_dropzone(pg_url, dropzone)
    assert result.outcome == "rejected"
    assert result.reasons[0].rule == "file.wrong_province"
    assert "baris 3" in result.reasons[0].message


def test_discover_orders_by_arrival_and_skips_bookkeeping(dropzone):
    write(dropzone / "b.csv", "x", mtime=10)
    write(dropzone / "a.csv", "x", mtime=10)
    write(dropzone / "z.csv", "x", mtime=5)
    write(dropzone / "_expected.json", "{}", mtime=1)
    write(dropzone / ".hidden" / "c.csv", "x", mtime=1)
    assert [p.name for p in discover(dropzone)] == ["z.csv", "a.csv", "b.csv"]


UMKM_HEADER = (
    "nib;kabupaten_kota;nama_usaha;kbli;skala_usaha;modal_usaha;omzet_tahunan;tenaga_kerja;"
    "jenis_kelamin_pemilik;sertifikat_halal;tanggal_sertifikat_halal"
)


def _umkm_row(i: int) -> str:
    return f"{9120173966000 + i};Kota Bekasi;Toko {i};96200;;156400000;1114793000;1;P;tidak ada;"


def test_copies_far_apart_in_a_plain_file_are_quarantined_once(conn, pg_url, dropzone, monkeypatch):
    """Through the loader's columnar path, batches of 4 rows: a copy 20 rows after its
    original (another batch), a copy written in another number format (equal typed values)
    and a near copy (one cell differs) that must stay loaded."""
    from ingest.submissions import load

    monkeypatch.setattr(load, "BATCH_ROWS", 4)
    rows = [_umkm_row(i) for i in range(1, 31)]
    rows[22] = rows[2]  # row 24 repeats row 4
    rows[27] = rows[5].replace("156400000", "156.400.000")  # row 29 repeats row 7
    rows[28] = rows[6].replace(";P;", ";L;")  # row 30: row 8 with another owner's sex
    rows[29] = rows[6].replace("Toko 7", "Toko 7 ")  # row 31: row 8 with a trailing blank
    write(dropzone / "umkm_32_2024.csv", UMKM_HEADER + "\n" + "\n".join(rows) + "\n", mtime=1)
    [result] = ingest_dropzone(pg_url, dropzone)
    assert (result.rows_received, result.rows_loaded, result.rows_quarantined) == (30, 27, 3)
    quarantined = conn.execute(
        "select row_number, rule, reason from raw.quarantine where submission_id = %s order by 1",
        (result.submission_id,),
    ).fetchall()
    assert [(n, rule) for n, rule, _ in quarantined] == [
        (24, "row.duplicate"),
        (29, "row.duplicate"),
        (31, "row.duplicate"),
    ]
    assert "sama persis dengan baris 4" in quarantined[0][2]
    assert "sama persis dengan baris 7" in quarantined[1][2]
    assert "sama persis dengan baris 8" in quarantined[2][2]


def test_a_body_found_not_plain_late_is_loaded_once_by_rows(
    conn, pg_url, dropzone, monkeypatch, caplog
):
    """A quote deep in a CSV that the columnar path began to read as plain: the rows it
    copied, the quarantined rows and the duplicate candidates are forgotten and the file
    is read again by rows, so every row is loaded, counted and quarantined once."""
    from ingest.submissions import load, readers

    monkeypatch.setattr(load, "BATCH_ROWS", 4)
    monkeypatch.setattr(readers, "PLAIN_BLOCK_BYTES", 256)
    rows = [_umkm_row(i) for i in range(1, 30)]
    rows[3] = rows[3].replace("96200", "abc")  # quarantined (kbli), in the first pass too
    rows[5] = rows[4]  # an exact repeated row
    rows[25] = rows[25].replace("Toko 26", '"Toko; 26"')  # the quote, far past the first batches
    write(dropzone / "umkm_32_2024.csv", UMKM_HEADER + "\n" + "\n".join(rows) + "\n", mtime=1)
    caplog.set_level("INFO", logger="ingest.submissions.load")
    [result] = ingest_dropzone(pg_url, dropzone)
    assert "read again by rows" in caplog.text
    assert result.outcome == "loaded"
    assert (result.rows_received, result.rows_loaded, result.rows_quarantined) == (29, 27, 2)
    counts = {r.rule: r.count for r in result.reasons}
    assert counts["row.duplicate"] == 1
    assert sum(n for rule, n in counts.items() if rule.startswith("value.")) == 1
    loaded = conn.execute(
        "select row_number, nama_usaha from raw.umkm where submission_id = %s order by 1",
        (result.submission_id,),
    ).fetchall()
    assert [r[0] for r in loaded] == [n for n in range(2, 31) if n not in (5, 7)]
    assert dict(loaded)[27] == "Toko; 26"
    quarantined = conn.execute(
        "select row_number from raw.quarantine where submission_id = %s order by 1",
        (result.submission_id,),
    ).fetchall()
    assert quarantined == [(5,), (7,)]
