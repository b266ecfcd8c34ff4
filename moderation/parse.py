"""Parse a saved news page with its reader comments into a Thread.

The family of dumps this reads: the article, then comments whose headers are `N. Name says`
(or WordPress's `N. Name says:` with a date line and a `Reply` link), each reply indented one
step deeper than its parent, the body indented under its header, and a footer such as
`Leave A Reply` that ends the thread. The indentation step is measured from the file (spaces
or tabs, any width), so dumps from other tools and sites parse as well as the reference one.

Broken structure is read best-effort and reported as warnings naming the line; callers that
want certainty pass `strict=True` and get a ParseError instead.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from .article import parse_article
from .errors import ParseError
from .quotes import ngram_keys, split_quotes
from .thread import Comment, Thread

_HEADER = re.compile(r"^(?P<indent>[ \t\u00a0]*)(?P<num>\d{1,6})\.[ \t]+(?P<author>\S.*?)[ \t]+says(?P<colon>:?)[ \t]*$")
_MAX_AUTHOR_WORDS = 10
_FOOTER = re.compile(
    r"^(?:leave a reply(?: cancel reply)?|leave a comment|cancel reply|post comment|add a comment|"
    r"your email address will not be published.*|comments are closed\.?|"
    r"you must be logged in to post a comment\.?)$",
    re.I,
)
_REPLY_LINK = re.compile(r"^(?:reply|reply ↓|↓ reply|log in to reply)$", re.I)
_DATE_FORMATS = (
    "%B %d, %Y at %I:%M %p", "%b %d, %Y at %I:%M %p", "%d %B %Y at %H:%M", "%d %B %Y at %I:%M %p",
    "%B %d, %Y at %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d at %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
    "%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%d/%m/%Y at %H:%M",
)


def parse_posted(line: str) -> str | None:
    """A WordPress date line as ISO 8601 (`2020-03-03T16:15:00`), or None if it is not one."""
    candidate = line.strip().replace(".m.", "m").replace("a.m", "am").replace("p.m", "pm")
    if not candidate or len(candidate) > 40 or not candidate[:1].isalnum():
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).isoformat()
        except ValueError:
            continue
    return None


def _indent_width(line: str) -> int:
    width = 0
    for ch in line:
        if ch == "\t":
            width += 8 - width % 8
        elif ch == " " or ch == "\u00a0":
            width += 1
        else:
            break
    return width


@dataclass
class _Header:
    index: int  # 0-based line index
    indent: int
    number: int
    author: str


def _find_headers(lines: list[str]) -> tuple[list[_Header], int]:
    """Comment headers in order, and the index of the line that ends the thread."""
    headers: list[_Header] = []
    first_indent: int | None = None
    end = len(lines)
    for i, line in enumerate(lines):
        stripped = line.rstrip()
        if stripped.endswith(("says", "says:")):
            m = _HEADER.match(stripped)
            if m and len(m.group("author").split()) <= _MAX_AUTHOR_WORDS and _followed_by_body(lines, i):
                indent = _indent_width(stripped)
                headers.append(_Header(i, indent, int(m.group("num")), m.group("author").strip()))
                if first_indent is None:
                    first_indent = indent
                continue
        if stripped and _FOOTER.match(stripped.strip()):
            if first_indent is None or _indent_width(stripped) <= first_indent:
                end = i
                break
    return headers, end


def _followed_by_body(lines: list[str], i: int) -> bool:
    """A header is followed by a blank line or by text indented deeper than itself; a sentence
    in running text that happens to end in `says` is not."""
    if i + 1 >= len(lines):
        return False
    nxt = lines[i + 1]
    return not nxt.strip() or _indent_width(nxt) > _indent_width(lines[i])


def _indent_step(lines: list[str], headers: list[_Header], end: int) -> int:
    """The most common indentation step: header-to-deeper-reply and header-to-body offsets."""
    steps: Counter[int] = Counter()
    for prev, cur in zip(headers, headers[1:]):
        if cur.indent > prev.indent:
            steps[cur.indent - prev.indent] += 1
    for k, h in enumerate(headers[:200]):
        stop = headers[k + 1].index if k + 1 < len(headers) else end
        for line in lines[h.index + 1: stop]:
            if line.strip():
                offset = _indent_width(line) - h.indent
                if offset > 0:
                    steps[offset] += 1
                break
    if not steps:
        return 2
    best = max(steps.values())
    return min(s for s, n in steps.items() if n == best)


def _body(lines: list[str], start: int, stop: int) -> tuple[str, str | None]:
    """The comment's text (paragraphs joined by blank lines) and its date line, if any."""
    chunk = [line.rstrip() for line in lines[start:stop]]
    while chunk and not chunk[0].strip():
        chunk.pop(0)
    posted = None
    if chunk:
        posted = parse_posted(chunk[0])
        if posted is not None:
            chunk.pop(0)
    chunk = [line for line in chunk if not _REPLY_LINK.match(line.strip())]
    widths = [_indent_width(line) for line in chunk if line.strip()]
    if not widths:
        return "", posted
    cut = min(widths)
    paragraphs: list[list[str]] = [[]]
    for line in chunk:
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line.expandtabs(8).replace("\u00a0", " ", cut)[cut:] if cut else line)
    return "\n\n".join("\n".join(p) for p in paragraphs if p), posted


