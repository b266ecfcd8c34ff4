"""Parse a saved news page with its reader comments into a Thread.

The family of dumps this reads: the article, then comments whose headers are `N. Name says`
(or WordPress's `N. Name says:` with a date line and a `Reply` link), each reply indented one
step deeper than its parent, the body indented under its header, and a footer such as
`Leave A Reply` that ends the thread. The indentation step is measured from the file (spaces
or tabs, any width), so dumps from other tools and sites parse as well as the reference one.

Broken structure is read best-effort and reported as warnings naming the line; callers that
want certainty pass `strict=True` and get a ParseError instead.

Speed: headers and footers are found by multiline regexes over the whole text and bodies are
string slices, so the Python-level work is per comment, not per line.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .article import parse_article
from .errors import ParseError
from .quotes import Quotable, split_quotes
from .thread import Comment, Thread

# A header line, followed by a blank line or a line indented deeper than itself: a sentence in
# running text that happens to end in `says` is not a header.
_HEADER = re.compile(
    r"^(?P<indent>[ \t\u00a0]*)(?P<num>\d{1,6})\.[ \t]+(?P<author>\S[^\n]{0,150}?)[ \t]+says:?[ \t]*"
    r"(?=\n(?:[ \t\u00a0]*(?:\n|$)|(?P=indent)[ \t\u00a0]+\S))",
    re.M,
)
_MAX_AUTHOR_WORDS = 10
_FOOTER = re.compile(
    r"^(?P<indent>[ \t\u00a0]*)(?:leave a reply(?: cancel reply)?|leave a comment|cancel reply|post comment|"
    r"add a comment|your email address will not be published[^\n]*|comments are closed\.?|"
    r"you must be logged in to post a comment\.?)[ \t]*$",
    re.M | re.I,
)
_REPLY_LINK = re.compile(r"^[ \t\u00a0]*(?:reply|reply ↓|↓ reply|log in to reply)[ \t]*(?:\n|$)", re.M | re.I)
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.M)
_BLANK_RUN = re.compile(r"\n{3,}")
_LOOKS_LIKE_DATE = re.compile(r"^(?:[A-Za-z]{3,9}\.? \d{1,2}, \d{4}|\d{1,2} [A-Za-z]{3,9} \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})")
_DATE_FORMATS = (
    "%B %d, %Y at %I:%M %p", "%b %d, %Y at %I:%M %p", "%d %B %Y at %H:%M", "%d %B %Y at %I:%M %p",
    "%B %d, %Y at %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d at %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M", "%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%d/%m/%Y at %H:%M", "%d/%m/%Y",
)


def parse_posted(line: str) -> str | None:
    """A WordPress date line as ISO 8601 (`2020-03-03T16:15:00`), or None if it is not one."""
    candidate = line.strip()
    if len(candidate) > 40 or not _LOOKS_LIKE_DATE.match(candidate):
        return None
    candidate = candidate.replace("a.m.", "am").replace("p.m.", "pm")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).isoformat()
        except ValueError:
            continue
    return None


def _indent_width(line: str) -> int:
    """Columns of leading whitespace, tabs to the next multiple of 8."""
    if "\t" not in line:
        return len(line) - len(line.lstrip(" \u00a0"))
    width = 0
    for ch in line:
        if ch == "\t":
            width += 8 - width % 8
        elif ch == " " or ch == "\u00a0":
            width += 1
        else:
            break
    return width


@dataclass(slots=True)
class _Header:
    line: int  # 0-based line number of the header
    indent: int
    number: int
    author: str
    body_start: int  # offset just after the header line
    start: int  # offset of the header line


_SAYS = re.compile(r"says:?[ \t]*(?=\n)")  # starts with a literal: the regex engine skips ahead fast
_FOOTER_PHRASES = ("leave a reply", "leave a comment", "cancel reply", "post comment", "add a comment",
                   "your email address will not be published", "comments are closed",
                   "you must be logged in to post a comment")


def _footers(text: str) -> list[tuple[int, int]]:
    """(offset, indent) of every footer line, in order. Plain substring search on a lower-cased
    copy, then a check of the whole line: many times faster than a multiline regex."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: offsets would drift
        return [(m.start(), _indent_width(m.group("indent"))) for m in _FOOTER.finditer(text)]
    found = set()
    for phrase in _FOOTER_PHRASES:
        i = low.find(phrase)
        while i >= 0:
            line_start = low.rfind("\n", 0, i) + 1
            m = _FOOTER.match(text, line_start)
            if m:
                found.add((line_start, _indent_width(m.group("indent"))))
            i = low.find(phrase, i + len(phrase))
    return sorted(found)


