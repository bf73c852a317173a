"""Deterministic sample data: a realistic provincial dropzone and large ``umkm`` files.

Public API::

    from kumkm_dev.sample_data import generate_dropzone, write_large_umkm, RULE_CODES

    manifest = generate_dropzone(Path(".state/sample_dropzone"), seed=20251, scale="small")
    manifest.outcome_counts()       # {"accepted": ..., "accepted_with_warnings": ..., ...}
    manifest.anchors["cooperative_health"][0]["rat_compliance_pct"]   # 18.26

``generate_dropzone`` writes CSV/XLSX submissions for all 38 provinces (koperasi book years
2023 and 2024, umkm, indikator_umkm semesters and years, kerja_sama and kegiatan for 2025Q2)
in every variant the submission contract allows, plus a labelled set of defective files,
and ``_expected.json``: for every file its planted outcome, rule codes, row counts and
variant tags, and ``anchors``: hand-checkable figures the marts must show.

Manifest semantics (per file):

- ``expected_outcome``: ``accepted`` | ``accepted_with_warnings`` | ``rejected`` |
  ``duplicate`` (same SHA-256 as a file that arrived earlier);
- ``rows_received``: data rows below the header, without blank rows and the trailing
  JUMLAH/TOTAL row; 0 for rejected and duplicate files (nothing is read into the
  warehouse); ``rows_in_file`` is the physical count whatever the outcome;
- ``rows_quarantined``: rows breaking a row-level rule; ``rows_loaded`` = received -
  quarantined; ``row_rules``: ``{"row": physical line / sheet row (1-based), "rule",
  "level": "row" | "warning"}``;
- ``in_force``: the latest accepted submission for its (dataset, province, period)
  by mtime, ties broken by file name; ``superseded_by`` on earlier accepted ones;
- ``mtime``: the file's modification time (UTC), set with ``os.utime``;
- ``dataset`` / ``province_code`` / ``period``: what the file name says, normalised
  (Kemendagri code); ``null`` where the name carries no valid one (the planted
  ``file.name_*`` defects);
- ``header_row``, ``columns`` (label as written -> canonical column, ``null`` for an
  extra column), ``total_row``, ``encoding`` / ``delimiter`` or ``sheet``: how to read
  the file back without a parser.

``anchors``: ``cooperative_health`` (Sulawesi Tenggara 2024: 2,300 active, 420 with a RAT,
18.26 %), ``umkm_share`` (Jawa Timur 2024S1 60.43 % vs 2023S1 59.18 %: +1.25 pp),
``umkm_register`` (register counts of four semester files), ``agreement_implementation``
(Sulawesi Tenggara 2025Q2: per agreement the expected ``implementation_status``, one
not started for 230 days, one stalled 200 days after its last activity) and ``papua``.
Rule codes: :data:`RULE_CODES` (level and meaning in :data:`RULES`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import scenario
from .large import write_large_umkm
from .plan import epoch
from .rules import (
    FILE_RULES,
    GATE_RULES,
    OUTCOMES,
    ROW_RULES,
    RULE_CODES,
    RULES,
    VARIANT_TAG_NAMES,
    VARIANT_TAGS,
    WARNING_RULES,
)

__all__ = [
    "FILE_RULES",
    "GATE_RULES",
    "MANIFEST_NAME",
    "OUTCOMES",
    "ROW_RULES",
    "RULES",
    "RULE_CODES",
    "VARIANT_TAGS",
    "VARIANT_TAG_NAMES",
    "WARNING_RULES",
    "Manifest",
    "generate_dropzone",
    "write_large_umkm",
]

MANIFEST_NAME = "_expected.json"
MANIFEST_VERSION = 1


@dataclass
class Manifest:
    root: Path
    seed: int
    scale: str
    files: list[dict] = field(default_factory=list)
    anchors: dict = field(default_factory=dict)

    # ---- queries --------------------------------------------------------------------------------

    def entry(self, path: str) -> dict:
        for e in self.files:
            if e["path"] == path:
                return e
        raise KeyError(path)

    def outcome_counts(self) -> dict[str, int]:
        c = Counter(e["expected_outcome"] for e in self.files)
        return {o: c.get(o, 0) for o in OUTCOMES}

    def in_force(self) -> list[dict]:
        return [e for e in self.files if e.get("in_force")]

    def variants(self) -> set[str]:
        return {t for e in self.files for t in e["variant"]}

    def rules(self) -> set[str]:
        return {r for e in self.files for r in e["expected_rules"]}

    @property
    def total_rows(self) -> int:
        """Data rows physically present in all files."""
        return sum(e["rows_in_file"] for e in self.files)

    def summary(self) -> dict:
        by_dataset = Counter(e["dataset"] or "(unknown)" for e in self.files)
        return {
            "files": len(self.files),
            "outcomes": self.outcome_counts(),
            "datasets": dict(sorted(by_dataset.items())),
            "rows_in_files": self.total_rows,
            "rows_received": sum(e["rows_received"] for e in self.files),
            "rows_quarantined": sum(e["rows_quarantined"] for e in self.files),
            "rows_loaded": sum(e["rows_loaded"] for e in self.files),
            "provinces": len({e["province_code"] for e in self.files if e["province_code"]}),
        }

    # ---- (de)serialisation ----------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "generator": "kumkm_dev.sample_data",
            "version": MANIFEST_VERSION,
            "seed": self.seed,
            "scale": self.scale,
            "summary": self.summary(),
            "rule_codes": {c: {"level": lvl, "meaning": m} for c, (lvl, m) in RULES.items()},
            "variant_tags": VARIANT_TAGS,
            "anchors": self.anchors,
            "files": self.files,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, root: Path) -> Manifest:
        root = Path(root)
        path = root / MANIFEST_NAME if root.is_dir() else root
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(path.parent, d["seed"], d["scale"], d["files"], d["anchors"])


def _check_dest(dest: Path) -> None:
    if not dest.exists():
        return
    if not dest.is_dir():
        raise NotADirectoryError(dest)
    if any(dest.iterdir()) and not (dest / MANIFEST_NAME).exists():
        raise FileExistsError(
            f"{dest} is not empty and holds no {MANIFEST_NAME}: refusing to overwrite a dropzone "
            "the generator did not write"
        )


def _prepare(dest: Path) -> None:
    _check_dest(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for child in list(dest.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def generate_dropzone(dest: Path, *, seed: int = 20251, scale: str = "small") -> Manifest:
    """Write the sample dropzone under ``dest`` and return its manifest.

    ``dest`` must be empty, absent, or a dropzone this function wrote before (it is then
    emptied first). Same seed and scale -> byte-identical files and identical mtimes.
    """
    dest = Path(dest)
    _check_dest(dest)
    plan = scenario.build(seed, scale)  # build everything before touching the disk
    entries = plan.finish()
    anchors = dict(plan.anchors)
    anchors["papua"] = scenario.papua_anchor(entries)
    _prepare(dest)
    latest = 0
    for f in plan.files:
        p = dest / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(f.data)
        t = epoch(f.arrival)
        os.utime(p, (t, t))
        latest = max(latest, t)
    manifest = Manifest(dest, seed, scale, entries, anchors)
    mp = dest / MANIFEST_NAME
    mp.write_text(manifest.to_json(), encoding="utf-8")
    os.utime(mp, (latest + 86400, latest + 86400))
    return manifest
