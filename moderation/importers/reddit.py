"""Reddit thread JSON (what a comments page's `.json` returns) → one Thread.

The file is a two-element list of Listings: the submission (`t3`, the article: title,
self text, link) and the comments (`t1`, with `replies` nested as another Listing, or `""`
when there are none). `more` stubs stand for comments the export does not hold; they are
counted (`more_stubs`, and `more_comments` for the replies they stand for) and reported, never
followed. Comments whose body is `[deleted]` or `[removed]` are left out of the comments, and
their replies kept by the rule in `records.py`. Ids are Reddit's fullnames (`t1_…`), so
`parent_id` matches them directly.
"""

from __future__ import annotations

from typing import Any

from ..errors import ParseError
from ..thread import Article, Thread
from .html_text import unescape
from .records import ImportOptions, Record, build_thread, utc_from_epoch


def looks_like_reddit(data: Any) -> bool:
    """A list whose first element is a Listing holding a `t3` submission."""
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return False
    first = data[0]
    children = (first.get("data") or {}).get("children") if isinstance(first.get("data"), dict) else None
    return first.get("kind") == "Listing" and isinstance(children, list) and any(
        isinstance(c, dict) and c.get("kind") == "t3" for c in children)


def _children(listing: Any) -> list[dict]:
    """The `children` of a Listing; `""` (Reddit's "no replies") and anything odd give []."""
    if not isinstance(listing, dict):
        return []
    data = listing.get("data")
    kids = data.get("children") if isinstance(data, dict) else None
    return [k for k in kids if isinstance(k, dict)] if isinstance(kids, list) else []


def read_reddit(data: Any, name: str, options: ImportOptions | None = None) -> list[Thread]:
    options = options or ImportOptions()
    submission = next(c.get("data") for c in _children(data[0]) if c.get("kind") == "t3")
    if not isinstance(submission, dict):
        raise ParseError("the submission (t3) has no data", path=name, hint="save the page's .json again")
    sub_name = str(submission.get("name") or f"t3_{submission.get('id', '')}")
    body = unescape(submission.get("selftext"))
    article = Article(title=unescape(submission.get("title")), body="" if body in ("[deleted]", "[removed]") else body,
                      source=f"r/{submission['subreddit']}" if submission.get("subreddit") else "reddit",
                      url=str(submission.get("url") or ""), created=utc_from_epoch(submission.get("created_utc")))
    records: list[Record] = []
    notes = {"more_stubs": 0, "more_comments": 0}
    stack = list(reversed(_children(data[1]))) if len(data) > 1 else []
    while stack:
        item = stack.pop()
        kind, d = item.get("kind"), item.get("data")
        if not isinstance(d, dict):
            continue
        if kind == "more":
            notes["more_stubs"] += 1
            count = d.get("count")
            notes["more_comments"] += count if isinstance(count, int) and not isinstance(count, bool) else 0
            continue
        if kind != "t1":
            continue
        parent = str(d.get("parent_id") or "")
        text = unescape(d.get("body"))
        excluded = {"[deleted]": "deleted", "[removed]": "removed"}.get(text)
        extra = {"reddit_score": str(d["score"])} if isinstance(d.get("score"), int) else {}
        records.append(Record(id=str(d.get("name") or f"t1_{d.get('id', '')}"),
                              parent_id=None if not parent or parent == sub_name or parent.startswith("t3_") else parent,
                              author=str(d.get("author") or ""), text=text, created=utc_from_epoch(d.get("created_utc")),
                              excluded=excluded, extra=extra))
        stack.extend(reversed(_children(d.get("replies"))))
    return [build_thread(records, article=article, thread_id=sub_name, source=name, platform="reddit",
                         options=options, notes=notes)]
