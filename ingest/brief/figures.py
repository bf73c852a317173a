"""The brief's figures, from the extracted mart rows (never a second read of the database)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ingest.extract.headers import SAMPLE_NOTICE, VALUES
from ingest.periods import Period, parse_period, tanggal

HALAL_DEADLINE = date(2026, 10, 17)  # PP 42/2024: micro and small food and beverage UMKM
LADDER = ("active", "stalled", "not_started", "completed", "expired", "draft", "cancelled")
COMPLIANCE = ("accepted", "accepted_with_warnings", "pending", "rejected", "missing")
DATASETS = ("koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama")


@dataclass
class Headline:
    label: str
    value: Decimal | int | None
    unit: str  # "", "%", "pp"
    previous: Decimal | int | None = None
    previous_label: str = ""
    note: str = ""

    @property
    def change(self) -> Decimal | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class Brief:
    quarter: Period
    as_of: date
    partial: bool
    sample_notice: str | None
    headlines: list[Headline] = field(default_factory=list)
    rat_by_province: list[tuple[str, Decimal]] = field(default_factory=list)
    rat_year: int | None = None
    share_by_province: list[tuple[str, Decimal, Decimal | None]] = field(default_factory=list)
    share_period: str | None = None
    halal_by_province: list[tuple[str, Decimal, int]] = field(default_factory=list)
    halal_period: str | None = None
    ladder: dict[str, Counter] = field(default_factory=dict)
    compliance: dict[str, dict[str, str]] = field(default_factory=dict)  # province -> ds -> st
    compliance_periods: dict[str, str] = field(default_factory=dict)  # dataset -> period
    provinces: list[tuple[str, str]] = field(default_factory=list)  # (code, name)

    @property
    def as_of_text(self) -> str:
        return tanggal(self.as_of)

    @property
    def source_note(self) -> str:
        text = f"Sumber: kiriman Dinas KUMKM provinsi, BPS; posisi {self.as_of_text}"
        if self.partial:
            text += " (SEMENTARA)"
        if self.sample_notice:
            text += f" - {SAMPLE_NOTICE}"
        return text


REQUIRED = {
    "dim_province": {"province_code", "province_name"},
    "cooperative_health": {"province_name", "book_year", "rat_compliance_pct"},
    "cooperative_health_national": {
        "book_year", "rat_compliance_pct", "cooperatives_active", "provinces_reporting",
    },
    "umkm_contribution": {
        "province_name", "period", "umkm_share_of_grdp_pct", "share_change_pp",
        "food_beverage_halal_pct", "food_beverage_units",
    },
    "umkm_contribution_national": {
        "period", "umkm_units", "provinces_with_register", "food_beverage_halal_pct",
        "umkm_share_of_grdp_pct", "provinces_with_share",
    },
    "agreement_implementation": {"province_name", "implementation_status", "activities_count"},
    "submission_compliance": {"province_code", "dataset", "period", "status"},
}  # fmt: skip


def _rows(marts: list, name: str) -> list[dict]:
    """The mart's rows as dicts; none when the mart (or a column the brief needs) is absent:
    the brief then says "no data" for that part."""
    for mart in marts:
        if mart.name == name:
            names = [c.name for c in mart.columns]
            if not REQUIRED[name] <= set(names):
                return []
            return [dict(zip(names, r, strict=True)) for r in mart.rows]
    return []


def _end(period: str) -> date:
    return parse_period(str(period)).end


def _previous_period(period: str) -> str:
    """The same period one year earlier: 2024S1 -> 2023S1."""
    return f"{int(period[:4]) - 1}{period[4:]}"


def _latest(rows: list[dict], key: str, *, where=lambda r: True) -> dict | None:
    candidates = [r for r in rows if where(r)]
    # the latest period by its end; on a tie (2024 and 2024S2) the later label (2024S2)
    return max(candidates, key=lambda r: (_end(r[key]), str(r[key]))) if candidates else None


def _headlines_koperasi(brief: Brief, marts: list) -> None:
    national = _rows(marts, "cooperative_health_national")
    latest = _latest(national, "book_year", where=lambda r: r["rat_compliance_pct"] is not None)
    if latest is None:
        return
    year = latest["book_year"]
    previous = next((r for r in national if r["book_year"] == year - 1), None)
    brief.headlines.append(
        Headline(
            f"Koperasi aktif (tahun buku {year})",
            latest["cooperatives_active"],
            "",
            previous["cooperatives_active"] if previous else None,
            str(year - 1),
            f"{latest['provinces_reporting']} provinsi melapor",
        )
    )
    brief.headlines.append(
        Headline(
            f"Kepatuhan RAT (tahun buku {year})",
            latest["rat_compliance_pct"],
            "%",
            previous["rat_compliance_pct"] if previous else None,
            str(year - 1),
        )
    )
    brief.rat_year = year
    provincial = [
        r
        for r in _rows(marts, "cooperative_health")
        if r["book_year"] == year and r["rat_compliance_pct"] is not None
    ]
    brief.rat_by_province = sorted(
        ((r["province_name"], r["rat_compliance_pct"]) for r in provincial),
        key=lambda x: (-x[1], x[0]),
    )


def _headlines_umkm(brief: Brief, marts: list) -> None:
    national = _rows(marts, "umkm_contribution_national")
    by_period = {r["period"]: r for r in national}
    register = _latest(national, "period", where=lambda r: r["umkm_units"] is not None)
    if register is not None:
        period = register["period"]
        previous = by_period.get(_previous_period(period))
        brief.headlines.append(
            Headline(
                f"UMKM terdaftar ({period})",
                register["umkm_units"],
                "",
                previous["umkm_units"] if previous else None,
                _previous_period(period),
                f"{register['provinces_with_register']} provinsi mengirim daftar",
            )
        )
        brief.headlines.append(
            Headline(
                f"UMKM makanan-minuman bersertifikat halal ({period})",
                register["food_beverage_halal_pct"],
                "%",
                previous["food_beverage_halal_pct"] if previous else None,
                _previous_period(period),
                f"wajib halal {tanggal(HALAL_DEADLINE)}",
            )
        )
        brief.halal_period = period
        brief.halal_by_province = sorted(
            (
                (r["province_name"], r["food_beverage_halal_pct"], r["food_beverage_units"])
                for r in _rows(marts, "umkm_contribution")
                if r["period"] == period and r["food_beverage_halal_pct"] is not None
            ),
            key=lambda x: (-x[1], x[0]),
        )
    share = _latest(national, "period", where=lambda r: r["umkm_share_of_grdp_pct"] is not None)
    if share is not None:
        period = share["period"]
        previous = by_period.get(_previous_period(period))
        brief.headlines.append(
            Headline(
                f"Kontribusi UMKM terhadap PDRB ({period})",
                share["umkm_share_of_grdp_pct"],
                "%",
                previous["umkm_share_of_grdp_pct"] if previous else None,
                _previous_period(period),
                f"rata-rata tertimbang PDRB, {share['provinces_with_share']} provinsi",
            )
        )
        brief.share_period = period
        brief.share_by_province = sorted(
            (
                (r["province_name"], r["umkm_share_of_grdp_pct"], r["share_change_pp"])
                for r in _rows(marts, "umkm_contribution")
                if r["period"] == period and r["umkm_share_of_grdp_pct"] is not None
            ),
            key=lambda x: (-x[1], x[0]),
        )


def _agreements(brief: Brief, marts: list) -> None:
    rows = _rows(marts, "agreement_implementation")
    if not rows:
        return
    ladder: dict[str, Counter] = {}
    for r in rows:
        ladder.setdefault(r["province_name"], Counter())[r["implementation_status"]] += 1
    brief.ladder = dict(sorted(ladder.items()))
    signed = [r for r in rows if r["implementation_status"] not in ("draft", "cancelled")]
    with_activity = [r for r in signed if r["activities_count"]]
    rate = (
        (Decimal(100) * len(with_activity) / len(signed)).quantize(Decimal("0.01"))
        if signed
        else None
    )
    brief.headlines.append(
        Headline(
            "Kerja sama terlaksana (ada kegiatan)",
            rate,
            "%",
            note=f"{len(with_activity)} dari {len(signed)} kerja sama ditandatangani, "
            f"{len(ladder)} provinsi",
        )
    )


def _compliance(brief: Brief, marts: list) -> None:
    # what was due by the brief's as-of date (the marts may be evaluated at a later date)
    rows = [
        r
        for r in _rows(marts, "submission_compliance")
        if r.get("due_on") is None or r["due_on"] <= brief.as_of
    ]
    # per dataset, the latest period due for every province (a row for each of them)
    counts = Counter((r["dataset"], r["period"]) for r in rows)
    latest: dict[str, str] = {}
    for (dataset, period), n in counts.items():
        # ties (2024 and 2024S2 both end on 31 Dec): the later label, as in _latest
        if n >= len(brief.provinces) and (
            dataset not in latest
            or (_end(period), period) > (_end(latest[dataset]), latest[dataset])
        ):
            latest[dataset] = period
    brief.compliance_periods = {d: latest[d] for d in DATASETS if d in latest}
    grid: dict[str, dict[str, str]] = {}
    for r in rows:
        if brief.compliance_periods.get(r["dataset"]) == r["period"]:
            grid.setdefault(r["province_code"], {})[r["dataset"]] = r["status"]
    brief.compliance = grid
    due = sum(len(v) for v in grid.values())
    missing = sum(1 for v in grid.values() for s in v.values() if s == "missing")
    if due:
        brief.headlines.append(
            Headline(
                "Kiriman belum disampaikan (periode terakhir yang jatuh tempo)",
                missing,
                "",
                note=f"dari {due} kewajiban ({len(brief.compliance_periods)} jenis data)",
            )
        )


def compute(quarter: Period, marts: list, labels: dict, *, partial: bool) -> Brief:
    brief = Brief(
        quarter=quarter,
        as_of=quarter.end,
        partial=partial,
        sample_notice=labels.get("sample_notice"),
    )
    brief.provinces = sorted(
        (r["province_code"], r["province_name"]) for r in _rows(marts, "dim_province")
    )
    _headlines_koperasi(brief, marts)
    _headlines_umkm(brief, marts)
    _agreements(brief, marts)
    _compliance(brief, marts)
    return brief


def status_label(status: str) -> str:
    return VALUES["implementation_status"].get(status) or VALUES["status"].get(status, status)
