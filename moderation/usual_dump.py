"""Read the comments of a dump in the usual form with numpy passes over its lines.

Finding each header with a regex and then reading each body with another (`find_headers`,
`body_texts`) costs a dozen C calls and two regex matches per comment, and the regex engine reads
every character of every body (about 8 ns a character). Most dumps are written by one tool and
every line is alike: here the lines of the thread are classified all at once on the UTF-8 bytes
(indent, first and last bytes, `N. Name says` at its ends, blank or not), the bodies' shape is
checked per line with array operations, and Python only cuts out each author and body text.

`read_usual` gives exactly what `find_headers` and `body_texts` give, or None when it cannot
vouch for that, and the caller takes the general path:

- Headers are `HEADER` spelled out on bytes, which holds when the thread has no whitespace but
  spaces and newlines (no tab, no no-break or other Unicode space, which the regex's `\\s`/`\\S`
  see and a byte test would not). A dump with any of those, a header right before the footer or
  at the end, an author of more than 151 bytes or ten spaces (the rules' edges), is declined.
- A body is taken as usual only if it is one of `_USUAL_BODY`'s two forms (checked line by line:
  every line indented at least as far as the first, no line ending in a space, no blank line
  with spaces, at most one blank line in a row, a `Reply` line closing a dated body); its text,
  date and indents are then the groups that regex would give. Any other body goes through
  `body_text` (`bodies.read_bodies`), as in the general path.
"""

from __future__ import annotations

import re
from array import array
from itertools import chain, repeat

from .bodies import _DATE_AT, body_text, clean_region, posted_many
from .dump_scan import _FOOTER_KEYS, _FOOTER_PHRASES, _SAYS, FOOTER, HEADER, MAX_AUTHOR_WORDS, Headers, footers, indent_width

# Whitespace other than space and newline: `\s` in a str pattern, but not a space byte.
_ODD_ASCII_SPACE = tuple(bytes([c]) for c in range(128) if chr(c).isspace() and c not in (10, 32))
_ODD_WIDE_SPACE = tuple(chr(c).encode("utf-8") for c in range(128, 0x3001) if chr(c).isspace())
# Their UTF-8 as integers: the three-byte sequences, and the two-byte ones (one byte shorter).
_WIDE_CODES = ([int.from_bytes(seq, "big") for seq in _ODD_WIDE_SPACE if len(seq) == 3],
               [int.from_bytes(seq, "big") for seq in _ODD_WIDE_SPACE if len(seq) == 2])
_MAX_AUTHOR_BYTES = 151  # HEADER's `\S[^\n]{0,150}?`: characters, so bytes only up to this
_EPLY = re.compile(b"eply")
_DIGITS = tuple(range(0x30, 0x3A))
_REPLY = b"Reply"


