"""Screenshots of the review app for the README.

    python -m nianbao.review.screenshots [OUT_DIR]   (default: docs/screenshots)

Builds the demo store from corpus/samples, serves the app on a free loopback
port, and photographs the queue and two finding pages with headless Debian
Chromium (Playwright, no browser download).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[3]


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    if not CHROMIUM_PATH.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)


def take_screenshots(out_dir: Path, samples: Path = REPO / "corpus" / "samples", browser=None) -> list[Path]:  # type: ignore[no-untyped-def]
    """Write the screenshots into ``out_dir``; ``browser``: a Playwright browser to
    reuse (one is launched when None)."""
    from playwright.sync_api import sync_playwright

    from ..corpus.store import first_finding_id
    from .app import create_app
    from .demo import cached_demo_store
    from .queries import ReviewStore
    from .server import BackgroundServer

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-shots-") as scratch:
        path = Path(scratch) / "review.duckdb"
        shutil.copyfile(cached_demo_store(samples), path)
        store = ReviewStore.open(path)
        examples = []
        with store.locked() as con:
            for family, report_format in (("t3_result_total", "html"), ("t3_result_total", "pdf"), ("narrative_vs_table", "html")):
                fid = first_finding_id(con, family=family, report_format=report_format)
                if fid is None:
                    raise RuntimeError(f"the demo store has no {family} finding on a {report_format} report to photograph")
                examples.append(fid)
        table_fid, pdf_fid, narrative_fid = examples
        # One decided finding, so the queue shows decisions too.
        store.decide(narrative_fid, "needs_discussion", reviewer="张审核", comment="分项合计差1条，待与公开办核实", corrected_value=None)
        app = create_app(store, reviewer="张审核")
        plan = [
            ("/?q=平潭&status=all", "review-queue.png", True),  # the queue opens on "open"; all shows the decision
            (f"/findings/{table_fid}?q=平潭", "review-finding-table.png", False),
            (f"/findings/{narrative_fid}?q=平潭", "review-finding-narrative.png", False),
            (f"/findings/{pdf_fid}?q=平潭", "review-finding-pdf.png", True),
        ]
        try:
            with BackgroundServer(app) as url:
                if browser is not None:
                    return _shoot(browser, url, plan, out_dir)
                with sync_playwright() as p:
                    own = launch_chromium(p)
                    try:
                        return _shoot(own, url, plan, out_dir)
                    finally:
                        own.close()
        finally:
            store.close()


def _shoot(browser, url: str, plan: list[tuple[str, str, bool]], out_dir: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    try:
        page = context.new_page()
        shots = []
        for target, name, full in plan:
            page.goto(url + target)
            page.wait_for_load_state("load")
            shots.append(out_dir / name)
            page.screenshot(path=str(shots[-1]), full_page=full)
        return shots
    finally:
        context.close()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots"
    for shot in take_screenshots(out):
        print(f"wrote {shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
