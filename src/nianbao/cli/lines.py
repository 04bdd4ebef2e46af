"""Line-per-item input shared by the commands that read FILE|- (claims, classify)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Iterator, TextIO

import typer


def nonempty_lines(stream: TextIO) -> Iterable[str]:
    """The stream's lines without line ends, skipping blank ones."""
    for raw in stream:
        line = raw.rstrip("\r\n")
        if line.strip():
            yield line


def input_lines(source: str) -> Iterator[str]:
    """Non-empty lines of a UTF-8 file, or of standard input for "-"; a clear error (exit 2) otherwise."""
    if source == "-":
        stream: TextIO = sys.stdin
    else:
        path = Path(source)
        if not path.is_file():
            typer.echo(f"error: {source} is not a readable file; give a text file or - to read standard input", err=True)
            raise typer.Exit(2)
        try:
            stream = path.open(encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot read {source}: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
    try:
        yield from nonempty_lines(stream)
    except UnicodeDecodeError as exc:
        typer.echo(f"error: {source} is not UTF-8 text ({exc.reason}); convert it to UTF-8 first", err=True)
        raise typer.Exit(2) from None
    finally:
        if stream is not sys.stdin:
            stream.close()
