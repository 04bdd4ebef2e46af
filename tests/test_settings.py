"""One Settings built at the edge: `check` and `run` (local and Dask) give the same findings under one nianbao.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.corpus.run import run_corpus
from nianbao.corpus.store import Store
from nianbao.settings import ConfigError, Settings

from sample_data import SAMPLES, SEED

runner = CliRunner()

# NB203 (a narrative sum off by one in pingtan-2020) switched off, NB103 downgraded to a warning.
TOML = """
[rules]
disable = ["NB203"]
[rules.NB103]
severity = "warning"
[classifier]
enabled = false
"""


def _findings_of_check(files: list[Path], config: Path) -> dict[str, list[tuple]]:
    res = runner.invoke(app, ["check", "--json", "--config", str(config), *map(str, files)])
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    return {Path(d["source"]).name: sorted((f["code"], f["severity"], tuple(f["cells"])) for f in d["findings"])
            for d in data}


def _findings_of_store(db: Path) -> dict[str, list[tuple]]:
    with Store(db, read_only=True) as store:
        rows = store.con.execute(
            "SELECT r.path, f.code, f.severity, f.cells FROM findings f JOIN reports r USING (report_id) "
            "WHERE f.scope = 'report'").fetchall()
        paths = [r[0] for r in store.con.execute("SELECT path FROM reports").fetchall()]
    out: dict[str, list[tuple]] = {Path(p).name: [] for p in paths}
    for path, code, severity, cells in rows:
        out[Path(path).name].append((code, severity, tuple(json.loads(cells))))
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_check_and_run_give_the_same_findings_under_one_settings_file(tmp_path: Path, engine: str):
    folder = tmp_path / "in"
    folder.mkdir()
    files = [folder / "p2020.html", folder / "seed.txt"]
    files[0].write_bytes((SAMPLES / "pingtan-2020-html" / "source.html").read_bytes())
    files[1].write_bytes(SEED.read_bytes())
    config = tmp_path / "nianbao.toml"
    config.write_text(TOML, encoding="utf-8")

    by_check = _findings_of_check(files, config)
    assert {code for code, *_ in by_check["p2020.html"]} == {"NB103"}  # NB203 is off
    assert {sev for _, sev, _ in by_check["p2020.html"]} == {"warning"}

    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["run", str(folder), "--store", str(db), "--config", str(config), "--engine", engine,
                              "--workers", "1", "--no-progress", "--no-corpus-checks"])
    assert res.exit_code == 1, res.output
    assert _findings_of_store(db) == by_check


def test_changing_the_settings_rechecks_stored_reports(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "p2020.html").write_bytes((SAMPLES / "pingtan-2020-html" / "source.html").read_bytes())
    db = tmp_path / "s.duckdb"
    first = run_corpus(folder, db, workers=1, progress=False, settings=Settings(classify=False))
    assert first.processed == 1
    same = run_corpus(folder, db, workers=1, progress=False, settings=Settings(classify=False))
    assert same.processed == 0
    off = Settings.load(None, search_cwd=False, classify=False, config={"rules": {"disable": ["NB203"]}})
    changed = run_corpus(folder, db, workers=1, progress=False, settings=off)
    assert changed.processed == 1
    assert "NB203" not in {f[0] for f in _findings_of_store(db)["p2020.html"]}


@pytest.mark.parametrize("text, words", [
    ("[rules]\ndisable = ['NB999']\n", ["NB999"]),
    ("[classifer]\nenabled = false\n", ["[classifer]", "[classifier]"]),
    ("[classifier]\nenable = false\n", ["enable", "enabled"]),
    ("[tables]\ndecode_seconds = 'fast'\n", ["decode_seconds", "wrong type"]),
    ("[limits]\nmax_text_mb = 0\n", ["max_text_mb", "greater than 0"]),
])
def test_unknown_or_wrong_settings_are_rejected_with_their_name(tmp_path: Path, text: str, words: list[str]):
    config = tmp_path / "nianbao.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Settings.load(config)
    assert all(w in str(info.value) for w in words), str(info.value)
    res = runner.invoke(app, ["run", str(tmp_path), "--store", str(tmp_path / "s.duckdb"), "--config", str(config)])
    assert res.exit_code == 2 and words[0] in res.output and "Traceback" not in res.output


def test_settings_are_read_at_the_edge_only(tmp_path: Path, monkeypatch):
    # A nianbao.toml in the working folder is the CLI's default, never read by the Python API.
    (tmp_path / "nianbao.toml").write_text('[rules]\ndisable = ["NB103"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from nianbao.pipeline import check

    api = check(SAMPLES / "pingtan-2020-html" / "source.html", classify=False)
    assert "NB103" in {f.code for f in api.findings}
    assert Settings.load().rules.disable == {"NB103"}
    res = runner.invoke(app, ["check", "--json", "--no-classify", str(SAMPLES / "pingtan-2020-html" / "source.html")])
    assert "NB103" not in {f["code"] for f in json.loads(res.stdout)["findings"]}
