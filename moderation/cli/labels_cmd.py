"""`moderate labels check|sample|agreement`: keep the labeled set consistent and measured."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import typer

from .app import EXIT_BAD_INPUT, emit, labels_app, refuse_overwrite


@labels_app.command("check")
def labels_check(
    directory: Path = typer.Argument(Path("labels"), help="The labels directory (holds labels.csv and threads/)."),
) -> None:
    """Validate the labeled set and print counts per label and split.

    Checks that every thread parses with --strict, every row points at an existing comment,
    values are valid, no row is duplicated and no comment text is in both train and test.
    Exit 2 on any problem, naming file and row.
    """
    from ..labels import check_labels, summary_lines

    result = check_labels(directory)
    print("\n".join(summary_lines(result)))
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
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
    from ..agreement import SAMPLE_COLUMNS, blind_sample
    from ..labels import load_labels

    rows = blind_sample(load_labels(directory), share, seed)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SAMPLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    refuse_overwrite(output)
    emit(buf.getvalue(), output)


@labels_app.command("agreement")
def labels_agreement(
    second: Path = typer.Argument(..., help="CSV with thread, comment_id and the second labeler's label columns."),
    directory: Path = typer.Option(Path("labels"), "--labels", help="The labels directory."),
) -> None:
    """Cohen's kappa per label between labels.csv and a second labeler's table."""
    from ..agreement import kappa_table, read_second_labels
    from ..labels import load_labels
    from ..reading import read_text

    table = kappa_table(load_labels(directory), read_second_labels(read_text(second), str(second)))
    print(f"{'label':<11} {'n':>5} {'agreement':>9} {'kappa':>6}")
    for row in table:
        print(f"{row['label']:<11} {row['n']:>5} {row['agreement']:>9.1%} {row['kappa']:>6.2f}")



@labels_app.command("add")
def labels_add(
    sheet: Path = typer.Argument(..., help="A review CSV (from `moderate review`) with the reviewer's decisions filled in."),
    directory: Path = typer.Option(Path("labels"), "--labels", help="The labels directory to merge into."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would change; write nothing."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Let a decision replace a different existing label."),
) -> None:
    """Merge a filled-in review sheet into the label set (labels/reviewed.csv).

    Reads the sheet as a spreadsheet saves it: comma or semicolon, BOM or none, CRLF, columns
    in any order, extra columns. Booleans: 1/0, yes/no, y/n, true/false, x; stance in any case;
    empty = not reviewed. Every row is checked first: any bad value lists all bad rows, writes
    nothing and exits 2. A decision that contradicts an existing label is reported and kept
    out unless --overwrite. The write is atomic.
    """
    from ..label_merge import ReviewFileError, merge_review
    from ..reading import read_text
    from .app import warn

    try:
        report = merge_review(read_text(sheet, max_bytes=None), directory, sheet_path=sheet, dry_run=dry_run,
                              overwrite=overwrite, warn=warn)
    except ReviewFileError as exc:
        for problem in exc.problems:
            print(f"error: {sheet}: {problem}", file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    for line in report.conflicts:
        print(f"conflict: {line}", file=sys.stderr)
    for line in report.leaks:
        print(f"kept out: {line}", file=sys.stderr)
    if dry_run:
        for line in report.changes:
            print(f"would {line}")
        print(f"dry run, nothing written: {report.summary()}")
    else:
        print(report.summary())
        if report.written:
            print(f"wrote {directory / 'reviewed.csv'}", file=sys.stderr)
