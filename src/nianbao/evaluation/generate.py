"""A synthetic corpus made by varying the real sample reports.

``generate_corpus(out_dir, n=1000, seed=0)`` writes ``n`` reports and a
``manifest.jsonl`` describing each one (base sample, agency, year, the change
made to the figures, any injected error).  Each variant of a sample

- moves the report to another agency (the base agency's name replaced in
  title and text) and another year of the same table layout (years of the
  statistics period, publication dates and "下年度" years shifted together;
  document numbers such as 〔2021〕30号 left alone);
- changes figures consistently: ``d`` more requests from natural persons,
  all granted, so T3 一 (new_received), （一） (granted) and （七） (handled_total)
  grow by ``d`` in the 自然人 and 总计 columns; and when the same agency's
  previous year was generated, 二 (上年结转) is set to its 四 (结转下年度), with
  this year's 四 moved by the same amount.  Every T3 rule and cross-year
  continuity still hold.  Narrative sentences stating moved figures (the
  sample's gold claims) are rewritten and "占xx%" shares recomputed;
- in a share of variants (``error_rate``), an injected error: 予以公开/自然人
  raised by a few without its totals, which breaks the row total and the
  result total (``manifest.injected``).

Agencies get runs of consecutive years (2016-2025), so cross-year checks
have chains to read.  Not controlled: T2 stock figures across years (现行有效
件数 chains) and narrative copied between years (variants of one sample share
their text, as real agencies' reports often do).  Formats follow the base sample (HTML or TXT); when
``nianbao.synth`` is there, ``pdf_rate`` of the reports are synthetic PDFs
(its ``random_report``, rendered with reportlab).  About 5% of the files are
packed into zip archives and the rest spread over region folders, so a run
exercises discovery too.

    python -m nianbao.evaluation.generate OUT_DIR --n 1000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[3] / "corpus" / "samples"

REGIONS = (
    "福州市鼓楼区", "福州市台江区", "厦门市思明区", "厦门市湖里区", "泉州市丰泽区", "漳州市芗城区", "莆田市城厢区",
    "郑州市金水区", "郑州市二七区", "洛阳市西工区", "开封市龙亭区", "南京市玄武区", "苏州市姑苏区", "杭州市西湖区",
    "宁波市海曙区", "成都市武侯区", "武汉市江汉区", "长沙市岳麓区", "广州市越秀区", "深圳市福田区",
)
BODIES = (
    "人民政府", "司法局", "教育局", "卫生健康委员会", "自然资源局", "市场监督管理局", "生态环境局",
    "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "财政局", "民政局",
)
PDF_BODIES = ("统计局", "审计局", "应急管理局", "文化和旅游局", "农业农村局")  # PDFs: agencies of their own
ZIP_MEMBERS = 50  # reports per generated zip archive
# Base agency spellings in each sample, longest first.
BASE_AGENCY = {
    "jinshui": ("郑州市金水区司法局", "金水区司法局"),
    "pingtan": ("平潭综合实验区管委会", "平潭综合实验区"),
}
T3_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
ROW_LABELS = {
    "new_received": r"本年新收政府信息公开申请数量",
    "granted": r"[（(]\s*一\s*[）)]\s*予以公开",
    "handled_total": r"[（(]\s*七\s*[）)]\s*总计",
    "carried_over": r"上年结转政府信息公开申请数量",
    "carried_forward": r"结转下年度继续办理",
}
@dataclass
class Sample:
    name: str
    fmt: str  # html / txt
    text: str
    year: int
    layout: str
    gold: dict[str, Any]

    @property
    def family(self) -> str:
        return self.name.split("-")[0]


@dataclass
class Variant:
    path: str
    base: str
    agency: str
    year: int
    layout: str
    format: str
    delta: int = 0
    narrative_updated: bool = True
    injected: dict[str, Any] | None = None
    carried_over_linked: bool = False  # 上年结转 = the previous variant's 结转下年度
    truth_changes: dict[str, int] = field(default_factory=dict)


def load_samples(samples: Path = SAMPLES) -> list[Sample]:
    out = []
    for folder in sorted(p for p in samples.iterdir() if p.is_dir()):
        src = next(folder.glob("source.*"))
        if src.suffix not in (".txt", ".html"):
            continue  # variants are made by editing the text: PDFs and Word files are not
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        gold = json.loads((folder / "gold.json").read_text("utf-8"))
        out.append(Sample(folder.name, src.suffix.lstrip("."), src.read_text("utf-8"), meta["year"], meta["layout"], gold))
    return out


# ---- text edits ----------------------------------------------------------
_YEAR = re.compile(r"(?<![\d〔\[［(（])(20[0-3]\d)(?!\d)")


def shift_years(text: str, base_year: int, new_year: int) -> str:
    """Shift years near the report year; document numbers in 〔〕 stay."""
    delta = new_year - base_year

    def repl(m: re.Match) -> str:
        y = int(m.group(1))
        return str(y + delta) if abs(y - base_year) <= 2 else m.group(1)

    return _YEAR.sub(repl, text) if delta else text


def replace_agency(text: str, sample: Sample, agency: str) -> str:
    for name in BASE_AGENCY[sample.family]:
        text = text.replace(name, agency)
    return text


def _row_numbers(text: str, start: int, fmt: str, n: int) -> list[re.Match]:
    pattern = r">\s*(\d+)\s*<" if fmt == "html" else r"(?<![\d.])(\d+)(?![\d.])"
    found = []
    for m in re.finditer(pattern, text[start:]):
        found.append(m)
        if len(found) == n:
            break
    return found


def set_t3_row(text: str, fmt: str, row: str, old: list[int], new: list[int]) -> str | None:
    """Rewrite one T3 row's seven figures; None if the row is not found as expected."""
    anchor = re.search(ROW_LABELS["new_received"], text)
    label = re.compile(ROW_LABELS[row]).search(text, anchor.start() if anchor else 0)
    if label is None:
        return None
    start = label.end()
    numbers = _row_numbers(text, start, fmt, len(old))
    if [int(m.group(1)) for m in numbers] == old:
        for m, value in reversed(list(zip(numbers, new))):
            a, b = start + m.start(1), start + m.end(1)
            text = text[:a] + str(value) + text[b:]
        return text
    # Copied one-line pages print a row's figures run together: "801000081".
    joined_old = "".join(map(str, old))
    rest = text[start:]
    stripped = len(rest) - len(rest.lstrip())
    if rest[stripped:].startswith(joined_old):
        a = start + stripped
        return text[:a] + "".join(map(str, new)) + text[a + len(joined_old):]
    return None