def _find_headers(text: str) -> tuple[list[_Header], int]:
    """Comment headers in order, and the offset where the thread ends (a footer, or the end).

    Candidates are found by searching for the literal `says` at a line end (fast), then the
    whole line is checked against the header pattern."""
    headers: list[_Header] = []
    first_indent: int | None = None
    footers = _footers(text)
    footer_i = 0
    line = 0
    pos = 0
    match_header = _HEADER.match
    for says in _SAYS.finditer(text):
        if text[says.start() - 1: says.start()] not in (" ", "\t"):
            continue
        start = text.rfind("\n", 0, says.start()) + 1
        m = match_header(text, start)
        if m is None or m.end() != says.end():
            continue
        while footer_i < len(footers) and footers[footer_i][0] < start:
            f_start, f_indent = footers[footer_i]
            footer_i += 1
            if first_indent is None or f_indent <= first_indent:
                return headers, f_start
        indent_str, number, author = m.group("indent", "num", "author")
        if author.count(" ") >= _MAX_AUTHOR_WORDS and len(author.split()) > _MAX_AUTHOR_WORDS:
            continue
        indent = len(indent_str) if "\t" not in indent_str else _indent_width(indent_str)
        line += text.count("\n", pos, start)
        pos = start
        headers.append(_Header(line, indent, int(number), author, m.end() + 1, start))
        if first_indent is None:
            first_indent = indent
    for f_start, f_indent in footers[footer_i:]:
        if first_indent is None or f_indent <= first_indent:
            return headers, f_start
    return headers, len(text)


def _indent_step(text: str, headers: list[_Header], end: int) -> int:
    """The most common indentation step: header-to-deeper-reply and header-to-body offsets."""
    steps: Counter[int] = Counter()
    for prev, cur in zip(headers, headers[1:]):
        if cur.indent > prev.indent:
            steps[cur.indent - prev.indent] += 1
    for k, h in enumerate(headers[:200]):
        stop = headers[k + 1].start if k + 1 < len(headers) else end
        for line in text[h.body_start:stop].split("\n"):
            if line.strip():
                offset = _indent_width(line) - h.indent
                if offset > 0:
                    steps[offset] += 1
                break
    if not steps:
        return 2
    best = max(steps.values())
    return min(s for s, n in steps.items() if n == best)


@lru_cache(maxsize=64)
def _dedent_pattern(cut: int) -> re.Pattern[str]:
    return re.compile(r"^[ \u00a0]{0,%d}" % cut, re.M)


def _body(raw: str) -> tuple[str, str | None]:
    """The comment's text (paragraphs joined by blank lines) and its date line, if any."""
    raw = raw.strip("\n")
    if "\t" in raw:
        raw = raw.expandtabs(8)
    if not raw.strip():
        return "", None
    posted = None
    first, _, rest = raw.partition("\n")
    if _LOOKS_LIKE_DATE.match(first.strip()):
        posted = parse_posted(first)
        if posted is not None:
            raw = rest.strip("\n")
    if "eply" in raw:
        raw = _REPLY_LINK.sub("", raw)
    if " \n" in raw or "\u00a0\n" in raw or raw.endswith((" ", "\u00a0")):
        raw = _TRAILING_SPACE.sub("", raw)
    raw = raw.strip("\n")
    if not raw:
        return "", posted
    if "\n\n\n" in raw:
        raw = _BLANK_RUN.sub("\n\n", raw)
    # Dedent by the least-indented line. Fast path: the first line's indentation, confirmed
    # by counting the lines that carry it (non-blank lines = newlines + 1 - blank lines).
    cut = len(raw) - len(raw.lstrip(" "))
    prefix = "\n" + " " * cut
    if cut and raw.count(prefix) == raw.count("\n") - raw.count("\n\n"):
        raw = raw[cut:].replace(prefix, "\n")
    else:
        cut = min(len(line) - len(line.lstrip(" \u00a0")) for line in raw.split("\n") if line)
        if cut:
            raw = _dedent_pattern(cut).sub("", raw)
    return raw, posted


