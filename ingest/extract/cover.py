"""What the extract says about its own data: the `Sampul` (cover) sheet and the manifest's
`data_labels`, both from the rows actually extracted.

Every figure built on made-up BPS sample data is named (`DATA CONTOH - bukan angka resmi
BPS`), so are estimated GRDP and value added, and UMKM value added above the GRDP.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from ingest.periods import Period, parse_period, tanggal

from .headers import SAMPLE_NOTICE, VALUES
from .source import MartData

PROVINCES = 38
BPS_MEASURES = {
    "grdp_current_idr_bn": "PDRB atas dasar harga berlaku",
    "grdp_growth_pct": "laju pertumbuhan PDRB",
    "grdp_per_capita_kidr": "PDRB per kapita",
    "population_thousand": "jumlah penduduk",
}


def _column(mart: MartData | None, name: str) -> list:
    if mart is None or name not in [c.name for c in mart.columns]:
        return []
    i = [c.name for c in mart.columns].index(name)
    return [r[i] for r in mart.rows]


def _by_name(marts: list[MartData]) -> dict[str, MartData]:
    return {m.name: m for m in marts}


def data_labels(marts: list[MartData]) -> dict:
    """Counts of the labels of the extracted umkm_contribution rows (manifest.json)."""
    umkm = _by_name(marts).get("umkm_contribution")
    counts = {
        name: dict(sorted(Counter(v for v in _column(umkm, name) if v is not None).items()))
        for name in ("grdp_source", "grdp_basis", "value_added_source")
    }
    exceeding = sum(1 for v in _column(umkm, "value_added_exceeds_grdp") if v)
    sample = counts["grdp_source"].get("sample", 0)
    return {
        **counts,
        "value_added_exceeds_grdp": exceeding,
        "sample_notice": f"{SAMPLE_NOTICE} ({sample} baris umkm_contribution)" if sample else None,
    }


def _count_text(column: str, counts: dict[str, int]) -> str:
    if not counts:
        return "tidak ada"
    return "; ".join(f"{VALUES[column].get(k, k)}: {n} baris" for k, n in counts.items())


def _submitted(marts: list[MartData]) -> list[tuple[str, str]]:
    """Per dataset, the provinces with an accepted submission for its latest period."""
    compliance = _by_name(marts).get("submission_compliance")
    if compliance is None:
        return []
    names = [c.name for c in compliance.columns]
    accepted: dict[tuple[str, str], set[str]] = {}
    for row in compliance.rows:
        rec = dict(zip(names, row, strict=True))
        key = (rec["dataset"], rec["period"])
        accepted.setdefault(key, set())
        if rec["status"] in ("accepted", "accepted_with_warnings"):
            accepted[key].add(rec["province_code"])
    latest: dict[str, str] = {}
    for dataset, period in accepted:
        if dataset not in latest or _end(period) > _end(latest[dataset]):
            latest[dataset] = period
    return [
        (
            f"Provinsi menyampaikan {dataset}",
            f"{len(accepted[(dataset, period)])} dari {PROVINCES} provinsi (periode {period})",
        )
        for dataset, period in sorted(latest.items())
    ]


def _end(period: str) -> date:
    return parse_period(period).end


def cover_rows(
    quarter: Period,
    marts: list[MartData],
    labels: dict,
    bps_state: list[dict] | None,
    *,
    partial: bool,
    backfill: bool,
) -> list[tuple[str, str]]:
    """The rows of the `Sampul` sheet: (label, text), Indonesian."""
    rows = [
        ("Judul", f"Ekstrak data Koperasi dan UMKM, triwulan {quarter.label}"),
        ("Triwulan", f"{quarter.label}: {tanggal(quarter.start)} - {tanggal(quarter.end)}"),
        ("Posisi data per", tanggal(quarter.end)),
        (
            "Status ekstrak",
            "SEMENTARA: triwulan berjalan, belum berakhir; angka masih dapat berubah"
            if partial
            else "Lengkap: triwulan sudah berakhir",
        ),
        (
            "Sumber data: kiriman provinsi",
            "Kiriman yang berlaku pada akhir triwulan (yang terakhir diterima dan sudah tiba "
            "pada tanggal posisi)"
            + ("; ekstrak susulan: kiriman yang tiba kemudian tidak dipakai" if backfill else "")
            + ". Daftar kiriman: manifest.json.",
        ),
        ("Sumber data: PDRB (BPS)", _count_text("grdp_source", labels["grdp_source"])),
        ("Dasar angka PDRB", _count_text("grdp_basis", labels["grdp_basis"])),
        (
            "Sumber nilai tambah UMKM",
            _count_text("value_added_source", labels["value_added_source"])
            + ". Semester dan triwulan memakai PDRB periodenya sendiri (PDRB tahunan dibagi "
            "menurut jumlah bulan bila BPS tidak menerbitkan angka periodenya).",
        ),
    ]
    if labels["sample_notice"]:
        rows.append(("PERHATIAN", labels["sample_notice"]))
    if labels["value_added_exceeds_grdp"]:
        rows.append(
            (
                "PERHATIAN",
                f"{labels['value_added_exceeds_grdp']} baris: nilai tambah UMKM melebihi PDRB "
                "(tidak mungkin); periksa sebelum dipakai",
            )
        )
    for state in bps_state or []:
        measure = BPS_MEASURES.get(state["measure"], state["measure"])
        rows.append((f"BPS {measure}: pembaruan terakhir", state["last_update"] or "-"))
    rows += _submitted(marts)
    rows.append(("Kamus Data", "Arti setiap kolom: lembar Kamus Data."))
    return rows
