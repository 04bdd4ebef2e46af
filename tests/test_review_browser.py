"""The review app driven in headless Debian Chromium (Playwright, no browser download).

Flow: queue -> filter -> open a finding -> highlighted cell -> decide with the
keyboard -> reload and see it kept -> undo; a decision survives SIGKILL of the
server; hostile report text never runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from nianbao.review import create_app
from nianbao.review import decisions as dec
from nianbao.review.queries import ReviewStore
from nianbao.review.screenshots import CHROMIUM_PATH, launch_chromium, take_screenshots
from nianbao.review.server import BackgroundServer

pytestmark = pytest.mark.skipif(
    not CHROMIUM_PATH.exists(),
    reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (`make test` installs it; or apt-get install chromium)",
)

from sample_data import SAMPLES  # noqa: E402
HIT_BACKGROUND = "rgb(255, 209, 209)"  # --hit in review.css


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture()
def served(store_path: Path):
    store = ReviewStore.open(store_path)
    with BackgroundServer(create_app(store, reviewer="李审核")) as url:
        yield url, store
    store.close()


def first_finding(store: ReviewStore, where: str) -> tuple[str, str]:
    with store.locked() as con:
        return con.execute(
            "SELECT f.finding_id, f.cells->>'$[0]' FROM findings f JOIN reports r USING (report_id) "
            f"WHERE {where} ORDER BY f.finding_id LIMIT 1"
        ).fetchone()


def test_queue_filter_open_decide_with_keyboard_reload_undo(served, page) -> None:
    url, store = served
    page.goto(url + "/")
    all_rows = page.locator("tr.finding-row").count()
    page.select_option("#filter-family", "t3_result_total")  # submits on change
    page.wait_for_url("**family=t3_result_total**")
    rows = page.locator("tr.finding-row")
    assert 0 < rows.count() < all_rows
    assert all("t3_result_total" in t for t in rows.all_inner_texts())

    page.keyboard.press("j")
    assert "selected" in (rows.nth(0).get_attribute("class") or "")
    page.keyboard.press("j")
    second = rows.nth(1).get_attribute("data-finding")
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/findings/{second}?**")

    hit = page.locator("td.hit")
    assert hit.count() == 1
    with store.locked() as con:
        cell = con.execute("SELECT cells->>'$[0]' FROM findings WHERE finding_id = ?", [second]).fetchone()[0]
    assert hit.get_attribute("data-ref") == cell
    assert hit.evaluate("el => getComputedStyle(el).backgroundColor") == HIT_BACKGROUND
    assert page.locator("#decision-status").inner_text() == "open"

    page.keyboard.press("c")  # confirm -> saved, and on to the next finding
    page.wait_for_url(f"**saved={second}**")
    assert "confirmed" in page.locator("#flash").inner_text()
    with store.locked() as con:
        assert dec.current(con, second).status == "confirmed"
        assert dec.current(con, second).reviewer == "李审核"

    page.goto(f"{url}/findings/{second}?family=t3_result_total")
    page.reload()
    assert page.locator("#decision-status").inner_text() == "confirmed"
    page.keyboard.press("k")  # previous in the filtered queue
    page.wait_for_url(lambda u: "/findings/" in u and second not in u)

    page.keyboard.press("u")  # undo my last decision -> back on that finding, open again
    page.wait_for_url(f"**/findings/{second}?**undone=1**")
    assert page.locator("#decision-status").inner_text() == "open"
    with store.locked() as con:
        assert dec.current(con, second) is None

    page.goto(f"{url}/?family=t3_result_total&status=confirmed")
    assert page.locator("tr.finding-row").count() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"review server exited early: {proc.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"review server not up at {url}")


def test_decision_survives_sigkill_of_the_server(store_path: Path, page) -> None:
    with duckdb.connect(str(store_path), read_only=True) as con:
        fid = con.execute("SELECT finding_id FROM findings WHERE family = 't3_result_total' ORDER BY 1 LIMIT 1").fetchone()[0]
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.review", "--store", str(store_path), "--port", str(port), "--reviewer", "王审核"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_up(url + "/", proc)
        page.goto(f"{url}/findings/{fid}")
        page.fill("textarea[name=comment]", "表格读取正确，确认多计")
        page.keyboard.press("Escape")  # leave the text field, so the next key is a shortcut
        page.keyboard.press("f")
        page.wait_for_url(f"**saved={fid}**")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    with duckdb.connect(str(store_path), read_only=True) as con:
        row = con.execute(
            "SELECT status, comment, reviewer FROM decisions WHERE finding_id = ? AND NOT superseded", [fid]
        ).fetchall()
    assert row == [("false_alarm", "表格读取正确，确认多计", "王审核")]


def _strip_csp(route) -> None:  # type: ignore[no-untyped-def]
    response = route.fetch()
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


@pytest.mark.parametrize("with_csp", [True, False], ids=["csp", "escaping-alone"])
def test_hostile_report_text_never_runs(served, browser, with_csp: bool) -> None:
    url, store = served
    fid, _ = first_finding(store, "r.agency LIKE '%<script>%'")
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    if not with_csp:
        # Without the CSP only escaping stands between the text and the page.
        page.route("**/*", _strip_csp)
    try:
        for target in ("/?q=金水", f"/findings/{fid}"):
            response = page.goto(url + target)
            assert ("content-security-policy" in response.headers) is with_csp
            page.wait_for_load_state("load")
            assert page.evaluate("typeof window.__xss") == "undefined"
            assert page.locator("script:not([src])").count() == 0
            assert page.locator("img[src=x], svg").count() == 0
        assert "<script>window.__xss=1</script>" in page.locator("#agency").inner_text()
        assert '"onerror=alert(1)' in page.locator("blockquote.paragraph").first.inner_text()
        page.keyboard.press("?")  # our own script still runs
        assert page.locator("#shortcuts").is_visible()
        assert dialogs == []
        # The check itself works: the same markup, unescaped on a blank page, does run.
        blank = context.new_page()
        blank.set_content("<p>x</p><script>window.__xss=1</script>")
        assert blank.evaluate("window.__xss") == 1
    finally:
        context.close()


def test_pdf_page_image_is_shown_for_pdf_sources(served, page) -> None:
    url, store = served
    fid, _ = first_finding(store, "r.format = 'pdf' AND f.family = 't3_result_total'")
    page.goto(f"{url}/findings/{fid}")
    image = page.locator("img.pdf-page")
    image.wait_for()
    page.wait_for_function("document.querySelector('img.pdf-page').complete")
    assert image.evaluate("img => img.naturalWidth") > 1000  # A4 rendered at scale 2


def test_screenshots_script_writes_pngs(tmp_path: Path, browser) -> None:
    from PIL import Image

    shots = take_screenshots(tmp_path, SAMPLES, browser=browser)
    assert {s.name for s in shots} >= {"review-queue.png", "review-finding-table.png"}
    for shot in shots:
        with Image.open(shot) as im:
            assert im.width >= 1400 and im.height >= 800


# ---- layout at a laptop's 1400 × 900 (issue 19 item 10) ----------------------------------------

LAPTOP = {"width": 1400, "height": 900}


@pytest.fixture()
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def _on_screen_and_unclipped(page, selector: str) -> bool:
    """The element is inside the viewport and is what a person sees at its centre (not
    clipped by a scroll box, not covered)."""
    return page.evaluate(
        """sel => {
            const el = document.querySelector(sel);
            const r = el.getBoundingClientRect();
            if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
            const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return at === el || el.contains(at);
        }""",
        selector,
    )


@pytest.mark.parametrize("fmt", ["html", "txt", "pdf"])
def test_red_cell_of_a_t3_total_finding_is_on_screen_without_scrolling(served, laptop, fmt: str) -> None:
    # The （七）总计 row sits near the bottom of T3, below the fold at 1400 × 900.
    url, store = served
    fid, cell = first_finding(store, f"r.format = '{fmt}' AND f.family = 't3_result_total'")
    assert cell.startswith("T3.handled_total.")
    laptop.goto(f"{url}/findings/{fid}")
    laptop.wait_for_load_state("load")
    hit = laptop.locator("td.hit")
    assert hit.count() == 1 and hit.get_attribute("data-ref") == cell
    assert _on_screen_and_unclipped(laptop, "td.hit")
    assert _on_screen_and_unclipped(laptop, "#finding-message")  # the page itself did not scroll away
    assert laptop.evaluate("window.scrollY") == 0


def test_queue_opens_on_open_findings(served, laptop) -> None:
    url, store = served
    fid, _ = first_finding(store, "f.family = 't3_result_total'")
    store.decide(fid, "confirmed", reviewer="李审核", comment=None, corrected_value=None)
    laptop.goto(url + "/")
    assert laptop.locator(".status-tabs .tab.active").get_attribute("data-status") == "open"
    ids = laptop.locator("tr.finding-row").evaluate_all("rows => rows.map(r => r.dataset.finding)")
    assert ids and fid not in ids
    assert set(laptop.locator("tr.finding-row .decision").all_inner_texts()) == {"open"}
    laptop.click(".status-tabs .tab[data-status=all]")
    laptop.wait_for_url("**status=all**")
    assert fid in laptop.locator("tr.finding-row").evaluate_all("rows => rows.map(r => r.dataset.finding)")


def test_pdf_page_image_sits_beside_the_parsed_table(served, laptop) -> None:
    url, store = served
    fid, _ = first_finding(store, "r.format = 'pdf' AND f.family = 't3_result_total'")
    laptop.goto(f"{url}/findings/{fid}")
    laptop.wait_for_function("document.querySelector('img.pdf-page') && document.querySelector('img.pdf-page').complete")
    table = laptop.locator("table.report-table").first.bounding_box()
    wrap = laptop.locator(".grid-wrap").first.bounding_box()
    image = laptop.locator("img.pdf-page").first.bounding_box()
    assert image["x"] >= wrap["x"] + wrap["width"] - 1  # to the right of the table's pane
    assert image["y"] < table["y"] + table["height"] and table["y"] < image["y"] + image["height"]  # same band
    assert image["x"] + image["width"] <= LAPTOP["width"] and image["width"] >= 360  # on screen, readable
    assert image["y"] < LAPTOP["height"]  # starts above the fold