def parse_dump(text: str, source: str | None = None, strict: bool = False) -> Thread:
    """Parse a dump's text into a Thread; `source` names the file in warnings and errors."""
    where = source or "<input>"
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers, end = _find_headers(lines)
    article_end = headers[0].index if headers else end
    thread = Thread(article=parse_article(lines[:article_end]), source=source)
    warnings = thread.warnings

    def warn(line_index: int, message: str) -> None:
        warnings.append(f"{where}:{line_index + 1}: {message}")

    if headers:
        _build_tree(lines, headers, end, thread, warn)
    if strict and warnings:
        raise ParseError(
            f"{len(warnings)} structural problem(s); first: {warnings[0].split(': ', 1)[1]}",
            path=where, line=int(warnings[0].split(":")[-2]) if warnings[0].count(":") >= 2 else None,
            hint="fix the indentation or numbering, or parse without --strict to read it best-effort")
    return thread


@dataclass
class _Open:
    """A comment on the path from the root to the current line, still taking replies."""

    level: int
    comment: Comment
    raw: str  # text before quotes were taken out: what a later reply may repeat
    replies: int = 0
    grams: list[int] | None = None  # n-gram keys, computed only once something replies


def _build_tree(lines: list[str], headers: list[_Header], end: int, thread: Thread, warn) -> None:
    step = _indent_step(lines, headers, end)
    base = min(h.indent for h in headers)
    stack: list[_Open] = []
    top_count = 0
    # n-gram keys of the open path, counted so a key two ancestors share survives one closing.
    path_grams: Counter[int] = Counter()

    for k, h in enumerate(headers):
        level_f = (h.indent - base) / step
        level = round(level_f)
        if level_f != level:
            warn(h.index, f"indentation of {h.indent} is not a multiple of the step {step}; read as level {level + 1}")
        while stack and stack[-1].level >= level:
            closed = stack.pop()
            for g in closed.grams or ():
                path_grams[g] -= 1
                if not path_grams[g]:
                    del path_grams[g]
        if not stack and level > 0:
            warn(h.index, f"comment by {h.author} is indented as a reply but has no comment above it to reply to; read as top-level")
        elif stack and stack[-1].level < level - 1:
            warn(h.index, f"reply by {h.author} is indented {level - stack[-1].level} levels deeper than "
                          f"its parent on line {stack[-1].comment.line}; attached to it")
        if stack:
            stack[-1].replies += 1
            position = stack[-1].replies
            parent: Comment | None = stack[-1].comment
        else:
            top_count += 1
            position = top_count
            parent = None
        if h.number != position:
            owner = f"comment {parent.id}" if parent else "the thread"
            warn(h.index, f"numbered {h.number} but is reply {position} of {owner}; numbering skips")
        cid = f"{parent.id}.{position}" if parent else str(position)
        stop = headers[k + 1].index if k + 1 < len(headers) else end
        body, posted = _body(lines, h.index + 1, stop)
        if not body:
            warn(h.index, f"comment by {h.author} has no text")
        own, quotes = body, []
        if parent is not None and body:
            for open_ in stack:
                if open_.grams is None:
                    open_.grams = list(ngram_keys(open_.raw))
                    path_grams.update(open_.grams)
            own, quotes = split_quotes(body, path_grams)
        comment = Comment(id=cid, parent_id=parent.id if parent else None, author=h.author, text=own,
                          quotes=quotes, posted=posted, depth=len(stack) + 1, line=h.index + 1)
        thread.comments.append(comment)
        stack.append(_Open(level, comment, body))
