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
from datetime import datetime
from functools import lru_cache

from .article import parse_article
from .errors import ParseError
from .quotes import MIN_WORDS, Quotable, may_quote, normal_words, probes, split_quotes
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


# WordPress's own form, `March 3, 2020 at 4:15 pm`, read without strptime (which costs 20 µs a
# line): only where it is exactly what the first format would accept; anything else falls through.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_WORDPRESS_DATE = re.compile(r"(%s) ([0-9]{1,2}), ([0-9]{4}) at ([0-9]{1,2}):([0-9]{2}) ([aApP][mM])\Z" % "|".join(_MONTHS))
_MONTH_NUMBER = {name: k for k, name in enumerate(_MONTHS, start=1)}


def _wordpress_date(candidate: str) -> str | None:
    """`_DATE_FORMATS[0]` (`%B %d, %Y at %I:%M %p`) for its common spelling, or None to let
    strptime decide (other spellings, out-of-range fields, impossible days)."""
    m = _WORDPRESS_DATE.match(candidate)
    if m is None:
        return None
    month, day, year, hour, minute, ampm = m.groups()
    h, mi = int(hour), int(minute)
    if not 1 <= h <= 12 or mi > 59:
        return None
    if ampm in ("am", "AM", "Am", "aM"):
        h = 0 if h == 12 else h
    elif h != 12:
        h += 12
    try:
        return datetime(int(year), _MONTH_NUMBER[month], int(day), h, mi).isoformat()
    except ValueError:
        return None


def parse_posted(line: str) -> str | None:
    """A WordPress date line as ISO 8601 (`2020-03-03T16:15:00`), or None if it is not one."""
    candidate = line.strip()
    if len(candidate) > 40 or not _LOOKS_LIKE_DATE.match(candidate):
        return None
    candidate = candidate.replace("a.m.", "am").replace("p.m.", "pm")
    fast = _wordpress_date(candidate)
    if fast is not None:
        return fast
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


# A header as found: (0-based line, indent in columns, number as written, author, offset just
# after the header line, offset of the header line). Plain tuples: hundreds of thousands of them.
_Header = tuple[int, int, str, str, int, int]

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
    append = headers.append
    first_indent: int | None = None
    footers = _footers(text)
    next_footer = footers[0][0] if footers else len(text) + 1
    footer_i = 0
    line = 0
    pos = 0
    match_header = _HEADER.match
    rfind = text.rfind
    count = text.count
    for says in _SAYS.finditer(text):
        at = says.start()
        if text[at - 1] not in " \t" or at == 0:
            continue
        start = rfind("\n", 0, at) + 1
        m = match_header(text, start)
        if m is None or m.end() != says.end():
            continue
        if next_footer < start:
            while footer_i < len(footers) and footers[footer_i][0] < start:
                f_start, f_indent = footers[footer_i]
                footer_i += 1
                if first_indent is None or f_indent <= first_indent:
                    return headers, f_start
            next_footer = footers[footer_i][0] if footer_i < len(footers) else len(text) + 1
        indent_str, number, author = m.group("indent", "num", "author")
        if author.count(" ") >= _MAX_AUTHOR_WORDS and len(author.split()) > _MAX_AUTHOR_WORDS:
            continue
        indent = len(indent_str) if "\t" not in indent_str else _indent_width(indent_str)
        line += count("\n", pos, start)
        pos = start
        append((line, indent, number, author, m.end() + 1, start))
        if first_indent is None:
            first_indent = indent
    for f_start, f_indent in footers[footer_i:]:
        if first_indent is None or f_indent <= first_indent:
            return headers, f_start
    return headers, len(text)


def _indent_step(text: str, headers: list[_Header], end: int) -> int:
    """The most common indentation step: header-to-deeper-reply and header-to-body offsets."""
    steps: Counter[int] = Counter()
    indents = [h[1] for h in headers]
    steps.update(cur - prev for prev, cur in zip(indents, indents[1:]) if cur > prev)
    for k, h in enumerate(headers[:200]):
        stop = headers[k + 1][5] if k + 1 < len(headers) else end
        for line in text[h[4]:stop].split("\n"):
            if line.strip():
                offset = _indent_width(line) - h[1]
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


# A reply link on a line of its own, found from the newline before it: a literal first
# character lets the regex engine jump from line to line instead of trying every offset.
_REPLY_LINK_LINE = re.compile(r"\n[ \t\u00a0]*(?:reply|reply ↓|↓ reply|log in to reply)[ \t]*(?=\n|\Z)", re.I)


def _drop_reply_links(raw: str) -> str:
    """`_REPLY_LINK.sub("", raw)` up to a trailing newline (which the caller strips): each
    link line goes with the newline before it rather than the one after it."""
    out = _REPLY_LINK_LINE.sub("", "\n" + raw)
    return out[1:] if out[:1] == "\n" else out


def _drop_trailing_space(raw: str) -> str:
    """`_TRAILING_SPACE.sub("", raw)`: a regex anchored at line ends would try every offset."""
    return "\n".join([line.rstrip(" \t\u00a0") for line in raw.split("\n")])


# `_LOOKS_LIKE_DATE` on the first line with its surrounding whitespace, matched on the whole
# body: one call instead of partition, strip and match for the (common) body with no date.
_STARTS_WITH_DATE = re.compile(r"[^\S\n]*(?:%s)" % _LOOKS_LIKE_DATE.pattern[1:])


