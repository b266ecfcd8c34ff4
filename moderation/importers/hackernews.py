"""Hacker News items as Algolia's API returns them (`/api/v1/items/<id>`) → one Thread.

The story (or poll, or job) is the article: title, its text (HTML) and url. Comments are the
nested `children`; a comment whose `text` and `author` are null was deleted, and is left out
with its replies kept by the rule in `records.py`. Ids are HN's item ids.
"""

from __future__ import annotations

from typing import Any

from ..errors import ParseError
from ..thread import Article, Thread
from .html_text import html_text, unescape
from .records import ImportOptions, Record, build_thread, utc_from_epoch, utc_from_iso

STORY_TYPES = ("story", "poll", "job")


def looks_like_hn(data: Any) -> bool:
    """An object with a `type` and a `children` list: an Algolia item."""
    return isinstance(data, dict) and isinstance(data.get("children"), list) and isinstance(data.get("type"), str)


def _created(item: dict) -> Any:
    return utc_from_epoch(item.get("created_at_i")) or utc_from_iso(item.get("created_at"))


def read_hackernews(data: dict, name: str, options: ImportOptions | None = None) -> list[Thread]:
    options = options or ImportOptions()
    if data.get("type") not in STORY_TYPES:
        raise ParseError(f"the item is a {data.get('type')!r}, not a story", path=name,
                         hint=f"fetch the story it belongs to (story_id {data.get('story_id')})")
    story_id = str(data.get("id", ""))
    article = Article(title=unescape(data.get("title")), body=html_text(data.get("text")), source="Hacker News",
                      url=str(data.get("url") or f"https://news.ycombinator.com/item?id={story_id}"),
                      created=_created(data))
    records: list[Record] = []
    stack = [(child, None) for child in reversed(data["children"]) if isinstance(child, dict)]
    while stack:
        item, parent = stack.pop()
        if item.get("type") not in (None, "comment"):
            continue
        cid = str(item.get("id", ""))
        deleted = item.get("text") is None and item.get("author") is None
        extra = {"points": str(item["points"])} if isinstance(item.get("points"), int) else {}
        records.append(Record(id=cid, parent_id=parent, author=str(item.get("author") or ""),
                              text=html_text(item.get("text")), created=_created(item),
                              excluded="deleted" if deleted else None, extra=extra))
        kids = item.get("children")
        if isinstance(kids, list):
            stack.extend((child, cid) for child in reversed(kids) if isinstance(child, dict))
    return [build_thread(records, article=article, thread_id=story_id, source=name, platform="hackernews",
                         options=options)]
