"""Machine-readable forms of parsed threads: JSON and CSV, comments in input order."""

from __future__ import annotations

import csv
import io
import json

from .thread import Thread, iso_utc

COMMENT_FIELDS = ("id", "parent_id", "author", "text", "quotes", "posted", "created", "depth", "line")


def article_dict(thread: Thread) -> dict[str, object]:
    a = thread.article
    return {"title": a.title, "subtitle": a.subtitle, "body": a.body, "source": a.source, "tags": list(a.tags),
            "url": a.url, "created": iso_utc(a.created)}


def thread_dict(thread: Thread) -> dict[str, object]:
    """Article and comments; `stats` too when an importer counted left-out posts, orphans, …"""
    out: dict[str, object] = {"article": article_dict(thread), "comments": [c.as_dict() for c in thread.comments]}
    if thread.stats:
        out["stats"] = dict(thread.stats)
    return out


def threads_json(threads: list[Thread]) -> str:
    """One thread: `{"article", "comments"}`; a table with several: `{"threads": [...]}`."""
    if len(threads) == 1:
        payload: dict[str, object] = thread_dict(threads[0])
    else:
        payload = {"threads": [{"thread_id": t.thread_id, **thread_dict(t)} for t in threads]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def threads_csv(threads: list[Thread]) -> str:
    """One row per comment; quotes joined by blank lines; `thread_id` first when there are several."""
    many = len(threads) > 1
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow((["thread_id"] if many else []) + list(COMMENT_FIELDS))
    for t in threads:
        for c in t.comments:
            row = c.as_dict()
            row["quotes"] = "\n\n".join(c.quotes)
            writer.writerow(([t.thread_id] if many else []) + ["" if row[f] is None else row[f] for f in COMMENT_FIELDS])
    return buf.getvalue()
