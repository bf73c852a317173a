"""GX Data Docs: a static site rendered from the stored validation results.

Every gate run keeps its GX result in two places: `audit.validation_runs.gx_result` (the
warehouse, queryable) and the validation store of a project-local file-based GX context
(`.state/gx/` by default, not committed). The site is rendered from that store; with a
`conninfo` the store is first refilled from the warehouse (e.g. on a fresh machine).
"""

from __future__ import annotations

import logging
from pathlib import Path

from ingest import warehouse
from ingest.validation import _gx
from ingest.validation.suites import BPS_SUITE, DATASET_SUITES, get_suite

log = logging.getLogger(__name__)

SITE_NAME = "kumkm_gate"


def build_data_docs(
    target_dir: Path,
    *,
    gx_dir: Path | None = None,
    conninfo: str | None = None,
    runs_per_suite: int = 20,
) -> Path:
    """Build the Data Docs site into `target_dir`; the path of its index.html."""
    gx_dir = gx_dir or _gx.default_gx_dir()
    target_dir = Path(target_dir).resolve()
    target_dir.mkdir(parents=True, exist_ok=True)
    if conninfo:
        _refill_store(conninfo, gx_dir, runs_per_suite)
    context = _gx.file_context(gx_dir)
    for name in (*DATASET_SUITES, BPS_SUITE):  # suite pages even before any validation
        from great_expectations.core.expectation_suite import ExpectationSuite

        context.suites.add_or_update(ExpectationSuite(**dict(get_suite(name).document)))
    site = {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(target_dir),
        },
    }
    if SITE_NAME in (context.config.data_docs_sites or {}):
        context.update_data_docs_site(SITE_NAME, site)
    else:
        context.add_data_docs_site(SITE_NAME, site)
    context.build_data_docs(site_names=[SITE_NAME])
    index = target_dir / "index.html"
    if not index.exists():
        raise FileNotFoundError(f"GX did not write {index}")
    log.info("data docs: %s", index)
    return index


def _refill_store(conninfo: str, gx_dir: Path, runs_per_suite: int) -> None:
    with warehouse.connect(conninfo) as conn:
        rows = conn.execute(
            """select run_id, suite, gx_result from (
                 select *, row_number() over (partition by suite order by started_at desc) as k
                 from audit.validation_runs) as r
               where k <= %s order by started_at""",
            (runs_per_suite,),
        ).fetchall()
    for run_id, suite, gx_result in rows:
        try:
            _gx.store_result(gx_dir, dict(get_suite(suite).document), gx_result, run_id)
        except Exception:
            log.warning("data docs: could not restore run %s (%s)", run_id, suite, exc_info=True)
