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
    # the examples are the cases of its fixture, and what the rule says on the failing one
    assert "from corpus/samples/pingtan-2023-html" in result.output
    assert "→ NB103 error T3.handled_total.natural: expected 26, found 20" in result.output
    assert "→ NB103 error T3.handled_total.total: expected 27, found 21" in result.output


PLUGIN_WITH_FIXTURE = '''
from pathlib import Path

from nianbao.reconcile import rule


@rule("X902", name="too_many_unable", family="narrative_vs_table", severity="info",
      summary="More than a third of requests could not be answered",
      zh="无法提供的申请超过三分之一。", en="Over a third of requests ended 'unable to provide'.",
      fixture=Path(__file__).with_name("X902.json"))
def too_many_unable(ctx):
    unable, handled = ctx.value("T3.unable.not_held.total") or 0, ctx.value("T3.handled_total.total") or 0
    if handled and unable * 3 > handled:
        yield ctx.finding("无法提供过多。", expected=handled / 3, found=unable, cells=["T3.unable.not_held.total"])
'''


def test_a_plugin_rule_shows_the_cases_of_its_own_fixture(tmp_path):
    import json

    (tmp_path / "myrules_fixturetest.py").write_text(PLUGIN_WITH_FIXTURE, encoding="utf-8")
    t3 = lambda unable: {"T3": {"unable.not_held.total": unable, "handled_total.total": 81}}  # noqa: E731
    case = lambda zh, unable, **extra: {"zh": zh, "source": "pingtan-2023 T3", **extra,  # noqa: E731
                                        "report": {"layout": "2021", "tables": t3(unable)}}
    (tmp_path / "X902.json").write_text(json.dumps({
        "rule": "X902",
        "passing": case("无法提供 20 件，办结 81 件", 20),
        "failing": case("无法提供 31 件，办结 81 件", 31, findings=[{"code": "X902", "cells": ["T3.unable.not_held.total"]}]),
    }, ensure_ascii=False), encoding="utf-8")
    cfg = tmp_path / "nianbao.toml"
    cfg.write_text('[rules]\nplugins = ["myrules_fixturetest:too_many_unable"]\n', encoding="utf-8")
    result = runner.invoke(app, ["rule", "X902", "--config", str(cfg)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "passes: 无法提供 20 件，办结 81 件" in result.output
    assert "→ X902 info T3.unable.not_held.total: expected 27, found 31" in result.output
    # a fixture that cannot be used is a message, not a traceback (a rule reads its fixture once)
    (tmp_path / "myrules_badfixture.py").write_text(PLUGIN_WITH_FIXTURE.replace("X902", "X903"), encoding="utf-8")
    (tmp_path / "X903.json").write_text("{", encoding="utf-8")
    cfg.write_text('[rules]\nplugins = ["myrules_badfixture:too_many_unable"]\n', encoding="utf-8")
    result = runner.invoke(app, ["rule", "X903", "--config", str(cfg)], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "not valid JSON" in result.output


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
