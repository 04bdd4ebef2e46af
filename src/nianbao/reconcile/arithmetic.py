"""The table equations of format.md, checked together so one error gives one finding.

Every T3 cell sits in two or three equations (its row total, and its column's
balance or result total).  A single mistyped cell therefore breaks several
equations at once.  When one cell explains several broken equations — the
same correction fixes all of them and breaks none that holds — we report that
cell once instead of every equation it touches.  Broken equations that no
single cell explains are reported one by one, naming the equation's total
cell (the cell a reviewer names: e.g. pingtan-2020's result rows over-count
（七）总计, reported on T3.handled_total.natural and T3.handled_total.total).

Equations with an unknown figure (value None: ambiguous decoding) or an
absent key are skipped.  A blank total beside non-zero parts is an omission
(NB302), not an arithmetic error, and its equations are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ProvenBreak
from ..tables import schema
from .names import _T4_GROUP_LABELS as T4_GROUP_LABELS, cell_label, column_label, row_label

BALANCE, ROW_TOTAL, RESULT_TOTAL, T4_TOTAL, BLANK_TOTAL = "NB101", "NB102", "NB103", "NB104", "NB302"
ARITHMETIC_CODES = (BALANCE, ROW_TOTAL, RESULT_TOTAL, T4_TOTAL)
# Which rule reports a single bad cell: first the equation whose total it is,
# then the equation that best localises it.
_TOTAL_PRIORITY = (RESULT_TOTAL, ROW_TOTAL, T4_TOTAL, BALANCE)
_TERM_PRIORITY = (ROW_TOTAL, T4_TOTAL, RESULT_TOTAL, BALANCE)


@dataclass(frozen=True)
class Equation:
    code: str  # rule reporting it
    label: str  # Chinese, for messages
    lhs: tuple[str, ...]  # refs summed on the left
    rhs: tuple[str, ...]  # refs summed on the right
    total: str  # the ref a reviewer names when it fails
    blank_total_matters: bool = True  # a blank `total` with non-zero parts is an omission

    @property
    def refs(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass
class Problem:
    """One thing to report: a bad cell (explains several equations) or one broken equation."""

    code: str
    cell: str
    found: float | int | None
    expected: float | int | None
    equations: list[Equation]
    kind: str  # "cell", "equation", "bound" (parts absent, the others exceed the total), "blank" or "every_reading"
    sums: list[tuple[float, float]] = field(default_factory=list)  # (lhs, rhs) per equation
    proof: ProvenBreak | None = None  # kind "every_reading": what the tables stage proved

    @property
    def cells(self) -> list[str]:
        """The cells a finding names: an equation broken in every reading names only the cells
        that have one value in every reading (possibly none)."""
        return list(self.proof.fixed) if self.proof is not None else [self.cell]


_CODE_OF_FAMILY = {"t3_balance": BALANCE, "t3_row_total": ROW_TOTAL, "t3_result_total": RESULT_TOTAL,
                   "t4_group_total": T4_TOTAL}


def _label(eq: schema.Equation) -> str:
    """The equation as a reader of the report writes it."""
    if eq.family == "t3_balance":
        return f"「{column_label(eq.where)}」列 一 + 二 = （七）总计 + 四"
    if eq.family == "t3_result_total":
        return f"「{column_label(eq.where)}」列 （七）总计 = 各办理结果之和"
    if eq.family == "t3_row_total":
        return f"「{row_label(eq.where)}」行 总计 = 六类申请人之和"
    return f"「{T4_GROUP_LABELS.get(eq.where, eq.where)}」总计 = 维持 + 纠正 + 其他 + 尚未审结"


def _checked(eqs: list[schema.Equation]) -> list[Equation]:
    return [
        Equation(_CODE_OF_FAMILY[e.family], _label(e), e.lhs, e.rhs, e.total,
                 # 四 is legitimately blank (0) when nothing is carried forward
                 blank_total_matters=e.family != "t3_balance")
        for e in eqs
    ]


def equations_for(tables: dict, layout: str) -> list[Equation]:
    """The format's equations (``tables.schema``) over the tables a report has; T3's row set
    is the table's own (one （六） row or three)."""
    eqs: list[Equation] = []
    t3 = tables.get("T3")
    if t3 is not None and layout in ("2019", "2021"):
        eqs += _checked(schema.t3_equations(schema.t3_row_keys(t3.figures)))
    if "T4" in tables:
        eqs += _checked(schema.t4_equations())
    return eqs


