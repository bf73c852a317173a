"""Fixtures of the differential test."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module", autouse=True)
def _gx_results_in_tmp(tmp_path_factory):
    """GX results of the gate go to a temporary folder, not to the project's .state/gx."""
    previous = os.environ.get("KUMKM_GX_DIR")
    os.environ["KUMKM_GX_DIR"] = str(tmp_path_factory.mktemp("gx"))
    yield
    if previous is None:
        os.environ.pop("KUMKM_GX_DIR", None)
    else:
        os.environ["KUMKM_GX_DIR"] = previous
