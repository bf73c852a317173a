"""Two loader processes on the same dropzone at the same time (a scheduled run overlapping
a manual one, or two workers): every file is recorded once, no row is loaded twice, no
process crashes, and a resubmission racing its predecessor ends with both in history."""

from __future__ import annotations

import time
from collections import Counter

from ingest import warehouse

from .files import koperasi_csv, write
from .helpers import finish, loader_process

ROWS = 4_000


def test_two_loaders_racing_on_the_same_dropzone(make_database, tmp_path):
    dropzone = tmp_path / "dropzone"
    # four regular files, a byte-identical copy under another name, and a resubmission of
    # the first file (same dataset/province/period, later arrival, different content)
    write(dropzone / "koperasi_74_2021.csv", koperasi_csv(ROWS), 1_000)
    for n, code in enumerate(("73", "75", "76")):
        body = koperasi_csv(ROWS, province=code)
        write(dropzone / code / f"koperasi_{code}_2021.csv", body, 1_001 + n)
    write(dropzone / "copy" / "koperasi_74_2021_salinan.csv", koperasi_csv(ROWS), 1_010)
    write(dropzone / "koperasi_74_2021_revisi.csv", koperasi_csv(ROWS + 5), 1_020)
    files = 6
    with make_database() as url:
        start = time.time() + 2.5  # both processes import, then start together
        procs = [loader_process(url, dropzone, start_at=start) for _ in range(2)]
        finished = [finish(p) for p in procs]
        for code, _, err in finished:
            assert code == 0, f"a loader process crashed:\n{err[-3000:]}"
        with warehouse.connect(url) as conn:
            recorded = conn.execute(
                "select file_path, outcome, rows_loaded from raw.submissions order by 1"
            ).fetchall()
            loaded_rows = conn.execute("select count(*) from raw.koperasi").fetchone()[0]
            per_submission = dict(
                conn.execute(
                    "select submission_id, count(*) from raw.koperasi group by 1"
                ).fetchall()
            )
    assert len(recorded) == files, recorded  # each file recorded exactly once
    outcomes = {path: outcome for path, outcome, _ in recorded}
    assert outcomes["copy/koperasi_74_2021_salinan.csv"] == "duplicate"
    assert outcomes["koperasi_74_2021.csv"] == "loaded"
    assert outcomes["koperasi_74_2021_revisi.csv"] == "loaded"  # both stay in history
    assert Counter(outcomes.values()) == {"loaded": 5, "duplicate": 1}
    assert loaded_rows == 5 * ROWS + 5 == sum(r for _, _, r in recorded)
    assert sorted(per_submission.values()) == [ROWS] * 4 + [ROWS + 5]
    # between them the two processes handled each file once; the other one skipped it
    handled = Counter(path for _, results, _ in finished for path, o in results if o != "skipped")
    assert handled == {path: 1 for path in outcomes}
