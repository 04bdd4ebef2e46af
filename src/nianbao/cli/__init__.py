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
