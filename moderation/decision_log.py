"""Every live decision, one SQLite row per scored request, for review and retraining.

The service appends through `DecisionLog.record`, which only puts the row on a queue: a
background thread writes in batches (one transaction per batch, WAL mode), so answering Coral
never waits for the disk. `read_decisions` turns a time window of rows back into Threads (one
per story, in arrival order) with the scores and the answer in `Comment.extra`, which is what
the review export reads; the moderators' corrections then flow back through `labels add`.

Coral sends no comment id (only the parent's), so a comment is identified here by its
decision row (`d<rowid>`); the Coral parent id is kept in `extra["coral_parent_id"]`.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from .errors import InputError
from .thread import Article, Comment, Thread

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id              INTEGER PRIMARY KEY,
    time            TEXT NOT NULL,   -- UTC, ISO 8601 with milliseconds
    action          TEXT NOT NULL,   -- NEW or EDIT
    tenant_id       TEXT NOT NULL DEFAULT '',
    site_id         TEXT NOT NULL DEFAULT '',
    story_id        TEXT NOT NULL DEFAULT '',
    story_url       TEXT NOT NULL DEFAULT '',
    article_key     TEXT NOT NULL DEFAULT '',  -- articles.key of the context used ('' for none)
    context         TEXT NOT NULL,   -- 'article' (found in the registry) or 'none'
    author_id       TEXT NOT NULL DEFAULT '',
    author_role     TEXT NOT NULL DEFAULT '',
    parent_id       TEXT NOT NULL DEFAULT '',  -- Coral's parentID ('' for a top-level comment)
    text            TEXT NOT NULL,   -- plain text the model scored
    quotes          TEXT NOT NULL DEFAULT '',  -- quoted passages, blank-line separated
    incivility      REAL,
    conspiracy      REAL,
    off_topic       REAL,
    stance          TEXT NOT NULL DEFAULT '',
    stance_support  REAL,
    stance_deny     REAL,
    stance_query    REAL,
    stance_comment  REAL,
    flags           TEXT NOT NULL DEFAULT '',  -- labels over the model's thresholds, ';'-separated
    http_status     INTEGER NOT NULL, -- 200 or 204
    answer          TEXT NOT NULL,   -- NO_OPINION, FLAG, or the Coral status sent
    response        TEXT NOT NULL DEFAULT '',  -- the JSON body sent ('' for 204)
    policy_version  TEXT NOT NULL,
    model_sha256    TEXT NOT NULL DEFAULT '',
    latency_ms      REAL
);
CREATE INDEX IF NOT EXISTS decisions_time ON decisions (time);
-- The article text each decision was scored against, stored once (key: hash of its text).
CREATE TABLE IF NOT EXISTS articles (
    key             TEXT PRIMARY KEY,
    title           TEXT NOT NULL DEFAULT '',
    subtitle        TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT ''
);
"""


@dataclass
class DecisionRow:
    """One row of the `decisions` table (all but the id)."""

    time: str
    action: str
    context: str
    text: str
    http_status: int
    answer: str
    policy_version: str
    tenant_id: str = ""
    site_id: str = ""
    story_id: str = ""
    story_url: str = ""
    article_key: str = ""
    author_id: str = ""
    author_role: str = ""
    parent_id: str = ""
    quotes: str = ""
    incivility: float | None = None
    conspiracy: float | None = None
    off_topic: float | None = None
    stance: str = ""
    stance_support: float | None = None
    stance_deny: float | None = None
    stance_query: float | None = None
    stance_comment: float | None = None
    flags: str = ""
    response: str = ""
    model_sha256: str = ""
    latency_ms: float | None = None


COLUMNS = tuple(f.name for f in fields(DecisionRow))
_INSERT = f"INSERT INTO decisions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
_INSERT_ARTICLE = "INSERT OR IGNORE INTO articles (key, title, subtitle, body) VALUES (?, ?, ?, ?)"


def article_key(article: Article) -> str:
    """A short content hash: the same text is stored once, an edited article anew."""
    import hashlib

    joined = "\x1f".join((article.title, article.subtitle, article.body))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def is_decision_log(path: str | Path) -> bool:
    """True for an SQLite file (what `moderate serve --log` writes), by its header."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a decision database in WAL mode."""
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        raise InputError(f"cannot open the decision log: {exc}", path=path,
                         hint="give --log a writable path to a SQLite file") from None
    return conn


