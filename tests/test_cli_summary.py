"""`nianbao summary` without output files lists the store's findings on the terminal."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nianbao.cli import app

from sample_data import SAMPLES, SEED

runner = CliRunner()


def test_summary_prints_findings_of_the_store(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "p2020.html").write_bytes((SAMPLES / "pingtan-2020-html/source.html").read_bytes())
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    store = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["run", str(folder), "--store", str(store), "--workers", "1"])
    assert res.exit_code == 1, res.output  # both read; the 2020 report has findings
    res = runner.invoke(app, ["summary", "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert "2 reports (2 ok)" in res.output
    assert "p2020.html" in res.output and "NB103" in res.output
    assert "NB103 error T3.handled_total.natural: expected 26, found 20 — " in res.output
    assert "seed.txt" not in res.output  # the seed has no findings
