"""The brief as PDF (reportlab, invariant mode: no creation date or random document id)
and as HTML (one self-contained file, charts inlined as PNG)."""

from __future__ import annotations

import base64
import html
import io
import struct
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .charts import DPI
from .figures import Brief, Headline
from .numbers import number, pct, signed

TITLE = "Ringkasan Triwulanan Koperasi dan UMKM"
CAPTIONS = {
    "rat": "Kepatuhan RAT: koperasi aktif yang melaksanakan RAT untuk tahun buku tersebut, "
    "per provinsi, diurutkan.",
    "share": "Kontribusi UMKM terhadap PDRB sebagaimana dilaporkan provinsi, dan perubahannya "
    "(poin persen) dari periode yang sama tahun sebelumnya.",
    "halal": "Kesiapan halal: bagian usaha makanan dan minuman (KBLI 10, 11, 56) yang memiliki "
    "sertifikat halal reguler atau self declare.",
    "ladder": "Status pelaksanaan kerja sama pada akhir periode daftar terakhir tiap provinsi.",
    "compliance": "Siapa yang belum menyampaikan: status kiriman tiap provinsi dan jenis data "
    "untuk periode terakhir yang sudah jatuh tempo menurut kalender pelaporan.",
}


def _value(h: Headline) -> str:
    if h.unit == "%":
        return pct(h.value)
    return number(h.value)


def _change(h: Headline) -> str:
    if h.change is None:
        return "-"
    if h.unit == "%":
        return signed(h.change, 2) + " pp"
    return signed(h.change, 0)


def _previous(h: Headline) -> str:
    if h.previous is None:
        return "-"
    return f"{_value(Headline('', h.previous, h.unit))} ({h.previous_label})"


def headline_rows(brief: Brief) -> list[list[str]]:
    head = ["Indikator", "Nilai", "Pembanding", "Perubahan", "Keterangan"]
    return [head] + [
        [h.label, _value(h), _previous(h), _change(h), h.note] for h in brief.headlines
    ]


def notices(brief: Brief) -> list[str]:
    out = []
    if brief.sample_notice:
        out.append(f"PERHATIAN: {brief.sample_notice}. Angka PDRB dan turunannya tidak resmi.")
    if brief.partial:
        out.append("SEMENTARA: triwulan ini belum berakhir; angka masih dapat berubah.")
    return out


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def write_pdf(path: Path, brief: Brief, charts: dict[str, tuple[str, bytes]]) -> None:
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8, leading=10)
    warn = ParagraphStyle(
        "warn", parent=styles["Normal"], textColor=colors.HexColor("#c62828"), fontSize=10
    )
    story = [
        Paragraph(TITLE, styles["Title"]),
        Paragraph(
            f"Triwulan {brief.quarter.label} - posisi data {brief.as_of_text}", styles["Heading3"]
        ),
    ]
    story += [Paragraph(html.escape(n), warn) for n in notices(brief)]
    story.append(Spacer(1, 0.3 * cm))
    story.append(Paragraph("Angka utama nasional", styles["Heading2"]))
    rows = [[Paragraph(html.escape(str(c)), small) for c in row] for row in headline_rows(brief)]
    table = Table(rows, colWidths=[5.2 * cm, 2.4 * cm, 3.0 * cm, 2.2 * cm, 4.6 * cm])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3f2fd")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 0.2 * cm), Paragraph(html.escape(brief.source_note), small)]
    for name, (title, png) in charts.items():
        width, height = _png_size(png)
        scale = min(17.5 * cm / (width / DPI * 72), 1.0) if width else 1.0
        image = Image(
            io.BytesIO(png),
            width=width / DPI * 72 * scale,
            height=height / DPI * 72 * scale,
        )
        story.append(
            KeepTogether(
                [
                    Paragraph(html.escape(title), styles["Heading4"]),
                    image,
                    Paragraph(html.escape(CAPTIONS[name]), small),
                ]
            )
        )
        story.append(Spacer(1, 0.4 * cm))

    footer = f"KUMKM Warehouse - ringkasan {brief.quarter.label} - {brief.source_note}"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(1.5 * cm, 1.0 * cm, footer[:150])
        canvas.drawRightString(A4[0] - 1.5 * cm, 1.0 * cm, f"halaman {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.6 * cm,
        title=f"{TITLE} {brief.quarter.label}",
        author="KUMKM Warehouse",
        creator="KUMKM Warehouse",
        producer="KUMKM Warehouse (reportlab)",
        subject=f"Posisi data {brief.as_of_text}",
        invariant=1,
        lang="id",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def write_html(path: Path, brief: Brief, charts: dict[str, tuple[str, bytes]]) -> None:
    e = html.escape
    rows = headline_rows(brief)
    table = "\n".join(
        "<tr>"
        + "".join(
            f"<{'th' if i == 0 else 'td'}>{e(str(c))}</{'th' if i == 0 else 'td'}>" for c in row
        )
        + "</tr>"
        for i, row in enumerate(rows)
    )
    figures = "\n".join(
        f'<h2>{e(title)}</h2>\n<figure><img alt="{e(title)}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode()}"><figcaption>{e(CAPTIONS[name])}</figcaption></figure>'
        for name, (title, png) in charts.items()
    )
    warnings = "\n".join(f'<p class="warn">{e(n)}</p>' for n in notices(brief))
    page = f"""<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{e(TITLE)} {e(brief.quarter.label)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 52rem; margin: 2rem auto;
       color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ border: 1px solid #999; padding: 0.25rem 0.5rem; vertical-align: top; }}
th {{ background: #e3f2fd; }}
.warn {{ color: #c62828; font-weight: bold; }}
figure {{ margin: 1.5rem 0; }} img {{ max-width: 100%; }}
figcaption, .source {{ font-size: 0.8rem; color: #555; }}
</style>
</head>
<body>
<h1>{e(TITLE)}</h1>
<h3>Triwulan {e(brief.quarter.label)} - posisi data {e(brief.as_of_text)}</h3>
{warnings}
<h2>Angka utama nasional</h2>
<table>
{table}
</table>
<p class="source">{e(brief.source_note)}</p>
{figures}
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")
