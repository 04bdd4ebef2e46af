"""Imported once by the local engine's forkserver, before any worker forks.

Checking one tiny report here pulls in everything the pipeline loads lazily
(stage modules, the paragraph model, jieba's dictionary), so every worker
forked afterwards, including replacements for killed ones, starts warm and
shares those pages copy-on-write.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

_TINY_REPORT = """某县人民政府2023年政府信息公开工作年度报告

一、总体情况
2023年，主动公开政府信息12条。共收到政府信息公开申请1件。

二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
一是公开内容还需丰富。
六、其他需要报告的事项
无。
"""


def warm_up() -> None:
    # What the tiny report does not reach but most corpora do: the flattened-table decoder
    # (OR-Tools, ~0.4 s of CPU to import) and the PDF reader.  Imported here once, not in every
    # worker after it forks, where two workers would each pay it on the shared cores.
    from ..ingest import pdf  # noqa: F401
    from ..pipeline import check
    from ..tables.decode import solve  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="nianbao-warm-") as tmp:
        path = Path(tmp) / "warm_up.txt"
        path.write_text(_TINY_REPORT, encoding="utf-8")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. "no paragraph model": the workers say it themselves
                check(path)
        except Exception as exc:  # warm-up only: the real run reports per-file errors itself
            warnings.warn(f"worker warm-up failed ({type(exc).__name__}: {exc}); workers will start cold", stacklevel=1)


warm_up()