def read_usual(text: str) -> tuple[Headers, list[str], list[str | None]] | None:
    """(headers, body texts, dates) as `find_headers` and `body_texts` give them, or None."""
    first = _first_header(text)
    # A footer before the first header, or U+0130 anywhere (`footers` then reads every footer
    # by regex): the general path decides.
    if first is None or "\u0130" in text or footers(text[:first[0]]):
        return None
    first_start, first_indent = first
    # A piece of the text at a time (each starting at a header line) is encoded and read, so
    # that its bytes and the arrays per line stay a few megabytes at any size of dump.
    pieces = []
    start, line_at = first_start, text.count("\n", 0, first_start)
    while True:
        m = _HEADER_AFTER_NEWLINE.search(text, start + _PIECE_CHARS - 1)
        stop = m.start() + 1 if m is not None else len(text)
        data = text[start:stop].encode("utf-8", "surrogatepass")
        low = data.lower()
        footer = _footer_in(low, first_indent)
        if footer is not None:
            data, low, stop = data[:footer], low[:footer], None
        piece = _read_piece(text, data, low, start, line_at, None if stop is None or stop == len(text) else
                            _indent_at(text, stop), sum(len(piece[1]) for piece in pieces))
        if piece is None:
            return None
        pieces.append(piece)
        start, line_at = piece[-2], piece[-1]
        if stop is None or stop == len(text):
            break
    end = start
    texts = list(chain.from_iterable(piece[6] for piece in pieces))
    dates = list(chain.from_iterable(piece[7] for piece in pieces))
    # The bodies of no usual form, each by `body_text`, as in the general path.
    unusual = list(chain.from_iterable(piece[8] for piece in pieces))
    if unusual:
        clean = clean_region(text, text.index("\n", first_start) + 1, end)
        for k, (body_start, stop) in unusual:
            texts[k], dates[k] = body_text(text[body_start:stop], clean)
    names: dict[str, str] = {}
    authors = list(chain.from_iterable(piece[3] for piece in pieces))
    headers = Headers(
        lines=array("q", b"".join(piece[0] for piece in pieces)),
        indents=list(chain.from_iterable(piece[1] for piece in pieces)),
        numbers=list(chain.from_iterable(piece[2] for piece in pieces)),
        authors=list(map(names.setdefault, authors, authors)),
        body_starts=array("q", b"".join(piece[4] for piece in pieces)),
        starts=array("q", b"".join(piece[5] for piece in pieces)),
        end=end,
    )
    return headers, texts, dates


_PIECE_CHARS = 1 << 21
# A header line after a newline, as `HEADER` reads one (the piece is declined if the line pass
# does not read it as one too).
_HEADER_AFTER_NEWLINE = re.compile(r"\n( *)\d{1,6}\. +\S[^\n]{0,150}? +says:? *\n(?= *\n|\1 +\S)")


def _indent_at(text: str, at: int) -> int:
    """The spaces a line starts with (a header line: never blank)."""
    return len(text[at:at + 200]) - len(text[at:at + 200].lstrip(" "))


def _footer_in(low: bytes, first_indent: int) -> int | None:
    """The byte offset of the first footer line in `low` (lowered UTF-8) indented no deeper
    than the first header, found as `dump_scan.footers` finds footers (the phrases in the
    lowered bytes, then each line checked against FOOTER), or None."""
    found: set[tuple[int, int]] = set()
    for key in _FOOTER_KEYS:
        i = low.find(key)
        while i >= 0:
            line_start = low.rfind(b"\n", 0, i) + 1
            line_end = low.find(b"\n", i)
            line = low[line_start:line_end if line_end >= 0 else len(low)].decode("utf-8", "surrogatepass")
            m = FOOTER.match(line)
            if m and any(phrase in line for phrase in _FOOTER_PHRASES):
                found.add((line_start, indent_width(m.group("indent"))))
            i = low.find(key, i + len(key))
    return next((start for start, indent in sorted(found) if indent <= first_indent), None)