def analyse(ctx) -> list[Problem]:
    """All arithmetic problems of one report (cached per run; each rule reports its own)."""
    return ctx.cached("arithmetic", lambda: _analyse(ctx))


def _analyse(ctx) -> list[Problem]:
    enabled = {code for code in ARITHMETIC_CODES if ctx.rule_enabled(code)}
    every = equations_for(ctx.result.tables, ctx.table_layout)
    eqs = [e for e in every if e.code in enabled]
    problems: list[Problem] = []

    # Omissions first: their equations would otherwise report the blank as an arithmetic error.
    # A blank total is an omission whichever arithmetic rules are switched on (NB302 alone finds it).
    blanked: set[str] = set()
    if ctx.rule_enabled(BLANK_TOTAL):
        for eq in every:
            fig = ctx.figure(eq.total)
            parts = _known_sum(ctx, [r for r in eq.refs if r != eq.total])
            if eq.total in blanked:
                continue  # a blank （七）总计 is the total of its row and of its column: one omission
            if eq.blank_total_matters and fig is not None and fig.blank and not fig.value and parts:
                blanked.add(eq.total)
                problems.append(Problem(BLANK_TOTAL, eq.total, fig.value, parts, [eq], "blank"))
    eqs = [e for e in eqs if not blanked.intersection(e.refs)]

    known = [e for e in eqs if all(ctx.value(r) is not None for r in e.refs)]
    tolerance = {code: float(ctx.config.option(code, "tolerance", 0)) for code in enabled}
    problems += _exceeded_totals(ctx, eqs, tolerance)
    sums = {e: (_sum(ctx, e.lhs), _sum(ctx, e.rhs)) for e in known}
    broken = [e for e in known if abs(sums[e][0] - sums[e][1]) > tolerance[e.code]]
    holding = [e for e in known if e not in broken]

    explained: set[Equation] = set()
    for cell, delta, group in _single_cell_explanations(broken, holding, sums):
        if explained.intersection(group):
            continue
        explained.update(group)
        found = ctx.value(cell)
        code = _code_for_cell(cell, group)
        problems.append(Problem(code, cell, found, found + delta, group, "cell", [sums[e] for e in group]))
    for eq in broken:
        if eq in explained:
            continue
        lhs, rhs = sums[eq]
        found = ctx.value(eq.total)
        # The value the named cell would need for the equation to hold.
        expected = found + (rhs - lhs if eq.total in eq.lhs else lhs - rhs)
        problems.append(Problem(eq.code, eq.total, found, expected, [eq], "equation", [(lhs, rhs)]))
    problems += _broken_every_reading(ctx, enabled, blanked)
    return problems


def _broken_every_reading(ctx, enabled: set[str], blanked: set[str]) -> list[Problem]:
    """Equations the tables stage proved broken in every reading of the printed lines, whose
    cells are open (the checks above skip them): certain errors, not guessed figures."""
    problems = []
    for table in ctx.result.tables.values():
        for proof in table.proven_breaks:
            code = _CODE_OF_FAMILY.get(proof.family)
            if code not in enabled or blanked.intersection(proof.refs):
                continue
            if all(ctx.value(r) is not None for r in proof.refs):
                continue  # every cell is certain: checked as printed above
            named = schema.Equation(proof.family, proof.where, tuple(proof.lhs), tuple(proof.rhs), proof.total)
            others = [schema.Equation(o["family"], o["where"], tuple(o["lhs"]), tuple(o["rhs"]), o["total"])
                      for o in proof.others]
            eqs = _checked([named, *others])
            sums = ([(_sum(ctx, e.lhs), _sum(ctx, e.rhs)) for e in eqs]
                    if all(r in proof.fixed for r in proof.refs) else [])
            problems.append(Problem(code, proof.total, proof.found, proof.expected, eqs, "every_reading", sums,
                                    proof=proof))
    return problems


def _exceeded_totals(ctx, eqs: list[Equation], tolerance: dict[str, float]) -> list[Problem]:
    """Equations with absent parts (rows the table does not print or that were not read):
    counts are never negative, so the parts that are there must not already exceed the total."""
    problems = []
    for eq in eqs:
        if eq.lhs != (eq.total,):
            continue  # only "total = sum of parts" equations give a bound
        figs = {r: ctx.figure(r) for r in eq.refs}
        absent = [r for r, f in figs.items() if f is None]
        present = [f for f in figs.values() if f is not None]
        if not absent or eq.total in absent or any(f.value is None for f in present):
            continue
        total = ctx.value(eq.total)
        parts = sum(f.value for r, f in figs.items() if f is not None and r != eq.total)
        if parts > total + tolerance[eq.code]:
            problems.append(Problem(eq.code, eq.total, total, parts, [eq], "bound", [(total, parts)]))
    return problems


