"""The quarterly brief for ministry planners: `ringkasan_<quarter>.pdf` and `.html` beside
each extract (marts.md, "Quarterly brief"), in Indonesian.

Built from the very rows the extract wrote (the same snapshot, as-of replay included), so
its figures are the extract's: `figures.py` computes the headline figures and the chart
data, `charts.py` draws the charts (matplotlib, Agg: headless, no display, no OS package),
`render.py` writes the PDF (reportlab, pure Python) and the HTML (charts inlined).
Reproducible: the same rows give byte-identical PDF, HTML and PNG charts (fixed fonts and
sizes, no timestamps, reportlab's invariant mode). Every chart names its source and the
as-of date; sample data is marked on every page.
"""

from __future__ import annotations

from pathlib import Path

from ingest.periods import Period

from .figures import Brief, compute
from .render import write_html, write_pdf

__all__ = ["Brief", "compute", "write_brief"]


def write_brief(
    folder: Path, quarter: Period, marts: list, labels: dict, *, partial: bool
) -> tuple[Brief, list[Path]]:
    """Write `ringkasan_<quarter>.pdf` and `.html` into `folder`; the brief and the paths."""
    from .charts import draw_all

    brief = compute(quarter, marts, labels, partial=partial)
    charts = draw_all(brief)
    pdf = folder / f"ringkasan_{quarter.label}.pdf"
    html = folder / f"ringkasan_{quarter.label}.html"
    write_pdf(pdf, brief, charts)
    write_html(html, brief, charts)
    return brief, [pdf, html]
