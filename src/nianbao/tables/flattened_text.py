"""Reading flattened tables as text: where each row's figures are, and how they may split.

In copied text a table row is its label followed by the row's cells with the
separators gone ("一、本年新收政府信息公开申请数量640020470").  This module
finds the row labels of T2/T3/T4 in reading order, cuts out the digit run that
follows each label (without the next label's item number "2." glued to it),
and lists every way a run can be split into the row's cells.  Choosing among
the splits is flattened_solve's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

from .schema import T2_ROWS_2019, T2_ROWS_2021, T3_COLUMNS, T4_COLUMNS, T4_GROUPS, t3_rows

# ---------------------------------------------------------------- cells


@dataclass(frozen=True)
class ColumnKind:
    """What a column of a flattened row may hold."""

    max_digits: int = 6  # integer digits: T3/T4 counts beyond 6 digits are implausible
    negative: bool = False  # 2019 T2 本年增/减
    decimal: bool = False  # money columns


COUNT = ColumnKind()
T4_COUNT = ColumnKind(max_digits=5)
T2_COUNT = ColumnKind(max_digits=8)
T2_CHANGE = ColumnKind(max_digits=8, negative=True)
T2_MONEY = ColumnKind(max_digits=13, decimal=True)


@dataclass(frozen=True)
class Piece:
    """One decoded cell: its value and where its characters are (local positions)."""

    value: int | float
    start: int
    end: int
    raw: str
    blank: bool = False


Split = tuple[Piece, ...]

_BLANK_MARKS = "-－—–/／无"
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Token:
    """A stretch of a run between forced boundaries (spaces, blank marks, signs)."""

    text: str
    start: int
    blank: bool = False


def tokenize(run: str, start: int, allow_negative: bool) -> list[Token]:
    """Cut a run at the boundaries the text does show: whitespace and blank marks.

    A '-' directly before a digit starts a negative number when the row has a
    column that may be negative (2019 T2 本年增/减, "2648-18538"); otherwise it
    is a blank cell.
    """
    tokens: list[Token] = []
    i = 0
    while i < len(run):
        ch = run[i]
        if _SPACE.match(ch):
            i += 1
            continue
        if ch in "-－−" and allow_negative and i + 1 < len(run) and run[i + 1].isdigit():
            j = i + 1
            while j < len(run) and (run[j].isdigit() or run[j] in ".．"):
                j += 1
            tokens.append(Token("-" + run[i + 1 : j], start + i))
            i = j
            continue
        if ch in _BLANK_MARKS:
            j = i + 1
            while j < len(run) and run[j] == ch and ch in "-—－":  # "——" is one blank
                j += 1
            tokens.append(Token(run[i:j], start + i, blank=True))
            i = j
            continue
        j = i
        while j < len(run) and (run[j].isdigit() or run[j] in ".．"):
            j += 1
        if j == i:  # stray character: skip it (tokens stay aligned with positions)
            i += 1
            continue
        tokens.append(Token(run[i:j], start + i))
        i = j
    return tokens


def _piece(raw: str, start: int, kind: ColumnKind) -> Piece | None:
    """The cell a substring would be, or None if it cannot be one (leading zero, too long…)."""
    body = raw[1:] if raw.startswith("-") else raw
    negative = body is not raw
    if negative and not kind.negative:
        return None
    body = body.replace("．", ".")
    whole, dot, frac = body.partition(".")
    if not whole or (dot and (not frac or not kind.decimal)):
        return None
    if len(whole) > 1 and whole.startswith("0"):
        return None
    if len(whole) > kind.max_digits:
        return None
    value: int | float = float(body) if dot else int(whole)
    if negative:
        if value == 0:
            return None
        value = -value
    return Piece(value, start, start + len(raw), raw)


@dataclass
class RowShape:
    """The cells a row must split into, and the sums that hold inside the row."""

    columns: tuple[str, ...]
    kinds: tuple[ColumnKind, ...]
    groups: tuple[tuple[int, int], ...] = ()  # (first, last) column index: last = sum of the others


def enumerate_splits(
    tokens: list[Token], shape: RowShape, *, require_sums: bool, limit: int, budget: int = 100_000
) -> tuple[list[Split], bool]:
    """Every split of the tokens into the row's cells (up to ``limit``).

    With ``require_sums`` only splits whose group totals hold are kept, and
    branches are cut as soon as a group closes wrong.  Returns the splits and
    whether the enumeration was complete.
    """
    ncols = len(shape.columns)
    group_end = {last: first for first, last in shape.groups}
    out: list[Split] = []
    nonlocal_steps = [0]  # work done, shared by walk and cut: long runs stop at ``budget``
    complete = True

    # how many cells the tokens from index i on can still make (each digit at most one)
    rest_min = [0] * (len(tokens) + 1)
    rest_max = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        rest_min[i] = rest_min[i + 1] + 1
        rest_max[i] = rest_max[i + 1] + (1 if tokens[i].blank else len(tokens[i].text.lstrip("-")))
    dots = [next((i for i, ch in enumerate(t.text) if ch in ".．"), None) for t in tokens]

    def fits(ti: int, end: int, filled: int) -> bool:
        """Can the text left after token ti's position end still fill the remaining cells?"""
        need = ncols - filled
        left = len(tokens[ti].text) - end
        return (1 if left else 0) + rest_min[ti + 1] <= need <= left + rest_max[ti + 1]

    def closes_wrong(cells: list[Piece]) -> bool:
        col = len(cells) - 1
        if not require_sums or col not in group_end:
            return False
        return sum(p.value for p in cells[group_end[col] : col]) != cells[col].value

    def walk(ti: int, cells: list[Piece]) -> None:
        """Place token ti (and the ones after it) from column len(cells) on."""
        nonlocal complete
        nonlocal_steps[0] += 1
        if nonlocal_steps[0] > budget or len(out) >= limit:
            complete = False
            return
        if ti == len(tokens):
            if len(cells) == ncols:
                out.append(tuple(cells))
            return
        if len(cells) == ncols:
            return
        tok = tokens[ti]
        if tok.blank:
            cells.append(Piece(0, tok.start, tok.start + len(tok.text), tok.text, blank=True))
            if not closes_wrong(cells):
                walk(ti + 1, cells)
            cells.pop()
            return
        cut(ti, 0, cells)

    def cut(ti: int, pos: int, cells: list[Piece]) -> None:
        """Cells taken from token ti starting at its character pos."""
        tok = tokens[ti]
        if len(cells) == ncols:
            return
        kind = shape.kinds[len(cells)]
        text = tok.text
        dot = dots[ti]
        # a cell may end anywhere before a decimal point; the cell holding the
        # point runs to the end of its token
        ends = list(range(pos + 1, dot)) + [len(text)] if dot is not None else range(pos + 1, len(text) + 1)
        for end in ends:
            nonlocal_steps[0] += 1
            if nonlocal_steps[0] > budget:
                return
            raw = text[pos:end]
            piece = _piece(raw, tok.start + pos, kind)
            if piece is None:
                if len(raw.lstrip("-").split(".")[0]) > kind.max_digits:
                    break
                continue
            if not fits(ti, end, len(cells) + 1):
                continue
            cells.append(piece)
            if not closes_wrong(cells):
                if end == len(text):
                    walk(ti + 1, cells)
                else:
                    cut(ti, end, cells)
            cells.pop()

    walk(0, [])
    return out, complete and nonlocal_steps[0] <= budget


