"""The `moderate` Typer app and the helpers every command shares (output, warnings, inputs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

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


MAX_SIZE_HELP = "Refuse input files larger than this many megabytes (0 = no limit)."


def size_limit(max_size: float) -> Optional[int]:
    return None if max_size <= 0 else int(max_size * 1024 * 1024)


def expand_inputs(inputs: list[str]) -> list[str]:
    """Files, directories (their dumps and tables, recursively), globs, or - for stdin."""
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
            files = sorted(str(p) for p in Path(item).rglob("*") if p.is_file() and p.suffix.lower() in (".txt", *TABLE_SUFFIXES))
            if not files:
                raise ModerationError("directory holds no .txt, .csv or .jsonl files", path=item)
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
    from ..inputs import read_threads

    threads = []
    for f in expand_inputs(inputs):
        for thread in read_threads(f if f == "-" else Path(f), max_bytes=size_limit(max_size)):
            if not thread.thread_id:
                thread.thread_id = "stdin" if f == "-" else Path(f).stem
            for w in thread.warnings:
                warn(w)
            threads.append(thread)
    return threads
