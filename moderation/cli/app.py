"""The `moderate` Typer app and the helpers every command shares (output, warnings, inputs)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Optional, TextIO

import typer

from ..errors import ModerationError

app = typer.Typer(
    name="moderate",
    help="Parse, score and review reader-comment threads saved from news pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class TreeFormat(str, Enum):
    """Output of `parse` and `score`: a tree for people, JSON or CSV for machines."""

    tree = "tree"
    json = "json"
    csv = "csv"


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def emit(text: str, output: Optional[Path]) -> None:
    """Write a result to --output (atomically) or stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from ..files import atomic_write_text

    try:
        atomic_write_text(output, text)
    except OSError as exc:
        raise ModerationError(f"cannot write output: {exc.strerror or exc}", path=output) from None
    print(f"wrote {output}", file=sys.stderr)


@contextlib.contextmanager
def output_stream(output: Optional[Path]) -> Iterator[TextIO]:
    """A stream for results written piece by piece: stdout, or --output replaced atomically
    when everything has been written (a failed run leaves the old file as it was)."""
    if output is None:
        yield sys.stdout
        return
    from ..files import atomic_open

    try:
        with atomic_open(output, "w", encoding="utf-8", newline="") as fh:
            yield fh
    except OSError as exc:
        raise ModerationError(f"cannot write output: {exc.strerror or exc}", path=output) from None
    print(f"wrote {output}", file=sys.stderr)


def progress_bar(name: str, total_bytes: int) -> Callable[[int, int], None]:
    """Progress of reading a large input on stderr: a bar on a terminal, else a line at every
    tenth of the file (so logs of batch jobs show it too). Returns the (bytes, rows) callback."""
    shown = {"tenth": 0}

    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[rows]:,} comments"),
                       TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        task = bar.add_task(Path(name).name, total=max(total_bytes, 1), rows=0)
        bar.start()

        def update(done: int, rows: int) -> None:
            bar.update(task, completed=min(done, total_bytes), rows=rows)
            if done >= total_bytes:
                bar.stop()
        return update

    def log(done: int, rows: int) -> None:
        tenth = min(10, done * 10 // max(total_bytes, 1))
        if tenth > shown["tenth"] and total_bytes > 10 * 1024 * 1024:
            shown["tenth"] = tenth
            print(f"{name}: {tenth * 10}% read, {rows:,} comments", file=sys.stderr, flush=True)
    return log


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"moderate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Parse, score and review reader-comment threads saved from news pages."""


MAX_SIZE_HELP = ("Refuse input files larger than this many megabytes (0 = no limit). "
                 "Disqus and WordPress XML exports are streamed, so the limit does not apply to them.")
INCLUDE_UNAPPROVED_HELP = "WordPress exports: also read pending, spam and trashed comments (left out by default)."
INCLUDE_PINGBACKS_HELP = "WordPress exports: also read pingbacks and trackbacks (left out by default)."
INPUT_SUFFIXES = (".txt", ".xml", ".json")  # dumps and platform exports; tables add theirs


def size_limit(max_size: float) -> Optional[int]:
    return None if max_size <= 0 else int(max_size * 1024 * 1024)


def expand_inputs(inputs: list[str]) -> list[str]:
    """Files, directories (their dumps, tables and exports, recursively), globs, or - for stdin."""
    import glob as globbing

    from ..tables import TABLE_SUFFIXES

    found: list[str] = []
    for item in inputs:
        if item == "-":
            found.append(item)
        elif any(ch in item for ch in "*?[") and not Path(item).exists():
            matches = sorted(globbing.glob(item, recursive=True))
            if not matches:
                raise ModerationError(f"no files match {item!r}", hint="check the pattern")
            found.extend(m for m in matches if Path(m).is_file())
        elif Path(item).is_dir():
            files = sorted(str(p) for p in Path(item).rglob("*") if p.is_file() and p.suffix.lower() in (*INPUT_SUFFIXES, *TABLE_SUFFIXES))
            if not files:
                raise ModerationError("directory holds no .txt, .csv, .jsonl, .xml or .json files", path=item)
            found.extend(files)
        else:
            found.append(item)
    return found


def refuse_overwrite(path: Path) -> None:
    if path.exists():
        raise ModerationError("already exists; not overwriting it", path=path, hint="choose another --output or remove it")



labels_app = typer.Typer(help="Check and extend the labeled examples in labels/.", no_args_is_help=True)
app.add_typer(labels_app, name="labels")


def read_inputs(inputs: list[str], max_size: float) -> list:
    """Every thread in the inputs (see expand_inputs), warnings on stderr; a thread without an
    id is named after its file so rows from many files stay apart."""
    from ..inputs import iter_named

    threads = [thread for _, thread in iter_named(expand_inputs(inputs), max_bytes=size_limit(max_size))]
    for thread in threads:
        for w in thread.warnings:
            warn(w)
    return threads