def lost_blank_splits(tokens: list[Token], shape: RowShape, *, limit: int) -> list[Split]:
    """Readings of a row whose empty cells left no trace in the text.

    Copying a table with empty cells (= 0) drops them: "予以公开27130" may be
    27, -, -, -, -, 1, 30 or 27, -, 1, -, -, -, 30 …  Only for a row that is
    one group (parts then total, as T3): the last figure printed is the total,
    the others go to the part columns in order, and the row total must hold.
    The empty cells come back as blank zeros with an empty span.
    """
    if len(shape.groups) != 1 or shape.groups[0] != (0, len(shape.columns) - 1):
        return []
    nparts = len(shape.columns) - 1
    out: list[Split] = []
    for printed in range(1, len(shape.columns)):
        sub = RowShape(tuple(range(printed)), shape.kinds[:printed], ((0, printed - 1),))
        splits, _ = enumerate_splits(tokens, sub, require_sums=True, limit=limit)
        for split in splits:
            parts, total = split[:-1], split[-1]
            for cols in combinations(range(nparts), len(parts)):
                cells: list[Piece] = []
                given = iter(parts)
                for c in range(nparts):
                    if c in cols:
                        cells.append(next(given))
                    else:
                        at = cells[-1].end if cells else (parts[0].start if parts else total.start)
                        cells.append(Piece(0, at, at, "", blank=True))
                out.append((*cells, total))
                if len(out) >= limit:
                    return out
    return out


