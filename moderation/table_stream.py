"""Read a comment table of any size in batches of whole threads, holding one batch at a time.

`read_table` holds the whole file, which is right for a thread or a site's week, but a
research export of a million comments must score in bounded memory. Exports list a thread's
comments together, so rows are grouped as they stream by: once the pending threads reach
`batch_rows` comments and a new thread starts, the pending ones are handed out whole (their
trees are complete, so parent text is known) and forgotten.

A thread whose rows come back after its batch was handed out is read as a second part; if a
reply in that part answers a comment of the first part, that is an error that says to sort the
table by thread, never a reply silently scored without its parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import InputError, TableError
from .reading import check_and_decode, require_file
from .tables import _thread, iter_stream_rows
from .thread import Thread

DEFAULT_BATCH_ROWS = 20_000
_SNIFF_BYTES = 1 << 20

Progress = Callable[[int, int], None]  # (bytes read so far, rows read so far)


def _encoding_of(path: Path, warn: Callable[[str], None] | None) -> str:
    """Refuse a missing, empty or binary file, and pick the encoding from its first MiB."""
    require_file(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    # Cut at the last newline so a multi-byte character split by the cut is not a false alarm.
    cut = head.rfind(b"\n") + 1 if len(head) == _SNIFF_BYTES else len(head)
    check_and_decode(head[:cut] or head, str(path), warn=warn)
    try:
        head[:cut].decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def stream_table(path: str | Path, *, batch_rows: int = DEFAULT_BATCH_ROWS, progress: Progress | None = None,
                 warn: Callable[[str], None] | None = None) -> Iterator[list[Thread]]:
    """Batches of whole Threads from a CSV/JSONL table, in the table's order."""
    path = Path(path)
    encoding = _encoding_of(path, warn)
    source = str(path)
    pending: dict[str, list[tuple[int, dict[str, str]]]] = {}
    pending_rows = 0
    handed_out: set[str] = set()
    current: str | None = None
    rows_read = 0
    try:
        with path.open("r", encoding=encoding, errors="strict", newline="") as fh:
            consumed = 0

            def lines() -> Iterator[str]:
                nonlocal consumed
                for line in fh:
                    consumed += len(line)
                    yield line

            for number, row in iter_stream_rows(lines(), source):
                if rows_read == 0 and "text" not in row:
                    raise TableError(f"no 'text' column (columns: {', '.join(sorted(row)) or 'none'})", path=source,
                                     line=1, hint="name the column holding the comment text 'text'")
                rows_read += 1
                tid = row.get("thread_id", "").strip()
                if tid != current and pending_rows >= batch_rows:
                    yield _build(pending, source, handed_out)
                    pending, pending_rows = {}, 0
                current = tid
                pending.setdefault(tid, []).append((number, row))
                pending_rows += 1
                if progress is not None and rows_read % 1000 == 0:
                    progress(consumed, rows_read)
            if progress is not None:
                progress(consumed, rows_read)
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid {encoding.replace('-sig', '').upper()} after the first MiB ({exc.reason})",
                         path=path, hint="save the table as UTF-8 (e.g. iconv -f cp1252 -t utf-8)") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if rows_read == 0:
        raise TableError("table has a header but no rows", path=source, hint="add comments or check the file")
    if pending:
        yield _build(pending, source, handed_out)


def _build(groups: dict[str, list[tuple[int, dict[str, str]]]], source: str, handed_out: set[str]) -> list[Thread]:
    threads = []
    for tid, rows in groups.items():
        try:
            threads.append(_thread(tid, rows, source))
        except TableError as exc:
            if tid in handed_out and "parent_id points at no row" in exc.message:
                raise TableError(f"{exc.message}; rows of thread {tid!r} are not together in the table",
                                 path=source, line=exc.line,
                                 hint="sort the table by thread_id so each thread's rows are together") from None
            raise
        handed_out.add(tid)
    return threads
