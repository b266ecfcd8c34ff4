"""One entry point for every input the commands take: a dump, a table or a platform export
(Disqus, WordPress, Reddit, Hacker News), a path, raw text, or standard input (`-`), so each
command reads files the same way. The kind is told from the content, not the file name."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path

from .errors import InputError, TableError
from .importers import HEAD_BYTES, STREAMED, ImportOptions, import_chunks, import_json, sniff
from .parse import parse_taken
from .reading import DEFAULT_MAX_BYTES, check_and_decode, describe_size, read_text
from .tables import TABLE_SUFFIXES, looks_like_table, read_table
from .thread import Thread


def _is_path(source: str | Path) -> bool:
    return isinstance(source, Path) or (source != "-" and "\n" not in source and len(source) < 4096)


def _head_of(path: Path) -> str | None:
    """The first bytes of a file, to tell its kind; None when it cannot be read (read_text says why)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


def _stdin_text(head: bytes, max_bytes: int | None) -> str:
    stdin = sys.stdin.buffer
    rest = stdin.read() if max_bytes is None else stdin.read(max(0, max_bytes + 1 - len(head)))
    data = head + rest
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"standard input is over the {describe_size(max_bytes)} limit", path="<stdin>",
                         hint="raise the limit with --max-size MB")
    return check_and_decode(data, "<stdin>")


def _stdin_chunks(head: bytes) -> Iterator[bytes]:
    stdin = sys.stdin.buffer
    return chain([head], iter(lambda: stdin.read(1 << 20), b""))


def iter_threads(source: str | Path, *, strict: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES,
                 include_unapproved: bool = False, include_pingbacks: bool = False) -> Iterator[Thread]:
    """Every thread in the input, one at a time: a dump (one), a table (one per `thread_id`),
    or a platform export (one per Disqus thread, WordPress post, Reddit submission, HN story).

    Disqus and WordPress XML are streamed from the file, so iterating over a large export holds
    one thread at a time; `max_bytes` does not apply to them. `include_unapproved` and
    `include_pingbacks` keep WordPress comments that are left out by default.
    """
    options = ImportOptions(strict=strict, include_unapproved=include_unapproved,
                            include_pingbacks=include_pingbacks)
    if _is_path(source):
        path = Path(source)
        head = _head_of(path) if path.is_file() else None
        kind = sniff(head, str(path)) if head else None
        if kind in STREAMED or kind == "xml":
            from .importers.xmlstream import file_chunks

            yield from import_chunks(kind, file_chunks(path), str(path), options)
            return
        text, name = read_text(path, max_bytes), str(path)
    elif source == "-":
        first = sys.stdin.buffer.read(HEAD_BYTES)
        kind = sniff(first.decode("utf-8", errors="replace"), "<stdin>")
        if kind in STREAMED:
            yield from import_chunks(kind, _stdin_chunks(first), "<stdin>", options)
            return
        text, name = _stdin_text(first, max_bytes), "<stdin>"
    else:
        text, name = source, "<text>"
        kind = sniff(text[:HEAD_BYTES], name)
        if kind in STREAMED:
            yield from import_chunks(kind, [text.encode("utf-8")], name, options)
            return
    kind = sniff(text[:HEAD_BYTES], name)
    if kind in ("reddit", "hackernews", "json"):
        threads = import_json(kind, text, name, options)
        if threads is not None:
            yield from threads
            return
    if looks_like_table(text, name):
        yield from read_table(text, name)
        return
    holder = [text]  # the only reference to a text read here: the parse frees it when done with it
    del text
    thread = parse_taken(holder, None if name == "<text>" else name, strict=strict)
    if not thread.thread_id:
        thread.thread_id = Path(name).stem if name not in ("<text>", "<stdin>") else ""
    yield thread


def read_threads(source: str | Path, *, strict: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES,
                 include_unapproved: bool = False, include_pingbacks: bool = False) -> list[Thread]:
    """Every thread in a dump (one), a comment table (one per `thread_id`) or a platform export;
    see `iter_threads` for one at a time."""
    return list(iter_threads(source, strict=strict, max_bytes=max_bytes, include_unapproved=include_unapproved,
                             include_pingbacks=include_pingbacks))


def parse_thread(path_or_text: str | Path, *, strict: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Thread:
    """The one thread in a dump (a path, or the dump's text itself) or a one-thread table."""
    threads = read_threads(path_or_text, strict=strict, max_bytes=max_bytes)
    if len(threads) != 1:
        raise TableError(f"holds {len(threads)} threads (one per thread_id); use read_threads() for tables",
                         path=threads[0].source if threads else None)
    return threads[0]


def is_table_file(path: Path) -> bool:
    """A CSV/JSONL table (streamed in batches) rather than a dump or a platform export: by
    extension, else by the first line; a `.json` file is read whole, as it may be an export."""
    head = _head_of(path)
    if head is None:
        return False  # read_text will say what is wrong with it
    if sniff(head, str(path)) is not None:
        return False
    if path.suffix.lower() in TABLE_SUFFIXES:
        return True
    return looks_like_table(head.lstrip("\ufeff").split("\n", 1)[0])


def iter_batches(sources: Iterable[str | Path], *, batch_rows: int = 20_000, max_bytes: int | None = DEFAULT_MAX_BYTES,
                 strict: bool = False, include_unapproved: bool = False, include_pingbacks: bool = False,
                 progress: Callable[[str, int], Callable[[int, int], None] | None] | None = None,
                 ) -> Iterator[list[Thread]]:
    """Threads from many inputs, in input order, in batches of about `batch_rows` comments.

    Table files are streamed (`table_stream`) and platform exports come a thread at a time
    (`iter_threads`), so an input of any size passes through in bounded memory; dumps are read
    whole and grouped until a batch is full. `progress(name, size)` may return a callback for a
    table's (bytes read, rows read). Threads without an id take the file's stem.
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
        for _, thread in iter_named([source], strict=strict, max_bytes=max_bytes,
                                    include_unapproved=include_unapproved, include_pingbacks=include_pingbacks):
            pending.append(thread)
            pending_rows += len(thread.comments)
            if pending_rows >= batch_rows:
                yield pending
                pending, pending_rows = [], 0
    if pending:
        yield pending


def iter_named(sources: Iterable[str | Path], *, strict: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES,
               include_unapproved: bool = False, include_pingbacks: bool = False) -> Iterator[tuple[str, Thread]]:
    """(source, thread) for every thread of every input, in order. A thread without an id takes
    its file's stem (`stdin` for `-`), so rows from many files stay apart in any output."""
    for source in sources:
        path = None if source == "-" else Path(source)
        for thread in iter_threads(source if path is None else path, strict=strict, max_bytes=max_bytes,
                                   include_unapproved=include_unapproved, include_pingbacks=include_pingbacks):
            yield str(source), _named(thread, "stdin" if path is None else path.stem)


def _named(thread: Thread, name: str) -> Thread:
    if not thread.thread_id:
        thread.thread_id = name
    return thread