def _row(t3: dict[str, int], row: str) -> list[int]:
    return [int(t3[f"{row}.{c}"]) for c in T3_COLUMNS]


def _metric_deltas(changes: dict[str, list[int]]) -> dict[str, int]:
    """How much each claimable metric moves when T3 rows move by ``changes``."""
    out: dict[str, int] = {}
    for row, delta in changes.items():
        for col, d in zip(T3_COLUMNS, delta):
            out[f"T3.{row}.{col}"] = out.get(f"T3.{row}.{col}", 0) + d
            if row == "granted":
                out[f"T3.granted_or_partial.{col}"] = out.get(f"T3.granted_or_partial.{col}", 0) + d
    out["requests_total_incl_carried"] = out.get("T3.new_received.total", 0) + out.get("T3.carried_over.total", 0)
    return {k: v for k, v in out.items() if v}


def rewrite_t3(text: str, sample: Sample, changes: dict[str, list[int]]) -> tuple[str, bool] | None:
    """Move T3 rows by per-column ``changes`` and the narrative with them.
    Returns (text, narrative fully updated), or None if a row was not found
    or a figure would go negative."""
    t3 = sample.gold["tables"]["T3"]
    for row, delta in changes.items():
        old = _row(t3, row)
        new = [o + d for o, d in zip(old, delta)]
        if min(new) < 0:
            return None
        edited = set_t3_row(text, sample.fmt, row, old, new)
        if edited is None:
            return None
        text = edited
    moved = _metric_deltas(changes)
    complete = True
    for claim in sample.gold.get("claims", []):
        d = moved.get(claim["metric"], 0)
        if not d:
            continue
        if claim.get("approx") or claim["text"] not in text:
            complete = False  # approximate, or split by markup: the narrative keeps the old figure
            continue
        old_v = int(claim["value"])
        text = text.replace(claim["text"], re.sub(rf"(?<!\d){old_v}(?!\d)", str(old_v + d), claim["text"], count=1))
    total = int(t3["new_received.total"]) + moved.get("T3.new_received.total", 0)
    return _recompute_shares(text, total), complete


