"""Helpers of the reader tests: write a file, read it whole, or expect its rejection."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.submissions.datasets import DATASETS
from ingest.submissions.readers import FileRejected, open_table

KOPERASI = DATASETS["koperasi"]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, dataset=KOPERASI):
    with open_table(path, dataset) as table:
        return table, list(table.rows())


def rejected(path: Path, dataset=KOPERASI) -> FileRejected:
    with pytest.raises(FileRejected) as err:
        read(path, dataset)
    assert err.value.reason and err.value.detail
    return err.value
