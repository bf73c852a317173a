"""The loader's COPY data in text format (``columnar.copy_text_rows``, ``batch_output``):
every value reaches PostgreSQL as it was, whatever it holds, through a real COPY."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ingest.submissions.columnar import Decided, batch_output, copy_text_rows

VALUES = [
    "plain",
    "back\\slash",
    "tab\there",
    "line\nend",
    "carriage\rreturn",
    "\\N",
    "\\.",
    "",
    None,
    "kutip \"ganda\" dan 'tunggal'; koma, titik",
    "Koperasi Sé Jaya ✓",
]


@pytest.mark.parametrize("escaped", [False, True])
def test_values_survive_the_copy_text_format(conn, escaped):
    """Without a special character the rows are the values joined as they are; with one,
    every value is escaped. Either way PostgreSQL reads back exactly the values sent."""
    first = VALUES if escaped else ["plain", "", None, "Sé ✓", 'kutip "a"']
    second = list(reversed(first))
    rows = copy_text_rows([pa.array(first, pa.string()), pa.array(second, pa.string())])
    if not escaped:
        assert rows.to_pylist()[0] == 'plain\tkutip "a"'
    conn.execute("create temporary table t (n serial, a text, b text)")
    with conn.cursor().copy("copy t (a, b) from stdin") as copy:
        copy.write("".join(f"{row}\n" for row in rows.to_pylist()))
    assert conn.execute("select a, b from t order by n").fetchall() == list(
        zip(first, second, strict=True)
    )


def test_a_batch_is_one_copy_line_per_kept_row(conn):
    """``batch_output``: submission id, row number, the values and extra, for the decided
    rows and the loaded undecided ones; a quarantined row (None) is left out."""
    texts = {"a": pa.array(["x", "y\tz", None], pa.string())}
    decided = Decided(texts, pa.array([True, False, False]), [1, 2])
    slow = {1: (("y\tz",), {"kolom_9": "tambahan"}), 2: None}
    numbers, keys, data = batch_output(7, pa.array([2, 3, 4], pa.int64()), decided, ["a"], slow)
    assert numbers.to_pylist() == [2, 3]
    assert len(keys) == 2 and keys[0] != keys[1]
    conn.execute(
        "create temporary table t (submission_id int, row_number int, a text, extra jsonb)"
    )
    with conn.cursor().copy("copy t from stdin") as copy:
        copy.write(data)
    assert conn.execute("select * from t order by row_number").fetchall() == [
        (7, 2, "x", None),
        (7, 3, "y\tz", {"kolom_9": "tambahan"}),
    ]
