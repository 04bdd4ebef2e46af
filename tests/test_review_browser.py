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
