"""What a new user meets first (issue 19): whole lines when piped, exit statuses, bad inputs, busy stores.

The commands run as a user runs them: in a subprocess whose output is a pipe,
with no terminal and no COLUMNS in the environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.corpus.run import run_corpus
from nianbao.corpus.store import Store
from nianbao.pipeline import check as check_file

from sample_data import SAMPLES, SEED

runner = CliRunner()
P2020 = SAMPLES / "pingtan-2020-html" / "source.html"


def piped(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`nianbao ARGS | cat`: no terminal, no COLUMNS."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


def test_piped_check_prints_each_finding_on_one_whole_line():
    res = piped("check", "--no-classify", str(P2020))
    assert res.returncode == 1, res.stderr
    lines = res.stdout.splitlines()
    nb103 = [ln for ln in lines if "NB103" in ln]
    assert len(nb103) == 2
    # The message, its figures and its cell are on the finding's own line, never wrapped at 80 columns.
    assert all("请核对" not in ln or "NB" in ln for ln in lines)
    assert any("NB103 error T3.handled_total.natural: expected 26, found 20 — " in ln and ln.rstrip().endswith("。")
               for ln in nb103)
    assert max(len(ln) for ln in lines) > 80  # whole lines, not cut to the default console width
    assert not any(set(ln.strip()) <= set("─") and ln.strip() for ln in lines)  # no rules drawn across a pipe


def test_piped_rules_is_one_tab_separated_line_per_rule():
    res = piped("rules")
    assert res.returncode == 0, res.stderr
    rows = [ln.split("\t") for ln in res.stdout.splitlines() if ln.startswith("NB")]
    assert len(rows) >= 15
    assert all(len(r) == 6 for r in rows)
    nb103 = next(r for r in rows if r[0] == "NB103")
    assert nb103[5].startswith("T3 result total per column") and nb103[5].endswith("Σ（六）")


def test_piped_evaluate_keeps_report_rows_whole():
    res = piped("evaluate", str(SAMPLES / "pingtan-2023-html"), str(SAMPLES / "jinshui-sfj-2023-txt"))
    assert res.returncode == 0, res.stderr
    rows = [ln.split("\t") for ln in res.stdout.splitlines() if ln.startswith(("pingtan-2023-html", "jinshui"))]
    assert [r[0] for r in rows] == ["pingtan-2023-html", "jinshui-sfj-2023-txt"]
    assert all(len(r) == 9 and r[3] == "1.000" for r in rows)


def test_an_error_message_is_printed_once(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = piped("check", str(empty), str(SEED))
    assert res.returncode == 2
    both = res.stdout + res.stderr
    assert both.count("the file is empty") == 1
    assert "1 of 2 file(s) not fully read" in res.stderr and str(empty) in res.stderr


def test_a_fake_pdf_is_said_not_to_be_a_pdf(tmp_path: Path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(os.urandom(4096))
    res = runner.invoke(app, ["check", "--json", str(fake)])
    assert res.exit_code == 2
    message = json.loads(res.stdout)["messages"][0]
    assert "is not a PDF" in message["text"] and "decod" not in message["text"]


def test_a_huge_text_file_is_refused_at_once_with_a_reason(tmp_path: Path):
    # 20 MB of real report text, repeated: far beyond any annual report.
    big = tmp_path / "big.txt"
    chunk = SEED.read_bytes()
    big.write_bytes(chunk * (20 * 2**20 // len(chunk)))
    res = runner.invoke(app, ["check", "--json", str(big)])
    assert res.exit_code == 2
    message = json.loads(res.stdout)["messages"][0]
    assert message["code"] == "ingest" and "far more than any annual report" in message["text"]


def test_run_exit_status_says_whether_every_file_was_read(tmp_path: Path):
    clean, findings, broken = tmp_path / "clean", tmp_path / "findings", tmp_path / "broken"
    for folder in (clean, findings, broken):
        folder.mkdir()
    (clean / "seed.txt").write_bytes(SEED.read_bytes())
    (findings / "p2020.html").write_bytes(P2020.read_bytes())
    (broken / "seed.txt").write_bytes(SEED.read_bytes())
    (broken / "empty.txt").write_bytes(b"")
    codes = {}
    for folder in (clean, findings, broken):
        res = runner.invoke(app, ["run", str(folder), "--store", str(tmp_path / f"{folder.name}.duckdb"),
                                  "--workers", "1", "--no-progress"])
        codes[folder.name] = res.exit_code
    assert codes == {"clean": 0, "findings": 1, "broken": 2}
    # Running again with nothing to do reports the same state of the same files.
    again = runner.invoke(app, ["run", str(broken), "--store", str(tmp_path / "broken.duckdb"), "--no-progress"])
    assert again.exit_code == 2 and "checked now" in again.output


def test_run_with_nothing_to_do_starts_no_workers_and_skips_the_corpus_checks(tmp_path: Path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    db = tmp_path / "s.duckdb"
    first = run_corpus(folder, db, workers=1, progress=False)
    assert first.processed == 1 and first.corpus_findings is not None

    from nianbao.corpus.engines import local

    def no_start(self):
        raise AssertionError("workers started although every file is already checked")

    monkeypatch.setattr(local.LocalEngine, "start", no_start)
    second = run_corpus(folder, db, workers=1, progress=False)
    assert second.processed == 0 and second.skipped == 1
    assert second.corpus_findings is None  # nothing changed since the last corpus checks
    assert second.target_statuses == {"ok": 1}


def test_a_killed_run_is_marked_interrupted_by_the_next(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:  # a run that started and was killed before finishing
        store.start_run("killed-run", "local", 2, {}, "0")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    run_corpus(folder, db, workers=1, progress=False)
    with Store(db, read_only=True) as store:
        rows = dict(store.con.execute("SELECT run_id, status FROM runs").fetchall())
    assert rows.pop("killed-run") == "interrupted"
    assert list(rows.values()) == ["finished"]


def test_a_busy_store_is_named_not_a_traceback(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    db = tmp_path / "s.duckdb"
    run_corpus(folder, db, workers=1, progress=False)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "time.sleep(60)", str(db)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"ready"
        for args in (["summary", "--store", str(db)], ["run", str(folder), "--store", str(db), "--no-progress"]):
            res = piped(*args)
            assert res.returncode == 2, args
            assert f"in use by process {holder.pid}" in res.stderr and "Traceback" not in res.stderr
            assert "IOException" not in res.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_findings_come_in_report_order_whatever_order_they_were_found_in(monkeypatch):
    # Twins of one report (HTML and copied text) find the same things in different orders
    # (paragraphs, claims and table cells are met in another sequence); the output must not differ.
    from nianbao import reconcile
    from nianbao.pipeline import check

    html = check(SAMPLES / "pingtan-2020-html" / "source.html", classify=False)
    txt = check(SAMPLES / "pingtan-2020-txt" / "source.txt", classify=False)
    expected = [(f.code, f.cells) for f in html.findings]
    assert expected[:2] == [("NB103", ["T3.handled_total.natural"]), ("NB103", ["T3.handled_total.total"])]
    for result in (html, txt):
        result.findings = list(reversed(result.findings))
        real = reconcile.rulebook.active_rules
        monkeypatch.setattr(reconcile, "active_rules", lambda cfg, scope: list(reversed(real(cfg, scope))))
        analysis = reconcile.arithmetic._analyse
        monkeypatch.setattr(reconcile.arithmetic, "_analyse", lambda ctx: list(reversed(analysis(ctx))))
        assert [(f.code, f.cells) for f in reconcile.reconcile(result)] == expected
        monkeypatch.undo()


def test_summary_prints_the_twins_findings_in_the_same_order(tmp_path: Path):
    # The store gives rows back in no particular order; summary must print a report's findings as
    # `check` does, so the HTML page and its copied text read alike.
    folder = tmp_path / "in"
    for name in ("pingtan-2020-html", "pingtan-2020-txt"):
        (folder / name).mkdir(parents=True)
        for f in (SAMPLES / name).iterdir():
            if f.name.startswith("source."):
                (folder / name / f.name).write_bytes(f.read_bytes())
    db = tmp_path / "s.duckdb"
    run_corpus(folder, db, workers=1, progress=False)
    res = piped("summary", "--store", str(db))
    blocks = res.stdout.split("\n\n")
    codes = [[line.split(" — ")[0].strip() for line in b.splitlines() if line.startswith("  NB")] for b in blocks]
    codes = [c for c in codes if c]
    assert len(codes) == 2 and codes[0] == codes[1], res.stdout
    expected = [str(f).split(" — ")[0] for f in check_file(P2020).findings]
    assert codes[0] == expected


def _report_with_t3_as_a_picture(tmp_path: Path) -> Path:
    """pingtan-2023 as published, but with T3 pasted as a picture (as some agencies do)."""
    import re

    html = (SAMPLES / "pingtan-2023-html" / "source.html").read_text(encoding="utf-8")
    tables = [m for m in re.finditer(r"<table\b.*?</table>", html, flags=re.S | re.I)]
    t3 = next(m for m in tables if "本年新收" in m.group(0))
    page = tmp_path / "t3-picture.html"
    page.write_text(html[: t3.start()] + '<p><img src="t3.png" alt=""></p>' + html[t3.end():], encoding="utf-8")
    return page


def test_a_report_whose_table_could_not_be_read_is_never_a_silent_pass(tmp_path: Path):
    page = _report_with_t3_as_a_picture(tmp_path)
    res = runner.invoke(app, ["check", "--json", str(page)])
    assert res.exit_code == 2
    data = json.loads(res.stdout)
    assert data["status"] == "partial" and data["table_status"]["T3"] == "unreadable"
    assert any(m["code"] == "tables-not-read" and "T3" in m["text"] for m in data["messages"])
    assert not any(f["code"] == "NB301" for f in data["findings"])  # the report has its T3: not "missing"
    # In a corpus run: its own status in the store, counted by summary, exit status 2.
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "t3-picture.html").write_bytes(page.read_bytes())
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    db = tmp_path / "s.duckdb"
    ran = runner.invoke(app, ["run", str(folder), "--store", str(db), "--workers", "1", "--no-progress"])
    assert ran.exit_code == 2, ran.output
    with Store(db, read_only=True) as store:
        statuses = {Path(r["path"]).name: r["status"] for r in store.reports()}
    assert statuses == {"t3-picture.html": "partial", "seed.txt": "ok"}
    summary = runner.invoke(app, ["summary", "--store", str(db)])
    assert "1 report: tables not read" in summary.output


def test_a_report_that_lacks_a_table_gets_nb301_not_an_error(tmp_path: Path):
    import re

    html = (SAMPLES / "pingtan-2023-html" / "source.html").read_text(encoding="utf-8")
    t4 = next(m for m in re.finditer(r"<table\b.*?</table>", html, flags=re.S | re.I) if "结果维持" in m.group(0))
    page = tmp_path / "no-t4.html"
    page.write_text(html[: t4.start()] + html[t4.end():], encoding="utf-8")
    result = json.loads(runner.invoke(app, ["check", "--json", str(page)]).stdout)
    assert result["status"] == "ok" and result["table_status"]["T4"] == "absent"
    assert [f["code"] for f in result["findings"] if f["family"] == "missing"] == ["NB301"]
