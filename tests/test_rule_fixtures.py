"""Every rule alone on its fixture (src/nianbao/reconcile/fixtures/CODE.json), as ruff tests a rule.

With only that rule enabled, the passing case raises nothing and the failing case raises exactly
the findings the fixture names.  A rule without a fixture fails here: a new rule needs one.
The fixtures are real report excerpts (each case's ``source`` says which, and what was changed).
"""

from __future__ import annotations

import json

import pytest

from nianbao.reconcile import catalog, run_alone
from nianbao.reconcile.fixtures import PACKAGED, FixtureError, load_fixture, packaged_codes

RULES = catalog(with_entry_points=False)

# Known misbehaviour, kept visible instead of hidden: strict, so fixing the rule fails this until
# the mark is removed.
KNOWN: dict[str, str] = {}


def params(kind: str) -> list:
    return [pytest.param(r, id=r.code, marks=[pytest.mark.xfail(strict=True, reason=KNOWN[r.code])]
                         if kind == "failing" and r.code in KNOWN else []) for r in RULES]


@pytest.mark.parametrize("rule", params("any"))
def test_every_rule_has_a_fixture_of_its_scope(rule):
    assert rule.fixture is not None, (
        f"rule {rule.code} has no fixture: add src/nianbao/reconcile/fixtures/{rule.code}.json "
        "with a passing and a failing case (see reconcile/fixtures/__init__.py)")
    assert rule.fixture.rule == rule.code
    assert rule.passing.corpus == (rule.scope == "corpus")


def test_every_fixture_belongs_to_a_rule():
    assert packaged_codes() == [r.code for r in RULES]


@pytest.mark.parametrize("rule", params("passing"))
def test_passing_case_raises_nothing(rule):
    results = rule.passing.results()
    assert [str(f) for f in run_alone(rule, results)] == []
    assert [m.text for r in results for m in r.messages] == []


def as_named(finding, result, named: dict) -> dict:
    """The finding in the fixture's terms, keeping what the fixture names (code and cells at least)."""
    full = {"code": finding.code, "cells": finding.cells, "expected": finding.expected, "found": finding.found,
            "claims": [result.claims[i].text for i in finding.claims]}
    return {k: full[k] for k in named}


@pytest.mark.parametrize("rule", params("failing"))
def test_failing_case_raises_exactly_the_named_findings(rule):
    results = rule.failing.results()
    findings = run_alone(rule, results)
    assert [m.text for r in results for m in r.messages] == []
    unmatched = list(findings)
    for named in rule.failing.findings:
        match = next((f for f in unmatched if as_named(f, results[-1], named) == named), None)
        assert match is not None, f"{rule.code} failing case: no finding {named}; got {[str(f) for f in findings]}"
        unmatched.remove(match)
    assert [str(f) for f in unmatched] == [], f"{rule.code} failing case raised findings the fixture does not name"


def test_the_examples_of_a_rule_are_its_fixture_cases():
    rule = next(r for r in RULES if r.code == "NB103")
    assert rule.passing.text == rule.fixture.passing.zh and "pingtan-2023" in rule.passing.note
    assert "26" in rule.failing.text and "pingtan-2020" in rule.failing.note


def test_a_fixture_that_cannot_be_used_says_what_to_fix(tmp_path):
    fixture = json.loads((PACKAGED / "NB102.json").read_text(encoding="utf-8"))
    path = tmp_path / "NB102.json"

    def message(data) -> str:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(FixtureError) as err:
            load_fixture(path)
        return str(err.value)

    assert "name the findings" in message({**fixture, "failing": {**fixture["failing"], "findings": []}})
    assert "unknown key(s) tabels" in message(
        {**fixture, "passing": {**fixture["passing"], "report": {"layout": "2019", "tabels": {}}}})
    assert "previous" in message({**fixture, "passing": {**fixture["passing"], "previous": {"layout": "2019"}}})
    path.write_text("{", encoding="utf-8")
    with pytest.raises(FixtureError, match="not valid JSON"):
        load_fixture(path)
