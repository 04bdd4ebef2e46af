"""Corpus runs on the real samples: discovery, resumability, failures, kill -9, Dask."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from nianbao.corpus.run import discover, run_corpus
from nianbao.corpus.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
THIS = "test_corpus_run"  # this module, importable by workers (pytest puts tests/ on sys.path)


# ---- per-file check functions the workers call (by name) --------------------
def misbehaving_check(path: Path, settings=None):
    """The real pipeline, except for files that ask to hang or to crash."""
    from nianbao.pipeline import check

    text = Path(path).read_bytes()
    if b"NIANBAO-TEST-HANG" in text:
        time.sleep(600)
    if b"NIANBAO-TEST-CRASH" in text:
        os.kill(os.getpid(), signal.SIGKILL)
    return check(path, settings)


def slow_check(path: Path, settings=None):
    """The real pipeline plus 0.15 s, logging each file so a test can kill the
    run half way."""
    from nianbao.pipeline import check

    time.sleep(0.15)
    result = check(path, settings)
    log = os.environ.get("NIANBAO_TEST_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{path}\n")
    return result


# ---- helpers -------------------------------------------------------------
def copy_samples(dest: Path, names: list[str] | None = None) -> list[Path]:
    out = []
    for folder in sorted(SAMPLES.iterdir()):
        if folder.is_dir() and (names is None or folder.name in names):
            src = next(folder.glob("source.*"))
            target = dest / folder.name / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target)
            shutil.copy(folder / "meta.json", target.parent / "meta.json")
            out.append(target)
    return out


def variants(dest: Path, n: int) -> list[Path]:
    """``n`` distinct real reports: samples with a distinct trailing line."""
    sources = sorted(SAMPLES.glob("*/source.txt"))
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        target = dest / f"v{i:03d}_{src.parent.name}.txt"
        target.write_bytes(src.read_bytes() + f"\n附：副本 {i}\n".encode())
        out.append(target)
    return out


def store_snapshot(db: Path) -> dict[str, list[tuple]]:
    """Store content without the per-run columns (run id, timings, timestamps)."""
    with Store(db, read_only=True) as store:
        con = store.con
        return {
            "reports": con.execute(
                "SELECT report_id, path, format, agency, agency_norm, year, layout, status, error, "
                "nianbao_version, result_json::VARCHAR, n_cells, n_claims, n_paragraphs, n_findings "
                "FROM reports ORDER BY report_id"
            ).fetchall(),
            "cells": con.execute("SELECT * FROM cells ORDER BY ALL").fetchall(),
            "claims": con.execute("SELECT * FROM claims ORDER BY ALL").fetchall(),
            "paragraphs": con.execute("SELECT * FROM paragraphs ORDER BY ALL").fetchall(),
            "findings": con.execute(
                "SELECT * EXCLUDE (created_at) FROM findings ORDER BY finding_id"
            ).fetchall(),
        }


def assert_each_report_once(db: Path, expected: int) -> None:
    with Store(db, read_only=True) as store:
        con = store.con
        assert con.execute("SELECT count(*), count(DISTINCT report_id) FROM reports").fetchone() == (expected, expected)
        dup_cells = con.execute(
            "SELECT count(*) FROM (SELECT report_id, table_name, key FROM cells GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        dup_paras = con.execute(
            "SELECT count(*) FROM (SELECT report_id, idx FROM paragraphs GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        orphans = con.execute(
            "SELECT count(*) FROM paragraphs WHERE report_id NOT IN (SELECT report_id FROM reports)"
        ).fetchone()[0]
        assert (dup_cells, dup_paras, orphans) == (0, 0, 0)


# ---- tests ---------------------------------------------------------------
def test_discover_folders_zips_and_manifests(tmp_path: Path) -> None:
    files = copy_samples(tmp_path / "tree", ["pingtan-2023-html", "pingtan-2023-txt", "jinshui-sfj-2023-txt"])
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.write(files[0], "内层/2023.txt")
    with zipfile.ZipFile(tmp_path / "tree" / "batch.zip", "w") as z:
        z.write(files[1], "平潭/2023.html")
        z.writestr("nested.zip", inner.getvalue())
        z.writestr("readme.md", "not a report")
    tasks = list(discover(tmp_path / "tree"))
    names = sorted(Path(t.display).name if "!" not in t.display else t.display.split("!", 1)[1] for t in tasks)
    assert names == sorted(["source.html", "source.txt", "source.txt", "平潭/2023.html", "nested.zip!内层/2023.txt"])
    assert all(t.data is not None for t in tasks if "!" in t.display)

    manifest = tmp_path / "list.lst"
    manifest.write_text(f"# two reports\n{files[0]}\ntree/batch.zip\n", encoding="utf-8")
    assert len(list(discover(manifest))) == 3


def test_run_is_idempotent_and_records_bad_files(tmp_path: Path) -> None:
    copy_samples(tmp_path / "in", ["pingtan-2020-html", "pingtan-2021-txt", "jinshui-sfj-2023-txt"])
    shutil.copy(SAMPLES / "pingtan-2021-txt" / "source.txt", tmp_path / "in" / "same-bytes-again.txt")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    db = tmp_path / "c.duckdb"

    first = run_corpus(tmp_path / "in", db, workers=2, progress=False)
    assert (first.found, first.duplicates, first.processed) == (6, 1, 5)
    assert first.statuses["ok"] == 3 and first.statuses["error"] == 2
    with Store(db, read_only=True) as store:
        rows = {Path(r["path"]).name: r for r in store.reports()}
        assert rows["empty.txt"]["status"] == "error" and rows["empty.txt"]["error"]
        assert rows["source.html"]["year"] == 2020 and rows["source.html"]["n_cells"] > 0
        t3 = store.read_result(rows["source.html"]["report_id"]).tables["T3"]
        assert t3.value("new_received.total") is not None
    before = store_snapshot(db)

    again = run_corpus(tmp_path / "in", db, workers=2, progress=False)
    assert (again.skipped, again.processed) == (5, 0)
    assert store_snapshot(db) == before
    retry = run_corpus(tmp_path / "in", db, workers=1, progress=False, retry_failed=True)
    assert retry.processed == 2  # only the two failures are re-checked

    # A report stored by another nianbao version is re-checked, and only that one.
    with Store(db) as store:
        store.con.execute("UPDATE reports SET nianbao_version = '0.0.0-old' WHERE path LIKE '%2021%'")
    upgraded = run_corpus(tmp_path / "in", db, workers=1, progress=False)
    assert (upgraded.processed, upgraded.skipped) == (1, 4)
    assert_each_report_once(db, 5)


def test_timeout_and_crash_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    copy_samples(tmp_path / "in", ["pingtan-2023-txt", "pingtan-2025-txt"])
    src = (SAMPLES / "pingtan-2021-txt" / "source.txt").read_bytes()
    (tmp_path / "in" / "hangs.txt").write_bytes(src + b"\nNIANBAO-TEST-HANG\n")
    (tmp_path / "in" / "crashes.txt").write_bytes(src + b"\nNIANBAO-TEST-CRASH\n")
    db = tmp_path / "c.duckdb"
    t0 = time.monotonic()
    summary = run_corpus(tmp_path / "in", db, workers=2, timeout=3, progress=False, check=f"{THIS}:misbehaving_check")
    assert time.monotonic() - t0 < 30
    with Store(db, read_only=True) as store:
        status = {Path(r["path"]).name: (r["status"], r["error"]) for r in store.reports()}
    assert status["hangs.txt"][0] == "timeout" and "3 s" in status["hangs.txt"][1]
    assert status["crashes.txt"][0] == "crashed" and "SIGKILL" in status["crashes.txt"][1]
    assert status["source.txt"][0] == "ok"
    assert summary.statuses == {"ok": 2, "timeout": 1, "crashed": 1}


def test_sigkill_half_way_then_restart_holds_each_report_once(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    files = variants(tmp_path / "in", 40)
    db = tmp_path / "c.duckdb"
    log = tmp_path / "done.log"
    code = (
        "from nianbao.corpus.run import run_corpus; "
        f"run_corpus({str(tmp_path / 'in')!r}, {str(db)!r}, workers=2, batch_size=3, progress=False, "
        f"check='{THIS}:slow_check')"
    )
    env = dict(os.environ, NIANBAO_TEST_LOG=str(log), PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), *sys.path]))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and len(log.read_text().splitlines()) >= len(files) // 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the run, its forkserver and its workers
    finally:
        proc.wait(10)
    checked_before_kill = len(log.read_text().splitlines())
    assert 0 < checked_before_kill < len(files)

    resumed = run_corpus(tmp_path / "in", db, workers=2, progress=False)
    assert resumed.skipped > 0 and resumed.skipped + resumed.processed == len(files)
    assert_each_report_once(db, len(files))
    with Store(db, read_only=True) as store:
        assert store.counts()["ok"] == len(files)


def test_dask_engine_writes_the_same_store_as_local(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    copy_samples(tmp_path / "in", ["pingtan-2020-html", "pingtan-2020-txt", "pingtan-2023-html", "jinshui-sfj-2023-txt"])
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    local_summary = run_corpus(tmp_path / "in", tmp_path / "local.duckdb", workers=2, progress=False)
    assert 0 < local_summary.first_result_s <= local_summary.seconds  # start-up, as the benchmark reports it
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None
    ) as cluster:
        # By address over loopback TCP, as `nianbao run --engine dask --scheduler tcp://…` does.
        summary = run_corpus(
            tmp_path / "in", tmp_path / "dask.duckdb", engine="dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert summary.processed == 5
    local, dask = store_snapshot(tmp_path / "local.duckdb"), store_snapshot(tmp_path / "dask.duckdb")
    assert len(local["reports"]) == 5 and len(local["cells"]) > 0
    assert dask == local
