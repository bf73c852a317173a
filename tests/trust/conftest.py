"""Fixtures of the trust corpus."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("trust.cases")


@pytest.fixture(scope="module", autouse=True)
def _gx_results(gx_results_in_tmp):
    """GX results of the gate go to a temporary folder (tests/fixtures/gx_results.py)."""
