"""One Report flows through the stages; each declares what it reads and writes and writes only that."""

from __future__ import annotations

import dataclasses

import pytest

from nianbao import pipeline
from nianbao.model import Report, stage
from nianbao.pipeline import STAGES, StageContractError, check, run_stage
from nianbao.settings import Settings

from sample_data import SAMPLES, SEED

FIELDS = {f.name for f in dataclasses.fields(Report)}


def test_every_stage_declares_fields_of_the_report():
    assert [s.__name__ for s in STAGES] == ["load_report", "read_tables", "read_sections", "read_metadata",
                                           "label_paragraphs", "read_claims", "check_report"]
    for s in STAGES:
        assert set(s.reads) <= FIELDS and set(s.assigns) <= FIELDS, s.__name__
    # data flows one way: a stage reads only what the report starts with or an earlier stage wrote
    written = {"source", "version", "messages"}
    for s in STAGES:
        assert set(s.reads) <= written, (s.__name__, set(s.reads) - written)
        written |= set(s.assigns)


def test_the_document_stays_on_the_report_for_later_stages():
    report = check(SEED, classify=False)
    assert report.document is not None and report.document.format == "txt"
    fig = report.tables["T3"].figures["new_received.total"]
    assert report.document.text[fig.prov.start:fig.prov.end] == "1"
    assert "document" not in report.to_dict()  # not part of the result JSON


def test_a_stage_that_writes_a_field_it_does_not_declare_is_stopped():
    @stage(reads=("document",), assigns=("parts",))
    def sloppy(report, settings):
        report.agency = "somebody"  # not declared

    report = Report(source="x")
    with pytest.raises(StageContractError, match="sloppy wrote agency"):
        run_stage(sloppy, report, Settings())


def test_a_report_of_the_stages_is_the_same_as_check(monkeypatch):
    # `check` is nothing but the stages in order: running them by hand gives the same result.
    report = Report(source=str(SAMPLES / "pingtan-2020-html" / "source.html"), version=pipeline.__version__)
    settings = Settings(classify=False)
    for s in STAGES:
        run_stage(s, report, settings)
    direct = check(SAMPLES / "pingtan-2020-html" / "source.html", settings)
    assert report.to_dict() == direct.to_dict()


def test_the_legacy_layout_is_decided_by_the_metadata_stage():
    report = check(SAMPLES / "pingtan-2015-txt" / "source.txt", classify=False)
    assert report.layout == "legacy" and not report.tables