_SHARE = re.compile(r"(\d+)件，占(\d+(?:\.\d+)?)%")


def _recompute_shares(text: str, total: int) -> str:
    """Rewrite "N件，占x%" shares against the new total (same decimals)."""

    def repl(m: re.Match) -> str:
        decimals = len(m.group(2).split(".")[1]) if "." in m.group(2) else 0
        return f"{m.group(1)}件，占{100 * int(m.group(1)) / total:.{decimals}f}%"

    return _SHARE.sub(repl, text) if total else text


def figure_changes(sample: Sample, d: int, carried_in: list[int] | None) -> dict[str, list[int]]:
    """``d`` more natural-person requests, all granted; and, when the previous
    year's 结转下年度 is known, 上年结转 set to it, with 结转下年度 moved by the
    same amount so that 一 + 二 = （七） + 四 still holds in every column."""
    plus_d = [d, 0, 0, 0, 0, 0, d]
    changes = {"new_received": plus_d, "granted": plus_d, "handled_total": plus_d}
    if carried_in is not None:
        t3 = sample.gold["tables"]["T3"]
        shift = [c - o for c, o in zip(carried_in, _row(t3, "carried_over"))]
        if any(shift):
            changes["carried_over"] = shift
            changes["carried_forward"] = shift
    return changes


def inject_row_error(text: str, sample: Sample, granted_now: list[int], e: int) -> str | None:
    """Raise 予以公开/自然人 by e without touching its totals."""
    new = granted_now[:]
    new[0] += e
    return set_t3_row(text, sample.fmt, "granted", granted_now, new)


# ---- the corpus ----------------------------------------------------------
def _layout_years(layout: str) -> range:
    return {"2021": range(2021, 2026), "2019": range(2019, 2021)}.get(layout, range(2012, 2019))


def _layout_of_year(year: int) -> str:
    return "2021" if year >= 2021 else "2019" if year >= 2019 else "legacy"


def make_variant(
    sample: Sample, agency: str, year: int, rng: random.Random, error_rate: float,
    carried_in: list[int] | None = None,
) -> tuple[str, Variant, list[int] | None]:
    """One variant; also returns its 结转下年度 row (for next year's 上年结转)."""
    text = replace_agency(shift_years(sample.text, sample.year, year), sample, agency)
    v = Variant("", sample.name, agency, year, sample.layout, sample.fmt)
    t3 = sample.gold.get("tables", {}).get("T3")
    if not t3:
        return text, v, None
    d = rng.randint(1, 40)
    changes = figure_changes(sample, d, carried_in)
    changed = rewrite_t3(text, sample, changes)
    if changed is None and "carried_over" in changes:  # continuity impossible here: figures only
        changes = figure_changes(sample, d, None)
        changed = rewrite_t3(text, sample, changes)
    if changed is None:
        return text, v, None
    text, v.narrative_updated = changed
    v.delta = d
    v.carried_over_linked = "carried_over" in changes
    v.truth_changes = {
        f"T3.{row}.{col}": delta for row, deltas in changes.items() for col, delta in zip(T3_COLUMNS, deltas) if delta
    }
    if rng.random() < error_rate:
        e = rng.randint(1, 5)
        granted_now = [o + c for o, c in zip(_row(t3, "granted"), changes["granted"])]
        broken = inject_row_error(text, sample, granted_now, e)
        if broken is not None:
            text = broken
            v.injected = {"cell": "T3.granted.natural", "delta": e, "families": ["t3_row_total", "t3_result_total"]}
    carried_out = [o + c for o, c in zip(_row(t3, "carried_forward"), changes.get("carried_forward", [0] * 7))]
    return text, v, carried_out


