"""Line-per-item input shared by the commands that read FILE|- (claims, classify)."""

from __future__ import annotations

from typing import Iterable, TextIO


def nonempty_lines(stream: TextIO) -> Iterable[str]:
    """The stream's lines without line ends, skipping blank ones."""
    for raw in stream:
        line = raw.rstrip("\r\n")
        if line.strip():
            yield line
