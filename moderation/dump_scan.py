"""Find the comment headers and the end of the thread in a dump: the skeleton of the parse.

Headers are found by searching for the literal `says` at line ends (the regex engine jumps
between occurrences), then each candidate line is checked against the full header pattern.
Everything is handled as columns (one list per field) built with `map` over C-level methods,
so a 100 MB dump costs a few passes in C rather than Python steps per header.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import sub
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .utf8_text import Utf8Text

# A header line, followed by a blank line or a line indented deeper than itself: a sentence in
# running text that happens to end in `says` is not a header.
HEADER = re.compile(
    r"^(?P<indent>[ \t\u00a0]*)(?P<num>\d{1,6})\.[ \t]+(?P<author>\S[^\n]{0,150}?)[ \t]+says:?[ \t]*"
    r"(?=\n(?:[ \t\u00a0]*(?:\n|$)|(?P=indent)[ \t\u00a0]+\S))",
    re.M,
)
MAX_AUTHOR_WORDS = 10
FOOTER = re.compile(
    r"^(?P<indent>[ \t\u00a0]*)(?:leave a reply(?: cancel reply)?|leave a comment|cancel reply|post comment|"
    r"add a comment|your email address will not be published[^\n]*|comments are closed\.?|"
    r"you must be logged in to post a comment\.?)[ \t]*$",
    re.M | re.I,
)
# Starts with a literal, so the regex engine skips ahead fast. At most one match per line (it
# must end at the newline), and where HEADER matches that line it ends at the same place.
_SAYS = re.compile(r"says:?[ \t]*(?=\n)")
_FOOTER_PHRASES = ("leave a reply", "leave a comment", "cancel reply", "post comment", "add a comment",
                   "your email address will not be published", "comments are closed",
                   "you must be logged in to post a comment")
# Every phrase contains one of these keys: four searches instead of eight. (Not "reply": a
# WordPress dump has a `Reply` link under every comment.)
_FOOTER_KEYS = (b"comment", b"leave a reply", b"cancel reply", b"your email address")
assert all(any(key.decode() in phrase for key in _FOOTER_KEYS) for phrase in _FOOTER_PHRASES)
_PLUS_ONE = (1).__add__


def indent_width(line: str) -> int:
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


def _footers_by_regex(text: str) -> list[tuple[int, int]]:
    return [(m.start(), indent_width(m.group("indent"))) for m in FOOTER.finditer(text)]


def footers(text: str) -> list[tuple[int, int]]:
    """(offset, indent) of every footer line, in order.

    The phrases are searched for in `text.encode("ascii", "replace")` lowered by `bytes.lower`
    (at memory speed; lowering the str costs ten times more), a megabyte at a time: one byte per
    character, every non-ASCII character a `?`, so a hit's byte offset is its character offset
    (chunks overlap by a phrase's length, so none is cut in two). Each line found
    is then checked against FOOTER. That finds what a search of `text.lower()` would: the
    phrases are ASCII, and the only non-ASCII character that lowers to an ASCII letter is the
    Kelvin sign (to `k`, in no phrase). U+0130 lowers to two characters; texts with it take
    the regex."""
    if "\u0130" in text:
        return _footers_by_regex(text)
    found: set[tuple[int, int]] = set()  # (offset of the line, indent)
    overlap = max(map(len, _FOOTER_KEYS)) - 1
    for base in range(0, len(text), _CHUNK):  # a chunk at a time: no whole-text copies in memory
        data = text[base:base + _CHUNK + overlap].encode("ascii", "replace").lower()
        for phrase in _FOOTER_KEYS:
            i = data.find(phrase)
            while i >= 0:
                at = base + i
                line_start = text.rfind("\n", 0, at) + 1
                line_end = text.find("\n", at)
                line = _ascii_lower(text[line_start:line_end if line_end >= 0 else len(text)])
                m = FOOTER.match(line)  # case-insensitive: the lowered line reads the same
                # ... and holds a phrase as written (FOOTER alone would also take `cloſed`).
                if m and any(phrase in line for phrase in _FOOTER_PHRASES):
                    found.add((line_start, indent_width(m.group("indent"))))
                i = data.find(phrase, i + len(phrase))
    return sorted(found)


_CHUNK = 1 << 20


def _ascii_lower(line: str) -> str:
    """`line` with ASCII letters lowered and every other character as it is."""
    return line.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def footer_lines_in(low: bytes) -> set[tuple[int, int]]:
    """(byte offset, indent) of every footer line in `low`, UTF-8 lowered by `bytes.lower`: the
    phrases found as bytes, each line they are on checked against FOOTER."""
    found: set[tuple[int, int]] = set()
    for key in _FOOTER_KEYS:
        i = low.find(key)
        while i >= 0:
            line_start = low.rfind(b"\n", 0, i) + 1
            line_end = low.find(b"\n", i)
            line = low[line_start:line_end if line_end >= 0 else len(low)].decode("utf-8", "surrogatepass")
            m = FOOTER.match(line)  # case-insensitive: the lowered line reads the same
            # ... and holds a phrase as written (FOOTER alone would also take `cloſed`).
            if m and any(phrase in line for phrase in _FOOTER_PHRASES):
                found.add((line_start, indent_width(m.group("indent"))))
            i = low.find(key, i + len(key))
    return found


@dataclass(slots=True)
class Headers:
    """The comment headers of a dump in document order, one list per field, and `end`, the
    offset where the thread stops (its footer, or the end of the text). Offsets are into what
    they were read from: characters of the str (`find_headers`) or bytes of its UTF-8
    (`usual_dump.read_usual`, sliced by `Utf8Text`)."""

    lines: Sequence[int]  # 0-based line number of each header
    indents: list[int]  # in columns, tabs expanded
    numbers: list[int]  # the `N.` as written
    authors: list[str]
    body_starts: Sequence[int]  # offset just after the header line
    starts: Sequence[int]  # offset of the header line
    end: int

    def __len__(self) -> int:
        return len(self.starts)

    def stops(self) -> array:
        """Where each comment's body stops: the next header line, or the end of the thread."""
        stops = array("q", self.starts[1:])
        stops.append(self.end)
        return stops


def is_running_text(author: str) -> bool:
    """Whether a header's "author" is a whole sentence of more than ten words: running text
    that ends in `says`, part of a body, not a header."""
    return author.count(" ") >= MAX_AUTHOR_WORDS and len(author.split()) > MAX_AUTHOR_WORDS


def find_headers(text: str) -> Headers:
    """Every header line before the footer that ends the thread.

    A footer ends the thread if it comes before the first header, or is indented no deeper
    than the first header (a deeper one is part of a comment)."""
    says_at = map(re.Match.start, _SAYS.finditer(text))
    line_starts = map(_PLUS_ONE, map(text.rfind, repeat("\n"), repeat(0), says_at))
    found = list(filter(None, map(HEADER.match, repeat(text), line_starts)))
    authors = list(map(re.Match.group, found, repeat(3)))
    if any(map((MAX_AUTHOR_WORDS - 1).__lt__, map(str.count, authors, repeat(" ")))):
        # A "header" whose author is a whole sentence is running text, part of a body.
        found = [m for m, a in zip(found, authors)
                 if not is_running_text(a)]
        authors = list(map(re.Match.group, found, repeat(3)))
    starts = array("q", map(re.Match.start, found))
    indent_strings = list(map(re.Match.group, found, repeat(1)))
    measure = indent_width if any(map(str.__contains__, indent_strings, repeat("\t"))) else len
    indents = list(map(measure, indent_strings))
    end = len(text)
    for f_start, f_indent in footers(text):
        if not starts or f_start < starts[0] or f_indent <= indents[0]:
            end = f_start
            break
    keep = bisect_left(starts, end)
    if keep < len(starts):
        del found[keep:], authors[keep:], starts[keep:], indents[keep:]
    # Offsets and line numbers as 8-byte machine integers, not 36-byte int objects; authors
    # shared, not one string per comment (the same names reply again and again).
    names: dict[str, str] = {}
    return Headers(
        lines=array("q", accumulate(map(text.count, repeat("\n"), chain((0,), starts), starts))),
        indents=indents,
        numbers=list(map(int, map(re.Match.group, found, repeat(2)))),
        authors=list(map(names.setdefault, authors, authors)),
        body_starts=array("q", map(_PLUS_ONE, map(re.Match.end, found))),
        starts=starts,
        end=end,
    )


def indent_step(text: str | Utf8Text, headers: Headers) -> int:
    """The most common indentation step: header-to-deeper-reply and header-to-body offsets
    (`text` as the headers' offsets index it)."""
    indents = headers.indents
    steps: Counter[int] = Counter(filter((0).__lt__, map(sub, indents[1:], indents)))
    for k in range(min(200, len(headers))):
        stop = headers.starts[k + 1] if k + 1 < len(headers) else headers.end
        for line in text[headers.body_starts[k]:stop].split("\n"):
            if line.strip():
                offset = indent_width(line) - indents[k]
                if offset > 0:
                    steps[offset] += 1
                break
    if not steps:
        return 2
    best = max(steps.values())
    return min(s for s, n in steps.items() if n == best)

