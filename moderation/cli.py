"""The `moderate` command: parses arguments, calls the library, prints. Nothing else.

Library errors (ModerationError) become one line on stderr and exit code 2; warnings go to
stderr; results go to stdout or --output. Heavy libraries are imported inside the commands
that need them, so `moderate --help` stays instant.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import ModerationError

app = typer.Typer(
    name="moderate",
    help="Parse, score and review reader-comment threads saved from news pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class ParseFormat(str, Enum):
    tree = "tree"
    json = "json"
    csv = "csv"


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _emit(text: str, output: Optional[Path]) -> None:
    """Write a result to --output (atomically) or stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from .files import atomic_write_text

    try:
        atomic_write_text(output, text)
    except OSError as exc:
        raise ModerationError(f"cannot write output: {exc.strerror or exc}", path=output) from None
    print(f"wrote {output}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"moderate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Parse, score and review reader-comment threads saved from news pages."""


MAX_SIZE_HELP = "Refuse input files larger than this many megabytes (0 = no limit)."


def _max_bytes(max_size: float) -> Optional[int]:
    return None if max_size <= 0 else int(max_size * 1024 * 1024)


@app.command()
def parse(
    file: str = typer.Argument(..., help="A saved page dump (.txt), a comment table (CSV/JSONL), or - for stdin."),
    format: ParseFormat = typer.Option(ParseFormat.tree, "--format", "-f", help="tree for people; json or csv for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    strict: bool = typer.Option(False, "--strict", help="Treat broken indentation or numbering as an error (exit 2)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
) -> None:
    """Show the article and the comment tree (who replied to whom) parsed from FILE."""
    from .inputs import read_threads
    from .outputs import threads_csv, threads_json

    threads = read_threads(file if file == "-" else Path(file), strict=strict, max_bytes=_max_bytes(max_size))
    for thread in threads:
        for w in thread.warnings:
            _warn(w)
    if format is ParseFormat.json:
        _emit(threads_json(threads), output)
    elif format is ParseFormat.csv:
        _emit(threads_csv(threads), output)
    else:
        from .display import render_tree

        _emit("\n".join(render_tree(t) for t in threads), output)


labels_app = typer.Typer(help="Check and extend the labeled examples in labels/.", no_args_is_help=True)
app.add_typer(labels_app, name="labels")


@labels_app.command("check")
def labels_check(
    directory: Path = typer.Argument(Path("labels"), help="The labels directory (holds labels.csv and threads/)."),
) -> None:
    """Validate the labeled set and print counts per label and split.

    Checks that every thread parses with --strict, every row points at an existing comment,
    values are valid, no row is duplicated and no comment text is in both train and test.
    Exit 2 on any problem, naming file and row.
    """
    from .labels import check_labels, summary_lines

    result = check_labels(directory)
    print("\n".join(summary_lines(result)))
    if result.errors:
        for e in result.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{len(result.errors)} problem(s) in {directory}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    print(f"\nok: {directory} is consistent")


@labels_app.command("sample")
def labels_sample(
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the blind sample (CSV)."),
    directory: Path = typer.Option(Path("labels"), "--labels", help="The labels directory."),
    share: float = typer.Option(0.10, "--share", min=0.001, max=1.0, help="Share of labeled comments to sample."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same sample."),
) -> None:
    """Write a blind random sample of labeled comments (no labels) for a second labeler."""
    from .agreement import SAMPLE_COLUMNS, blind_sample
    from .labels import load_labels

    rows = blind_sample(load_labels(directory), share, seed)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SAMPLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _refuse_overwrite(output)
    _emit(buf.getvalue(), output)


@labels_app.command("agreement")
def labels_agreement(
    second: Path = typer.Argument(..., help="CSV with thread, comment_id and the second labeler's label columns."),
    directory: Path = typer.Option(Path("labels"), "--labels", help="The labels directory."),
) -> None:
    """Cohen's kappa per label between labels.csv and a second labeler's table."""
    from .agreement import kappa_table, read_second_labels
    from .labels import load_labels
    from .reading import read_text

    table = kappa_table(load_labels(directory), read_second_labels(read_text(second), str(second)))
    print(f"{'label':<11} {'n':>5} {'agreement':>9} {'kappa':>6}")
    for row in table:
        print(f"{row['label']:<11} {row['n']:>5} {row['agreement']:>9.1%} {row['kappa']:>6.2f}")


def _refuse_overwrite(path: Path) -> None:
    if path.exists():
        raise ModerationError("already exists; not overwriting it", path=path, hint="choose another --output or remove it")


def main() -> None:
    """Console entry point: run the app, turning library errors into exit code 2."""
    try:
        app(standalone_mode=True)
    except ModerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