def group_violations(split: Split, shape: RowShape) -> int:
    """How many of the row's own totals a split breaks."""
    bad = 0
    for first, last in shape.groups:
        if sum(p.value for p in split[first:last]) != split[last].value:
            bad += 1
    return bad


# ---------------------------------------------------------------- labels


def fuzzy(word: str) -> str:
    """A regex for a label word that tolerates spaces inside it ("本年度办 理结果")."""
    return r"\s*".join(re.escape(ch) for ch in word)


@dataclass(frozen=True)
class LabelSpec:
    key: str  # canonical row key, or "" for a heading that only delimits rows
    anchor: str  # regex for the start of the label's distinctive words
    item: str = ""  # the label's Arabic item number ("2" of "2.其他法律…"), if any


def _anchor(*words: str) -> str:
    return "|".join(fuzzy(w) for w in words)


_T3_ANCHORS: dict[str, tuple[str, ...]] = {
    "new_received": ("本年新收",),
    "carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "denied.state_secret": ("国家秘密",),
    "denied.law_forbidden": ("法律行政法规禁止公开", "法规禁止公开"),
    "denied.three_safety": ("三安全一稳定",),
    "denied.third_party": ("第三方合法权益", "保护第三方"),
    "denied.internal_affairs": ("内部事务",),
    "denied.process_info": ("过程性信息",),
    "denied.enforcement_file": ("执法案卷",),
    "denied.query_item": ("查询事项",),
    "unable.not_held": ("不掌握",),
    "unable.needs_creation": ("没有现成", "另行制作"),
    "unable.unclear": ("补正后", "仍不明确"),
    "not_processed.complaint": ("信访",),
    "not_processed.duplicate": ("重复申请",),
    "not_processed.publication": ("公开出版物",),
    "not_processed.excessive": ("大量反复",),
    "not_processed.confirmation": ("确认或重新出具", "重新出具"),
    "other.no_correction": ("逾期不补正",),
    "other.unpaid_fee": ("收费通知", "缴纳费用"),
    "other": ("其他处理",),
    "carried_forward": ("结转下年度",),
}


def t3_labels(layout: str) -> list[LabelSpec]:
    specs = []
    for row in t3_rows(layout):
        item = re.match(r"(\d+)[.．]", row.label)
        if row.key == "other.other":
            anchor = fuzzy("其他") + r"(?!\s*(?:处\s*理|法\s*律|结\s*果|组\s*织))"
        elif row.key == "handled_total":
            anchor = r"[（(]\s*七\s*[)）]\s*" + fuzzy("总计") + "|" + fuzzy("总计")
        else:
            anchor = _anchor(*_T3_ANCHORS[row.key])
        specs.append(LabelSpec(row.key, anchor, item.group(1) if item else ""))
    return specs


_T2_ANCHORS: dict[str, str] = {
    "regulations": fuzzy("规章"),
    "normative_docs": r"(?:行\s*政\s*)?" + fuzzy("规范性文件"),
    "licensing": fuzzy("行政许可"),
    "other_services": _anchor("其他对外管理服务事项", "对外管理服务"),
    "punishment": fuzzy("行政处罚"),
    "coercion": fuzzy("行政强制"),
    "admin_fees": fuzzy("行政事业性收费"),
    "procurement": fuzzy("政府集中采购"),
}
T2_BLOCK = r"第\s*二\s*十\s*条\s*第\s*[（(]\s*[一二三四五六七八九]\s*[)）]\s*项"


def t2_rows_for(layout: str) -> dict[str, tuple[str, ...]]:
    return T2_ROWS_2019 if layout == "2019" else T2_ROWS_2021


def t2_labels(layout: str) -> list[LabelSpec]:
    return [LabelSpec(key, _T2_ANCHORS[key]) for key in t2_rows_for(layout)]


