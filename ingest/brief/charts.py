"""The brief's charts as PNG bytes: matplotlib with the Agg backend (headless), its bundled
DejaVu Sans font, fixed sizes and no metadata, so the same figures give the same bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .figures import COMPLIANCE, DATASETS, HALAL_DEADLINE, LADDER, Brief, status_label  # noqa: E402
from .numbers import number, pct  # noqa: E402

DPI = 110
WIDTH = 7.2  # inches: an A4 page's text width
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "kumkm",
}
LADDER_COLOURS = {
    "active": "#2e7d32",
    "stalled": "#f9a825",
    "not_started": "#ef6c00",
    "completed": "#1565c0",
    "expired": "#8e8e8e",
    "draft": "#c5cae9",
    "cancelled": "#c62828",
}
COMPLIANCE_COLOURS = {
    "accepted": "#2e7d32",
    "accepted_with_warnings": "#9ccc65",
    "pending": "#bdbdbd",
    "rejected": "#c62828",
    "missing": "#ff9800",
}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _figure(rows: int, brief: Brief):
    """A chart without a title of its own: the PDF / HTML heading above it is the title."""
    height = min(9.0, max(2.0, 0.8 + 0.125 * rows))
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    fig.text(0.01, 0.005, brief.source_note, fontsize=6.5, color="#555555", ha="left", va="bottom")
    if brief.sample_notice:
        fig.text(0.99, 0.995, "DATA CONTOH", fontsize=8, color="#c62828", ha="right", va="top")
    return fig, ax


def _empty(ax, text: str = "Tidak ada data untuk triwulan ini") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_axis_off()


def _ranked_bars(brief: Brief, items: list[tuple[str, float]], labels: list[str]) -> bytes:
    fig, ax = _figure(len(items), brief)
    if not items:
        _empty(ax)
    else:
        names = [n for n, _ in items][::-1]
        values = [float(v) for _, v in items][::-1]
        bars = ax.barh(names, values, color="#1565c0", height=0.7)
        for bar, text in zip(bars, labels[::-1], strict=True):
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text, va="center")
        ax.set_xlim(0, 115)
        ax.tick_params(axis="y", labelsize=6.5)
        ax.set_xlabel("%")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _png(fig)


def rat_chart(brief: Brief) -> tuple[str, bytes]:
    items = [(n, v) for n, v in brief.rat_by_province]
    title = f"Kepatuhan RAT per provinsi, tahun buku {brief.rat_year or '-'}"
    return title, _ranked_bars(brief, items, [pct(v) for _, v in items])


def share_chart(brief: Brief) -> tuple[str, bytes]:
    items = [(n, v) for n, v, _ in brief.share_by_province]
    labels = [
        pct(v) + ("" if c is None else f" ({'+' if c >= 0 else ''}{number(c, 2)} pp)")
        for _, v, c in brief.share_by_province
    ]
    title = (
        f"Kontribusi UMKM terhadap PDRB per provinsi, {brief.share_period or '-'} "
        "(perubahan dari periode yang sama tahun lalu)"
    )
    return title, _ranked_bars(brief, items, labels)


def halal_chart(brief: Brief) -> tuple[str, bytes]:
    items = [(n, v) for n, v, _ in brief.halal_by_province]
    days = (HALAL_DEADLINE - brief.as_of).days
    deadline = (
        f"batas wajib halal 17 Oktober 2026: {days} hari lagi"
        if days > 0
        else ("batas wajib halal 17 Oktober 2026 sudah lewat")
    )
    title = (
        f"UMKM makanan dan minuman bersertifikat halal, {brief.halal_period or '-'} ({deadline})"
    )
    labels = [f"{pct(v)} dari {number(u)}" for _, v, u in brief.halal_by_province]
    return title, _ranked_bars(brief, items, labels)


def ladder_chart(brief: Brief) -> tuple[str, bytes]:
    provinces = list(brief.ladder)
    title = "Pelaksanaan kerja sama per provinsi (jumlah)"
    fig, ax = _figure(len(provinces), brief)
    if not provinces:
        _empty(ax)
    else:
        left = [0] * len(provinces)
        for status in LADDER:
            values = [brief.ladder[p].get(status, 0) for p in provinces]
            ax.barh(
                provinces,
                values,
                left=left,
                color=LADDER_COLOURS[status],
                label=status_label(status),
                height=0.7,
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.invert_yaxis()
        ax.legend(
            ncol=len(LADDER),
            fontsize=6.5,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            frameon=False,
        )
        ax.set_xlabel("kerja sama")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return title, _png(fig)


def compliance_chart(brief: Brief) -> tuple[str, bytes]:
    datasets = [d for d in DATASETS if d in brief.compliance_periods]
    provinces = brief.provinces
    title = "Penyampaian data per provinsi (periode terakhir yang jatuh tempo)"
    fig, ax = _figure(len(provinces), brief)
    if not datasets:
        _empty(ax, "Belum ada periode yang jatuh tempo")
    else:
        for y, (code, _) in enumerate(provinces):
            for x, dataset in enumerate(datasets):
                status = brief.compliance.get(code, {}).get(dataset, "missing")
                ax.add_patch(plt.Rectangle((x, y), 0.95, 0.9, color=COMPLIANCE_COLOURS[status]))
        ax.set_xlim(0, len(datasets))
        ax.set_ylim(len(provinces), 0)
        ax.set_xticks([x + 0.475 for x in range(len(datasets))])
        ax.set_xticklabels([f"{d}\n{brief.compliance_periods[d]}" for d in datasets], fontsize=6.5)
        ax.xaxis.tick_top()
        ax.set_yticks([y + 0.45 for y in range(len(provinces))])
        ax.set_yticklabels([name for _, name in provinces], fontsize=6.5)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.legend(
            handles=[Patch(color=COMPLIANCE_COLOURS[s], label=status_label(s)) for s in COMPLIANCE],
            ncol=5,
            fontsize=6.5,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            frameon=False,
        )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return title, _png(fig)


CHARTS = (
    ("rat", rat_chart),
    ("share", share_chart),
    ("halal", halal_chart),
    ("ladder", ladder_chart),
    ("compliance", compliance_chart),
)


def draw_all(brief: Brief) -> dict[str, tuple[str, bytes]]:
    """{name: (title, PNG bytes)} of the five charts, in the brief's order."""
    with matplotlib.rc_context(STYLE):
        return {name: draw(brief) for name, draw in CHARTS}
