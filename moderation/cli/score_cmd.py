"""`moderate score`: score every comment and print a tree, CSV or JSON."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .app import (
    EXIT_FINDINGS,
    INCLUDE_PINGBACKS_HELP,
    INCLUDE_UNAPPROVED_HELP,
    MAX_SIZE_HELP,
    TreeFormat,
    app,
    expand_inputs,
    output_stream,
    progress_bar,
    size_limit,
    warn,
)


@app.command()
def score(
    inputs: list[str] = typer.Argument(..., help="Thread dumps, comment tables (CSV/JSONL), platform exports "
                                       "(Disqus/WordPress XML, Reddit/HN JSON), directories or globs; - for stdin."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    format: TreeFormat = typer.Option(TreeFormat.tree, "--format", "-f", help="tree for people; csv or json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 if any comment carries one of these flags (comma-separated)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP + " Tables are streamed and not limited.", metavar="MB"),
    batch_rows: int = typer.Option(20_000, "--batch-rows", min=100, help="Comments scored at a time: memory stays bounded by this."),
    explain: bool = typer.Option(False, "--explain", help="Say which words and context features pushed each flag over its threshold."),
    include_unapproved: bool = typer.Option(False, "--include-unapproved", help=INCLUDE_UNAPPROVED_HELP),
    include_pingbacks: bool = typer.Option(False, "--include-pingbacks", help=INCLUDE_PINGBACKS_HELP),
) -> None:
    """Score every comment for incivility, conspiracy claims, off-topic drift and stance.

    Tables (CSV/JSONL) are read and scored in batches of whole threads, so a table of any size
    scores in bounded memory, with progress on stderr.
    """
    from ..labels import BINARY_LABELS

    wanted = {f.strip() for f in (fail_on or "").split(",") if f.strip()}
    unknown = sorted(wanted - set(BINARY_LABELS))
    if unknown:
        raise typer.BadParameter(f"unknown label(s) {', '.join(unknown)}; use {', '.join(BINARY_LABELS)}", param_hint="--fail-on")
    files = expand_inputs(inputs)
    from ..reading import require_file

    for f in files:  # say what is missing before any output is written
        if f != "-":
            require_file(f)
    from ..inputs import iter_batches
    from ..model import load_model
    from ..scoring import score_threads

    model = load_model(model_dir)
    found = False
    comments = threads = 0
    with output_stream(output) as out:
        writer = _writer(format, out, colour=output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
        batches = iter_batches(files, batch_rows=batch_rows, max_bytes=size_limit(max_size), progress=progress_bar,
                               include_unapproved=include_unapproved, include_pingbacks=include_pingbacks)
        for batch in batches:
            for thread in batch:
                for w in thread.warnings:
                    warn(w)
            table = score_threads(model, batch, explain=explain)
            writer.write(batch, table)
            found = found or bool(wanted and any(set(str(f).split(";")) & wanted for f in table["flags"]))
            comments += len(table)
            threads += len(batch)
        writer.close()
    if len(files) > 1 or comments > batch_rows:
        print(f"scored {comments} comments in {threads} threads", file=sys.stderr)
    if found:
        raise typer.Exit(EXIT_FINDINGS)


def _writer(format: TreeFormat, out, colour: bool):
    from ..score_output import CsvScoreWriter, JsonScoreWriter, TreeScoreWriter

    if format is TreeFormat.csv:
        return CsvScoreWriter(out, warn=warn)
    if format is TreeFormat.json:
        return JsonScoreWriter(out)
    return TreeScoreWriter(out, colour)
