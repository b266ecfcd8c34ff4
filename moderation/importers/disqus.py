"""Disqus XML exports (`<disqus>` with `<thread>` and `<post>` elements) → one Thread per
Disqus thread that has posts.

A Disqus export lists every thread first, then every post in one flat run, not grouped by
thread, so no thread is complete before the last byte. To keep memory flat however large the
export, posts are spilled into a temporary SQLite file while the XML streams past, then read
back one thread at a time. Posts marked `isDeleted` or `isSpam` are left out of the comments
(so out of scoring) and counted; their replies follow the rule in `records.py`. Posts naming
a thread that is not in the export are kept under an article-less thread with a warning.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator

from ..errors import ParseError
from ..thread import Article, Thread
from .html_text import html_text, plain_line
from .records import ImportOptions, Record, build_thread, utc_from_iso
from .xmlstream import Handler, attribute, stream

_THREAD_FIELDS = ("id", "forum", "link", "title", "message", "createdAt", "isDeleted")
_POST_FIELDS = ("id", "message", "createdAt", "isDeleted", "isSpam", "name", "username")
_BATCH = 2000


class _DisqusHandler(Handler):
    ROOT, ROOT_HINT = "disqus", "pass a Disqus XML export"

    def __init__(self, store: sqlite3.Connection, name: str) -> None:
        super().__init__(name)
        self.store = store
        self.item: str | None = None  # "thread" or "post" while inside one at depth 2
        self.fields: dict[str, str] = {}
        self.item_line: int | None = None
        self.seq = 0
        self.threads: list[tuple] = []
        self.posts: list[tuple] = []

    def start(self, name: str, attrs) -> None:
        if self.depth == 2:
            if name in ("thread", "post"):
                self.item = name
                self.fields = {"dsq:id": attribute(attrs, "id") or ""}
                self.item_line = self.line()
                self.capturing = True
        elif self.item == "post" and self.depth == 3 and name in ("thread", "parent"):
            self.fields[name] = attribute(attrs, "id") or ""

    def end(self, name: str, text: str) -> None:
        if self.item is None:
            return
        if self.depth == 2:
            self.seq += 1
            f = self.fields
            if self.item == "thread":
                self.threads.append((self.seq, f["dsq:id"], f.get("id", ""), f.get("forum", ""), f.get("title", ""),
                                     f.get("link", ""), f.get("message", ""), f.get("createdAt", ""),
                                     _true(f.get("isDeleted")), self.item_line))
            else:
                self.posts.append((self.seq, f.get("thread"), f["dsq:id"], f.get("parent") or None,
                                   f.get("name", "") or f.get("username", ""), html_text(f.get("message")),
                                   f.get("createdAt", ""), _true(f.get("isDeleted")), _true(f.get("isSpam")),
                                   self.item_line))
                if len(self.posts) >= _BATCH:
                    self.flush()
            self.item = None
            self.capturing = False
            self.fields = {}
        elif self.depth == 3 and name in _THREAD_FIELDS + _POST_FIELDS:
            self.fields.setdefault(name, text.strip() if name != "message" else text)
        elif self.depth == 4 and name in ("name", "username"):  # <author><name>…
            self.fields.setdefault(name, text.strip())

    def flush(self) -> None:
        if self.threads:
            self.store.executemany("INSERT INTO threads VALUES (?,?,?,?,?,?,?,?,?,?)", self.threads)
            self.threads = []
        if self.posts:
            self.store.executemany("INSERT INTO posts VALUES (?,?,?,?,?,?,?,?,?,?)", self.posts)
            self.posts = []


def _true(value: str | None) -> int:
    return 1 if (value or "").strip().lower() == "true" else 0


def _open_store(directory: str) -> sqlite3.Connection:
    store = sqlite3.connect(os.path.join(directory, "disqus.sqlite"))
    store.executescript("""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        PRAGMA cache_size = -8000;
        CREATE TABLE threads (seq INTEGER PRIMARY KEY, id TEXT, identifier TEXT, forum TEXT, title TEXT,
                              link TEXT, message TEXT, created TEXT, deleted INTEGER, line INTEGER);
        CREATE TABLE posts (seq INTEGER PRIMARY KEY, thread TEXT, id TEXT, parent TEXT, author TEXT, text TEXT,
                            created TEXT, deleted INTEGER, spam INTEGER, line INTEGER);
    """)
    return store


def iter_disqus(chunks: Iterable[bytes], name: str, options: ImportOptions | None = None) -> Iterator[Thread]:
    """Threads of a Disqus export, one at a time, in the export's thread order; then one
    article-less thread per missing thread id that posts name."""
    options = options or ImportOptions()
    with tempfile.TemporaryDirectory(prefix="moderation-disqus-") as directory:
        store = _open_store(directory)
        try:
            handler = _DisqusHandler(store, name)
            for _ in stream(chunks, handler, name):
                pass
            handler.flush()
            handler.require_root()
            store.execute("CREATE INDEX posts_by_thread ON posts (thread, seq)")
            yield from _threads(store, name, options)
        finally:
            store.close()


def _threads(store: sqlite3.Connection, name: str, options: ImportOptions) -> Iterator[Thread]:
    seen: set[str] = set()
    for row in _rows(store):
        tid, identifier, forum, title, link, message, created, deleted, line = row
        if tid in seen:
            continue  # a thread listed twice: its posts were already read under the first
        seen.add(tid)
        posts = store.execute("SELECT id, parent, author, text, created, deleted, spam, line FROM posts "
                              "WHERE thread = ? ORDER BY seq", (tid,)).fetchall()
        if not posts:
            continue
        article = Article(title=plain_line(title), body=html_text(message), source=forum, url=link,
                          created=utc_from_iso(created))
        notes = []
        if deleted:
            notes.append(f"{name}:{line}: disqus thread {tid}: the thread itself is marked deleted; its posts are kept")
        yield _build(posts, article, tid, name, options, notes)
    orphans = store.execute("SELECT thread, MIN(seq), MIN(line), COUNT(*) FROM posts "
                            "WHERE thread IS NULL OR thread NOT IN (SELECT id FROM threads) "
                            "GROUP BY thread ORDER BY MIN(seq)").fetchall()
    for tid, _, line, count in orphans:
        what = f"thread {tid!r}, which is not in the export" if tid else "no thread (no <thread dsq:id>)"
        if options.strict:
            raise ParseError(f"{count} post(s) name {what}", path=name, line=line,
                             hint="export the whole forum, or drop --strict to keep them without an article")
        posts = store.execute("SELECT id, parent, author, text, created, deleted, spam, line FROM posts "
                              "WHERE thread IS ? ORDER BY seq", (tid,)).fetchall()
        note = (f"{name}:{line}: {count} post(s) name {what}; kept under a thread with no article "
                "(export the whole forum to get it)")
        thread = _build(posts, Article(), tid or "", name, options, [note])
        thread.stats["missing_thread"] = count
        yield thread


def _rows(store: sqlite3.Connection) -> Iterator[tuple]:
    """Threads in export order without holding them all: Disqus forums can have millions."""
    last = 0
    while True:
        batch = store.execute("SELECT seq, id, identifier, forum, title, link, message, created, deleted, line "
                              "FROM threads WHERE seq > ? ORDER BY seq LIMIT 500", (last,)).fetchall()
        if not batch:
            return
        for row in batch:
            yield row[1:]
        last = batch[-1][0]


def _build(posts: list[tuple], article: Article, tid: str, name: str, options: ImportOptions,
           notes: list[str]) -> Thread:
    records = [Record(id=pid, parent_id=parent, author=plain_line(author), text=text, created=utc_from_iso(created),
                      line=line, excluded="spam" if spam else "deleted" if deleted else None)
               for pid, parent, author, text, created, deleted, spam, line in posts]
    return build_thread(records, article=article, thread_id=tid, source=name, platform="disqus", options=options,
                        warnings=notes)
