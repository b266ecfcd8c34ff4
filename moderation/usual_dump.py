"""Read the comments of a dump in the usual form with numpy passes over its lines.

Finding each header with a regex and then reading each body with another (`find_headers`,
`body_texts`) costs a dozen C calls and two regex matches per comment, and the regex engine reads
every character of every body (about 8 ns a character). Most dumps are written by one tool and
every line is alike: here the lines of the thread are classified all at once on the UTF-8 bytes
(indent, first and last bytes, `N. Name says` at its ends, blank or not), the bodies' shape is
checked per line with array operations (`byte_columns`), and Python only cuts out the authors,
texts and dates, a batch at a time. The thread is read a piece of about 2 MB at a time, each
starting at a header line, so the arrays per line stay a few megabytes. It reads the text's
UTF-8, which the parse then keeps instead of the str (half the memory or less, `Utf8Text`).

`read_usual` gives exactly what `find_headers` and `body_texts` give, or None when it cannot
vouch for that, and the caller takes the general path:

- Headers are `HEADER` spelled out on bytes, which holds when the thread's indents are all
  spaces or all tabs, with no tab elsewhere and no whitespace but spaces and
  newlines otherwise: a Unicode space is seen by the regex's `\\s` and `\\S` and not by a byte
  test. The no-break space is let through where the two agree (inside a line's text). A dump
  is declined if it has any other whitespace in its thread, a footer before the first header,
  a U+0130 (`footers` then reads by regex), a header right before the footer or at the end, or
  an author of more than 151 bytes or with ten spaces.
- A body is taken as usual only if it is one of `bodies._USUAL_BODY`'s two forms (checked line
  by line: every line indented at least as far as the first (exactly as far, by tabs), no line
  ending in a space, no blank line with spaces, at most one blank line in a row, a `Reply`
  line closing a dated body, no `reply` in the text); its text, date and indents are then what
  `body_text` gives. Any other body goes through `body_text`, as in the general path.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from itertools import repeat
from typing import Any, NamedTuple

from .bodies import _DATE_AT, body_text, clean_region, posted_many
from .byte_columns import (cut, dedent, gather, joined_lines, leading_spaces, run_back, run_length,
                           where, wide_spaces)
from .dump_scan import (_SAYS, HEADER, MAX_AUTHOR_WORDS, Headers, footer_lines_in, footers, indent_width,
                        is_running_text)

# ASCII whitespace other than space and newline: `\s` in a str pattern, but not a space byte.
_ODD_ASCII_SPACE = tuple(bytes([c]) for c in range(128) if chr(c).isspace() and c not in (10, 32))
_MAX_AUTHOR_BYTES = 151  # HEADER's `\S[^\n]{0,150}?` counts characters, so bytes only up to this
_EPLY = re.compile(b"eply")
_DIGITS = (0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39)
_SPACE = (0x20,)
_TAB = (0x09,)
_MEGABYTE = 1 << 20
_ODD_BUT_TAB = tuple(odd for odd in _ODD_ASCII_SPACE if odd != b"\t")
_REPLY = b"Reply"
_PIECE_BYTES = 1 << 21
# A header line after a newline, about as `HEADER` reads one: where a piece may start. Bytes
# see `\S` and `{0,150}` a little differently from characters; the line pass declines a piece
# whose first line it does not read as a header, so a boundary is never taken on trust.
_HEADER_AFTER_NEWLINE = re.compile(rb"\n([ \t]*)\d{1,6}\. +\S[^\n]{0,150}? +says:? *\n(?=[ \t]*\n|\1[ \t]+\S)")
_CAPITAL_I_DOT = "\u0130".encode()


class _Piece(NamedTuple):
    """The comments whose headers are in one piece: the `Headers` columns (line numbers, body
    starts and starts as array bytes), texts and dates, the bodies left to `body_text` (index,
    (start, stop)), and the character offset and line number where the piece ends."""

    lines: bytes
    indents: list[int]
    numbers: list[int]
    authors: list[str]
    body_starts: bytes
    starts: bytes
    texts: list[str | None]
    dates: list[str | None]
    unusual: list[tuple[int, tuple[int, int]]]
    end: int
    end_line: int


def read_usual(data: bytes) -> tuple[Headers, list[str], list[str | None]] | None:
    """(headers, body texts, dates) as `find_headers` and `body_texts` give them for the text
    whose UTF-8 (with surrogates passed) is `data`, or None. The headers' offsets (`starts`,
    `body_starts`, `end`) are byte offsets into `data`; `utf8_text.Utf8Text` slices it by them.

    It reads the UTF-8 rather than the str because a str with one character past U+00FF takes
    two bytes a character (four past U+FFFF): holding the bytes while the comments are made
    takes half the memory or less."""
    first = _first_header(data)
    if first is None or _CAPITAL_I_DOT in data or footers(data[:first[0]].decode("utf-8", "surrogatepass")):
        return None
    first_start, first_indent, tabbed = first
    # The columns of every piece, extended as each is read (its own lists then go).
    lines, body_starts, starts = array("q"), array("q"), array("q")
    indents: list[int] = []
    numbers: list[int] = []
    authors: list[str] = []
    names: dict[str, str] = {}  # authors shared, not one string per comment (a piece's copies go with it)
    texts: list[str | None] = []
    dates: list[str | None] = []
    unusual: list[tuple[int, tuple[int, int]]] = []
    start, line_at = first_start, data.count(b"\n", 0, first_start)
    while True:
        m = _HEADER_AFTER_NEWLINE.search(data, start + _PIECE_BYTES - 1)
        stop: int | None = m.start() + 1 if m is not None else len(data)
        part = data[start:stop]
        low = part.lower()
        footer = _footer_in(low, first_indent)
        if footer is not None:  # the thread ends in this piece
            part, low, stop = part[:footer], low[:footer], None
        if tabbed is None:  # a top-level first header: the replies say which
            tabbed = b"\n\t" in part
        unit = b"\t" if tabbed else b" "
        following = None if stop is None or stop == len(data) else _indent_at(data, stop, unit)
        piece = _read_piece(part, low, start, line_at, following, len(indents), tabbed)
        if piece is None:
            return None
        lines.frombytes(piece.lines)
        body_starts.frombytes(piece.body_starts)
        starts.frombytes(piece.starts)
        indents += piece.indents
        numbers += piece.numbers
        authors += map(names.setdefault, piece.authors, piece.authors)
        texts += piece.texts
        dates += piece.dates
        unusual += piece.unusual
        start, line_at = piece.end, piece.end_line
        del piece, part, low
        if following is None:
            break
    end = start
    if unusual:
        clean = clean_region(data, data.index(b"\n", first_start) + 1, end)
        for k, (body_start, body_stop) in unusual:
            texts[k], dates[k] = body_text(data[body_start:body_stop].decode("utf-8", "surrogatepass"), clean)
    del names
    headers = Headers(lines=lines, indents=indents, numbers=numbers, authors=authors, body_starts=body_starts,
                      starts=starts, end=end)
    return headers, texts, dates  # type: ignore[return-value]  (every None text filled above)


def _first_header(data: bytes) -> tuple[int, int, bool | None] | None:
    """(byte offset, indent in columns, whether indented by tabs) of the first header
    `find_headers` would keep, if it is indented by spaces only or tabs only (None for tabs
    when it is not indented); any other indent takes the general path.

    Looked for in a prefix of the text (64 KiB, then four times as much, and so on) until one
    holds it: the article is short next to a large thread, and decoding all of it would make
    the str this module avoids."""
    size = 1 << 16
    while True:
        cut = len(data) if size >= len(data) else data.rfind(b"\n", 0, size) + 1
        found = _first_header_in(data[:cut].decode("utf-8", "surrogatepass"), whole=cut == len(data))
        if found is not None or cut == len(data):
            return None if found is None or found == "declined" else found
        size *= 4


def _first_header_in(text: str, whole: bool) -> tuple[int, int, bool | None] | str | None:
    """`_first_header` in `text`, a prefix of the dump's text cut after a newline (the whole of
    it if `whole`): "declined" if that header is indented otherwise, None if there is none,
    or one only the rest could confirm (HEADER reads its next line, which the cut may
    have left short)."""
    for says in _SAYS.finditer(text):
        m = HEADER.match(text, text.rfind("\n", 0, says.start()) + 1)
        if m is None:
            continue
        if not whole and text.find("\n", m.end() + 1) < 0:
            return None
        author = m.group("author")
        if is_running_text(author):
            continue
        indent = m.group("indent")
        start = len(text[:m.start()].encode("utf-8", "surrogatepass"))
        if not indent:
            return start, 0, None
        if indent.strip(" ") == "":
            return start, len(indent), False
        return (start, indent_width(indent), True) if indent.strip("\t") == "" else "declined"
    return None


def _indent_at(data: bytes, at: int, unit: bytes) -> int:
    """How many `unit`s (space or tab) a line starts with (a header line: never blank)."""
    line = data[at:at + 256]
    return len(line) - len(line.lstrip(unit))


def _footer_in(low: bytes, first_indent: int) -> int | None:
    """The byte offset of the first footer line in `low` (lowered UTF-8) indented no deeper
    than the first header, found as `dump_scan.footers` finds footers, or None."""
    return next((start for start, indent in sorted(footer_lines_in(low)) if indent <= first_indent), None)


@dataclass
class _Lines:
    """Per line of a piece: where it starts and ends (bytes), its length and indent, and
    whether it is blank (empty or spaces only, as HEADER's lookahead sees it)."""

    starts: Any
    ends: Any
    length: Any
    indent: Any
    blank: Any


def _lines_of(r, tabbed: bool) -> _Lines | None:
    """The lines of a piece, indented by spaces, or by tabs if `tabbed`: then None if a tab is
    anywhere but in a line's indent or a space follows one (the regexes see `[ \t]`, the
    columns only the one unit)."""
    np = _np()
    newlines = where(r, lambda chunk: chunk == 10)
    starts = np.empty(len(newlines) + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = newlines + 1
    ends = np.append(newlines, len(r))
    length = ends - starts
    if not tabbed:
        indent = leading_spaces(r, starts, ends)
        return _Lines(starts, ends, length, indent, indent == length)
    indent = run_length(r, starts, ends, _TAB)
    after = starts + indent
    inside = after < ends
    if (r[after[inside]] == 0x20).any():
        return None
    if int(indent.sum()) != sum(int(np.count_nonzero(r[k:k + _MEGABYTE] == 9)) for k in range(0, len(r), _MEGABYTE)):
        return None  # a tab past a line's indent
    return _Lines(starts, ends, length, indent, indent == length)


def _header_lines(r, lines: _Lines, following: int | None):
    """(header lines, number starts, digits, author starts, author ends) of a piece, or None.

    A header line is `N.` (one to six digits), spaces, an author, spaces, `says` or `says:`,
    maybe spaces, then a blank line or one indented deeper: HEADER on bytes. The line after
    the piece's last is the next piece's first, indented `following`; None if the thread ends."""
    np = _np()
    ls, le, ind, blank = lines.starts, lines.ends, lines.indent, lines.blank
    first_char = ls + ind
    cand = np.flatnonzero(~blank)
    cand = cand[np.isin(r[first_char[cand]], _DIGITS)]
    p = first_char[cand]
    digits = run_length(r, p, le[cand], _DIGITS)
    dot = p + digits
    ok = (digits <= 6) & (dot + 1 < le[cand])
    ok[ok] = (r[dot[ok]] == 0x2E) & (r[dot[ok] + 1] == 0x20)
    cand, p, digits, dot = cand[ok], p[ok], digits[ok], dot[ok]
    author_start = dot + 1 + run_length(r, dot + 1, le[cand], _SPACE)
    trimmed = le[cand] - run_back(r, le[cand], author_start, _SPACE)
    says_at = trimmed - (r[trimmed - 1] == 0x3A) - 4
    ok = says_at - 1 > author_start
    for k, byte in enumerate(b"says"):
        ok[ok] &= r[says_at[ok] + k] == byte
    ok[ok] &= r[says_at[ok] - 1] == 0x20
    cand, p, digits, author_start, says_at = cand[ok], p[ok], digits[ok], author_start[ok], says_at[ok]
    author_end = says_at - run_back(r, says_at, author_start, _SPACE)
    last_real = len(ls) - 2 if len(r) and r[-1] == 10 else len(ls) - 1
    if following is None and len(cand) and cand[-1] >= last_real:
        return None  # the next line is the footer's or there is none: HEADER decides
    after = cand + 1
    is_header = blank[after] | (ind[after] > ind[cand])
    if following is not None and len(cand) and cand[-1] == last_real:
        is_header[-1] = following > ind[cand[-1]]
    hl = cand[is_header]
    if not len(hl) or hl[0] != 0 or (author_end[is_header] - author_start[is_header]).max() > _MAX_AUTHOR_BYTES:
        return None
    return hl, p[is_header], digits[is_header], author_start[is_header], author_end[is_header]


def _no_break_space_lines(lines: _Lines, no_break):
    """The lines each no-break space (offset of its first byte) is on."""
    np = _np()
    return np.searchsorted(lines.starts, no_break, side="right") - 1


def _no_break_where_it_counts(lines: _Lines, no_break, author_start) -> bool:
    """Whether a no-break space stands where the regexes tell it from other characters: first
    after a line's spaces (HEADER's and `_USUAL_BODY`'s indents, a blank line to HEADER's
    lookahead) or first in an author (`\\S`). At a line's end it only makes the body unusual
    (`_unusual`); elsewhere in a line it is text to both."""
    np = _np()
    on = _no_break_space_lines(lines, no_break)
    return bool((no_break == lines.starts[on] + lines.indent[on]).any() or np.isin(author_start, no_break).any())


def _np():
    import numpy as np

    return np


@dataclass
class _Bodies:
    """Per comment of a piece, its body's non-blank lines: the first and last, and for a dated
    body the first and last of its text (between the date line and the `Reply` line); per
    non-blank body line (`nonblank`), the comment it belongs to and its place in the body; per
    line, the comment it belongs to."""

    line_owner: Any
    nonblank: Any
    owner: Any
    place: Any
    count: Any
    has: Any
    first: Any
    last: Any
    text_first: Any
    text_last: Any


def _bodies_of(lines: _Lines, hl) -> _Bodies:
    np = _np()
    n = len(hl)
    is_h = np.zeros(len(lines.starts), dtype=bool)
    is_h[hl] = True
    owner = np.cumsum(is_h) - 1
    nonblank = np.flatnonzero(~lines.blank & ~is_h)
    first_pos = np.searchsorted(nonblank, hl)
    count = np.diff(np.append(first_pos, len(nonblank)))
    if not len(nonblank):
        zero = np.zeros(n, dtype=np.int64)
        return _Bodies(owner, nonblank, owner[nonblank], nonblank, count, count > 0, zero, zero, zero, zero)
    top = len(nonblank) - 1
    own = owner[nonblank]
    return _Bodies(owner, nonblank, own, np.arange(len(nonblank)) - first_pos[own], count, count > 0,
                   nonblank[np.minimum(first_pos, top)], nonblank[np.maximum(first_pos + count - 1, 0)],
                   nonblank[np.minimum(first_pos + 1, top)], nonblank[np.maximum(first_pos + count - 2, 0)])


def _read_piece(data: bytes, low: bytes, byte_b0: int, line_b0: int, following: int | None,
                first: int, tabbed: bool) -> _Piece | None:
    """The comments whose headers are in `data` (`low` lowered), the UTF-8 of the text from
    byte `byte_b0` (line `line_b0`), which starts with a header line; `following` is the
    indent of the header line after it (in tabs if `tabbed`, else spaces), None if the thread
    ends with it; `first` numbers its first comment. None where the general path must decide."""
    np = _np()
    ascii_only = data.isascii()
    if any(odd in data for odd in (_ODD_BUT_TAB if tabbed else _ODD_ASCII_SPACE)):
        return None
    r = np.frombuffer(data, dtype=np.uint8)
    no_break, other_space = wide_spaces(r) if not ascii_only else (None, False)
    if other_space:
        return None
    lines = _lines_of(r, tabbed)
    if lines is None:
        return None
    heads = _header_lines(r, lines, following)
    if heads is None:
        return None
    hl, p, digits, author_start, author_end = heads
    if no_break is not None and len(no_break) and _no_break_where_it_counts(lines, no_break, author_start):
        return None
    authors = gather(r, author_start, author_end).decode("utf-8", "surrogatepass").split("\n")
    if any(map((MAX_AUTHOR_WORDS - 1).__lt__, map(str.count, authors, repeat(" ")))):
        return None  # maybe running text by `find_headers`' rule
    n = len(hl)
    numbers = np.zeros(n, dtype=np.int64)
    for k in range(int(digits.max())):
        more = digits > k
        numbers[more] = numbers[more] * 10 + (r[p[more] + k] - 0x30)
    ls, le, ind = lines.starts, lines.ends, lines.indent
    b = _bodies_of(lines, hl)
    dated_shape = b.count >= 3
    body_start = ls[hl + 1]
    text_start = np.where(b.has, ls[b.first] + ind[b.first], body_start)
    end = byte_b0 + len(r)
    start_at, body_start_at = ls[hl] + byte_b0, body_start + byte_b0  # in the whole text
    dated = _dated(r, b.has, text_start, le[b.first])
    bad = _unusual(r, low, lines, b, dated, dated_shape, no_break, tabbed)

    if data.find(b"\0") < 0:
        def body_lines(line_from, line_to, indent):
            return joined_lines(r, ls, le, lines.blank, line_from, line_to, indent)
    else:  # NUL is the separator `joined_lines` uses
        def body_lines(line_from, line_to, indent):
            raws = cut(data, ls[line_from] + indent, le[line_to])
            return dedent([raw.decode("utf-8", "surrogatepass") for raw in raws], indent, "\t" if tabbed else " ")
    texts = np.empty(n, dtype=object)
    dates = np.full(n, None, dtype=object)
    take = np.flatnonzero(~bad & dated)
    posted = posted_many(gather(r, text_start[take], le[b.first[take]]).decode("utf-8", "surrogatepass").split("\n")
                         if len(take) else [])
    read = np.array([when is not None for when in posted], dtype=bool)
    bad[take[~read]] = True  # a date `posted_of` does not read: `body_text` decides
    take = take[read]
    dates[take] = [when for when in posted if when is not None]
    texts[take] = body_lines(b.text_first[take], b.text_last[take], ind[b.text_first[take]])
    take = np.flatnonzero(~bad & ~dated)
    texts[take] = body_lines(b.first[take], b.last[take], ind[b.first[take]])
    take = np.flatnonzero(bad)
    stops_at = np.append(start_at[1:], end)
    unusual = list(zip((take + first).tolist(), zip(body_start_at[take].tolist(), stops_at[take].tolist())))
    columns_of_indent = ind[hl] * 8 if tabbed else ind[hl]  # `indent_width`: a tab is 8 columns here
    return _Piece((hl + line_b0).tobytes(), columns_of_indent.tolist(), numbers.tolist(), authors, body_start_at.tobytes(),
                  start_at.tobytes(), texts.tolist(), dates.tolist(), unusual, end, line_b0 + len(ls) - 1)


def _dated(r, has, text_start, first_line_end):
    """Which bodies start with a date line (`_DATE_AT` at their first character, matched on
    that line: no date form reaches past it), asked only where a digit is among the first 12
    bytes (every date form has one there)."""
    np = _np()
    digit = np.zeros(256, dtype=bool)
    digit[list(_DIGITS)] = True
    maybe = np.zeros(len(has), dtype=bool)
    for k in range(12):
        maybe |= digit[r[np.minimum(text_start + k, len(r) - 1)]]
    look = np.flatnonzero(maybe & has)
    dated = np.zeros(len(has), dtype=bool)
    if len(look):
        first_lines = gather(r, text_start[look], first_line_end[look]).decode("utf-8", "surrogatepass").split("\n")
        dated[look] = [m is not None for m in map(_DATE_AT.match, first_lines)]
    return dated


def _unusual(r, low: bytes, lines: _Lines, b: _Bodies, dated, dated_shape, no_break, tabbed: bool):
    """Which bodies are of neither usual form (see the module docstring), checked per line.

    In a dump indented by tabs every body goes through `body_text`, which expands the tabs
    first: a body whose lines all carry the first one's tabs reads as here, one with a deeper
    line (a tab that becomes 8 spaces of its text) is left to it."""
    np = _np()
    ls, le, length, ind, blank = lines.starts, lines.ends, lines.length, lines.indent, lines.blank
    bad = ~b.has | (ind[b.first] < 1)
    spacey = blank & (length > 0)  # a header line is never blank
    trailing = np.zeros(len(ls), dtype=bool)
    trailing[b.nonblank] = r[le[b.nonblank] - 1] == 0x20
    if no_break is not None and len(no_break):  # a no-break space last on a line
        on = _no_break_space_lines(lines, no_break)
        trailing[on[no_break + 2 == le[on]]] = True
    bad[b.line_owner[spacey | trailing]] = True
    is_dated = dated[b.owner]
    role_date = is_dated & (b.place == 0)
    role_reply = is_dated & (b.place == b.count[b.owner] - 1)
    content = ~role_date & ~role_reply
    reference = np.where(dated, ind[b.text_first], ind[b.first])
    off = (ind[b.nonblank] != reference[b.owner]) if tabbed else (ind[b.nonblank] < reference[b.owner])
    bad[b.owner[content & off]] = True
    # `reply` in any case in a text: `body_text` decides. Lines that are `Reply` and nothing else
    # hold one each; if they hold every `eply` of the piece, they are the lines with one.
    replying = length - ind == len(_REPLY)
    for k, byte in enumerate(_REPLY):
        replying[replying] = r[ls[replying] + ind[replying] + k] == byte
    if low.count(b"eply") != np.count_nonzero(replying):
        said = np.fromiter(map(re.Match.start, _EPLY.finditer(low)), dtype=np.int64)
        replying[np.searchsorted(ls, said, side="right") - 1] = True
    bad[b.owner[content & replying[b.nonblank]]] = True
    if len(b.nonblank) > 1:
        same = b.owner[1:] == b.owner[:-1]
        gap = b.nonblank[1:] - b.nonblank[:-1] - 1
        exempt = role_date[:-1] | role_reply[1:]
        bad[b.owner[:-1][same & ~exempt & (gap > 1)]] = True
    reply_ok = length[b.last] - ind[b.last] == len(_REPLY)
    for k, byte in enumerate(_REPLY):
        reply_ok &= r[np.minimum(ls[b.last] + ind[b.last] + k, len(r) - 1)] == byte
    bad |= dated & (~dated_shape | ~reply_ok | (ind[b.text_first] < 1))
    return bad
