"""Render a Thread back into the plain-text dump formats the parser reads.

Used to write example and labeled threads from structured drafts, and by the round-trip
property tests: whatever this writes, `parse_thread` must read back to the same tree.
"""

from __future__ import annotations

from datetime import datetime

from .thread import Comment, Thread

STYLES = ("seed", "wordpress")


def _format_posted(posted: str | None) -> str:
    """WordPress shows dates as `March 3, 2020 at 4:15 pm`."""
    if not posted:
        return ""
    try:
        when = datetime.fromisoformat(posted)
    except ValueError:
        return posted
    hour = when.hour % 12 or 12
    ampm = "am" if when.hour < 12 else "pm"
    return f"{when:%B} {when.day}, {when.year} at {hour}:{when.minute:02d} {ampm}"


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def render_thread(thread: Thread, style: str = "seed", indent: str = "  ") -> str:
    """The thread as a saved-page dump: article, numbered nested comments, a reply footer.

    `style` is `seed` (headers `N. Name says`, like the Al Monitor repost) or `wordpress`
    (headers `N. Name says:` with a date line and a `Reply` link, a "N thoughts on" line).
    `indent` is one nesting step: any run of spaces or a tab.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {', '.join(STYLES)}")
    out: list[str] = []
    article = thread.article
    if article.title:
        out += [article.title, ""]
    if article.subtitle:
        out += [article.subtitle, ""]
    for para in _paragraphs(article.body):
        out += [para, ""]
    if article.source:
        out += [f"Source: {article.source}", ""]
    if article.tags:
        out += [indent + ", ".join(article.tags), ""]
    if style == "wordpress" and thread.comments:
        n = len(thread.comments)
        noun = "thought" if n == 1 else "thoughts"
        out += [f"{n} {noun} on \u201c{article.title}\u201d", ""]

    def emit(comment: Comment, number: int, level: int) -> None:
        head = indent * level
        body = indent * (level + 1)
        colon = ":" if style == "wordpress" else ""
        out.append(f"{head}{number}. {comment.author} says{colon}")
        if style == "wordpress" and comment.posted:
            out.append(body + _format_posted(comment.posted))
        out.append("")
        paragraphs = [*(q for q in comment.quotes), *_paragraphs(comment.text)]
        for para in paragraphs:
            out.extend(body + line for line in para.split("\n"))
            out.append("")
        if style == "wordpress":
            out.extend([body + "Reply", ""])
        for i, child in enumerate(thread.children(comment), start=1):
            emit(child, i, level + 1)

    for i, top in enumerate(thread.children(None), start=1):
        emit(top, i, 1)
    if style == "wordpress":
        out += ["Leave a Reply Cancel reply", "", "Your email address will not be published. Required fields are marked *"]
    else:
        out += ["Leave A Reply", "", "Cancel reply"]
    return "\n".join(out) + "\n"
