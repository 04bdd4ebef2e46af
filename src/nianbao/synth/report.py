"""Synthetic reports with known truth: the content model and its generators.

A ``SynthReport`` is a list of items (title, headings, paragraphs, tables) and
``truth``: the canonical figures in gold.json format (``{"T2": {key: value},
"T3": …, "T4": …}``).  Tables are ``TableSpec`` grids of ``SCell`` with row and
column spans, laid out like the national templates, so every renderer (HTML
for Chromium/LibreOffice, reportlab) prints the same table.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from ..tables.schema import T3_COLUMNS, T4_COLUMNS, T4_GROUPS, t2_rows, t3_rows

ROOT = Path(__file__).resolve().parents[3]
PARAGRAPHS = ROOT / "corpus" / "labels" / "paragraphs.jsonl"


@dataclass
class SCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


TableSpec = list[list[SCell]]


@dataclass
class Item:
    kind: str  # title / heading / paragraph / table
    text: str = ""
    table: TableSpec | None = None
    name: str = ""  # T2 / T3 / T4 for tables
    header_rows: int = 0  # rows that form the table header (repeated on a new page if asked)


@dataclass
class SynthReport:
    name: str
    layout: str  # "2021" / "2019"
    items: list[Item] = field(default_factory=list)
    truth: dict[str, dict[str, float | int]] = field(default_factory=dict)

    def to_gold(self) -> dict:
        return {"tables": self.truth, "blank_cells": [], "claims": [], "findings": []}


# ---------------------------------------------------------------- figures
def fmt(value: float | int) -> str:
    """A figure as a report prints it."""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def random_truth(rng: random.Random, layout: str) -> dict[str, dict[str, float | int]]:
    """Random figures that satisfy every arithmetic rule of format.md."""
    rows = [r.key for r in t3_rows(layout)]
    results = [r for r in rows if r not in ("new_received", "carried_over", "handled_total", "carried_forward")]
    applicants = T3_COLUMNS[:-1]
    t3: dict[str, int] = {}

    def small() -> int:
        return rng.choice([0, 0, 0, 0, 1, 2, 3, 5, 8, 13, 27, 64, 120])

    for col in applicants:
        for r in results:
            t3[f"{r}.{col}"] = small() if col in ("natural", "other_org", "commercial") else rng.choice([0, 0, 0, 1, 2])
        t3[f"handled_total.{col}"] = sum(t3[f"{r}.{col}"] for r in results)
        t3[f"carried_over.{col}"] = rng.choice([0, 0, 1, 2, 4])
        t3[f"carried_forward.{col}"] = rng.choice([0, 0, 1, 3])
        t3[f"new_received.{col}"] = t3[f"handled_total.{col}"] + t3[f"carried_forward.{col}"] - t3[f"carried_over.{col}"]
        if t3[f"new_received.{col}"] < 0:
            t3[f"carried_forward.{col}"] -= t3[f"new_received.{col}"]
            t3[f"new_received.{col}"] = 0
    for r in rows:
        t3[f"{r}.total"] = sum(t3[f"{r}.{c}"] for c in applicants)
    t4: dict[str, int] = {}
    for g in T4_GROUPS:
        for c in T4_COLUMNS[:-1]:
            t4[f"{g}.{c}"] = rng.choice([0, 0, 1, 2, 3, 7, 12])
        t4[f"{g}.total"] = sum(t4[f"{g}.{c}"] for c in T4_COLUMNS[:-1])
    t2: dict[str, float | int] = {}
    for row, cols in t2_rows(layout).items():
        for c in cols:
            if c in ("amount_wan", "amount"):
                t2[f"{row}.{c}"] = round(rng.uniform(0, 30000), rng.choice([0, 2, 4, 6]))
            elif c == "change":
                t2[f"{row}.{c}"] = rng.choice([0, 1, 2, -1, -3, 5])
            else:
                t2[f"{row}.{c}"] = rng.choice([0, 0, 1, 3, 12, 69, 665, 2293, 15021])
    return {"T2": t2, "T3": t3, "T4": t4}


# ---------------------------------------------------------------- tables
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_GROUP_LABELS = {
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


def _figures(values: dict, row: str, cols) -> list[SCell]:
    return [SCell(fmt(values[f"{row}.{c}"])) for c in cols]


def t3_table(values: dict, layout: str) -> TableSpec:
    """T3 in the national template: a 3-row header and labels spanning up to three columns."""
    header = [
        [SCell(T3_CORNER, 3, 3, True), SCell("申请人情况", 1, 7, True)],
        [SCell("自然人", 2, 1, True), SCell("法人或其他组织", 1, 5, True), SCell("总计", 2, 1, True)],
        [SCell(x, header=True) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    specs = t3_rows(layout)
    body: list[list[SCell]] = []
    results = [s for s in specs if s.key not in ("new_received", "carried_over", "carried_forward")]
    for spec in specs:
        if spec.key in ("new_received", "carried_over", "carried_forward"):
            body.append([SCell(spec.label, 1, 3)] + _figures(values, spec.key, T3_COLUMNS))
        if spec.key == "carried_over":
            for i, r in enumerate(results):
                row: list[SCell] = []
                if i == 0:
                    row.append(SCell("三、本年度办理结果", len(results), 1))
                if r.parent:
                    siblings = [s for s in results if s.parent == r.parent]
                    if siblings[0] is r:
                        row.append(SCell(_GROUP_LABELS[r.parent], len(siblings), 1))
                    row.append(SCell(r.label))
                else:
                    label = {"partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "other": "（六）其他处理"}.get(r.key, r.label)
                    row.append(SCell(label, 1, 2))
                body.append(row + _figures(values, r.key, T3_COLUMNS))
    return header + body


def t4_table(values: dict) -> TableSpec:
    cols = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [SCell("行政复议", 1, 5, True), SCell("行政诉讼", 1, 10, True)],
        [SCell(c, 2, 1, True) for c in cols] + [SCell("未经复议直接起诉", 1, 5, True), SCell("复议后起诉", 1, 5, True)],
        [SCell(c, header=True) for c in cols * 2],
        [c for g in T4_GROUPS for c in _figures(values, g, T4_COLUMNS)],
    ]


_T2_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), (("规章", "regulations"), ("行政规范性文件", "normative_docs"))),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "licensing"),)),
    ("第二十条第（六）项", ("本年处理决定数量",), (("行政处罚", "punishment"), ("行政强制", "coercion"))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "admin_fees"),)),
)
_T2_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), (("规章", "regulations"), ("规范性文件", "normative_docs"))),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), (("行政许可", "licensing"), ("其他对外管理服务事项", "other_services"))),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), (("行政处罚", "punishment"), ("行政强制", "coercion"))),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("行政事业性收费", "admin_fees"),)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("政府集中采购", "procurement"),)),
)


def t2_table(values: dict, layout: str) -> TableSpec:
    """T2: one 4-column table of blocks, each with its own header rows."""
    rows: TableSpec = []
    keys = t2_rows(layout)
    for title, headers, items in _T2_2019 if layout == "2019" else _T2_2021:
        rows.append([SCell(title, 1, 4, True)])
        span = 4 - len(headers)  # the last header/figure cell takes what is left of the 3 figure columns
        rows.append([SCell("信息内容", header=True)] + [SCell(h, 1, 1 if i < len(headers) - 1 else span, True) for i, h in enumerate(headers)])
        for label, key in items:
            figs = _figures(values, key, keys[key])
            figs[-1].colspan = span
            rows.append([SCell(label)] + figs)
    return rows


# ---------------------------------------------------------------- narrative
def _corpus_paragraphs() -> dict[str, list[str]]:
    by_label: dict[str, list[str]] = {}
    if PARAGRAPHS.exists():
        for line in PARAGRAPHS.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            by_label.setdefault(row["label"], []).append(row["text"])
    return by_label


def random_report(seed: int, layout: str = "2021", pages: int = 4, agency: str | None = None) -> SynthReport:
    """A report with random consistent figures and real narrative paragraphs
    (corpus/labels) padded to roughly ``pages`` A4 pages."""
    rng = random.Random(seed)
    truth = random_truth(rng, layout)
    year = 2023 if layout == "2021" else 2020
    agency = agency or rng.choice(["平潭综合实验区财政金融局", "金水区司法局", "某市人力资源和社会保障局", "某县交通运输局"])
    paras = _corpus_paragraphs()
    n_par = max(1, pages * 4 - 6)  # about four corpus paragraphs fill a page; the tables take about two

    def pick(label: str, n: int) -> list[str]:
        pool = paras.get(label) or ["本机关认真贯彻落实《中华人民共和国政府信息公开条例》，不断提升政务公开质量。"]
        return [rng.choice(pool) for _ in range(n)]

    t3 = truth["T3"]
    items = [
        Item("title", f"{agency}{year}年政府信息公开工作年度报告"),
        Item("paragraph", f"本报告根据《中华人民共和国政府信息公开条例》要求编制，数据统计期限为{year}年1月1日至{year}年12月31日。"),
        Item("heading", "一、总体情况"),
    ]
    items += [Item("paragraph", p) for p in pick("overview", max(1, n_par // 2))]
    items.append(
        Item(
            "paragraph",
            f"（二）依申请公开。本年度共收到政府信息公开申请{t3['new_received.total']}件，"
            f"办结{t3['handled_total.total']}件，结转下年度继续办理{t3['carried_forward.total']}件。",
        )
    )
    items += [Item("paragraph", p) for p in pick("management", max(1, n_par // 4))]
    items.append(Item("heading", "二、主动公开政府信息情况"))
    items.append(Item("table", table=t2_table(truth["T2"], layout), name="T2", header_rows=0))
    items += [Item("paragraph", p) for p in pick("proactive", rng.choice([0, 1, 2]))]
    items.append(Item("heading", "三、收到和处理政府信息公开申请情况"))
    items.append(Item("table", table=t3_table(t3, layout), name="T3", header_rows=3))
    items.append(Item("heading", "四、政府信息公开行政复议、行政诉讼情况"))
    items.append(Item("table", table=t4_table(truth["T4"]), name="T4", header_rows=3))
    items.append(Item("heading", "五、存在的主要问题及改进情况"))
    items += [Item("paragraph", p) for p in pick("problem", max(1, n_par // 4)) + pick("measure", max(1, n_par // 4))]
    items.append(Item("heading", "六、其他需要报告的事项"))
    items.append(Item("paragraph", "本年度未收取信息处理费。"))
    return SynthReport(f"synth-{layout}-{seed}", layout, items, truth)