def _body(raw: str) -> tuple[str, str | None]:
    """The comment's text (paragraphs joined by blank lines) and its date line, if any.

    Every step is guarded by a substring test, so a plain body costs a handful of C calls."""
    raw = raw.strip("\n")
    if "\t" in raw:
        raw = raw.expandtabs(8)
    if not raw or raw.isspace():
        return "", None
    posted = None
    changed = False
    if _STARTS_WITH_DATE.match(raw):
        first, _, rest = raw.partition("\n")
        posted = parse_posted(first)
        if posted is not None:
            raw = rest.strip("\n")
    if "eply" in raw:
        raw = _drop_reply_links(raw)
        changed = True
    if " \n" in raw or "\u00a0\n" in raw or raw.endswith((" ", "\u00a0")):
        raw = _drop_trailing_space(raw)
        changed = True
    if changed:
        raw = raw.strip("\n")
    if not raw:
        return "", posted
    if "\n\n\n" in raw:
        raw = _BLANK_RUN.sub("\n\n", raw)
    # Dedent by the least-indented line. Fast path: the first line's indentation, confirmed
    # by counting the lines that carry it (non-blank lines = newlines + 1 - blank lines).
    cut = len(raw) - len(raw.lstrip(" "))
    if cut:
        prefix = _NEWLINE_SPACES[cut] if cut < 64 else "\n" + " " * cut
        if raw.count(prefix) == raw.count("\n") - raw.count("\n\n"):
            return raw[cut:].replace(prefix, "\n"), posted
    cut = min(len(line) - len(line.lstrip(" \u00a0")) for line in raw.split("\n") if line)
    if cut:
        raw = _dedent_pattern(cut).sub("", raw)
    return raw, posted


_NEWLINE_SPACES = ["\n" + " " * k for k in range(64)]


def parse_dump(text: str, source: str | None = None, strict: bool = False) -> Thread:
    """Parse a dump's text into a Thread; `source` names the file in warnings and errors."""
    where = source or "<input>"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    headers, end = _find_headers(text)
    article_end = headers[0][5] if headers else end
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


# A comment on the path from the root to the current line, still taking replies, as a list:
# [level, comment, text before quotes were taken out (what a later reply may repeat),
#  replies so far, its normalised words or None, its Quotable or None (made once it is needed)].
_LEVEL, _COMMENT, _RAW, _REPLIES, _WORDS, _QUOTABLE = range(6)


def _build_tree(text: str, headers: list[_Header], end: int, thread: Thread, problems: list[tuple[int, str]]) -> None:
    """Attach each comment to the nearest open comment less indented than itself.

    The loop is the per-comment cost of the whole parser, so it keeps to local names and
    plain lists; `path` holds, parallel to `stack`, each open comment's 4-grams (None until a
    reply needs them) so the no-quote test is one C-level pass over the ancestors."""
    step = _indent_step(text, headers, end)
    base = min(h[1] for h in headers)
    stack: list[list] = []
    path: list[set | None] = []
    top_count = 0
    append = thread.comments.append
    report = problems.append
    starts = [h[5] for h in headers[1:]]
    starts.append(end)
    for (line, indent, number, author, body_start, _), stop in zip(headers, starts):
        level, remainder = divmod(indent - base, step)
        if remainder:
            level = round((indent - base) / step)
            report((line, f"indentation of {indent} is not a multiple of the step {step}; read as level {level + 1}"))
        while stack and stack[-1][0] >= level:
            stack.pop()
            path.pop()
        if stack:
            parent_open = stack[-1]
            if parent_open[0] < level - 1:
                report((line, f"reply by {author} is indented {level - parent_open[0]} levels deeper than "
                              f"its parent on line {parent_open[1].line}; attached to it"))
            position = parent_open[3] = parent_open[3] + 1
            parent_id: str | None = parent_open[1].id
            cid = f"{parent_id}.{position}"
        else:
            if level > 0:
                report((line, f"comment by {author} is indented as a reply but has no comment above it to "
                              "reply to; read as top-level"))
            top_count += 1
            position = top_count
            parent_id = None
            cid = str(position)
        if int(number) != position:
            owner = f"comment {parent_id}" if parent_id is not None else "the thread"
            report((line, f"numbered {int(number)} but is reply {position} of {owner}; numbering skips"))
        body, posted = _body(text[body_start:stop])
        own, quotes, words = body, [], None
        if not body:
            report((line, f"comment by {author} has no text"))
        elif parent_id is not None:
            words = normal_words(body)
            if len(words) >= MIN_WORDS:
                if None in path:
                    for k, open_ in enumerate(stack):
                        if path[k] is None:
                            if open_[_WORDS] is None:
                                open_[_WORDS] = normal_words(open_[_RAW])
                            path[k] = probes(open_[_WORDS])
                if may_quote(words, path):  # type: ignore[arg-type]
                    ancestors = []
                    for k, open_ in enumerate(stack):
                        if open_[_QUOTABLE] is None:
                            open_[_QUOTABLE] = Quotable(open_[_RAW], open_[_WORDS], path[k])
                        ancestors.append(open_[_QUOTABLE])
                    own, quotes = split_quotes(body, ancestors, words)
        comment = Comment(cid, parent_id, author, own, quotes, posted, len(stack) + 1, line + 1)
        append(comment)
        stack.append([level, comment, body, 0, words, None])
        path.append(None)