def _single_cell_explanations(broken, holding, sums):
    """Cells whose one correction fixes >= 2 broken equations and breaks no holding one.

    Yields (cell, delta, equations), most equations first.
    """
    holding_refs = {r for e in holding for r in e.refs}
    candidates = []
    for cell in dict.fromkeys(r for e in broken for r in e.refs):
        if cell in holding_refs:
            continue
        group = [e for e in broken if cell in e.refs]
        if len(group) < 2:
            continue
        deltas = {_needed_change(e, cell, sums[e]) for e in group}
        if len(deltas) == 1:
            candidates.append((cell, deltas.pop(), group))
    candidates.sort(key=lambda c: -len(c[2]))
    return candidates


def _needed_change(eq: Equation, cell: str, sums: tuple[float, float]) -> float:
    lhs, rhs = sums
    return rhs - lhs if cell in eq.lhs else lhs - rhs


def _code_for_cell(cell: str, group: list[Equation]) -> str:
    as_total = {e.code for e in group if e.total == cell}
    as_term = {e.code for e in group}
    for code in _TOTAL_PRIORITY:
        if code in as_total:
            return code
    return next(code for code in _TERM_PRIORITY if code in as_term)


def _sum(ctx, refs) -> float:
    return sum(ctx.value(r) for r in refs)


def _known_sum(ctx, refs) -> float:
    return sum(v for r in refs if (v := ctx.value(r)) is not None)


def describe(problem: Problem) -> str:
    """The finding message, in the report's language."""
    from .names import fmt  # noqa: F811

    where = cell_label(problem.cell)
    if problem.kind == "blank":
        return f"{where}空白，但其组成项合计为 {fmt(problem.expected)}：总计漏填。请补填总计或说明。"
    if problem.kind == "bound":
        eq = problem.equations[0]
        return (
            f"{eq.label}不成立：表中列出的各项合计已达 {fmt(problem.expected)}，超过{where}的 {fmt(problem.found)}"
            "（另有未列出或未能读出的行，只会使合计更大）。"
        )
    if problem.kind == "every_reading":
        return _describe_every_reading(problem)
    if problem.kind == "cell":
        rules = "；".join(e.label for e in problem.equations)
        return (
            f"{where}为 {fmt(problem.found)}，与 {len(problem.equations)} 个勾稽关系不符"
            f"（{rules}），按各关系应为 {fmt(problem.expected)}。请核对该单元格。"
        )
    eq = problem.equations[0]
    lhs, rhs = problem.sums[0]
    return (
        f"{eq.label}不成立：左边 {fmt(lhs)}，右边 {fmt(rhs)}，相差 {fmt(abs(lhs - rhs))}"
        f"（{where}为 {fmt(problem.found)}，按其余各项应为 {fmt(problem.expected)}）。"
    )


def _describe_every_reading(problem: Problem) -> str:
    from .names import fmt

    proof = problem.proof
    eq = problem.equations[0]
    if len(problem.equations) == 1:
        text = (f"{eq.label}不成立：表中印出的各行数字有多种读法（页面文字略去空白单元格或合并相同的行），"
                "但无论按哪种读法此关系都不成立，表格本身有误。")
    else:
        rules = "；".join(e.label for e in problem.equations)
        text = (f"以下 {len(problem.equations)} 个勾稽关系不能同时成立：{rules}。表中印出的各行数字有多种读法"
                "（页面文字略去空白单元格或合并相同的行），每一种都能满足其中一部分，但没有一种能全部满足，"
                "表格本身有误。")
    if proof.fixed:
        text += "各读法一致的单元格：" + "、".join(f"{cell_label(r)} {fmt(v)}" for r, v in proof.fixed.items()) + "。"
    if proof.open and len(proof.open) <= 12:
        text += "未能确定的单元格：" + "、".join(
            f"{cell_label(r)}（{'或'.join(fmt(v) for v in values)}）" for r, values in proof.open.items()) + "。"
    elif proof.open:
        text += f"另有 {len(proof.open)} 个单元格未能确定（候选值见证据）。"
    if proof.found is not None and proof.expected is not None:
        text += f"按各读法，{cell_label(proof.total)}为 {fmt(proof.found)}，按其余各项应为 {fmt(proof.expected)}。"
    return text + "请对照原表核对。"
