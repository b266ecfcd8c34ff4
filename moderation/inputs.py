"""One entry point for every input the commands take: a dump or a table, a path, raw text,
or standard input (`-`), so each command reads files the same way."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError, TableError
from .parse import parse_dump
from .reading import DEFAULT_MAX_BYTES, check_and_decode, describe_size, read_text
from .tables import looks_like_table, read_table
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
