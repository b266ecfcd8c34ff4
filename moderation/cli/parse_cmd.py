"""`moderate parse`: show the article and comment tree parsed from a dump or table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import (
    INCLUDE_PINGBACKS_HELP,
    INCLUDE_UNAPPROVED_HELP,
    MAX_SIZE_HELP,
    TreeFormat,
    app,
    emit,
    size_limit,
    warn,
)


@app.command()
def parse(
    file: str = typer.Argument(..., help="A saved page dump (.txt), a comment table (CSV/JSONL), a Disqus or "
                               "WordPress XML export, a Reddit or Hacker News thread JSON, or - for stdin."),
    format: TreeFormat = typer.Option(TreeFormat.tree, "--format", "-f", help="tree for people; json or csv for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    strict: bool = typer.Option(False, "--strict", help="Treat broken indentation or numbering as an error (exit 2)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
    include_unapproved: bool = typer.Option(False, "--include-unapproved", help=INCLUDE_UNAPPROVED_HELP),
    include_pingbacks: bool = typer.Option(False, "--include-pingbacks", help=INCLUDE_PINGBACKS_HELP),
) -> None:
    """Show the article and the comment tree (who replied to whom) parsed from FILE."""
    from ..inputs import read_threads
    from ..outputs import threads_csv, threads_json

    threads = read_threads(file if file == "-" else Path(file), strict=strict, max_bytes=size_limit(max_size),
                           include_unapproved=include_unapproved, include_pingbacks=include_pingbacks)
    for thread in threads:
        for w in thread.warnings:
            warn(w)
    if format is TreeFormat.json:
        emit(threads_json(threads), output)
    elif format is TreeFormat.csv:
        emit(threads_csv(threads), output)
    else:
        from ..display import render_tree

        emit("\n".join(render_tree(t) for t in threads), output)