def generate_corpus(
    out_dir: str | Path,
    n: int = 1000,
    seed: int = 0,
    error_rate: float = 0.15,
    pdf_rate: float = 0.05,
    zip_rate: float = 0.05,
    samples: Path = SAMPLES,
) -> list[Variant]:
    """Write ``n`` varied reports under ``out_dir`` (plus manifest.jsonl)."""
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_layout: dict[str, list[Sample]] = {}
    for s in load_samples(samples):
        by_layout.setdefault(s.layout, []).append(s)
    make_pdf = _pdf_maker() if pdf_rate > 0 else None
    agencies = [r + b for r in REGIONS for b in BODIES]
    rng.shuffle(agencies)
    slots = [(a, y) for a in agencies for y in range(2016, 2026)]  # each agency: consecutive years
    variants: list[Variant] = []
    carried: dict[str, tuple[int, list[int]]] = {}  # agency -> (year, its 结转下年度 row)
    zipped: list[tuple[str, bytes]] = []
    for i in range(n):
        agency, year = slots[i % len(slots)]
        region = next(r for r in REGIONS if agency.startswith(r))
        if make_pdf is not None and rng.random() < pdf_rate:
            pdf_agency = region + PDF_BODIES[i % len(PDF_BODIES)]
            v = make_pdf(out / region / f"{i:05d}_{pdf_agency}.pdf", pdf_agency, seed * 100_003 + i)
            variants.append(v)
            continue
        sample = rng.choice(by_layout.get(_layout_of_year(year)) or by_layout["2021"])
        last = carried.get(agency)
        carried_in = last[1] if last and last[0] == year - 1 else None
        text, v, carried_out = make_variant(sample, agency, year, rng, error_rate, carried_in)
        if carried_out is not None:
            carried[agency] = (year, carried_out)
        name = f"{i:05d}_{agency}_{year}.{sample.fmt}"
        data = text.encode("utf-8")
        if rng.random() < zip_rate:
            v.path = str(out / f"batch_{len(zipped) // ZIP_MEMBERS:02d}.zip") + f"!{region}/{name}"
            zipped.append((f"{region}/{name}", data))
        else:
            path = out / region / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            v.path = str(path)
        variants.append(v)
    _write_zips(out, zipped)
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for v in variants:
            fh.write(json.dumps(asdict(v), ensure_ascii=False) + "\n")
    return variants


def _write_zips(out: Path, members: list[tuple[str, bytes]]) -> None:
    archives: dict[int, list[tuple[str, bytes]]] = {}
    for k, (name, data) in enumerate(members):
        archives.setdefault(k // ZIP_MEMBERS, []).append((name, data))
    for k, items in archives.items():
        with zipfile.ZipFile(out / f"batch_{k:02d}.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name, data in items:
                z.writestr(name, data)


def _pdf_maker():
    """A function writing a synthetic PDF report, or None without nianbao.synth."""
    try:
        from ..synth import random_report, render
        from ..synth.render import available_makers
    except ImportError:
        return None
    makers = [m for m in available_makers() if m.startswith("reportlab")]
    if not makers:
        return None

    def make(path: Path, agency: str, seed: int) -> Variant:
        layout = "2021" if seed % 3 else "2019"
        report = random_report(seed=seed, layout=layout, pages=3, agency=agency)
        render(report, makers[0], path)
        year = 2023 if layout == "2021" else 2020
        return Variant(str(path), "synth.random_report", agency, year, layout, "pdf")

    return make


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus varied from corpus/samples.")
    parser.add_argument("out_dir")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.15)
    parser.add_argument("--pdf-rate", type=float, default=0.05)
    args = parser.parse_args(argv)
    variants = generate_corpus(args.out_dir, args.n, args.seed, args.error_rate, args.pdf_rate)
    formats: dict[str, int] = {}
    for v in variants:
        formats[v.format] = formats.get(v.format, 0) + 1
    print(f"wrote {len(variants)} reports to {args.out_dir} ({formats}); "
          f"{sum(v.injected is not None for v in variants)} with an injected error")


if __name__ == "__main__":
    main()
