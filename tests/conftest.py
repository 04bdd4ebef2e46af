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