def _read_piece(text: str, data: bytes, low: bytes, char_b0: int, line_b0: int, following: int | None, first: int):
    """The comments whose headers are in `data`, the UTF-8 of the text from `char_b0` (`low`
    lowered; line
    `line_b0`), which starts with a header line; `following` is the indent of the header line
    after it, None if the thread ends with it: columns (lines, indents, numbers, authors, body
    starts, starts as array bytes and lists, texts, dates, and for each body of no usual form
    (index from `first`, start, stop) to read by `body_text`), then the character offset and
    line number where it ends. None where the general path must decide."""
    import numpy as np

    ascii_only = data.isascii()
    if any(odd in data for odd in _ODD_ASCII_SPACE) or (not ascii_only and _wide_spaces(data)):
        return None
    r = np.frombuffer(data, dtype=np.uint8)
    b0, b1 = 0, len(data)
    size = len(r)
    newlines = _where(r, lambda piece: piece == 10)
    ls = np.empty(len(newlines) + 1, dtype=np.int64)  # line starts and ends, in bytes from b0
    ls[0] = 0
    ls[1:] = newlines + 1
    le = np.append(newlines, size)
    del newlines
    length = le - ls
    ind = _leading_spaces(r, ls, le)
    blank = ind == length  # empty or spaces only: blank to HEADER's lookahead
    # Header lines: `N.`, spaces, an author, spaces, `says` or `says:`, maybe spaces.
    c0 = ls + ind
    cand = np.flatnonzero(~blank)
    cand = cand[np.isin(r[c0[cand]], _DIGITS)]
    p = c0[cand]
    digits = _run_length(r, p, le[cand], _DIGITS)
    dot = p + digits
    ok = (digits <= 6) & (dot + 1 < le[cand])
    ok[ok] = (r[dot[ok]] == 0x2E) & (r[dot[ok] + 1] == 0x20)
    cand, p, digits, dot = cand[ok], p[ok], digits[ok], dot[ok]
    author_start = dot + 1 + _run_length(r, dot + 1, le[cand], (0x20,))
    trimmed = le[cand] - _run_back(r, le[cand], author_start, (0x20,))
    colon = r[trimmed - 1] == 0x3A
    says_end = trimmed - colon
    says_at = says_end - 4
    ok = says_at - 1 > author_start
    for k, byte in enumerate(b"says"):
        ok[ok] &= r[says_at[ok] + k] == byte
    ok[ok] &= r[says_at[ok] - 1] == 0x20
    cand, p, digits, author_start, says_at = cand[ok], p[ok], digits[ok], author_start[ok], says_at[ok]
    author_end = says_at - _run_back(r, says_at, author_start, (0x20,))
    last_real = len(ls) - 2 if size and r[-1] == 10 else len(ls) - 1
    if following is None and len(cand) and cand[-1] >= last_real:
        return None  # the next line is the footer's or none: leave the lookahead to HEADER
    after = cand + 1
    is_header = blank[after] | (ind[after] > ind[cand])
    if following is not None and len(cand) and cand[-1] == last_real:  # the line after is the next piece's
        is_header[-1] = following > ind[cand[-1]]
    hl = cand[is_header]  # header lines
    if not len(hl) or hl[0] != 0 or (author_end[is_header] - author_start[is_header]).max() > _MAX_AUTHOR_BYTES:
        return None
    p, digits, author_start, author_end = p[is_header], digits[is_header], author_start[is_header], author_end[is_header]
    n = len(hl)

    # Each comment's body: the non-blank lines between its header and the next.
    is_h = np.zeros(len(ls), dtype=bool)
    is_h[hl] = True
    owner = np.cumsum(is_h) - 1  # the comment each line belongs to
    bn = np.flatnonzero(~blank & ~is_h)  # non-blank body lines
    first_pos = np.searchsorted(bn, hl)
    count = np.diff(np.append(first_pos, len(bn)))
    has = count > 0
    fnb = bn[np.minimum(first_pos, len(bn) - 1)] if len(bn) else np.zeros(n, dtype=np.int64)
    lnb = bn[np.maximum(first_pos + count - 1, 0)] if len(bn) else np.zeros(n, dtype=np.int64)
    dated_shape = count >= 3
    cfirst = bn[np.minimum(first_pos + 1, len(bn) - 1)] if len(bn) else fnb
    clast = bn[np.maximum(first_pos + count - 2, 0)] if len(bn) else fnb

    # Byte offsets of everything cut out, per comment in document order, as characters.
    body_start = ls[hl + 1]
    x1 = np.where(has, ls[fnb] + ind[fnb], body_start)
    date_end = np.where(has, le[fnb], body_start)
    c_start = np.where(dated_shape, ls[cfirst] + ind[cfirst], date_end)
    c_end = np.where(dated_shape, le[clast], date_end)
    plain_end = np.where(has, le[lnb], body_start)
    columns = np.stack([ls[hl], body_start, x1, date_end, c_start, c_end, plain_end], axis=1)
    columns = np.append(columns.ravel(), size)
    chars = columns + char_b0 if ascii_only else _char_offsets(r, columns, char_b0)
    end = int(chars[-1])
    chars = chars[:-1].reshape(n, 7)
    (start_c, body_start_c, x1_c, date_end_c, c_start_c, c_end_c,
     plain_end_c) = (chars[:, k] for k in range(chars.shape[1]))
    authors = _gather(r, author_start, author_end).decode("utf-8", "surrogatepass").split("\n")
    if any(map((MAX_AUTHOR_WORDS - 1).__lt__, map(str.count, authors, repeat(" ")))):
        return None  # maybe running text by `find_headers`' rule
    numbers = np.zeros(n, dtype=np.int64)
    for k in range(int(digits.max())):
        more = digits > k
        numbers[more] = numbers[more] * 10 + (r[p[more] + k] - 0x30)
    # A date line may start a body only where a digit is among its first 12 bytes.
    maybe_date = np.zeros(n, dtype=bool)
    for k in range(12):
        maybe_date |= _DIGIT_TABLE()[r[np.minimum(x1 + k, size - 1)]]
    maybe_date &= has
    dated = np.zeros(n, dtype=bool)
    look = np.flatnonzero(maybe_date)
    dated[look] = [m is not None for m in map(_DATE_AT.match, repeat(text), x1_c[look].tolist())]

    # Which bodies are of a usual form, line by line.
    bad = ~has | (ind[fnb] < 1)
    spacey = ~is_h & blank & (length > 0)
    trailing = np.zeros(len(ls), dtype=bool)
    trailing[bn] = r[le[bn] - 1] == 0x20
    bad[owner[spacey | trailing]] = True
    own = owner[bn]
    at = np.arange(len(bn)) - first_pos[own]
    is_dated = dated[own]
    role_date = is_dated & (at == 0)
    role_reply = is_dated & (at == count[own] - 1)
    content = ~role_date & ~role_reply
    reference = np.where(dated, ind[cfirst], ind[fnb])
    bad[own[content & (ind[bn] < reference[own])]] = True
    # `reply` in any case in a body's text: `body_text` decides (`read_bodies` would too).
    # Lines that are `Reply` and nothing else; if they hold every `eply` of the piece, the lines
    # with one are those, else each is looked for.
    replying = length - ind == len(_REPLY)
    for k, byte in enumerate(_REPLY):
        replying[replying] = r[ls[replying] + ind[replying] + k] == byte
    if low.count(b"eply") != np.count_nonzero(replying):
        said = np.fromiter(map(re.Match.start, _EPLY.finditer(low)), dtype=np.int64)
        replying[np.searchsorted(ls, said, side="right") - 1] = True
    bad[own[content & replying[bn]]] = True
    if len(bn) > 1:
        same = own[1:] == own[:-1]
        gap = bn[1:] - bn[:-1] - 1
        exempt = role_date[:-1] | role_reply[1:]
        bad[own[:-1][same & ~exempt & (gap > 1)]] = True
    reply_ok = (length[lnb] - ind[lnb] == len(_REPLY))
    for k, byte in enumerate(_REPLY):
        reply_ok &= r[np.minimum(ls[lnb] + ind[lnb] + k, size - 1)] == byte
    bad |= dated & (~dated_shape | ~reply_ok | (ind[cfirst] < 1))

    if data.find(b"\0", b0, b1) < 0:
        def body_lines(first, last, indent):
            return _joined_lines(r, ls, le, blank, first, last, indent)
    else:  # NUL is the separator `_joined_lines` uses
        def body_lines(first, last, indent):
            return _dedent(_cut(text, *_char_offsets(r, np.stack([ls[first] + indent, le[last]]), char_b0)), indent)
    texts = np.empty(n, dtype=object)
    dates = np.full(n, None, dtype=object)
    take = np.flatnonzero(~bad & dated)
    posted = posted_many(_gather(r, x1[take], date_end[take]).decode("utf-8", "surrogatepass").split("\n")
                         if len(take) else [])
    read = np.array([p is not None for p in posted], dtype=bool)
    bad[take[~read]] = True
    take = take[read]
    dates[take] = [p for p in posted if p is not None]
    texts[take] = body_lines(cfirst[take], clast[take], ind[cfirst[take]])
    take = np.flatnonzero(~bad & ~dated)
    texts[take] = body_lines(fnb[take], lnb[take], ind[fnb[take]])
    take = np.flatnonzero(bad)
    stops_c = np.append(start_c[1:], end)
    unusual = list(zip((take + first).tolist(), zip(body_start_c[take].tolist(), stops_c[take].tolist())))
    return ((hl + line_b0).tobytes(), ind[hl].tolist(), numbers.tolist(), authors, body_start_c.tobytes(),
            start_c.tobytes(), texts.tolist(), dates.tolist(), unusual, end, line_b0 + len(ls) - 1)


