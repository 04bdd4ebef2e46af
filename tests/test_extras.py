"""A missing optional part (an extra) is one line naming the extra, not a traceback; the base
stages never need one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"

# Runs the CLI with some modules made unimportable, as on a base install without the extra.
RUN_WITHOUT = (
    "import sys\n"
    "for name in sys.argv[1].split(','):\n"
    "    sys.modules[name] = None  # import raises ModuleNotFoundError, as when not installed\n"
    "from nianbao.cli import main\n"
    "sys.argv = ['nianbao', *sys.argv[2:]]\n"
    "main()\n"
)


def _without(modules: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN_WITHOUT, ",".join(modules), *args], cwd=cwd, capture_output=True, text=True)


def test_review_without_its_extra_names_the_extra(tmp_path):
    proc = _without(["fastapi", "uvicorn", "starlette"], "review", "--store", str(tmp_path / "s.duckdb"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'nianbao[review]'" in lines[0], proc.stderr


def test_dask_engine_without_its_extra_names_the_extra(tmp_path):
    proc = _without(["dask", "distributed"], "run", str(SAMPLES / "pingtan-2021-html"), "--store", str(tmp_path / "s.duckdb"),
                    "--engine", "dask", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith("pip install 'nianbao[dask]'"), proc.stderr


def test_train_without_scikit_learn_names_the_extra(tmp_path):
    proc = _without(["sklearn"], "train", "--out", str(tmp_path / "m"), "--no-cv", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "pip install 'nianbao[train]'" in proc.stderr.strip().splitlines()[-1], proc.stderr


def test_check_needs_no_extra(tmp_path):
    """HTML, TXT and the seed through `nianbao check` with every extra's modules unimportable."""
    blocked = ["dask", "distributed", "fastapi", "starlette", "uvicorn", "matplotlib", "sklearn", "scipy", "spacy", "skops", "reportlab", "rapidocr", "onnxruntime"]
    for source in [SAMPLES / "pingtan-2020-html" / "source.html", SAMPLES / "pingtan-2020-txt" / "source.txt", SAMPLES / "jinshui-sfj-2023-txt" / "source.txt"]:
        proc = _without(blocked, "check", str(source), cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        assert "error" not in proc.stderr and "model" not in proc.stdout.lower(), proc.stdout + proc.stderr
