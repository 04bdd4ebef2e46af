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
