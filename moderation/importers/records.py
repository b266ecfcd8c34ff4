"""What every importer shares: a flat record per platform post, and one place that turns a
thread's records into a checked `Thread` (left-out posts, orphans, cycles, depth, counts).

The rule for replies whose parent is left out (deleted, spam, removed, unapproved, pingback):
they are kept and attached to the nearest ancestor that is kept (`extra["original_parent_id"]`
names the parent they replied to). When no ancestor is kept, or the parent is not in the export
at all, or the parents form a cycle, the reply becomes a top-level comment marked
`extra["orphan"]` with the reason. Every such case is counted in `Thread.stats` and summed up
in `Thread.warnings`, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..errors import ParseError
from ..thread import Article, Comment, Thread, iso_utc

# Why a post is kept out of the comments (and so out of scoring); the keys of Thread.stats.
EXCLUDED = ("deleted", "removed", "spam", "unapproved", "trashed", "pingback", "trackback")


@dataclass(slots=True)
class Record:
    """One post as the platform exported it, before the tree is checked."""

    id: str
    parent_id: str | None
    author: str
    text: str
    created: datetime | None = None
    line: int | None = None
    excluded: str | None = None  # one of EXCLUDED, or None for a comment to keep
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ImportOptions:
    """Choices the importers take; the CLI's --include-* and --strict flags map onto these."""

    strict: bool = False  # a missing thread or parent, a duplicate id or a cycle is an error
    include_unapproved: bool = False  # WordPress: keep pending, spam and trashed comments
    include_pingbacks: bool = False  # WordPress: keep pingbacks and trackbacks


def utc_from_iso(value: str | None) -> datetime | None:
    """`2020-03-03T16:15:00Z`, `…+02:00` or a naive time (taken as UTC) → aware UTC; None if unreadable."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def utc_from_epoch(value: object) -> datetime | None:
    """Seconds since 1970 (Reddit's `created_utc`, HN's `created_at_i`) → aware UTC."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _where(source: str, record: Record) -> str:
    return f"{source}:{record.line}" if record.line is not None else source


