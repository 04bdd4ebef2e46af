"""The ``nianbao`` command line: a thin layer over the pipeline stages.

Each command lives in its own module below; importing it registers it.
"""

from __future__ import annotations

from .app import app
from . import check_cmd  # noqa: F401  (registers `check`, `evaluate`)
from . import run_cmd  # noqa: F401  (registers `run`, `summary`)
from . import claims_cmd  # noqa: F401  (registers `claims`)
from . import rules_cmd  # noqa: F401  (registers `rules`, `rule`)
from . import review_cmd  # noqa: F401  (registers `review`, `decisions export`)
from . import train_cmd  # noqa: F401  (registers `train`, `classify`)
from . import synth_cmd  # noqa: F401  (registers `synth`)


def main(**kwargs) -> None:
    """The ``nianbao`` script: the app, with a missing optional part (an extra) reported in
    one line that names the extra instead of a traceback."""
    import sys

    from ..extras import extra_for_module, missing_extra_message

    try:
        app(**kwargs)
    except ModuleNotFoundError as exc:
        extra = extra_for_module(exc.name or "")
        if extra is None:
            raise
        sys.stderr.write(f"error: {missing_extra_message(exc.name, extra)}\n")
        raise SystemExit(2) from None
