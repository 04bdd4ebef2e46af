"""`nianbao rules` and `nianbao rule CODE`."""

from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.reconcile import catalog

runner = CliRunner()


def test_rules_lists_every_rule():
    result = runner.invoke(app, ["rules"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for r in catalog():
        assert r.code in result.output
    assert "t3_result_total" in result.output and "copied_narrative" in result.output


def test_rules_family_filter_and_config(tmp_path):
    cfg = tmp_path / "nianbao.toml"
    cfg.write_text('[rules]\ndisable = ["NB101"]\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "--family", "t3_balance", "--config", str(cfg)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "NB101 (off)" in result.output and "NB102" not in result.output


def test_rule_explains_one_rule():
    result = runner.invoke(app, ["rule", "nb103"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "（七）总计" in result.output and "result rows" in result.output
    assert "passes:" in result.output and "fails:" in result.output
    assert "[rules.NB103]" in result.output


def test_unknown_rule_and_bad_config_exit_2(tmp_path):
    assert runner.invoke(app, ["rule", "NB999"]).exit_code == 2
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[rules]\ndisable = ["NB999"]\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "--config", str(cfg)])
    assert result.exit_code == 2 and "unknown rule code" in result.output


def test_rules_as_json():
    import json

    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0
    rules = json.loads(result.output)
    assert [r["code"] for r in rules] == [r.code for r in catalog()]
    nb603 = next(r for r in rules if r["code"] == "NB603")
    assert nb603["options"] == {"threshold": 0.5, "similarity": 0.9} and nb603["scope"] == "corpus"
    assert all(r["explain_zh"] and r["explain_en"] and r["passing"] and r["failing"] for r in rules)
