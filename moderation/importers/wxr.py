"""WordPress eXtended RSS exports (`<rss>` with a `wordpress.org/export/1.x/` namespace) → one
Thread per post (`<item>`) that has comments.

Each item holds its own `<wp:comment>` elements, so a thread is complete at `</item>` and is
handed back there: memory holds one post and its comments at a time. By default only approved
comments (`wp:comment_approved` 1) that are not pingbacks or trackbacks are kept;
`ImportOptions.include_unapproved` adds pending, spam and trashed ones and
`include_pingbacks` adds pingbacks and trackbacks, each marked in `extra` with its status or
type so the output says which they are. Left-out comments are counted, and replies to them
follow the rule in `records.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..thread import Article, Thread
from .html_text import html_text, plain_line
from .records import ImportOptions, Record, build_thread, utc_from_iso
from .xmlstream import Handler, stream

_STATUS = {"1": None, "approve": None, "approved": None, "0": "unapproved", "hold": "unapproved",
           "spam": "spam", "trash": "trashed", "post-trashed": "trashed"}


class _WxrHandler(Handler):
    ROOT, ROOT_HINT = "rss", "pass a WordPress export (Tools → Export)"

    def __init__(self, name: str, options: ImportOptions) -> None:
        super().__init__(name)
        self.options = options
        self.site = ""
        self.item: dict[str, str] | None = None
        self.item_line: int | None = None
        self.comment: dict[str, str] | None = None
        self.comment_line: int | None = None
        self.records: list[Record] = []
        self.item_depth = 0

    def start(self, name: str, attrs) -> None:
        if name == "item" and self.item is None:
            self.item, self.item_line, self.records, self.item_depth = {}, self.line(), [], self.depth
        elif name == "wp:comment" and self.item is not None and self.comment is None:
            self.comment, self.comment_line = {}, self.line()
        self.capturing = self.item is not None or self.depth == 3  # the channel's own <title>

    def end(self, name: str, text: str) -> None:
        if self.item is None:
            if self.depth == 3 and name == "title" and not self.site:
                self.site = plain_line(text)
            return
        if self.comment is not None:
            if name == "wp:comment":
                self.records.append(self._record(self.comment, self.comment_line))
                self.comment = None
            elif self.depth == self.item_depth + 2:
                self.comment.setdefault(name, text)
        elif self.depth == self.item_depth + 1:
            self.item.setdefault(name, text)
        elif name == "item" and self.depth == self.item_depth:
            if self.records:
                self.done.append(self._thread(self.item, self.records))
            self.item, self.records = None, []

    def _record(self, c: dict[str, str], line: int | None) -> Record:
        status = c.get("wp:comment_approved", "1").strip().lower()
        kind = c.get("wp:comment_type", "").strip().lower()
        excluded = _STATUS.get(status, "unapproved")
        extra: dict[str, str] = {}
        if excluded is not None and self.options.include_unapproved:
            extra["wp_status"], excluded = status, None
        if kind in ("pingback", "trackback"):
            if self.options.include_pingbacks:
                extra["wp_type"] = kind
            else:
                excluded = excluded or kind
        parent = c.get("wp:comment_parent", "").strip()
        created = utc_from_iso(c.get("wp:comment_date_gmt"))
        record = Record(id=c.get("wp:comment_id", "").strip(), parent_id=None if parent in ("", "0") else parent,
                        author=plain_line(c.get("wp:comment_author")), text=html_text(c.get("wp:comment_content")),
                        created=created, line=line, excluded=excluded, extra=extra)
        if created is None and c.get("wp:comment_date", "").strip():
            record.extra["wp_local_date"] = c["wp:comment_date"].strip()  # no GMT time: the site's clock, zone unknown
        return record

    def _thread(self, item: dict[str, str], records: list[Record]) -> Thread:
        post_id = item.get("wp:post_id", "").strip()
        article = Article(title=plain_line(item.get("title")), body=html_text(item.get("content:encoded")),
                          source=self.site, url=item.get("link", "").strip(),
                          created=utc_from_iso(item.get("wp:post_date_gmt")))
        return build_thread(records, article=article, thread_id=post_id, source=self.name, platform="wordpress",
                            options=self.options)


def iter_wxr(chunks: Iterable[bytes], name: str, options: ImportOptions | None = None) -> Iterator[Thread]:
    """Threads of a WordPress export, each handed back as soon as its `</item>` is read."""
    handler = _WxrHandler(name, options or ImportOptions())
    yield from stream(chunks, handler, name)
    handler.require_root()