def parse_dump(text: str, source: str | None = None, strict: bool = False) -> Thread:
    """Parse a dump's text into a Thread; `source` names the file in warnings and errors."""
    where = source or "<input>"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    headers, end = _find_headers(text)
    article_end = headers[0].start if headers else end
    thread = Thread(article=parse_article(text[:article_end].split("\n")), source=source)
    problems: list[tuple[int, str]] = []
    if headers:
        # Hundreds of thousands of new, acyclic objects would make the cyclic garbage
        # collector rescan a growing heap again and again; pause it while the tree is built.
        collecting = gc.isenabled()
        gc.disable()
        try:
            _build_tree(text, headers, end, thread, problems)
        finally:
            if collecting:
                gc.enable()
    thread.warnings.extend(f"{where}:{line + 1}: {message}" for line, message in problems)
    if strict and problems:
        line, message = problems[0]
        raise ParseError(f"{len(problems)} structural problem(s); first: {message}", path=where, line=line + 1,
                         hint="fix the indentation or numbering, or parse without --strict to read it best-effort")
    return thread


@dataclass(slots=True)
class _Open:
    """A comment on the path from the root to the current line, still taking replies."""

    level: int
    comment: Comment
    raw: str  # text before quotes were taken out: what a later reply may repeat
    replies: int = 0
    quotable: Quotable | None = None  # computed only once something replies


def _build_tree(text: str, headers: list[_Header], end: int, thread: Thread, problems: list[tuple[int, str]]) -> None:
    step = _indent_step(text, headers, end)
    base = min(h.indent for h in headers)
    stack: list[_Open] = []
    top_count = 0
    comments = thread.comments
    for k, h in enumerate(headers):
        level, remainder = divmod(h.indent - base, step)
        if remainder:
            level = round((h.indent - base) / step)
            problems.append((h.line, f"indentation of {h.indent} is not a multiple of the step {step}; read as level {level + 1}"))
        while stack and stack[-1].level >= level:
            stack.pop()
        if not stack and level > 0:
            problems.append((h.line, f"comment by {h.author} is indented as a reply but has no comment above it to reply to; read as top-level"))
        elif stack and stack[-1].level < level - 1:
            problems.append((h.line, f"reply by {h.author} is indented {level - stack[-1].level} levels deeper than "
                                     f"its parent on line {stack[-1].comment.line}; attached to it"))
        if stack:
            parent_open = stack[-1]
            parent_open.replies += 1
            position = parent_open.replies
            parent: Comment | None = parent_open.comment
            cid = f"{parent.id}.{position}"
        else:
            top_count += 1
            position = top_count
            parent = None
            cid = str(position)
        if h.number != position:
            owner = f"comment {parent.id}" if parent else "the thread"
            problems.append((h.line, f"numbered {h.number} but is reply {position} of {owner}; numbering skips"))
        stop = headers[k + 1].start if k + 1 < len(headers) else end
        body, posted = _body(text[h.body_start:stop])
        if not body:
            problems.append((h.line, f"comment by {h.author} has no text"))
        own, quotes = body, []
        if parent is not None and body:
            for open_ in stack:
                if open_.quotable is None:
                    open_.quotable = Quotable(open_.raw)
            own, quotes = split_quotes(body, [o.quotable for o in stack])  # type: ignore[misc]
        comment = Comment(cid, parent.id if parent else None, h.author, own, quotes, posted, len(stack) + 1, h.line + 1)
        comments.append(comment)
        stack.append(_Open(level, comment, body))
