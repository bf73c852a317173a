"""Small hand-made answers in the BPS dynamic-data format, for decoder tests."""

from __future__ import annotations


def body(
    *,
    vervar=((7400, "SULAWESI TENGGARA"),),
    var=291,
    unit="Persen",
    turvar=(("0", "Tidak ada"),),
    tahun=((123, "2023"),),
    turtahun=((0, "Tahun"),),
    content=None,
    last_update="2026-02-19 10:27:07",
) -> dict:
    return {
        "status": "OK",
        "data-availability": "available",
        "last_update": last_update,
        "subject": [{"val": 531, "label": "Neraca Ekonomi"}],
        "var": [{"val": var, "label": "test", "unit": unit, "subj": "", "def": "", "decimal": 2}],
        "turvar": [{"val": v, "label": lbl} for v, lbl in turvar],
        "labelvervar": "38 Provinsi",
        "vervar": [{"val": v, "label": lbl} for v, lbl in vervar],
        "tahun": [{"val": v, "label": lbl} for v, lbl in tahun],
        "turtahun": [{"val": v, "label": lbl} for v, lbl in turtahun],
        "datacontent": content or {},
        "related": [],
    }
