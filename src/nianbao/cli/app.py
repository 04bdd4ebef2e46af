"""The ``nianbao`` Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="nianbao",
    help="Read and check Chinese government information-disclosure annual reports (政府信息公开工作年度报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