def t2_shape(row: str, layout: str) -> RowShape:
    cols = t2_rows_for(layout)[row]
    kinds = tuple(
        T2_CHANGE if c == "change" else T2_MONEY if c in ("amount", "amount_wan") else T2_COUNT for c in cols
    )
    return RowShape(cols, kinds)


T3_SHAPE = RowShape(T3_COLUMNS, (COUNT,) * len(T3_COLUMNS), ((0, len(T3_COLUMNS) - 1),))
T4_SHAPE = RowShape(
    tuple(f"{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS),
    (T4_COUNT,) * (len(T4_GROUPS) * len(T4_COLUMNS)),
    tuple((i * len(T4_COLUMNS), i * len(T4_COLUMNS) + len(T4_COLUMNS) - 1) for i in range(len(T4_GROUPS))),
)

# ---------------------------------------------------------------- regions and runs

T3_START = re.compile(fuzzy("本年新收"))
T4_START = re.compile(fuzzy("行政复议"))
_DATA = re.compile(r"[\d\s\-－−—–/／.．无]")
_FIGURE = re.compile(r"[\d\s\-－−—–/／.．]")  # as _DATA, but "无" here starts a label word ("无正当理由")
_ITEM_PUNCT = ".．、"


@dataclass
class RowRun:
    """The figures text after one row label, with the ways it can be read."""

    table: str
    row: str
    label_start: int
    label_end: int
    variants: list[tuple[str, int]] = field(default_factory=list)  # (run text, start)
    anchor_start: int | None = None  # where the label's distinctive words start

    @property
    def text(self) -> str:
        return self.variants[0][0] if self.variants else ""

    @property
    def start(self) -> int:
        return self.variants[0][1] if self.variants else self.label_end

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class FoundLabel:
    spec: LabelSpec
    start: int  # label start, item number included
    anchor_start: int
    anchor_end: int
    optional_item_start: int | None = None  # unpunctuated item number that may be a figure


def _label_start(text: str, anchor_start: int, item: str, floor: int) -> tuple[int, int | None]:
    """Walk back from a label's anchor over its leading words and its item number.

    "00000002.其他法律…": the "2." belongs to the label when 2 is the label's
    item number.  Without the dot ("00000002其他法律…") the "2" may be either,
    so its position is returned as optional.
    """
    i = anchor_start
    while i > floor and not _FIGURE.match(text[i - 1]) and anchor_start - i < 30:
        i -= 1
    if not item:
        return i, None
    before = text[max(floor, i - len(item) - 4) : i + 1]
    m = re.search(rf"{item}\s*[.．、]\s*$", before[:-1]) or re.search(rf"{item}\s*[.．、]$", before)
    if m:
        return max(floor, i - len(item) - 4) + m.start(), None
    if text[max(floor, i - len(item)) : i] == item:
        return i, i - len(item)
    return i, None


def find_labels(text: str, specs: list[LabelSpec], start: int, end: int, stops: str | None = None) -> list[FoundLabel]:
    """Find the labels in order; a label not found is skipped (the row is missing).

    ``stops`` matches headings that end a row's figures without being rows
    (T2's 第二十条第（五）项 block headers).
    """
    found: list[FoundLabel] = []
    cursor = start
    for spec in specs:
        m = re.compile(spec.anchor).search(text, cursor, end)
        if m is None:
            continue
        label_start, optional = _label_start(text, m.start(), spec.item, cursor)
        found.append(FoundLabel(spec, label_start, m.start(), m.end(), optional))
        cursor = m.end()
    if stops:
        for m in re.finditer(stops, text[start:end]):
            s = start + m.start()
            found.append(FoundLabel(LabelSpec("", stops), s, s, start + m.end()))
        found.sort(key=lambda f: f.anchor_start)
        for prev, cur in zip(found, found[1:]):
            cur.start = max(cur.start, prev.anchor_end)  # a label's words never reach into the one before
    return found


def _marker_is_blank(text: str, i: int, end: int) -> bool:
    """'无' counts as a blank cell only between figures, never as the start of a label word."""
    if text[i] != "无":
        return True
    return i + 1 >= end or bool(re.match(r"[\d\s\-－—/]", text[i + 1]))


def first_run(text: str, start: int, end: int, decimal: bool) -> tuple[str, int] | None:
    """The first stretch of figures in text[start:end]: the row's cells."""
    i = start
    while i < end:
        ch = text[i]
        if ch.isdigit() or (ch in _BLANK_MARKS and _marker_is_blank(text, i, end)):
            break
        i += 1
    if i >= end:
        return None
    j = i
    while j < end and _DATA.match(text[j]) and (text[j] != "无" or _marker_is_blank(text, j, end)):
        if text[j] in ".．" and not decimal:
            break
        j += 1
    run = text[i:j].rstrip()
    run = run.rstrip(".．")
    return (run, i) if run.strip() else None


def row_runs(text: str, table: str, found: list[FoundLabel], end: int, decimal: bool = False) -> list[RowRun]:
    """The run after each found row label, up to the next label."""
    runs = []
    for k, lab in enumerate(found):
        if not lab.spec.key:
            continue
        nxt = found[k + 1] if k + 1 < len(found) else None
        area_end = nxt.start if nxt else end
        run = RowRun(table, lab.spec.key, lab.start, lab.anchor_end, anchor_start=lab.anchor_start)
        got = first_run(text, lab.anchor_end, area_end, decimal)
        if got:
            run.variants.append(got)
            body, s = got
            if nxt and nxt.optional_item_start is not None and s + len(body) == nxt.start:
                short = text[s : nxt.optional_item_start].rstrip()
                if short.strip():
                    run.variants.append((short, s))
        runs.append(run)
    return runs


@dataclass
class Regions:
    """Where each table's text is (character positions in the text)."""

    t2: tuple[int, int] | None = None
    t3: tuple[int, int] | None = None
    t4: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int] | None:
        spans = [s for s in (self.t2, self.t3, self.t4) if s]
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def find_regions(text: str) -> Regions:
    """Locate T2 (第二十条第（一）项…), T3 (本年新收…) and T4 (行政复议 header after T3)."""
    regions = Regions()
    t2 = re.search(T2_BLOCK, text)
    t3 = _t3_start(text, t2.end() if t2 else 0)
    if t3 is None and t2 is not None:
        t3 = _t3_start(text, 0)
    if t3:
        # the T3 row label starts a little before its anchor ("一、本年新收")
        t3_start = max(t3.start() - 4, t2.end() if t2 and t2.start() < t3.start() else 0)
        carried = re.compile(fuzzy("结转下年度")).search(text, t3.end())
        t4 = T4_START.search(text, carried.end()) if carried else None
        t3_end = t4.start() if t4 else (carried.end() + 80 if carried else len(text))
        regions.t3 = (t3_start, min(t3_end, len(text)))
        if t4:
            regions.t4 = (t4.start(), _t4_end(text, t4.start()))
    if t2 and (not t3 or t2.start() < t3.start()):
        regions.t2 = (t2.start(), regions.t3[0] if regions.t3 else min(len(text), t2.start() + 1500))
    return regions


