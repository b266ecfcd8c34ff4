"""Read comment tables (CSV or JSONL), as sites and platforms export them, into Threads.

A table has one row per comment and a required `text` column; `id`/`parent_id` rebuild the
tree, `thread_id` splits it into threads, `article_title`/`article_text` give the context.
Columns we do not know pass through in `Comment.extra`, so outputs can carry them along.
The tree is validated on the way in: a parent that points at no row, or a cycle, is an error
naming the rows, not a silently flattened thread.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator

from .errors import TableError
from .thread import Article, Comment, Thread

KNOWN_COLUMNS = ("id", "parent_id", "thread_id", "author", "posted", "created", "article_title", "article_text", "text")
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")


def _first_nonblank_line(text: str, head: int = 8192) -> str:
    """The first line with something on it, as `splitlines` cuts them, without splitting a
    100 MB dump into millions of lines: the lines wholly inside the first `head` characters
    are cut the same as in the whole text (a line break is one character, and `\r\n` split
    at the edge still ends a line there), so only they are trusted."""
    lines = text[:head].splitlines()
    if len(text) > head:
        lines.pop()  # may be cut short
    for line in lines:
        if line.strip():
            return line
    if len(text) <= head:
        return ""
    return next((line for line in text.splitlines() if line.strip()), "")


def looks_like_table(text: str, name: str = "") -> bool:
    """A CSV/JSONL table rather than a page dump: by extension, else by the first line."""
    lower = name.lower()
    if lower.endswith(TABLE_SUFFIXES):
        return True
    first = _first_nonblank_line(text)
    if first.lstrip().startswith("{"):
        return True
    try:
        header = next(csv.reader([first]))
    except csv.Error:
        return False
    return len(header) >= 2 and "text" in (h.strip().lower() for h in header)


def iter_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of a CSV or JSONL table; keys are lower-cased."""
    return iter_stream_rows(io.StringIO(text, newline=""), source)


def iter_stream_rows(stream: Iterable[str], source: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a table read line by line from an open text stream (opened with newline=""),
    so a table of any size is read without holding it: what chunked scoring needs."""
    lines = iter(stream)
    skipped = 0
    first = ""
    for first in lines:
        if first.strip():
            break
        skipped += 1
    if not first.strip():
        return
    rest = itertools.chain([first], lines)
    if first.lstrip().startswith("{"):
        yield from _jsonl_rows(rest, source, skipped)
        return
    if ";" in first and "," not in first:
        reader = csv.reader(rest, delimiter=";")
    else:
        reader = csv.reader(rest, dialect="excel-tab" if "\t" in first and "," not in first else "excel")
    line = lambda: reader.line_num + skipped  # noqa: E731 - the reader counts from the header
    try:
        header = [h.strip().lower() for h in next(reader)]
        if len(set(header)) != len(header):
            dupes = sorted({h for h in header if header.count(h) > 1})
            raise TableError(f"duplicate column(s): {', '.join(dupes)}", path=source, line=line())
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise TableError(f"row has {len(row)} cells but the header has {len(header)} columns",
                                 path=source, line=line(), hint="quote cells that contain the delimiter")
            yield line(), dict(zip(header, row + [""] * (len(header) - len(row))))
    except csv.Error as exc:
        raise TableError(f"not a readable CSV: {exc}", path=source, line=line()) from None


def _jsonl_rows(lines: Iterable[str], source: str, skipped: int) -> Iterator[tuple[int, dict[str, str]]]:
    for number, line in enumerate(lines, start=skipped + 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TableError(f"not valid JSON: {exc.msg}", path=source, line=number,
                             hint="each line must be one JSON object") from None
        if not isinstance(obj, dict):
            raise TableError("each line must be a JSON object", path=source, line=number)
        yield number, {str(k).strip().lower(): "" if v is None else str(v) for k, v in obj.items()}


def read_table(text: str, source: str = "<input>") -> list[Thread]:
    """One Thread per `thread_id` (in order of first appearance); comments keep input order."""
    rows = list(iter_rows(text, source))
    if not rows:
        raise TableError("table has a header but no rows", path=source, hint="add comments or check the file")
    columns = set(rows[0][1])
    if "text" not in columns:
        raise TableError(f"no 'text' column (columns: {', '.join(sorted(columns)) or 'none'})", path=source, line=1,
                         hint="name the column holding the comment text 'text'")
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in rows:
        groups.setdefault(row.get("thread_id", "").strip(), []).append((number, row))
    return [_thread(tid, members, source) for tid, members in groups.items()]


def _thread(thread_id: str, rows: list[tuple[int, dict[str, str]]], source: str) -> Thread:
    article = Article()
    for _, row in rows:
        if not article.title and row.get("article_title", "").strip():
            article.title = row["article_title"].strip()
        if not article.body and row.get("article_text", "").strip():
            article.body = row["article_text"].strip()
    line_of: dict[str, int] = {}
    comments: list[Comment] = []
    for position, (number, row) in enumerate(rows, start=1):
        cid = row.get("id", "").strip() or str(position)
        if cid in line_of:
            raise TableError(f"duplicate id {cid!r} (also on line {line_of[cid]})", path=source, line=number,
                             hint="ids must be unique within a thread")
        line_of[cid] = number
        extra = {k: v for k, v in row.items() if k not in KNOWN_COLUMNS}
        created = _created(row.get("created", ""))
        if created is None and row.get("created", "").strip():
            extra["created"] = row["created"]  # not a time we can read: pass it through unchanged
        comments.append(Comment(id=cid, parent_id=row.get("parent_id", "").strip() or None,
                                author=row.get("author", "").strip(), text=row.get("text", "").strip(),
                                posted=row.get("posted", "").strip() or None, line=number, extra=extra,
                                created=created))
    _check_tree(comments, line_of, source)
    return Thread(article=article, comments=comments, thread_id=thread_id, source=source)


def _created(value: str):
    """An ISO 8601 `created` cell (as `moderate parse -f csv` writes it) as an aware UTC datetime."""
    from .importers.records import utc_from_iso

    return utc_from_iso(value) if value.strip() else None


def _check_tree(comments: list[Comment], line_of: dict[str, int], source: str) -> None:
    """Every parent exists and no comment is its own ancestor; then set each depth."""
    missing = [c for c in comments if c.parent_id is not None and c.parent_id not in line_of]
    if missing:
        shown = ", ".join(f"line {c.line} (parent_id {c.parent_id!r})" for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise TableError(f"parent_id points at no row: {shown}{more}", path=source, line=missing[0].line,
                         hint="include the parent rows, or leave parent_id empty for top-level comments")
    parent_of = {c.id: c.parent_id for c in comments}
    depth: dict[str, int] = {}
    for c in comments:
        path: list[str] = []
        node: str | None = c.id
        while node is not None and node not in depth:
            if node in path:
                cycle = path[path.index(node):]
                shown = " -> ".join(f"{n} (line {line_of[n]})" for n in cycle + [node])
                raise TableError(f"parent_id forms a cycle: {shown}", path=source, line=line_of[node],
                                 hint="a comment cannot reply to itself or to its own replies")
            path.append(node)
            node = parent_of[node]
        base = depth[node] if node is not None else 0
        for n in reversed(path):
            base += 1
            depth[n] = base
    for c in comments:
        c.depth = depth[c.id]
