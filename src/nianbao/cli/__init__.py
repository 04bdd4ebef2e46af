"""The ``nianbao`` command line: a thin layer over the pipeline stages.

Each command lives in its own module below; importing it registers it.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="nianbao",
    help="Read and check Chinese government information-disclosure annual reports (政府信息公开工作年度报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from . import check_cmd  # noqa: E402,F401  (registers `check`, `evaluate`)
from . import run_cmd  # noqa: E402,F401  (registers `run`, `summary`)
from . import claims_cmd  # noqa: E402,F401  (registers `claims`)
from . import rules_cmd  # noqa: E402,F401  (registers `rules`, `rule`)
from . import review_cmd  # noqa: E402,F401  (registers `review`, `decisions export`)
from . import train_cmd  # noqa: E402,F401  (registers `train`, `classify`)
from . import synth_cmd  # noqa: E402,F401  (registers `synth`)
