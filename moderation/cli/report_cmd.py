"""`moderate report`: one self-contained HTML page of scored threads for people to review."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import ModerationError
from .app import MAX_SIZE_HELP, app, emit, read_inputs


def _check_overwrite(path: Path) -> None:
    """A report this command wrote may be replaced (rerunning it is the normal case); any other
    existing file is the user's and is never overwritten."""
    from ..report import GENERATOR

    if not path.exists():
        return
    if path.is_dir():
        raise ModerationError("is a directory", path=path, hint="give --output a file name, e.g. report.html")
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).decode("utf-8", "replace")
    except OSError as exc:
        raise ModerationError(f"cannot read the existing file: {exc.strerror or exc}", path=path) from None
    if f'<meta name="generator" content="{GENERATOR}' not in head:
        raise ModerationError("already exists and is not a report written by moderate; not overwriting it",
                              path=path, hint="choose another --output or remove the file")


@app.command()
def report(
    inputs: list[str] = typer.Argument(..., help="Thread dumps, comment tables (CSV/JSONL), directories or globs; - for stdin."),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write (- for standard output). "
                                "An earlier report is replaced; any other existing file is left alone."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
) -> None:
    """Write one self-contained HTML page to review the threads in a browser.

    Per thread: the summary with a chart, and the whole comment tree, foldable, each comment
    with its flags, stance and why it was flagged; filters show only flagged comments. The
    page needs no network to view."""
    to_stdout = str(output) == "-"
    if not to_stdout:
        _check_overwrite(output)  # before the slow part: a refusal should come at once
    from ..model import load_model
    from ..report import render_report
    from ..scoring import score_threads

    threads = read_inputs(inputs, max_size)
    model = load_model(model_dir)
    print(f"reporting {sum(len(t.comments) for t in threads)} comments in {len(threads)} "
          f"thread{'s' if len(threads) != 1 else ''}", file=sys.stderr)
    table = score_threads(model, threads, explain=True)
    emit(render_report(threads, table), None if to_stdout else output)
