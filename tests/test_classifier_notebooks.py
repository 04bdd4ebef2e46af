"""The classifier notebooks run top to bottom on the sample corpus (nbclient, this venv's Python)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CLASSIFIER_NOTEBOOKS = ["train_classifier.ipynb", "evaluate_classifier.ipynb", "explore_corpus.ipynb"]


@pytest.fixture(scope="module")
def kernel_dirs(tmp_path_factory) -> Path:
    """A kernelspec that runs *this* interpreter, so the test works wherever the venv is
    (the venv's own python3 spec says plain "python", which may not be on PATH)."""
    root = tmp_path_factory.mktemp("kernels")
    spec = root / "nianbao-venv"
    spec.mkdir()
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "nianbao venv",
                "language": "python",
            }
        )
    )
    return root


@pytest.mark.parametrize("name", CLASSIFIER_NOTEBOOKS)
def test_notebook_runs_top_to_bottom(name, kernel_dirs, tmp_path):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    manager = KernelManager(kernel_name="nianbao-venv", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dirs)]))
    client = NotebookClient(notebook, km=manager, timeout=300, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "macro-F1" in text or "weak label = gold label" in text