def _wide_spaces(data: bytes) -> bool:
    """Whether the UTF-8 holds non-ASCII whitespace (which `\\s` in a str regex sees and a
    byte test would not): the multi-byte sequences checked where a byte that may start one is."""
    import numpy as np

    r = np.frombuffer(data, dtype=np.uint8)
    lead = _where(r, lambda piece: (piece >= 0xC2) & (piece <= 0xE3))
    window = r[np.minimum(lead[:, None] + np.arange(3), len(r) - 1)].astype(np.uint32)
    code = (window[:, 0] << 16) | (window[:, 1] << 8) | window[:, 2]
    return bool(np.isin(code, _WIDE_CODES[0]).any() or np.isin(code >> 8, _WIDE_CODES[1]).any())

def _gather(r, starts, stops, separators=10) -> bytes:
    """The byte ranges [start, stop) of `r`, each followed by its separator (a newline unless
    said), the last one's left off."""
    import numpy as np

    sizes = stops - starts + 1
    out_starts = np.cumsum(sizes) - sizes
    source = np.repeat(starts - out_starts, sizes) + np.arange(int(sizes.sum()))
    joined = r[np.minimum(source, len(r) - 1)]
    joined[out_starts + sizes - 1] = separators
    return joined[:-1].tobytes()


_BATCH_LINES = 1 << 13


