"""`nianbao synth`: render reports with known truth into PDF (test data for the PDF path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from .app import app

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

SAMPLES = Path("corpus/samples")


@app.command("synth")
def synth(
    out: Path = typer.Option(Path("synth-pdf"), "--out", "-o", help="Folder for the PDFs (created if missing)."),
    count: int = typer.Option(4, "--count", "-n", min=0, help="Random reports per maker and table style."),
    seed: int = typer.Option(1, "--seed", help="First random seed (report i uses seed + i)."),
    maker: Optional[list[str]] = typer.Option(None, "--maker", "-m", help="PDF maker(s): chromium, libreoffice, reportlab-wqy, reportlab-cid (default: all installed)."),
    pages: int = typer.Option(4, "--pages", min=2, help="About how many pages of narrative each report fills."),
    borderless: bool = typer.Option(True, "--borderless/--ruled-only", help="Also print the tables without rules."),
    split_t3: bool = typer.Option(True, "--split-t3/--no-split-t3", help="Push T3 across a page break."),
    samples: bool = typer.Option(False, "--samples", help=f"Also print the real HTML reports of {SAMPLES} (their gold.json is the truth)."),
) -> None:
    """Render synthetic reports (random but arithmetically consistent figures, real narrative
    paragraphs) into PDF several ways.  Each PDF gets a NAME.gold.json beside it holding the
    true table figures in gold.json format, so `nianbao evaluate`-style scoring can use them."""
    from ..synth import MAKERS, available_makers, random_report, render, render_sample

    makers = maker or available_makers()
    unknown = [m for m in makers if m not in MAKERS]
    if unknown:
        err.print(f"[bold red]unknown PDF maker(s):[/] {', '.join(unknown)}; choose from {', '.join(MAKERS)}")
        raise typer.Exit(2)
    missing = [m for m in makers if m not in available_makers()]
    if missing:
        err.print(f"[yellow]skipping {', '.join(missing)}:[/] not installed here (run scripts/install-system-deps.sh as root)")
        makers = [m for m in makers if m not in missing]
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for i in range(count):
        report = random_report(seed + i, "2021" if (seed + i) % 2 else "2019", pages=pages)
        for m in makers:
            for ruled in (True, False) if borderless else (True,):
                name = f"{report.name}-{m}-{'ruled' if ruled else 'borderless'}"
                pdf = render(report, m, out / f"{name}.pdf", ruled=ruled, split_t3=split_t3, repeat_header=(seed + i) % 2 == 1)
                (out / f"{name}.gold.json").write_text(json.dumps(report.to_gold(), ensure_ascii=False, indent=1), encoding="utf-8")
                console.print(f"wrote {escape(str(pdf))}")
                written += 1
    if samples:
        for folder in sorted(SAMPLES.glob("*-html")):
            for m in [x for x in makers if x in ("chromium", "libreoffice")]:
                pdf = render_sample(folder, m, out / f"{folder.name}-{m}.pdf")
                (out / f"{folder.name}-{m}.gold.json").write_text((folder / "gold.json").read_text(encoding="utf-8"), encoding="utf-8")
                console.print(f"wrote {escape(str(pdf))}")
                written += 1
    console.print(f"[bold]{written} PDF(s)[/] in {escape(str(out))}")
