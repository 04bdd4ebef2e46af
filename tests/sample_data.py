"""Paths to the real sample reports shipped in corpus/samples (importable from any test)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
SEED = SAMPLES / "jinshui-sfj-2023-txt" / "source.txt"


def sample_source(name: str) -> Path:
    return next((SAMPLES / name).glob("source.*"))


def sample_gold(name: str) -> dict:
    return json.loads((SAMPLES / name / "gold.json").read_text(encoding="utf-8"))
