"""Data Docs work offline: after a real gate run, no page of the site loads a script,
stylesheet, font or image from the internet, and every local file a page (or a vendored
stylesheet) refers to exists in the site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from ingest.validation import build_data_docs, validate_pending

from .conftest import good_row

CSS_URL = re.compile(r"url\(\s*['\"]?([^)'\"]+)")


class _Assets(HTMLParser):
    """The addresses a page loads: script src, link href (stylesheets, icons), img src and
    url(...) in <style> blocks and style attributes. Plain links (<a href>) are not loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"])
        self.urls += CSS_URL.findall(a.get("style") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += CSS_URL.findall(data)


def _loaded(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".css":
        return CSS_URL.findall(text)
    parser = _Assets()
    parser.feed(text)
    return parser.urls


def test_data_docs_load_nothing_from_the_internet(make, conninfo, tmp_path):
    make.submission("kerja_sama", [good_row("kerja_sama", 1), good_row("kerja_sama", 2)])
    make.submission("umkm", [good_row("umkm", 1)])
    validate_pending(conninfo, gx_dir=tmp_path / "gx")
    site = tmp_path / "site"
    index = build_data_docs(site, gx_dir=tmp_path / "gx", conninfo=conninfo)

    validation_pages = list((site / "validations").rglob("*.html"))
    assert {p.relative_to(site).parts[1] for p in validation_pages} >= {"kerja_sama", "umkm"}
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".css")]
    remote, missing, local_files = [], [], set()
    for page in pages:
        for url in _loaded(page):
            if url.startswith("data:"):
                continue
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                remote.append(f"{page.relative_to(site)}: {url}")
                continue
            target = (page.parent / parts.path).resolve()
            local_files.add(target)
            if not target.is_file():
                missing.append(f"{page.relative_to(site)}: {url}")
    assert not remote, "\n".join(sorted(set(remote)))
    assert not missing, "\n".join(sorted(set(missing)))

    # not vacuous: the pages do load the vendored Bootstrap, jQuery, bootstrap-table, Vega
    # and Font Awesome's fonts (through its stylesheet), from every page depth
    vendor = (site / "static" / "vendor").resolve()
    for name in (
        "bootstrap.min.css",
        "jquery.min.js",
        "bootstrap-table.min.js",
        "vega.min.js",
        "fa-solid-900.woff2",
    ):
        assert any(f.name == name and vendor in f.parents for f in local_files), name
    for page in (index, validation_pages[0]):
        assert any("static/vendor/bootstrap@4.3.1/" in u for u in _loaded(page)), page
    assert 'integrity="' not in index.read_text()  # SRI + crossorigin break file:// loads