def _joined_lines(r, ls, le, blank, first, last, indents) -> list[str]:
    """For each body, its lines first..last, each less the body's indent (blank ones empty),
    joined by newlines: `body_text`'s `replace` of the indent after each newline, done for a
    batch of bodies at a time by one gather of their bytes, one decode and one split on NUL."""
    import numpy as np

    out: list[str] = []
    counts = last - first + 1
    k = 0
    while k < len(first):
        stop = k + 1 + int(np.searchsorted(np.cumsum(counts[k:]), _BATCH_LINES))
        stop = min(max(stop, k + 1), len(first))
        c = counts[k:stop]
        offsets = np.cumsum(c) - c
        lines = np.repeat(first[k:stop] - offsets, c) + np.arange(int(c.sum()))
        starts = np.where(blank[lines], ls[lines], ls[lines] + np.repeat(indents[k:stop], c))
        separators = np.full(len(lines), 10, dtype=np.uint8)
        separators[offsets + c - 1] = 0
        out += _gather(r, starts, np.maximum(le[lines], starts), separators).decode("utf-8", "surrogatepass").split("\0")
        k = stop
    return out


def _DIGIT_TABLE():
    import numpy as np

    table = np.zeros(256, dtype=bool)
    table[list(_DIGITS)] = True
    return table


def _cut(text: str, starts, stops) -> list[str]:
    """`text[start:stop]` for each pair (numpy arrays of character offsets)."""
    return list(map(text.__getitem__, map(slice, starts.tolist(), stops.tolist())))


def _dedent(texts: list[str], indents) -> list[str]:
    """Each text with the indent after each newline taken out (`body_text`'s `replace`)."""
    prefixes = ["\n" + " " * k for k in indents.tolist()]
    return list(map(str.replace, texts, prefixes, repeat("\n")))


