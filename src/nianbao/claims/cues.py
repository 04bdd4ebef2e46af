"""The words that tell what a figure counts, found by a phrase matcher over jieba tokens.

Each cue phrase is added to a private jieba dictionary, so the segmenter keeps it
as one token and the matcher finds it wherever it occurs; the global jieba
dictionary (used by other stages) is left untouched.  The linking rules
(``linking.py``) then reason over the cues' labels and character offsets.

The matcher gives the cues spaCy's PhraseMatcher gave over a blank ``zh`` pipeline with the
same segmenter (tests/test_claims_cues.py compares the two on every labelled sentence), without
importing spaCy, which cost about 1 s of every cold ``nianbao check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Cue label -> phrases.  Labels name what the phrase says, not the metric it leads to:
# one label can lead to different metrics depending on its neighbours.
CUE_PHRASES: dict[str, tuple[str, ...]] = {
    # on-request (T3) rows
    "RECEIVE": ("收到", "受理", "接收", "新收", "接到", "收悉", "提出", "提交", "申请数", "申请数量"),
    "APPLICATION": ("申请",),
    "ON_REQUEST": ("依申请", "依申请公开"),
    "HANDLED": ("办结", "答复", "办理", "处理完毕", "回复", "办理完毕"),
    "CARRIED_OVER": ("上年结转", "上年度结转", "上年度转结", "上年转结", "上一年度结转", "上年度遗留", "上年度未办结"),
    "CARRIED_FORWARD": ("结转下年度", "转结下年度", "结转下一年度", "结转至", "结转到", "结转下年", "转至下一年度"),
    "INCL_CARRIED": ("含上年结转", "含上年度结转", "含上年度转结", "包括上年结转"),
    "GRANTED_OR_PARTIAL": ("予以公开及部分公开", "予以公开和部分公开", "予以公开或部分公开", "予以公开与部分公开",
                           "全部或部分公开", "全部公开和部分公开", "同意公开和部分公开", "已公开或部分公开",
                           "公开或部分公开", "公开及部分公开"),
    "GRANTED": ("予以公开", "同意公开", "全部公开"),
    "PARTIAL": ("部分公开",),
    "DENIED": ("不予公开",),
    "UNABLE": ("无法提供",),
    "NOT_PROCESSED": ("不予处理",),
    "OTHER_HANDLING": ("其他处理",),
    "COL_NATURAL": ("自然人",),
    "COL_COMMERCIAL": ("商业企业",),
    "COL_RESEARCH": ("科研机构",),
    "COL_SOCIAL": ("社会公益组织",),
    "COL_LEGAL": ("法律服务机构",),
    # T3 sub-rows a narrative sometimes names
    "SUB_NOT_HELD": ("不掌握", "不掌握相关政府信息"),
    "SUB_NEEDS_CREATION": ("另行制作",),
    "SUB_DUPLICATE": ("重复申请",),
    "SUB_COMPLAINT": ("信访举报投诉",),
    "SUB_STATE_SECRET": ("国家秘密",),
    "SUB_THIRD_PARTY": ("第三方合法权益",),
    "SUB_PROCESS_INFO": ("过程性信息",),
    "SUB_INTERNAL": ("内部事务信息", "内部事务"),
    "SUB_PUBLICATION": ("公开出版物",),
    # review and litigation (T4)
    "LIT_DIRECT": ("未经复议直接起诉", "直接起诉", "直接提起行政诉讼"),
    "LIT_AFTER": ("复议后起诉", "复议后提起行政诉讼"),
    "REVIEW": ("行政复议", "复议"),
    "LITIGATION": ("行政诉讼", "诉讼", "起诉"),
    "CORRECTED": ("被纠正", "纠错", "被撤销", "确认违法", "纠正"),
    "LOST": ("败诉",),
    "UPHELD": ("维持", "驳回"),
    "PENDING": ("尚未审结", "未审结", "正在审理", "审理中"),
    # proactive disclosure (T2 and narrative-only)
    "REGULATIONS": ("规章",),
    "NORMATIVE": ("规范性文件", "行政规范性文件"),
    "IN_FORCE": ("现行有效",),
    # T2 第二十条第（五）（六）（八）项 rows; 行政事业性收费 is T2's fee row, not 信息处理费
    "LICENSING": ("行政许可",),
    "PUNISHMENT": ("行政处罚", "处罚"),
    "COERCION": ("行政强制", "强制"),
    "ADMIN_FEE": ("行政事业性收费",),
    "PROACTIVE": ("主动公开", "主动发布"),
    "PUBLISH": ("发布", "公开", "公布", "更新"),
    "INFO": ("信息", "政府信息", "政务信息"),
    "WEBSITE": ("网站", "门户网站", "政府网站", "网站平台"),
    "TOTAL": ("共", "共计", "累计", "合计", "总计", "全年", "总数"),
    "CHANNEL": ("微信", "微博", "公众号", "新媒体", "新闻媒体", "抖音", "头条", "领域", "专栏", "专题",
                "媒体", "客户端", "基础平台", "政务服务平台", "报刊", "公报"),
    "SUBSET": ("其中", "信息中", "包括", "包含"),
    "CATEGORY": ("类信息", "类"),
    "INTERPRETATION": ("政策解读", "解读"),
    "GRAPHIC": ("图解",),
    "PRESS": ("新闻发布会", "新闻发布活动", "发布会"),
    "FEE": ("信息处理费", "处理费", "收费", "收取"),
    "SPEND": ("支出", "经费"),
    # what makes a nearby figure something else
    "BLOCK": ("留言", "投诉", "建议", "提案", "来信", "咨询", "热线", "工单", "诉求", "信件", "来电",
              "废止", "修改", "修订", "清理", "新制定", "人大代表", "政协委员", "网民"),
    # counts of the same verbs about something other than disclosure requests
    "OTHER_SCOPE": ("审批事项", "服务事项", "公共服务事项", "转办件", "涉税", "税务案件", "纳税人", "协助", "协办",
                    "信访件"),
    "SHARE": ("占", "比例", "率", "办结率", "答复率"),
}



@dataclass(frozen=True)
class Cue:
    label: str
    start: int  # character offsets in the text the cue was found in
    end: int
    text: str


class CueFinder:
    """Token-sequence phrase matcher over a private jieba segmenter.

    Text is cut as spaCy's Chinese tokenizer cuts it (jieba, HMM on); a phrase matches where
    its own tokens follow each other.  Whitespace between tokens breaks a match, except one
    plain space after a token (spaCy keeps that as the token's trailing space).
    """

    def __init__(self, cue_phrases: dict[str, tuple[str, ...]] = CUE_PHRASES) -> None:
        from ..segmenter import private_tokenizer

        self.segmenter = private_tokenizer()
        for phrases in cue_phrases.values():
            for phrase in phrases:
                self.segmenter.add_word(phrase, freq=200000)
        # first token -> [(tokens, label)]
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, phrases in cue_phrases.items():
            for phrase in phrases:
                tokens = tuple(token for token, _, _ in self.tokens(phrase) if token is not None)
                if tokens:
                    self.phrases.setdefault(tokens[0], []).append((tokens, label))

    def tokens(self, text: str) -> list[tuple[str | None, int, int]]:
        """(token, start, end) in order; a ``None`` token stands for whitespace that separates."""
        out: list[tuple[str | None, int, int]] = []
        position = 0
        for word in self.segmenter.cut(text, cut_all=False):
            if not word or word.isspace():
                continue
            start = text.index(word, position)
            gap = text[position:start]
            if gap and not (gap == " " and out and out[-1][0] is not None):
                out.append((None, position, start))
            out.append((word, start, start + len(word)))
            position = start + len(word)
        return out

    def __call__(self, text: str) -> list[Cue]:
        tokens = self.tokens(text)
        words = [token for token, _, _ in tokens]
        found = []
        for i, word in enumerate(words):
            for phrase, label in self.phrases.get(word, ()) if word is not None else ():
                n = len(phrase)
                if tuple(words[i : i + n]) == phrase:
                    start, end = tokens[i][1], tokens[i + n - 1][2]
                    found.append(Cue(label, start, end, text[start:end]))
        return _drop_nested(found)


def _drop_nested(cues: list[Cue]) -> list[Cue]:
    """Keep the longest cue where two overlap ("予以公开及部分公开" over "予以公开")."""
    cues = sorted(cues, key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    for cue in cues:
        if kept and cue.start < kept[-1].end:
            continue
        kept.append(cue)
    return kept


@lru_cache(maxsize=1)
def cue_finder() -> CueFinder:
    """One shared finder (building jieba's prefix dictionary takes about a second)."""
    return CueFinder()
