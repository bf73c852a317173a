"""Data Docs list each validation once: rebuilding the site (which refills the store from
audit.validation_runs) stores a run under the key it already has, never a second copy."""

from __future__ import annotations

from collections import Counter

from ingest.validation import build_data_docs, validate_pending

from .conftest import good_row


def test_each_validation_is_stored_once(make, conninfo, tmp_path):
    gx_dir = tmp_path / "gx"
    make.submission("kerja_sama", [good_row("kerja_sama", 1), good_row("kerja_sama", 2)])
    validate_pending(conninfo, gx_dir=gx_dir)
    for _ in range(2):
        build_data_docs(tmp_path / "site", gx_dir=gx_dir, conninfo=conninfo)
    site = tmp_path / "site" / "validations" / "kerja_sama"
    pages = list(site.rglob("*.html"))  # validations/<suite>/<run name>/<run time>/<batch>
    assert pages
    runs = Counter(p.relative_to(site).parts[0] for p in pages)
    assert all(n == 1 for n in runs.values()), runs
