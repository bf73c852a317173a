"""GX Data Docs: a static site rendered from the stored validation results.

Every gate run keeps its GX result in two places: `audit.validation_runs.gx_result` (the
warehouse, queryable) and the validation store of a project-local file-based GX context
(`.state/gx/` by default, not committed). The site is rendered from that store; with a
`conninfo` the store is first refilled from the warehouse (e.g. on a fresh machine).

GX's pages load Bootstrap, jQuery, Font Awesome, Vega... from CDNs; offline (an air-gapped
ministry network) they would be unstyled with an empty index table. `make_offline` copies the
vendored copies (`docs_assets/`, see its README) into the site's `static/vendor/` and points
every page at them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

from ingest import warehouse
from ingest.validation import _gx
from ingest.validation.suites import BPS_SUITE, DATASET_SUITES, get_suite

log = logging.getLogger(__name__)

SITE_NAME = "kumkm_gate"
ASSETS_DIR = Path(__file__).resolve().parent / "docs_assets"
VENDOR_DIR = "static/vendor"  # in the site
# GX's logo comes from its S3 bucket; the site's own static/images/ has the same logo.
GX_IMAGES = re.compile(
    r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/"
    r"(?:logo-long|full_logo_dark)\.png(?:\?[^\"')]*)?"
)
# The CDN tags carry SRI + crossorigin, which a browser refuses for file:// pages; the
# vendored files are the very bytes those hashes pin (checked by docs_assets/fetch.py).
SRI_ATTRIBUTES = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')
# GX's validation pages sit one folder deeper than its favicon link counts (../../../static/);
# every reference to the site's static/ folder is recomputed from the page's own depth.
STATIC_REF = re.compile(r"(?<=[\"'(])(?:\./|(?:\.\./)+)static/")
REMOTE_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*?(?:src|href)=[\"'](https?://[^\"']+)|url\(['\"]?(https?://[^)'\"]+)"
)


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
        context.suites.add_or_update(get_suite(name).gx_suite())
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
    make_offline(target_dir)
    log.info("data docs: %s", index)
    return index


def make_offline(site: Path) -> None:
    """Copy the vendored CSS/JS/fonts into `site` and rewrite every page's CDN addresses to
    them (relative paths: the site works from file:// and from any web server)."""
    manifest = json.loads((ASSETS_DIR / "assets.json").read_text())
    vendor = site / VENDOR_DIR
    shutil.rmtree(vendor, ignore_errors=True)
    for spec in manifest["packages"]:  # the listed files and the licences
        shutil.copytree(ASSETS_DIR / spec, vendor / spec)
    local = {url: vendor / f["package"] / f["path"] for f in manifest["files"] for url in f["urls"]}
    for page in site.rglob("*"):
        if page.suffix in (".html", ".css") and vendor not in page.parents:
            _rewrite(page, local, static=site / "static")


def _rewrite(page: Path, local: dict[str, Path], static: Path) -> None:
    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, page.parent)).as_posix()

    text = original = page.read_text(encoding="utf-8")
    text = STATIC_REF.sub(rel(static) + "/", text)
    for url, path in local.items():
        text = text.replace(f'"{url}"', f'"{rel(path)}"')
    text = GX_IMAGES.sub(rel(static / "images" / "logo-long.png"), text)
    text = SRI_ATTRIBUTES.sub("", text)
    left = {a or b for a, b in REMOTE_ASSET.findall(text)}
    if left:
        log.warning(
            "data docs: %s still loads %s (not vendored: see %s/README.md)",
            page,
            ", ".join(sorted(left)),
            ASSETS_DIR,
        )
    if text != original:
        page.write_text(text, encoding="utf-8")


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
