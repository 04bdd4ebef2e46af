"""`nianbao check` and `nianbao evaluate` end to end, on the real samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.model import ReportResult

from sample_data import ROOT, SAMPLES, SEED

runner = CliRunner()
SCHEMA = json.loads((ROOT / "src/nianbao/schema/result.schema.json").read_text(encoding="utf-8"))


def test_check_seed_json_has_every_figure_and_no_arithmetic_finding():
    res = runner.invoke(app, ["check", "--json", "--no-classify", str(SEED)])
    assert res.exit_code in (0, 1), res.output
    data = json.loads(res.stdout)
    jsonschema.validate(data, SCHEMA)
    gold = json.loads((SAMPLES / "jinshui-sfj-2023-txt/gold.json").read_text(encoding="utf-8"))
    assert data["tables"] == gold["tables"]
    assert data["tables"]["T3"]["new_received.total"] == 1
    assert data["tables"]["T3"]["granted.total"] == 1
    assert data["tables"]["T3"]["handled_total.total"] == 1
    arithmetic = {"t3_balance", "t3_row_total", "t3_result_total", "t4_group_total"}
    assert not [f for f in data["findings"] if f["family"] in arithmetic]
    assert data["layout"] == "2021" and data["agency"] == "金水区司法局" and data["year"] == 2023


def test_result_json_round_trip_keeps_provenance():
    res = runner.invoke(app, ["check", "--json", "--no-classify", str(SAMPLES / "pingtan-2021-html/source.html")])
    data = json.loads(res.stdout)
    r = ReportResult.from_dict(data)
    assert r.to_dict() == data
    fig = r.figure("T3.new_received.total")
    assert fig.value == 70 and fig.prov.table is not None


def test_bad_files_do_not_stop_the_others(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"\x00\xff" * 3000)
    res = runner.invoke(app, ["check", "--json", "--no-classify", str(empty), str(SEED), str(junk)])
    assert res.exit_code == 2
    data = json.loads(res.stdout)
    assert [d["source"] for d in data] == [str(empty), str(SEED), str(junk)]
    assert data[1]["tables"]["T3"]["new_received.total"] == 1
    for bad in (data[0], data[2]):
        assert bad["messages"][0]["level"] == "error"
    assert "empty" in data[0]["messages"][0]["text"]
    assert "Traceback" not in res.output


def test_exit_status_one_when_findings(tmp_path: Path):
    # The 2020 report's printed result rows over-count （七）总计.
    res = runner.invoke(app, ["check", "--no-classify", str(SAMPLES / "pingtan-2020-html/source.html")])
    assert res.exit_code == 1, res.output
    assert "t3_result_total" in res.output or "NB" in res.output


def test_out_dir_writes_one_json_per_file(tmp_path: Path):
    res = runner.invoke(app, ["check", "--no-classify", "--out", str(tmp_path), str(SEED)])
    assert res.exit_code in (0, 1)
    written = json.loads((tmp_path / "source.txt.json").read_text(encoding="utf-8"))
    assert written["tables"]["T3"]["new_received.total"] == 1


def test_out_dir_gives_files_of_the_same_name_their_own_results(tmp_path: Path):
    # Two reports both called source.html: each keeps its own result, named after its folder.
    a, b = SAMPLES / "pingtan-2020-html/source.html", SAMPLES / "pingtan-2023-html/source.html"
    res = runner.invoke(app, ["check", "--no-classify", "--out", str(tmp_path / "o"), str(a), str(b)])
    assert res.exit_code == 1, res.output
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert names == ["pingtan-2020-html__source.html.json", "pingtan-2023-html__source.html.json"]
    years = [json.loads((tmp_path / "o" / n).read_text(encoding="utf-8"))["year"] for n in names]
    assert years == [2020, 2023]


def test_existing_output_files_are_not_overwritten_without_force(tmp_path: Path):
    first = runner.invoke(app, ["check", "--no-classify", "--out", str(tmp_path), str(SEED)])
    assert first.exit_code in (0, 1)
    result = tmp_path / "source.txt.json"
    result.write_text("kept", encoding="utf-8")
    again = runner.invoke(app, ["check", "--no-classify", "--out", str(tmp_path), str(SEED)])
    assert again.exit_code == 2 and "--force" in again.output
    assert result.read_text(encoding="utf-8") == "kept"
    csv_file = tmp_path / "f.csv"
    csv_file.write_text("mine", encoding="utf-8")
    refused = runner.invoke(app, ["check", "--no-classify", "--csv", str(csv_file), str(SEED)])
    assert refused.exit_code == 2 and csv_file.read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(app, ["check", "--no-classify", "--force", "--out", str(tmp_path), str(SEED)])
    assert forced.exit_code in (0, 1) and json.loads(result.read_text(encoding="utf-8"))["year"] == 2023


def test_evaluate_scores_every_html_and_the_seed_100_percent():
    folders = [SAMPLES / n for n in ("jinshui-sfj-2023-txt", "pingtan-2019-html", "pingtan-2020-html",
                                     "pingtan-2021-html", "pingtan-2023-html", "pingtan-2025-html")]
    res = runner.invoke(app, ["evaluate", "--json", *map(str, folders)])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["reports"]
    for r in s["reports"]:
        assert r["cells"]["accuracy"] == 1.0, (r["name"], r["cells"]["wrong"][:5])
    # The gold arithmetic findings of pingtan-2020 are found.
    f2020 = next(r for r in s["reports"] if r["name"] == "pingtan-2020-html")["findings"]
    assert f2020["t3_result_total"]["fn"] == 0


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "nianbao", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "check" in out.stdout


def test_bad_config_is_a_clear_error_not_a_traceback(tmp_path: Path):
    cfg = tmp_path / "nianbao.toml"
    cfg.write_text('[rules]\ndisable = ["NB999"]\n', encoding="utf-8")
    res = runner.invoke(app, ["check", "--config", str(cfg), str(SEED)])
    assert res.exit_code == 2
    assert "NB999" in res.output and "Traceback" not in res.output


def test_csv_and_html_exports(tmp_path: Path):
    csv_file, html_file = tmp_path / "f.csv", tmp_path / "f.html"
    res = runner.invoke(app, ["check", "--no-classify", "--csv", str(csv_file), "--html", str(html_file),
                              str(SAMPLES / "pingtan-2020-html/source.html"), str(SEED)])
    assert res.exit_code == 1
    rows = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) >= 3 and "T3.handled_total.natural" in "\n".join(rows)
    page = html_file.read_text(encoding="utf-8")
    assert "<script" not in page.lower() or "nonce" in page.lower()
    assert "T3.handled_total.total" in page


def test_a_bug_in_one_stage_becomes_an_error_for_that_file_only(monkeypatch, tmp_path: Path):
    from nianbao import claims

    def broken(_paragraphs, **_options):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(claims, "extract_claims", broken)
    res = runner.invoke(app, ["check", "--json", "--no-classify", str(SEED)])
    assert res.exit_code == 2
    data = json.loads(res.stdout)
    assert data["messages"][-1]["code"] == "internal" and "ZeroDivisionError" in data["messages"][-1]["text"]