class DecisionLog:
    """Append-only writer on a background thread. `record` never blocks on the disk."""

    BATCH = 256
    LINGER = 0.05  # seconds the writer waits after a first row for more: few commits under load

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn = connect(self.path)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.written = 0
        self.errors = 0
        self._stored_articles: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="decision-log", daemon=True)
        self._thread.start()

    def record(self, row: DecisionRow, article: Article | None = None) -> None:
        """Queue one decision (and, the first time it is seen, the article it was scored with;
        `row.article_key` is set from it)."""
        if article is not None:
            row.article_key = article_key(article)
            if row.article_key not in self._stored_articles:
                self._stored_articles.add(row.article_key)
                self._queue.put(_ArticleRow(row.article_key, article.title, article.subtitle, article.body))
        self._queue.put(tuple(getattr(row, c) for c in COLUMNS))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is not None and not isinstance(item, threading.Event):
                time.sleep(self.LINGER)  # let a burst gather: one transaction, fewer GIL hand-offs
            batch, articles, markers, stop = [], [], [], False
            while True:
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    markers.append(item)
                elif isinstance(item, _ArticleRow):
                    articles.append(tuple(item))
                else:
                    batch.append(item)
                if stop or len(batch) >= self.BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch or articles:
                self._write(batch, articles)
            for marker in markers:
                marker.set()
            if stop:
                return

    def _write(self, batch: list[tuple], articles: list[tuple]) -> None:
        try:
            with self._conn:
                self._conn.executemany(_INSERT_ARTICLE, articles)
                self._conn.executemany(_INSERT, batch)
            self.written += len(batch)
        except sqlite3.Error as exc:  # a full disk must not take the service down
            self.errors += len(batch)
            print(f"warning: decision log: {exc}; {len(batch)} row(s) lost", file=sys.stderr)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded so far is written; False on timeout."""
        marker = threading.Event()
        self._queue.put(marker)
        return marker.wait(timeout)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)
        self._conn.close()


class _ArticleRow(NamedTuple):
    key: str
    title: str
    subtitle: str
    body: str


def _parse_time(value: str | datetime | None) -> str | None:
    """An ISO 8601 bound as the log's UTC text (naive times are taken as UTC)."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def read_rows(db: str | Path, since: str | datetime | None = None, until: str | datetime | None = None) -> list[dict]:
    """Rows with since <= time < until (both optional), oldest first, as dicts."""
    path = Path(db)
    if not path.is_file():
        raise InputError("no such decision log", path=path, hint="pass the file given to `moderate serve --log`")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        where, args = [], []
        for op, bound in ((">=", _parse_time(since)), ("<", _parse_time(until))):
            if bound is not None:
                where.append(f"time {op} ?")
                args.append(bound)
        sql = ("SELECT d.*, a.title AS article_title, a.subtitle AS article_subtitle, a.body AS article_body "
               "FROM decisions d LEFT JOIN articles a ON a.key = d.article_key"
               + (f" WHERE {' AND '.join('d.' + w for w in where)}" if where else "") + " ORDER BY d.time, d.id")
        rows = [dict(r) for r in conn.execute(sql, args)]
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"not a decision log: {exc}", path=path) from None
    except ValueError as exc:
        raise InputError(f"bad time bound: {exc}", path=path, hint="use ISO 8601, e.g. 2024-05-01T00:00:00Z") from None
    return rows


_EXTRA = ("time", "action", "story_id", "story_url", "site_id", "tenant_id", "author_role", "context",
          "incivility", "conspiracy", "off_topic", "stance", "stance_support", "stance_deny", "stance_query",
          "stance_comment", "flags", "http_status", "answer", "response", "policy_version", "model_sha256")


def read_decisions(db: str | Path, since: str | datetime | None = None,
                   until: str | datetime | None = None) -> list[Thread]:
    """The decisions in [since, until) as Threads, one per story (by story id, else URL), in
    order of each story's first decision, each with the article text the decisions were scored
    against (empty where the registry did not know the story); each comment's scores and
    answer in `extra` (as text)."""
    threads: dict[str, Thread] = {}
    for row in read_rows(db, since, until):
        key = row["story_id"] or row["story_url"] or "unknown-story"
        thread = threads.get(key)
        if thread is None:
            article = Article(title=row["article_title"] or "", subtitle=row["article_subtitle"] or "",
                              body=row["article_body"] or "", source=row["story_url"] or "")
            thread = Thread(article=article, thread_id=key, source=row["story_url"] or None)
            threads[key] = thread
        extra = {name: "" if row[name] is None else (f"{row[name]:.6f}" if isinstance(row[name], float) else str(row[name]))
                 for name in _EXTRA}
        extra["decision_id"] = str(row["id"])
        extra["coral_parent_id"] = row["parent_id"] or ""
        quotes = tuple(q for q in (row["quotes"] or "").split("\n\n") if q)
        thread.comments.append(Comment(id=f"d{row['id']}", parent_id=None, author=row["author_id"] or "",
                                       text=row["text"], quotes=quotes, posted=row["time"], depth=1, extra=extra))
    return list(threads.values())


def decision_scores(threads: list[Thread]):
    """The live scores of `read_decisions` threads as the table `score_threads` returns (one row
    per comment, threads in order), so review code takes logged decisions like fresh scores."""
    import pandas as pd

    from .labels import BINARY_LABELS, STANCES
    from .scoring import SCORE_COLUMNS

    def number(value: str) -> float:
        return float(value) if value not in ("", None) else float("nan")

    rows = []
    for thread in threads:
        for c in thread.comments:
            e = c.extra
            rows.append({"thread_id": thread.thread_id, "id": c.id, "parent_id": c.parent_id or "", "author": c.author,
                         "text": c.text, **{n: number(e.get(n, "")) for n in BINARY_LABELS}, "flags": e.get("flags", ""),
                         "stance": e.get("stance", ""),
                         **{f"stance_{s}": number(e.get(f"stance_{s}", "")) for s in STANCES}})
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
