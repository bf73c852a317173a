"""Exact duplicate rows of one file: the candidates, found by a 64-bit key per loaded row.

The loader keeps a key of each row it loads (its canonical values, ``columnar.value_text``,
and its extra cells). A row whose key an earlier row of the file already has is a
*candidate*; PostgreSQL then compares the candidates' typed values with the earlier rows
exactly (``load._quarantine_repeated_rows``), so a key collision only costs a comparison
and never quarantines a row that is not a copy.

The keys are collected as arrays and compared once, when the file is read (no set of a
file's keys is built row by row): a sort tells whether any key repeats; if one does, a
stable sort puts equal keys next to each other in arrival order, and every key but the
first of its run is a candidate. The columnar path hashes the line of each row's values
that it writes to COPY; the per-row path (workbooks, bodies Arrow cannot split)
adds Python's ``hash`` of the row's values. One file takes one path, so keys of both kinds
never meet.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def hash_rows(rows: pa.StringArray) -> np.ndarray:
    """A 64-bit key per row given as one string (``columnar.copy_text_rows``: its values,
    escaped, between tabs): equal rows, equal keys (Python's ``hash``)."""
    lines = rows.view(pa.binary()).to_pylist()  # bytes: no UTF-8 decoding per row
    return np.fromiter(map(hash, lines), np.int64, len(rows))


class RowKeys:
    """The row number and key of every loaded row of one file, in arrival order."""

    def __init__(self) -> None:
        self._numbers: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self._row_numbers: list[int] = []  # rows added one by one, not yet in an array
        self._row_keys: list[int] = []

    def add_batch(self, numbers: pa.Int64Array, keys: np.ndarray) -> None:
        self._flush()
        self._numbers.append(numbers.to_numpy(zero_copy_only=False))
        self._keys.append(keys)

    def add_row(self, number: int, key: int) -> None:
        self._row_numbers.append(number)
        self._row_keys.append(key)

    def candidates(self) -> list[int]:
        """Row numbers, ascending, of the rows whose key an earlier row has."""
        self._flush()
        if not self._keys:
            return []
        keys = np.concatenate(self._keys)
        ordered = np.sort(keys)  # quicker than the stable sort; repeats are rare
        if not (ordered[1:] == ordered[:-1]).any():
            return []
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        later = order[1:][ordered[1:] == ordered[:-1]]
        return np.sort(np.concatenate(self._numbers)[later]).tolist()

    def _flush(self) -> None:
        if self._row_keys:
            self._numbers.append(np.array(self._row_numbers, np.int64))
            self._keys.append(np.array(self._row_keys, np.int64))
            self._row_numbers, self._row_keys = [], []
