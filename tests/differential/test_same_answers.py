"""Same answers (issue 14, item 5): the loader, the gate and the marts give, for the sample
dropzone and the trust and reliability corpora, exactly the answers recorded in
expected/answers.json (what answers.py describes), so a rewrite for speed changes no
outcome, reason, row, quarantine entry, gate result or mart figure.

To record again (only when a change of answers is intended, and reviewed in the diff of
expected/answers.json):

    KUMKM_RECORD_DIFFERENTIAL=1 .venv/bin/pytest -q tests/differential

which writes the golden file from the code under test, then compares (and so passes).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .answers import compute, flatten

GOLDEN = Path(__file__).with_name("expected") / "answers.json"
SHOWN = 15  # differing keys shown on failure


def _dump(answers) -> str:
    return json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def _short(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 600 else text[:600] + " ..."


@pytest.fixture(scope="module")
def answers(make_database, tmp_path_factory):
    got = json.loads(_dump(compute(make_database, tmp_path_factory.mktemp("differential"))))
    if os.environ.get("KUMKM_RECORD_DIFFERENTIAL") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(_dump(got), encoding="utf-8")
    return got


def test_same_answers_as_recorded(answers):
    expected = flatten(json.loads(GOLDEN.read_text(encoding="utf-8")))
    got = flatten(answers)
    differing = [k for k in sorted(expected.keys() | got.keys()) if expected.get(k) != got.get(k)]
    lines = [
        f"{key}\n    expected: {_short(expected.get(key, '<absent>'))}"
        f"\n    got:      {_short(got.get(key, '<absent>'))}"
        for key in differing[:SHOWN]
    ]
    assert not differing, (
        f"{len(differing)} of {len(expected)} recorded answers differ "
        f"(first {min(SHOWN, len(differing))}):\n" + "\n".join(lines)
    )