def build_thread(records: Iterable[Record], *, article: Article, thread_id: str, source: str, platform: str,
                 options: ImportOptions, notes: dict[str, int] | None = None,
                 warnings: list[str] | None = None) -> Thread:
    """A Thread of the kept records in thread order (each reply after its parent, siblings in
    export order), with `stats` counting what was left out, reattached or orphaned."""
    stats: dict[str, int] = {}
    problems: list[str] = list(warnings or [])
    label = f"{platform} thread {thread_id}" if thread_id else f"{platform} thread"

    def count(key: str, n: int = 1) -> None:
        stats[key] = stats.get(key, 0) + n

    by_id: dict[str, Record] = {}
    ordered: list[Record] = []
    for r in records:
        if r.id in by_id:
            where = _where(source, r)
            if options.strict:
                raise ParseError(f"{label}: duplicate post id {r.id!r}", path=source, line=r.line,
                                 hint="the export is damaged; export it again")
            count("duplicates")
            problems.append(f"{where}: {label}: post id {r.id!r} appears twice; kept the first")
            continue
        by_id[r.id] = r
        ordered.append(r)
        if r.excluded is not None:
            count(r.excluded)

    kept = [r for r in ordered if r.excluded is None]
    parent_of: dict[str, str | None] = {}
    extras: dict[str, dict[str, str]] = {}
    missing: list[Record] = []
    for r in kept:
        extra = dict(r.extra)
        target, reason, skipped = _resolve(r, by_id)
        if reason == "parent not in export":
            missing.append(r)
        if target is None and r.parent_id is not None:
            extra["orphan"] = reason or "no kept ancestor"
            extra["original_parent_id"] = r.parent_id
            count("orphans")
        elif skipped:
            extra["original_parent_id"] = r.parent_id or ""
            count("reattached")
        parent_of[r.id] = target
        extras[r.id] = extra

    if missing:
        first = missing[0]
        if options.strict:
            raise ParseError(f"{label}: post {first.id!r} replies to {first.parent_id!r}, which is not in the export",
                             path=source, line=first.line, hint="drop --strict to keep such replies as orphans")
        count("missing_parent", len(missing))
        shown = ", ".join(f"{r.id} (line {r.line})" if r.line else r.id for r in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(f"{source}: {label}: {len(missing)} repl{'y' if len(missing) == 1 else 'ies'} to a post "
                        f"not in the export, kept as top-level orphans: {shown}{more}")

    comments = _in_thread_order(kept, parent_of, extras, stats, label, source, options, problems)
    stats["comments"] = len(comments)
    for key, value in (notes or {}).items():
        if value:
            stats[key] = value
    summary = _summary(stats)
    if summary:
        problems.insert(0, f"{source}: {label}: {summary}")
    return Thread(article=article, comments=comments, thread_id=thread_id, source=source, warnings=problems,
                  stats=stats)


def _resolve(r: Record, by_id: dict[str, Record]) -> tuple[str | None, str | None, bool]:
    """(kept ancestor or None, why there is none, whether left-out posts were skipped)."""
    seen = {r.id}
    node_id = r.parent_id
    skipped = False
    first_gap: str | None = None
    while node_id is not None:
        if node_id in seen:
            return None, "parent_id forms a cycle", skipped
        seen.add(node_id)
        node = by_id.get(node_id)
        if node is None:
            return None, "parent not in export", skipped
        if node.excluded is None:
            return node_id, None, skipped
        skipped = True
        first_gap = first_gap or f"parent {node.excluded}"
        node_id = node.parent_id
    return None, (f"{first_gap}, no kept ancestor" if first_gap else None), skipped


def _in_thread_order(kept: list[Record], parent_of: dict[str, str | None], extras: dict[str, dict[str, str]],
                     stats: dict[str, int], label: str, source: str, options: ImportOptions,
                     problems: list[str]) -> list[Comment]:
    """Depth-first from the top-level posts; a loop of kept posts (a cycle) is broken at its
    first post in export order, which becomes a top-level orphan."""
    children: dict[str | None, list[Record]] = {}
    for r in kept:
        children.setdefault(parent_of[r.id], []).append(r)
    out: list[Comment] = []
    placed: set[str] = set()

    def walk(root: Record) -> None:
        stack = [(root, parent_of[root.id], 1)]
        while stack:
            r, parent, depth = stack.pop()
            if r.id in placed:  # the way back into a cycle just broken
                continue
            placed.add(r.id)
            out.append(Comment(id=r.id, parent_id=parent, author=r.author, text=r.text, posted=iso_utc(r.created),
                               depth=depth, line=r.line, extra=extras[r.id], created=r.created))
            stack.extend((child, r.id, depth + 1) for child in reversed(children.get(r.id, [])))

    for r in children.get(None, []):
        walk(r)
    if len(placed) < len(kept):
        for r in kept:
            if r.id in placed:
                continue
            if options.strict:
                raise ParseError(f"{label}: parent ids form a cycle through post {r.id!r}", path=source, line=r.line,
                                 hint="the export is damaged; export it again")
            extras[r.id]["orphan"] = "parent_id forms a cycle"
            extras[r.id]["original_parent_id"] = parent_of[r.id] or ""
            parent_of[r.id] = None
            stats["orphans"] = stats.get("orphans", 0) + 1
            stats["cycles"] = stats.get("cycles", 0) + 1
            problems.append(f"{_where(source, r)}: {label}: parent ids form a cycle; post {r.id!r} made top-level")
            walk(r)
    return out


_NOUNS = {"deleted": "deleted", "removed": "removed", "spam": "spam", "unapproved": "unapproved",
          "trashed": "trashed", "pingback": "pingback(s)", "trackback": "trackback(s)"}


def _summary(stats: dict[str, int]) -> str:
    """`left out 2 deleted, 1 spam; 3 replies reattached to the nearest kept ancestor; …`"""
    parts = []
    left_out = [f"{stats[k]} {_NOUNS[k]}" for k in EXCLUDED if stats.get(k)]
    if left_out:
        parts.append("left out " + ", ".join(left_out) + " (not scored)")
    if stats.get("reattached"):
        parts.append(f"{stats['reattached']} repl{'y' if stats['reattached'] == 1 else 'ies'} to them attached "
                     "to the nearest kept ancestor")
    if stats.get("orphans"):
        parts.append(f"{stats['orphans']} made top-level and marked orphan")
    if stats.get("more_stubs"):
        parts.append(f"{stats['more_stubs']} 'more' stub(s) stand for {stats.get('more_comments', 0)} comment(s) "
                     "the export does not hold (load them on the site and export again)")
    return "; ".join(parts)
