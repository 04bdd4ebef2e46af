"""Where the CLI prints: rich markup on a terminal, whole plain lines when piped.

On a terminal, text wraps at the window's width and tables fit it.  When the
stream is a pipe or a file (``nianbao check … | grep``, CI logs), every message
is printed as one whole line and tables become tab-separated lines, so no
sentence or figure is ever cut at an arbitrary column.

The console is looked up at print time, not import time, so output follows
``sys.stdout``/``sys.stderr`` when a caller (a test runner, a notebook) swaps them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

__all__ = ["Output", "out", "err", "escape"]


class Output:
    """One output stream (standard output or standard error)."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr
        self._cached: tuple[object, Console] | None = None

    @property
    def stream(self):
        return sys.stderr if self.stderr else sys.stdout

    @property
    def console(self) -> Console:
        stream = self.stream
        if self._cached is None or self._cached[0] is not stream:
            tty = _isatty(stream)
            # soft_wrap: a line longer than the width is left whole (the reader's terminal wraps it).
            self._cached = (stream, Console(file=stream, highlight=False, soft_wrap=not tty, stderr=self.stderr))
        return self._cached[1]

    @property
    def is_terminal(self) -> bool:
        return _isatty(self.stream)

    def print(self, markup: str = "") -> None:
        """A line of rich markup (escape report text with ``escape``)."""
        self.console.print(markup)

    def heading(self, title: str) -> None:
        """A section heading: a rule across the terminal, or '== title ==' when piped."""
        if self.is_terminal:
            self.console.rule(f"[bold]{title}")
        else:
            self.console.print(f"== {title} ==")

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[str]],
        *,
        title: str | None = None,
        wrap: str | None = None,
        show_header: bool = True,
    ) -> None:
        """Rows of markup cells.  On a terminal a rich table whose ``wrap`` column takes
        the width left by the others (they never wrap); piped, one tab-separated line a row."""
        rows = list(rows)
        if not self.is_terminal:
            # Straight to the stream: rich would expand the tabs.  from_markup drops styles, keeps words.
            lines = [f"== {title} =="] if title else []
            if show_header:
                lines.append("\t".join(columns))
            lines += ["\t".join(Text.from_markup(cell).plain.replace("\t", " ") for cell in row) for row in rows]
            self.stream.write("".join(line + "\n" for line in lines))
            self.stream.flush()
            return
        table = Table(title=title, header_style="bold", show_header=show_header)
        widths = _fit_widths(columns, rows, wrap, self.console.width)
        for name, width in zip(columns, widths):
            if name == wrap:
                table.add_column(name, overflow="fold", ratio=1, min_width=_WRAP_MIN)
            else:
                table.add_column(name, no_wrap=True, overflow="ellipsis", max_width=width)
        for row in rows:
            table.add_row(*row)
        self.console.print(table)


_WRAP_MIN = 24  # the wrapping column never gets narrower than this


def _fit_widths(columns: Sequence[str], rows: list[Sequence[str]], wrap: str | None, width: int) -> list[int | None]:
    """Widths for the columns that do not wrap, so that the one that wraps keeps ``_WRAP_MIN``
    characters: each gets its natural width while room is left, the widest share what remains."""
    if wrap is None:
        return [None] * len(columns)
    natural = {
        i: max([cell_len(name)] + [cell_len(Text.from_markup(r[i]).plain) for r in rows])
        for i, name in enumerate(columns) if name != wrap
    }
    room = width - _WRAP_MIN - 3 * len(columns) - 1  # cell padding and borders
    limit: dict[int, int] = {}
    for i in sorted(natural, key=natural.get):
        share = room // max(1, len(natural) - len(limit))
        limit[i] = max(4, min(natural[i], share))
        room -= limit[i]
    return [limit.get(i) for i in range(len(columns))]


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or stream-like objects without a terminal
        return False


out = Output()
err = Output(stderr=True)
