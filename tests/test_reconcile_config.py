"""nianbao.toml: disable, options, severity, user rules from the config and from entry points."""

import textwrap
from pathlib import Path

import pytest

from nianbao.reconcile import ConfigError, catalog, load_config, reconcile
from nianbao.reconcile import rulebook
from nianbao.evaluation.findings import result_from_gold

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"

USER_RULE = '''
from nianbao.reconcile import rule


@rule("X900", name="too_many_unable", family="narrative_vs_table", severity="info",
      summary="More than a third of requests could not be answered",
      zh="无法提供的申请超过三分之一。", en="Over a third of requests ended 'unable to provide'.")
def too_many_unable(ctx):
    unable = sum(ctx.value(f"T3.unable.{k}.total") or 0 for k in ("not_held", "needs_creation", "unclear"))
    handled = ctx.value("T3.handled_total.total") or 0
    if handled and unable * 3 > handled:
        yield ctx.finding(f"无法提供 {unable} 件，超过办结总数 {handled} 的三分之一。",
                          expected=handled / 3, found=unable, cells=["T3.handled_total.total"])
'''


def project(tmp_path: Path, toml: str, module: str | None = None, module_name: str = "myrules_cfgtest") -> Path:
    """A user's project folder: nianbao.toml and (optionally) a rules module beside it."""
    if module is not None:
        (tmp_path / f"{module_name}.py").write_text(module, encoding="utf-8")
    path = tmp_path / "nianbao.toml"
    path.write_text(textwrap.dedent(toml), encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.disable == set() and config.path is None


def test_disable_and_tolerance_and_severity(tmp_path):
    path = project(tmp_path, """
        [rules]
        disable = ["NB103"]

        [rules.NB201]
        tolerance = 0.5
        severity = "warning"
    """)
    config = load_config(path)
    r = result_from_gold(SAMPLES / "pingtan-2020-html")
    assert [f.code for f in reconcile(r)] == ["NB103", "NB103", "NB203"]
    assert [f.code for f in reconcile(r, config)] == ["NB203"]
    r25 = result_from_gold(SAMPLES / "pingtan-2025-html")
    r25.claims[0].metric, r25.claims[0].value = "T3.new_received.total", 154.4
    assert reconcile(r25, config) == []
    r25.claims[0].value = 156
    [f] = reconcile(r25, config)
    assert (f.code, f.severity) == ("NB201", "warning")
    # reconcile also takes the path or the parsed dict
    assert [f.code for f in reconcile(r, str(path))] == ["NB203"]
    assert [f.code for f in reconcile(r, {"rules": {"disable": ["NB203"]}})] == ["NB103", "NB103"]


@pytest.mark.parametrize("toml, words", [
    ('[rules]\ndisable = ["NB999"]', "unknown rule code"),
    ("[rules\ndisable = 1", "not valid TOML"),
    ('[rules]\ndisable = "NB101"', "list of strings"),
    ('[rules.NB101]\nseverity = "fatal"', "severity"),
    ('[rules]\nplugins = ["no_such_module_xyz:rule"]', "cannot be imported"),
    ('[rules]\nplugins = ["no_colon"]', "module:function"),
])
def test_config_errors_say_what_to_fix(tmp_path, toml, words):
    path = project(tmp_path, toml)
    with pytest.raises(ConfigError, match=words):
        catalog(load_config(path))


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_user_rule_named_in_the_config_runs_without_changing_nianbao(tmp_path):
    path = project(tmp_path, """
        [rules]
        plugins = ["myrules_cfgtest:too_many_unable"]
    """, USER_RULE)
    config = load_config(path)
    assert "X900" in [r.code for r in catalog(config)]
    r = result_from_gold(SAMPLES / "pingtan-2023-html")  # 无法提供 31 of 81
    assert reconcile(r) == []
    [f] = reconcile(r, config)
    assert (f.code, f.rule, f.family, f.severity, f.found) == ("X900", "too_many_unable", "narrative_vs_table", "info", 31)
    assert f.evidence["cells"][0]["ref"] == "T3.handled_total.total"
    # the user rule can be switched off like any other
    config.disable.add("X900")
    assert reconcile(r, config) == []


def test_user_rule_from_an_entry_point(tmp_path, monkeypatch, request):
    (tmp_path / "myrules_eptest.py").write_text(USER_RULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))

    class FakeEntryPoint:
        name, value = "too_many_unable", "myrules_eptest:too_many_unable"

        def load(self):
            import myrules_eptest

            return myrules_eptest.too_many_unable

    monkeypatch.setattr(rulebook, "entry_points", lambda group: [FakeEntryPoint()] if group == "nianbao.rules" else [])
    rulebook.entry_point_rules.cache_clear()  # installed rules are read once per process
    request.addfinalizer(rulebook.entry_point_rules.cache_clear)
    r = result_from_gold(SAMPLES / "pingtan-2023-html")
    assert [f.code for f in reconcile(r)] == ["X900"]


def test_plugin_must_be_a_rule(tmp_path):
    path = project(tmp_path, '[rules]\nplugins = ["myrules_plain:helper"]', "def helper(ctx):\n    return []\n",
                   module_name="myrules_plain")
    with pytest.raises(ConfigError, match="decorate the function"):
        catalog(load_config(path))


def test_duplicate_code_is_refused(tmp_path):
    module = USER_RULE.replace('"X900"', '"NB101"')
    path = project(tmp_path, '[rules]\nplugins = ["myrules_dup:too_many_unable"]', module, module_name="myrules_dup")
    with pytest.raises(ConfigError, match="defined twice"):
        catalog(load_config(path))


def test_a_crashing_rule_becomes_a_message_and_the_others_still_run(tmp_path):
    broken = USER_RULE.replace("X900", "X901").replace(
        "unable = sum", "raise RuntimeError('boom')\n    unable = sum")
    (tmp_path / "myrules_broken.py").write_text(broken, encoding="utf-8")
    path = tmp_path / "nianbao.toml"
    path.write_text('[rules]\nplugins = ["myrules_broken:too_many_unable"]\n', encoding="utf-8")
    r = result_from_gold(SAMPLES / "pingtan-2020-html")
    findings = reconcile(r, load_config(path))
    assert [f.code for f in findings] == ["NB103", "NB103", "NB203"]
    [m] = [m for m in r.messages if m.code == "rule-failed"]
    assert "X901" in m.text and "boom" in m.text


def test_example_config_at_the_repo_root_is_valid():
    example = Path(__file__).resolve().parent.parent / "nianbao.toml.example"
    config = load_config(example)
    codes = {r.code for r in catalog(config)}
    assert config.disable <= codes and set(config.options) <= codes
    from nianbao.settings import Settings

    settings = Settings.load(example)  # every section of the example is a known one
    assert settings.rules.disable == config.disable and settings.classify and settings.decode_seconds == 2.0
