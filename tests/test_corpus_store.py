"""The DuckDB corpus store: atomic batches, idempotent rewrites, read-back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.corpus.agencies import cluster_agencies, normalize_agency
from nianbao.corpus.store import Store, finding_ids
from nianbao.model import (
    CanonicalTable,
    Claim,
    Figure,
    Finding,
    Message,
    Paragraph,
    Provenance,
    ReportResult,
)

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"


def sample_result(sha: str = "a" * 64, granted: int = 42) -> ReportResult:
    """A result shaped like pingtan-2023 (figures from its gold.json)."""
    gold = json.loads((SAMPLES / "pingtan-2023-html" / "gold.json").read_text("utf-8"))
    t3 = CanonicalTable("T3", "2021")
    for key, value in gold["tables"]["T3"].items():
        t3.figures[key] = Figure("T3", key, value, raw=str(value), prov=Provenance(table=3, row=1, col=2))
    t3.figures["granted.total"].value = granted
    return ReportResult(
        source="pingtan-2023.html",
        format="html",
        sha256=sha,
        agency="平潭综合实验区管委会（全区汇总）",
        year=2023,
        layout="2021",
        tables={"T3": t3},
        paragraphs=[Paragraph("本年度共收到政府信息公开申请81件。", part=1, index=0, prov=Provenance(start=10, end=27))],
        claims=[Claim("收到政府信息公开申请81件", 81, metric="T3.new_received.total", paragraph=0)],
        findings=[
            Finding("NB101", "t3_balance", "t3_balance", "error", "一+二 ≠ 七+四", 81, 80, cells=["T3.granted.total"]),
            Finding("NB101", "t3_balance", "t3_balance", "error", "一+二 ≠ 七+四", 81, 80, cells=["T3.granted.total"]),
        ],
        version="0.1.0",
    )


def test_write_read_and_rewrite_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    with Store(db) as store:
        store.write_results([("a.html", sample_result())])
        store.write_results([("a.html", sample_result(granted=43))])  # re-processed: replaced, not duplicated
        counts = store.counts()
        assert counts["reports"] == 1 and counts["ok"] == 1
        assert counts["cells"] == len(sample_result().tables["T3"].figures)
        assert store.has("a" * 64, "0.1.0") and not store.has("a" * 64, "0.2.0")
        back = store.read_result("a" * 64)
        assert back.figure("T3.granted.total").value == 43
        rows = store.findings(family="t3_balance")
        assert len(rows) == 2 and rows[0]["cells"] == ["T3.granted.total"]
        assert rows[0]["agency_norm"] == "平潭综合实验区管理委员会" and rows[0]["year"] == 2023
        ids = {r["finding_id"] for r in rows}
        assert len(ids) == 2
    with Store(db, read_only=True) as store:  # ids are stable across sessions
        assert {r["finding_id"] for r in store.findings()} == ids


def test_failed_batch_leaves_nothing(tmp_path: Path) -> None:
    bad = sample_result(sha="b" * 64)
    bad.sha256 = ""  # cannot be keyed: the whole batch must be refused
    with Store(tmp_path / "c.duckdb") as store:
        with pytest.raises(ValueError):
            store.write_results([("a.html", sample_result()), ("b.html", bad)])
        assert store.counts()["reports"] == 0


def test_error_status_from_messages(tmp_path: Path) -> None:
    r = ReportResult(source="x.txt", sha256="c" * 64, version="0.1.0",
                     messages=[Message("error", "ingest", "文件为空")])
    with Store(tmp_path / "c.duckdb") as store:
        store.write_results([("x.txt", r)])
        (row,) = store.reports()
        assert row["status"] == "error" and "文件为空" in row["error"]


def test_finding_ids_are_stable_and_unique() -> None:
    f = Finding("NB101", "t3_balance", "t3_balance", "error", "m", cells=["T3.b", "T3.a"])
    g = Finding("NB101", "t3_balance", "t3_balance", "error", "other text", cells=["T3.a", "T3.b"])
    assert finding_ids("r", [f])[0] == finding_ids("r", [g])[0]  # message and cell order do not matter
    assert len(set(finding_ids("r", [f, g]))) == 2
    assert finding_ids("r", [f]) != finding_ids("s", [f])


def test_agency_names_line_up_across_years() -> None:
    assert normalize_agency("平潭综合实验区管委会（全区汇总）") == normalize_agency("平潭综合实验区管理委员会")
    mapping = cluster_agencies([normalize_agency("金水区司法局"), normalize_agency("郑州市金水区司法局")])
    assert mapping["金水区司法局"] == "郑州市金水区司法局"
