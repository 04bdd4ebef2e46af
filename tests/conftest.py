"""Shared fixtures.  Plain helpers live in sample_data.py (tests/ is on sys.path)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sample_data import SAMPLES

logging.getLogger("jieba").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    """A private copy of the review demo store (built once per session from the samples)."""
    import shutil

    from nianbao.review.demo import cached_demo_store

    path = tmp_path / "review.duckdb"
    shutil.copyfile(cached_demo_store(SAMPLES), path)
    return path
