"""Labelled report folders (gold.md): a source file, meta.json and gold.json each."""

from __future__ import annotations

from pathlib import Path


def find_labelled(paths: list[Path]) -> list[Path]:
    """Labelled report folders (holding gold.json and a source file) under the given paths."""
    out: list[Path] = []
    for p in paths:
        if (p / "gold.json").exists():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(d.parent for d in p.rglob("gold.json")))
    return out


def source_file(folder: Path) -> Path:
    for name in ("source.pdf", "source.docx", "source.doc", "source.html", "source.htm", "source.txt"):
        if (folder / name).exists():
            return folder / name
    found = sorted(folder.glob("source.*"))
    if not found:
        raise FileNotFoundError(f"{folder} has gold.json but no source.* file")
    return found[0]
