"""Column operations on a dump's UTF-8 bytes with numpy: one value per line or per comment.

What `usual_dump` reads a thread with: runs of like bytes at many offsets at once, byte ranges
gathered into one buffer (to decode them with one call). Each works on a numpy view of the
bytes (`r`) and arrays of offsets into it, and keeps its temporaries to a megabyte or a batch
of lines.
"""

from __future__ import annotations

from itertools import repeat

_PIECE = 1 << 20  # bytes tested at a time by `where`
_BATCH_LINES = 1 << 13  # lines gathered at a time by `joined_lines`
_EIGHT_SPACES = 0x2020202020202020
# Whitespace that `\s` in a str regex sees and a byte test would not, as UTF-8 integers: the
# three-byte sequences, and the two-byte ones (one byte shorter).
_WIDE_SPACES = tuple(chr(c).encode("utf-8") for c in range(128, 0x3001) if chr(c).isspace())
_WIDE_CODES = ([int.from_bytes(seq, "big") for seq in _WIDE_SPACES if len(seq) == 3],
               [int.from_bytes(seq, "big") for seq in _WIDE_SPACES if len(seq) == 2])
assert all(len(seq) in (2, 3) for seq in _WIDE_SPACES)


def where(r, test):
    """`np.flatnonzero(test(r))`, a megabyte at a time: no temporary array as long as `r`."""
    import numpy as np

    found = [np.flatnonzero(test(r[s:s + _PIECE])) + s for s in range(0, len(r), _PIECE)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


_NO_BREAK_SPACE = 0xC2A0  # U+00A0 in UTF-8


def wide_spaces(r):
    """(offsets of the no-break spaces, whether there is any other non-ASCII whitespace) in the
    UTF-8: the sequences checked where a byte that may start one is (0xC2 to 0xE3)."""
    import numpy as np

    lead = where(r, lambda piece: (piece >= 0xC2) & (piece <= 0xE3))
    window = r[np.minimum(lead[:, None] + np.arange(3), len(r) - 1)].astype(np.uint32)
    code = (window[:, 0] << 16) | (window[:, 1] << 8) | window[:, 2]
    two = code >> 8
    no_break = two == _NO_BREAK_SPACE
    other = np.isin(code, _WIDE_CODES[0]) | (np.isin(two, _WIDE_CODES[1]) & ~no_break)
    return lead[no_break], bool(other.any())


def leading_spaces(r, starts, stops):
    """How many spaces each range [start, stop) starts with: eight bytes read at a time (an
    indent of 20 is three steps, not twenty)."""
    import numpy as np

    # Eight bytes at each offset: read in place, and for the last seven offsets from a padded copy.
    inside = np.ndarray(shape=(max(len(r) - 7, 0),), dtype="<u8", buffer=r, strides=(1,))
    kept = min(len(r), 8)
    tail = np.zeros(16, dtype=np.uint8)
    tail[:kept] = r[len(r) - kept:]
    at_end = np.ndarray(shape=(9,), dtype="<u8", buffer=tail, strides=(1,))
    tail_from = len(r) - kept
    run = np.zeros(len(starts), dtype=np.int64)
    active = np.flatnonzero(starts < stops)
    while len(active):
        at = starts[active] + run[active]
        word = np.where(at < len(inside), inside[np.minimum(at, max(len(inside) - 1, 0))] if len(inside) else 0,
                        at_end[np.clip(at - tail_from, 0, 8)]) ^ np.uint64(_EIGHT_SPACES)  # a zero byte per space
        spaces = np.zeros(len(active), dtype=np.int64)
        alive = np.ones(len(active), dtype=bool)
        for k in range(8):
            alive &= ((word >> np.uint64(8 * k)) & np.uint64(0xFF)) == 0
            spaces += alive
        spaces = np.minimum(spaces, stops[active] - at)
        run[active] += spaces
        active = active[(spaces == 8) & (starts[active] + run[active] < stops[active])]
    return run


def run_length(r, starts, stops, values: tuple[int, ...]):
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


def run_back(r, stops, floors, values: tuple[int, ...]):
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


def gather(r, starts, stops, separators=10) -> bytes:
    """The byte ranges [start, stop) of `r`, each followed by its separator (a newline unless
    said), the last one's left off."""
    import numpy as np

    sizes = stops - starts + 1
    out_starts = np.cumsum(sizes) - sizes
    source = np.repeat(starts - out_starts, sizes) + np.arange(int(sizes.sum()))
    joined = r[np.minimum(source, len(r) - 1)] if len(r) else np.zeros(len(source), dtype=np.uint8)
    joined[out_starts + sizes - 1] = separators
    return joined[:-1].tobytes()


def joined_lines(r, ls, le, blank, first, last, indents) -> list[str]:
    """For each body, its lines first..last (`ls`, `le`: where each line starts and ends; blank
    ones taken as empty), each less the body's indent, joined by newlines: `body_text`'s
    `replace` of the indent after each newline, for a batch of bodies at a time by one gather
    of their bytes, one decode and one split on NUL (which `r` must not hold)."""
    import numpy as np

    out: list[str] = []
    counts = last - first + 1
    k = 0
    while k < len(first):
        stop = min(max(k + 1 + int(np.searchsorted(np.cumsum(counts[k:]), _BATCH_LINES)), k + 1), len(first))
        c = counts[k:stop]
        offsets = np.cumsum(c) - c
        lines = np.repeat(first[k:stop] - offsets, c) + np.arange(int(c.sum()))
        starts = np.where(blank[lines], ls[lines], ls[lines] + np.repeat(indents[k:stop], c))
        separators = np.full(len(lines), 10, dtype=np.uint8)
        separators[offsets + c - 1] = 0
        out += gather(r, starts, np.maximum(le[lines], starts), separators).decode("utf-8", "surrogatepass").split("\0")
        k = stop
    return out


def cut(data: bytes, starts, stops) -> list[bytes]:
    """`data[start:stop]` for each pair (numpy arrays of offsets)."""
    return list(map(data.__getitem__, map(slice, starts.tolist(), stops.tolist())))


def dedent(texts: list[str], indents, unit: str = " ") -> list[str]:
    """Each text with the indent (that many `unit`s) after each newline taken out
    (`body_text`'s `replace`)."""
    prefixes = ["\n" + unit * k for k in indents.tolist()]
    return list(map(str.replace, texts, prefixes, repeat("\n")))
