"""Optional parts of nianbao and the extra that installs each (``pip install 'nianbao[EXTRA]'``).

The base install checks HTML, TXT, DOCX and PDF reports; Dask, the review app, OCR, training
and plots are extras.  ``require`` turns a missing one into a one-line message naming the extra.
"""

from __future__ import annotations

import importlib.util

from .errors import NianbaoError

# extra -> what it is for (the message says it)
EXTRAS = {
    "dask": "corpus runs on a Dask cluster (--engine dask)",
    "review": "the review web app and decision exports",
    "ocr": "scanned PDF pages",
    "train": "training the paragraph classifier",
    "plots": "summary plots and spreadsheet exports",
    "spacy": "the spaCy pipeline component",
    "synth": "rendering synthetic test reports",
}

# top-level module -> the extra that installs it
MODULE_EXTRAS = {
    "dask": "dask",
    "distributed": "dask",
    "fastapi": "review",
    "starlette": "review",
    "uvicorn": "review",
    "multipart": "review",
    "python_multipart": "review",
    "matplotlib": "plots",
    "openpyxl": "plots",
    "sklearn": "train",
    "scipy": "train",
    "spacy": "spacy",
    "reportlab": "synth",
    "rapidocr": "ocr",
    "onnxruntime": "ocr",
}


class MissingExtra(NianbaoError):
    code = "missing-extra"


def require(module: str, extra: str) -> None:
    """Raise ``MissingExtra`` unless ``module`` can be imported."""
    if importlib.util.find_spec(module.split(".")[0]) is None:
        raise MissingExtra(missing_extra_message(module, extra))


def extra_for_module(module: str) -> str | None:
    """The extra that provides ``module`` (a dotted name is looked up by its top package)."""
    return MODULE_EXTRAS.get(module.split(".")[0])


def missing_extra_message(module: str, extra: str) -> str:
    return f"{EXTRAS.get(extra, extra)} needs {module}: pip install 'nianbao[{extra}]'"