def _t3_start(text: str, start: int) -> re.Match[str] | None:
    """The T3 row label 本年新收…申请数量, not a sentence of the narrative that uses the words."""
    for m in T3_START.finditer(text, start):
        if re.match(r"[^。；\d]{0,20}?申\s*请\s*数\s*量", text[m.end() : m.end() + 40]):
            return m
    return None


def _t4_end(text: str, start: int) -> int:
    """T4 ends after its data run: the first figures after the header."""
    got = first_run(text, start, min(len(text), start + 600), decimal=False)
    return got[1] + len(got[0]) if got else min(len(text), start + 600)


def detect_layout(text: str, regions: Regions) -> str:
    """2019 or 2021 layout, from T2's column headers or T3's （六） rows."""
    if regions.t2:
        t2 = re.sub(r"\s", "", text[regions.t2[0] : regions.t2[1]])
        if re.search(r"新制作|对外公开总数量|上一年项目数量|政府集中采购", t2):
            return "2019"
        if re.search(r"本年制发|现行有效|本年废止|本年收费金额", t2):
            return "2021"
    if regions.t3:
        t3 = re.sub(r"\s", "", text[regions.t3[0] : regions.t3[1]])
        if re.search(r"逾期不补正|缴纳费用", t3):
            return "2021"
        if re.search(r"其他处理[\d\-/]", t3):
            return "2019"
    return "2021"
