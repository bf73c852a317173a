"""Dropzone file names: `<dataset>_<province>_<period>[_anything].<ext>` (contract 1).

Case-insensitive. The dataset is matched longest first (`indikator_umkm` before `umkm`,
`kegiatan_kerja_sama` before `kerja_sama`). The province is a Kemendagri code or a name
slug (`sulawesi-tenggara`, `sultra`); a slug written with underscores (`jawa_timur`) is
accepted too, because the period anchors where the province ends. Anything after the
period (`_revisi`, `_v2`, `_final`, also ` (1)` or `-revisi` glued to the period) is
ignored, unless it looks like another period (`2024-S1`, `2024 S1`, `2024_Q2`,
`semester`): such a name is rejected with the expected one, never read as the year.
Directories in ``name`` are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import provinces
from ingest.periods import Period, parse_period
from ingest.provinces import Province
from ingest.submissions.datasets import DATASETS

EXTENSIONS = ("csv", "xlsx")
_DATASETS_LONGEST_FIRST = tuple(sorted(DATASETS, key=len, reverse=True))
_PERIOD_HEAD = re.compile(r"[0-9a-z]*")  # `2024 (1)`, `2024-revisi`: the period is `2024`
_EXAMPLE = "umkm_sulawesi-tenggara_2024.xlsx atau koperasi_74_2024S1.csv"
# What follows the period and looks like another period (`2024-S1`, `2024 S1`, `2024_Q2`,
# `2024_semester_1`, `2024 triwulan 3`): never ignored, never read as the year.
_PERIOD_FRAGMENT = re.compile(
    r"[\s\-_.()]*(?:(?P<s>s|smt|sem|semester|h)[\s\-_.]*(?P<sn>[12])(?![0-9])"
    r"|(?P<q>q|tw|triwulan|kuartal|quarter|kw)[\s\-_.]*(?P<qn>[1-4])(?![0-9])"
    r"|(?P<word>semester|triwulan|kuartal|quarter|caturwulan)(?![a-z]))"
)


class FileNameError(ValueError):
    """A dropzone file whose name does not follow the contract."""

    def __init__(self, rule: str, reason: str, detail: str):
        super().__init__(detail)
        self.rule = rule
        self.reason = reason  # Indonesian, for the provincial clerk
        self.detail = detail  # English, for engineers


@dataclass(frozen=True)
class SubmissionName:
    dataset: str
    province: Province
    period: Period
    ext: str  # csv | xlsx


def parse_file_name(name: str) -> SubmissionName:
    """Parse a dropzone file name (a path is fine: only its last part is read)."""
    base = str(name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, ext = base.rpartition(".")
    ext = ext.lower()
    if not dot or ext not in EXTENSIONS:
        ext_shown = f".{ext}" if dot else "(tanpa ekstensi)"
        raise FileNameError(
            "file.name_bad_extension",
            f"berkas '{base}': format {ext_shown} tidak diterima; gunakan .csv atau .xlsx",
            f"{base!r}: extension {ext_shown} not accepted (csv, xlsx)",
        )
    lowered = stem.lower()
    dataset = next((d for d in _DATASETS_LONGEST_FIRST if lowered.startswith(d + "_")), None)
    if dataset is None:
        raise FileNameError(
            "file.name_unknown_dataset",
            f"berkas '{base}': nama berkas harus diawali jenis data ({', '.join(DATASETS)}), "
            f"contoh {_EXAMPLE}",
            f"{base!r}: no known dataset prefix ({', '.join(DATASETS)})",
        )
    tokens = lowered[len(dataset) + 1 :].split("_")
    shown = stem[len(dataset) + 1 :].split("_")  # as written, for messages
    if len(tokens) < 2 or not all(tokens[:2]):
        raise FileNameError(
            "file.name_format",
            f"berkas '{base}': format nama harus <jenis data>_<provinsi>_<periode>.<ekstensi>, "
            f"contoh {_EXAMPLE}",
            f"{base!r}: expected <dataset>_<province>_<period>.<ext>",
        )
    bad_period: str | None = None
    for k in range(1, len(tokens)):
        province = provinces.resolve("_".join(tokens[:k]))
        if province is None:
            continue
        head = _PERIOD_HEAD.match(tokens[k]).group(0)
        try:
            period = parse_period(head)
        except ValueError:
            bad_period = bad_period or shown[k]
            continue
        rest = "_".join([tokens[k][len(head) :], *tokens[k + 1 :]])
        _refuse_period_fragment(base, stem, dataset, tokens[:k], period, rest, ext)
        return SubmissionName(dataset=dataset, province=province, period=period, ext=ext)
    if bad_period is not None:
        raise FileNameError(
            "file.name_bad_period",
            f"berkas '{base}': periode '{bad_period}' tidak dikenal; gunakan YYYY, YYYYS1, "
            "YYYYS2 atau YYYYQ1..YYYYQ4 (mis. 2024, 2024S1, 2024Q3)",
            f"{base!r}: bad period {bad_period!r}",
        )
    token = shown[0]
    hint = ""
    bps = provinces.by_bps(token)
    if bps is not None:
        hint = f" ('{token}' adalah kode BPS; gunakan kode Kemendagri '{bps.code}')"
    raise FileNameError(
        "file.name_unknown_province",
        f"berkas '{base}': provinsi '{token}' tidak dikenal{hint}; gunakan kode Kemendagri "
        "2 digit (mis. 74) atau nama seperti sulawesi-tenggara / sultra",
        f"{base!r}: unknown province {token!r}" + (f" (BPS code of {bps.code})" if bps else ""),
    )


def _refuse_period_fragment(
    base: str, stem: str, dataset: str, province: list[str], period: Period, rest: str, ext: str
) -> None:
    """Reject `umkm_74_2024-S1.csv`: the part after the period names another period."""
    m = _PERIOD_FRAGMENT.match(rest)
    if m is None:
        return
    fragment = rest[: m.end()].strip(" -_.()")
    if m.group("sn") and period.type == "year":
        expected = f"{period.label}S{m.group('sn')}"
    elif m.group("qn") and period.type == "year":
        expected = f"{period.label}Q{m.group('qn')}"
    else:
        expected = None
    if expected:
        name = f"{dataset}_{'_'.join(province)}_{expected}.{ext}"
        hint = f"jika maksudnya periode {expected}, beri nama '{name}'"
    else:
        hint = "tulis periode sebagai YYYY, YYYYS1, YYYYS2 atau YYYYQ1..YYYYQ4 tanpa tambahan"
    raise FileNameError(
        "file.name_period_fragment",
        f"berkas '{base}': setelah periode {period.label} tertulis '{fragment}', yang tampak "
        f"seperti periode lain; berkas tidak dibaca sebagai {period.label}. {hint}",
        f"{base!r}: {fragment!r} after period {period.label} looks like another period; "
        f"refused (expected e.g. {expected or 'YYYYS1'})",
    )
