"""The README's command examples are what the tool prints (issue 19: they drifted before)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("readme_examples", ROOT / "scripts" / "readme_examples.py")
readme_examples = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_examples)

EXAMPLES = readme_examples.examples((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_shows_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("command, shown", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_is_what_the_command_prints(command: str, shown: str):
    assert readme_examples.run(command) == shown, (
        "the README shows an old output: run `python scripts/readme_examples.py` and read the diff")
