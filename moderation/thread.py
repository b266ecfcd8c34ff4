"""The data model every other module shares: an article and its tree of comments.

Plain dataclasses so a notebook user can build, inspect and compare them without the parser;
the tree is stored flat (document order) and navigated by id, because that is the order the
dump, the tables and every output format use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone


class _NoExtra(Mapping[str, str]):
    """An empty mapping that cannot be changed, and one of it: pickled and copied, it stays
    `NO_EXTRA` (a `MappingProxyType` would not pickle, so neither would a thread)."""

    __slots__ = ()

    def __getitem__(self, key: str) -> str:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "NO_EXTRA"

    def __reduce__(self) -> str:
        return "NO_EXTRA"


# The `extra` of a comment that has none. One shared read-only mapping rather than a dict per
# comment: a large dump has hundreds of thousands of comments and no extra columns, and 64
# bytes each was a tenth of the parse's memory (issue 4). Give a comment a dict of its own to add to it.
NO_EXTRA: Mapping[str, str] = _NoExtra()


def iso_utc(when: datetime | None) -> str | None:
    """ISO 8601 in UTC (`2020-03-03T16:15:00+00:00`), the one form every output uses."""
    return None if when is None else when.astimezone(timezone.utc).isoformat()


@dataclass(slots=True)
class Article:
    """The story a thread hangs under. Empty strings where the dump does not say."""

    title: str = ""
    subtitle: str = ""
    body: str = ""
    source: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""
    created: datetime | None = None  # timezone-aware, where the platform export says

    @property
    def text(self) -> str:
        """Everything a reader sees of the article, for context features."""
        return "\n\n".join(part for part in (self.title, self.subtitle, self.body) if part)


@dataclass(slots=True)
class Comment:
    """One reader comment.

    `id` is the dotted path in the tree (`1.2.1` is the first reply to the second reply to the
    first top-level comment) unless the input carried its own ids (tables, platform exports).
    `text` holds only the author's own words; verbatim repeats of an ancestor are in `quotes`
    (a tuple: most comments quote nothing, and the empty tuple costs nothing where an empty
    list per comment would). `extra` carries the columns a table or export had that no field
    here takes; it is the shared read-only `NO_EXTRA` when there are none.
    """

    id: str
    parent_id: str | None
    author: str
    text: str
    quotes: tuple[str, ...] = ()
    posted: str | None = None
    depth: int = 1
    line: int | None = None
    extra: Mapping[str, str] = field(default_factory=lambda: NO_EXTRA)
    created: datetime | None = None  # timezone-aware; platform exports fill it, dumps do not

    def as_dict(self) -> dict[str, object]:
        """The public fields, in the order the JSON and CSV outputs use."""
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "author": self.author,
            "text": self.text,
            "quotes": list(self.quotes),
            "posted": self.posted,
            "created": iso_utc(self.created),
            "depth": self.depth,
            "line": self.line,
        }


@dataclass
class Thread:
    """An article with its comments in document order (parents always before replies)."""

    article: Article = field(default_factory=Article)
    comments: list[Comment] = field(default_factory=list)
    thread_id: str = ""
    source: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Counts from platform importers (deleted, spam, orphans, more_stubs, …): see docs/importers.md.
    stats: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index: dict[str, Comment] | None = None
        self._children: dict[str | None, list[Comment]] | None = None

    def _build_index(self) -> None:
        self._index = {c.id: c for c in self.comments}
        children: dict[str | None, list[Comment]] = {}
        for c in self.comments:
            children.setdefault(c.parent_id, []).append(c)
        self._children = children

    def __len__(self) -> int:
        return len(self.comments)

    def get(self, comment_id: str) -> Comment:
        """The comment with this id; KeyError if there is none."""
        if self._index is None or len(self._index) != len(self.comments):
            self._build_index()
        assert self._index is not None
        return self._index[comment_id]

    def parent(self, comment: Comment | str) -> Comment | None:
        """The comment this one replies to, None for a top-level comment."""
        c = self.get(comment) if isinstance(comment, str) else comment
        return self.get(c.parent_id) if c.parent_id is not None else None

    def children(self, comment: Comment | str | None = None) -> list[Comment]:
        """Direct replies to `comment`, or the top-level comments when it is None."""
        if self._children is None or self._index is None or len(self._index) != len(self.comments):
            self._build_index()
        assert self._children is not None
        key = comment.id if isinstance(comment, Comment) else comment
        return list(self._children.get(key, []))

    def ancestors(self, comment: Comment | str) -> list[Comment]:
        """Parent, grandparent, … up to the top-level comment (nearest first)."""
        out: list[Comment] = []
        current = self.parent(comment)
        while current is not None:
            out.append(current)
            current = self.parent(current)
        return out

    def walk(self, comment: Comment | str | None = None) -> Iterator[Comment]:
        """Depth-first, document order: the subtree under `comment` (itself first) or the whole thread."""
        if comment is None:
            stack = list(reversed(self.children(None)))
        else:
            stack = [self.get(comment) if isinstance(comment, str) else comment]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self.children(current)))
