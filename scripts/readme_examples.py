"""Regenerate the command examples of README.md from the tool itself.

An example is a fenced block right after a marker naming its command:

    <!-- output of: nianbao check --no-classify corpus/samples/jinshui-sfj-2023-txt/source.txt -->
    ```text
    $ nianbao check …
    (what the command prints when its output is not a terminal)
    ```

`python scripts/readme_examples.py` rewrites every such block; `tests/test_readme.py` fails when a
block no longer matches what the command prints, so the README never shows an old output.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"<!-- output of: (?P<cmd>.+?) -->\n```text\n(?P<body>.*?)```\n", re.S)


def run(command: str) -> str:
    """What ``command`` (a nianbao command line) prints, piped, run from the repository root."""
    args = shlex.split(command)
    assert args[0] == "nianbao", f"README examples run nianbao, not {args[0]}"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([sys.executable, "-m", "nianbao", *args[1:]], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)
    return f"$ {command}\n{proc.stdout}"


def examples(text: str) -> list[tuple[str, str]]:
    """(command, block body) of each example in the README text."""
    return [(m.group("cmd"), m.group("body")) for m in MARKER.finditer(text)]


def regenerate(text: str) -> str:
    return MARKER.sub(lambda m: f"<!-- output of: {m.group('cmd')} -->\n```text\n{run(m.group('cmd'))}```\n", text)


if __name__ == "__main__":
    README.write_text(regenerate(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"regenerated {len(examples(README.read_text(encoding='utf-8')))} example(s) in {README}")
