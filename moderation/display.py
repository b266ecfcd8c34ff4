"""Draw a thread as an indented tree for people reading a terminal."""

from __future__ import annotations

from collections.abc import Callable

from .thread import Comment, Thread

PREVIEW_WORDS = 14


def preview(text: str, words: int = PREVIEW_WORDS) -> str:
    """The first words of a comment on one line, with an ellipsis if cut."""
    parts = text.split()
    shown = " ".join(parts[:words])
    return shown + ("…" if len(parts) > words else "")


def render_tree(thread: Thread, annotate: Callable[[Comment], str] | None = None) -> str:
    """Article heading, then each comment as `id author: first words`, joined by tree lines.

    `annotate` adds a note after each comment (flags and stance, when scoring).
    """
    out: list[str] = []
    a = thread.article
    out.append(a.title or "(no article title)")
    facts = [f"{len(thread.comments)} comment{'s' if len(thread.comments) != 1 else ''}"]
    if a.source:
        facts.insert(0, f"source: {a.source}")
    if a.tags:
        facts.append("tags: " + ", ".join(a.tags))
    out.append("  " + " · ".join(facts))

    def emit(comment: Comment, prefix: str, last: bool) -> None:
        branch = "└── " if last else "├── "
        note = annotate(comment) if annotate else ""
        quote = " [quotes parent]" if comment.quotes else ""
        out.append(f"{prefix}{branch}{comment.id} {comment.author or '(anonymous)'}: "
                   f"{preview(comment.text)}{quote}{note}")
        kids = thread.children(comment)
        for i, child in enumerate(kids):
            emit(child, prefix + ("    " if last else "│   "), i == len(kids) - 1)

    tops = [c for c in thread.comments if c.parent_id is None]
    for i, top in enumerate(tops):
        emit(top, "", i == len(tops) - 1)
    return "\n".join(out) + "\n"