_EIGHT_SPACES = 0x2020202020202020


def _leading_spaces(r, starts, stops):
    """How many spaces each line starts with: eight bytes read at a time (an indent of 20 is
    three steps, not twenty)."""
    import numpy as np

    # Eight bytes at each offset: read in place, and for the last seven offsets from a padded copy.
    body = np.ndarray(shape=(max(len(r) - 7, 0),), dtype="<u8", buffer=r, strides=(1,))
    kept = min(len(r), 8)
    tail = np.zeros(16, dtype=np.uint8)
    tail[:kept] = r[len(r) - kept:]
    ends = np.ndarray(shape=(9,), dtype="<u8", buffer=tail, strides=(1,))
    tail_from = len(r) - kept
    run = np.zeros(len(starts), dtype=np.int64)
    active = np.flatnonzero(starts < stops)
    while len(active):
        at = starts[active] + run[active]
        word = np.where(at < len(body), body[np.minimum(at, max(len(body) - 1, 0))] if len(body) else 0,
                        ends[np.clip(at - tail_from, 0, 8)]) ^ np.uint64(_EIGHT_SPACES)  # a zero byte per space
        spaces = np.zeros(len(active), dtype=np.int64)
        alive = np.ones(len(active), dtype=bool)
        for k in range(8):
            alive &= ((word >> np.uint64(8 * k)) & np.uint64(0xFF)) == 0
            spaces += alive
        spaces = np.minimum(spaces, stops[active] - at)
        run[active] += spaces
        active = active[(spaces == 8) & (starts[active] + run[active] < stops[active])]
    return run


def _run_length(r, starts, stops, values):
    """How many bytes from each start (before its stop) are among `values`."""
    import numpy as np

    run = np.zeros(len(starts), dtype=np.int64)
    active = np.flatnonzero(starts < stops)
    while len(active):
        at = starts[active] + run[active]
        go = np.isin(r[at], values) if len(values) > 1 else r[at] == values[0]
        active = active[go]
        run[active] += 1
        active = active[starts[active] + run[active] < stops[active]]
    return run


def _run_back(r, stops, floors, values):
    """How many bytes before each stop (not below its floor) are among `values`."""
    import numpy as np

    run = np.zeros(len(stops), dtype=np.int64)
    active = np.flatnonzero(stops > floors)
    while len(active):
        at = stops[active] - run[active] - 1
        go = np.isin(r[at], values) if len(values) > 1 else r[at] == values[0]
        active = active[go]
        run[active] += 1
        active = active[stops[active] - run[active] > floors[active]]
    return run


_CHUNK = 1 << 23


_PIECE = 1 << 20


def _where(r, test):
    """`np.flatnonzero(test(r))`, a megabyte at a time: no temporary array as long as `r`."""
    import numpy as np

    found = [np.flatnonzero(test(r[s:s + _PIECE])) + s for s in range(0, len(r), _PIECE)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _char_offsets(r, columns, base: int):
    """`columns` (byte offsets from the start of `r`) as character offsets in the text, `base`
    being the character offset of `r[0]`: each offset less the UTF-8 continuation bytes before
    it."""
    import numpy as np

    continuations = _where(r, lambda piece: (piece & 0xC0) == 0x80)
    flat = columns.ravel()
    return (flat - np.searchsorted(continuations, flat) + base).reshape(columns.shape)


def _first_header(text: str) -> tuple[int, int] | None:
    """(offset, indent) of the first header `find_headers` would keep, if it is indented by
    spaces only (any other indent takes the general path)."""
    for says in _SAYS.finditer(text):
        m = HEADER.match(text, text.rfind("\n", 0, says.start()) + 1)
        if m is None:
            continue
        author = m.group("author")
        if author.count(" ") >= MAX_AUTHOR_WORDS and len(author.split()) > MAX_AUTHOR_WORDS:
            continue
        indent = m.group("indent")
        return (m.start(), len(indent)) if indent.strip(" ") == "" else None
    return None
