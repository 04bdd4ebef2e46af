"""benchmarks/plant.py: planted copies differ from the real report in one figure, repeatably."""

from __future__ import annotations

import difflib
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _plant_module():
    spec = importlib.util.spec_from_file_location("plant", ROOT / "benchmarks" / "plant.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["plant"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_planting_pingtan_2021_changes_one_figure_and_is_found(tmp_path):
    plant = _plant_module()
    report = ROOT / "corpus" / "samples" / "pingtan-2021-html"
    summary = plant.run([report], tmp_path / "a", seed=13, per_report=1)
    assert (summary["planted"], summary["found"], summary["new_false_alarms"]) == (1, 1, 0)
    original = (report / "source.html").read_text(encoding="utf-8").splitlines()
    for p in summary["plants"]:
        copy = (Path(p["folder"]) / "source.html").read_text(encoding="utf-8").splitlines()
        changed = [line for line in difflib.unified_diff(original, copy, lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert len(changed) == 2 and str(p["new"]) in changed[1] and str(p["old"]) in changed[0]
        expected = json.loads((Path(p["folder"]) / "expected.json").read_text(encoding="utf-8"))
        assert expected["family"] == "narrative_vs_table" and expected["cells"] == p["cells"]
    again = plant.run([report], tmp_path / "b", seed=13, per_report=1)
    assert [(p["claim_text"], p["new"]) for p in again["plants"]] == [(p["claim_text"], p["new"]) for p in summary["plants"]]
