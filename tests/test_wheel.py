"""A wheel built from the repository, installed into a fresh environment and run from an empty
folder, carries its model: the seed's paragraphs get the model's labels (no missing-model
message), and the base install checks HTML, TXT, DOCX and PDF.

Offline: the wheel is built without build isolation, installed with --no-deps --no-index, and
the fresh environment reaches its dependencies through a .pth line naming this venv's
site-packages (a plain path: this venv's own .pth files, among them the editable nianbao, are not
processed there, so ``nianbao`` can only come from the wheel).  Extras' modules are blocked in
the checking process, as on a base install.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
SEED = SAMPLES / "jinshui-sfj-2023-txt"

pytestmark = pytest.mark.slow

EXTRAS_MODULES = ["dask", "distributed", "fastapi", "starlette", "uvicorn", "matplotlib", "sklearn", "scipy", "spacy", "skops", "reportlab", "rapidocr", "onnxruntime",
                  "camelot", "cv2", "pdfminer", "pdfplumber"]  # dev-only: a PDF's tables come from pdfium alone

CHECK = (
    "import json, sys\n"
    "for name in sys.argv[1].split(','):\n"
    "    sys.modules[name] = None  # not installed: a base install\n"
    "import nianbao\n"
    "from nianbao.pipeline import check\n"
    "out = {'nianbao': nianbao.__file__, 'results': [check(p).to_dict() for p in sys.argv[2:]]}\n"
    "print(json.dumps(out, ensure_ascii=False))\n"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh venv with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, text=True, cwd=work,
    )
    wheels = list(dist.glob("nianbao-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "nianbao/models/paragraph_classifier.json" in names and "nianbao/models/paragraph_classifier.npz" in names
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheels[0])],
        check=True, capture_output=True, text=True, cwd=work,
    )
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    (target / "zz_project_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return python


def _docx(path: Path) -> Path:
    """The seed report's text as a DOCX (one paragraph per line)."""
    import docx

    document = docx.Document()
    for line in (SEED / "source.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def _pdf(path: Path) -> Path:
    from nianbao.synth import random_report, render

    return render(random_report(1, "2021", pages=2), "reportlab-cid", path)


def test_wheel_labels_the_seed_with_its_model_from_an_empty_folder(installed, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    sources = [SEED / "source.txt", SAMPLES / "pingtan-2021-html" / "source.html", _docx(tmp_path / "seed.docx"), _pdf(tmp_path / "synth.pdf")]
    env = {k: v for k, v in os.environ.items() if k not in ("NIANBAO_MODEL_DIR", "PYTHONPATH")}
    proc = subprocess.run([str(installed), "-c", CHECK, ",".join(EXTRAS_MODULES), *map(str, sources)],
                          cwd=empty, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert Path(out["nianbao"]).is_relative_to(installed.parent.parent), out["nianbao"]  # the wheel, not src/
    results = out["results"]
    assert [r["format"] for r in results] == ["txt", "html", "docx", "pdf"]
    for r in results:
        assert not [m for m in r["messages"] if m["level"] == "error" or m["code"].startswith("model")], r["messages"]
        assert r["paragraphs"] and all(p["label"] for p in r["paragraphs"]), r["source"]
    assert all(r["tables"] for r in results if r["format"] != "docx")  # the DOCX holds the seed's text only
    pdf = results[3]  # its ruled tables read without camelot, opencv or pdfminer
    assert pdf["tables"].get("T3") and pdf["tables"].get("T4") and not [m for m in pdf["messages"] if m["code"] == "pdf-tables-unreadable"]
    seed = results[0]
    gold = {p["text"]: p["label"] for p in json.loads((SEED / "gold.json").read_text(encoding="utf-8"))["paragraphs"]}
    by_text = {p["text"].strip(): p for p in seed["paragraphs"]}
    assert all(by_text[t]["label"] == label for t, label in gold.items())
    # labels from the model carry its probability; heading-only labels would have none
    assert all(p["score"] is not None for p in seed["paragraphs"])
