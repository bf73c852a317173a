"""Exact duplicate rows of a file (``ingest.submissions.row_keys``): the candidates the
loader hands to PostgreSQL, on the columnar path (keys hashed from Arrow columns) and on
the per-row path (Python's hash of the values). Through the whole loader:
``test_submissions_loader.test_copies_far_apart_in_a_plain_file_are_quarantined_once``."""

from __future__ import annotations

import pyarrow as pa

from ingest.submissions.columnar import copy_text_rows
from ingest.submissions.row_keys import RowKeys, hash_rows


def _keys(*rows: tuple[str | None, ...]):
    columns = [pa.array(column, pa.string()) for column in zip(*rows, strict=True)]
    return hash_rows(copy_text_rows(columns))


def test_equal_rows_get_equal_keys_and_others_do_not():
    keys = _keys(
        ("a", "1", None), ("a", "1", None), ("a", "1", ""), ("a", None, "1"), ("b", "1", None)
    )
    assert keys[0] == keys[1]
    assert len(set(keys[1:].tolist())) == 4  # null, "" and a moved value are other rows


def test_candidates_are_the_later_copies_across_batches_in_arrival_order():
    keys = RowKeys()
    keys.add_batch(pa.array([2, 3, 4], pa.int64()), _keys(("x",), ("y",), ("x",)))
    keys.add_batch(pa.array([6, 7], pa.int64()), _keys(("y",), ("z",)))  # row 5: quarantined
    keys.add_batch(pa.array([8, 9], pa.int64()), _keys(("x",), ("z",)))
    assert keys.candidates() == [4, 6, 8, 9]


def test_no_candidates_without_a_repeat():
    keys = RowKeys()
    assert keys.candidates() == []
    keys.add_batch(pa.array([2, 3], pa.int64()), _keys(("x",), ("y",)))
    assert keys.candidates() == []


def test_rows_added_one_by_one():
    keys = RowKeys()
    for number, row in enumerate([("a", 1), ("b", 2), ("a", 1), ("a", 2), ("b", 2)], start=2):
        keys.add_row(number, hash(row))
    assert keys.candidates() == [4, 6]
