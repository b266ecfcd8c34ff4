"""One entry point for every input the commands take: a dump or a table, a path, raw text,
or standard input (`-`), so each command reads files the same way."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import InputError, TableError
from .parse import parse_dump
from .reading import DEFAULT_MAX_BYTES, check_and_decode, describe_size, read_text
from .tables import TABLE_SUFFIXES, looks_like_table, read_table
from .thread import Thread


def _text_of(source: str | Path, max_bytes: int | None) -> tuple[str, str]:
    """(text, name) of a path, `-` for standard input, or text passed directly."""
    if isinstance(source, Path):
        return read_text(source, max_bytes), str(source)
    if source == "-":
        data = sys.stdin.buffer.read() if max_bytes is None else sys.stdin.buffer.read(max_bytes + 1)
        if max_bytes is not None and len(data) > max_bytes:
            raise InputError(f"standard input is over the {describe_size(max_bytes)} limit", path="<stdin>",
                             hint="raise the limit with --max-size MB")
        return check_and_decode(data, "<stdin>"), "<stdin>"
    if "\n" not in source and len(source) < 4096:
        return read_text(source, max_bytes), source
    return source, "<text>"


def read_threads(source: str | Path, *, strict: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES) -> list[Thread]:
    """Every thread in a dump (one) or a comment table (one per `thread_id`)."""
    text, name = _text_of(source, max_bytes)
    if looks_like_table(text, name):
        return read_table(text, name)
    thread = parse_dump(text, None if name == "<text>" else name, strict=strict)
    if not thread.thread_id:
        thread.thread_id = Path(name).stem if name not in ("<text>", "<stdin>") else ""
    return [thread]


def parse_thread(path_or_text: str | Path, *, strict: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Thread:
    """The one thread in a dump (a path, or the dump's text itself) or a one-thread table."""
    threads = read_threads(path_or_text, strict=strict, max_bytes=max_bytes)
    if len(threads) != 1:
        raise TableError(f"holds {len(threads)} threads (one per thread_id); use read_threads() for tables",
                         path=threads[0].source if threads else None)
    return threads[0]


def is_table_file(path: Path) -> bool:
    """A CSV/JSONL table (streamed in batches) rather than a page dump: by extension, else by
    the first line of the file."""
    if path.suffix.lower() in TABLE_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False  # read_text will say what is wrong with it
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    return looks_like_table(first)


def iter_batches(sources: Iterable[str | Path], *, batch_rows: int = 20_000, max_bytes: int | None = DEFAULT_MAX_BYTES,
                 strict: bool = False, progress: Callable[[str, int], Callable[[int, int], None] | None] | None = None,
                 ) -> Iterator[list[Thread]]:
    """Threads from many inputs, in input order, in batches of about `batch_rows` comments.

    Dumps are read whole (each is one page) and grouped until a batch is full; table files are
    streamed (`table_stream`), so a table of any size passes through in bounded memory and is
    not held to `max_bytes`. `progress(name, size)` may return a callback for a table's
    (bytes read, rows read). Threads without an id take the file's stem.
    """
    from .table_stream import stream_table

    pending: list[Thread] = []
    pending_rows = 0
    for source in sources:
        path = None if source == "-" else Path(source)
        if path is not None and path.is_file() and is_table_file(path):
            if pending:
                yield pending
                pending, pending_rows = [], 0
            callback = progress(str(path), path.stat().st_size) if progress else None
            for batch in stream_table(path, batch_rows=batch_rows, progress=callback):
                yield [_named(t, path.stem) for t in batch]
            continue
        for thread in read_threads(source if path is None else path, strict=strict, max_bytes=max_bytes):
            pending.append(_named(thread, "stdin" if path is None else path.stem))
            pending_rows += len(thread.comments)
        if pending_rows >= batch_rows:
            yield pending
            pending, pending_rows = [], 0
    if pending:
        yield pending


def _named(thread: Thread, name: str) -> Thread:
    if not thread.thread_id:
        thread.thread_id = name
    return thread
