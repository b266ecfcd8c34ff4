"""Which replies may quote an ancestor: one vectorised pass over every comment of a dump.

A quote is a run of `MIN_WORDS` (8) normalised words that a reply shares with one of its
ancestors (`quotes.split_quotes`). Asking that of each reply from Python costs a word list, a
set of 4-word blocks and a set of 4-grams per comment. Here every comment's normalised words
are hashed at once with numpy: each word by a polynomial hash of its UTF-8 bytes, each run of 8
words by a polynomial of its word hashes. Equal word runs always get equal hashes, so a reply
that shares no 8-word hash with an ancestor shares no 8 words with it and has no quote; the few
that do (hash collisions included) are then checked exactly by `split_quotes`.

The words are exactly `quotes.normal_words`: the texts are normalised as one string (as
`normal_words_many` does), every whitespace character `str.split` knows becomes a space byte,
and a word is a maximal run of other bytes.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from .quotes import _ASCII_PUNCT, _WIDE_PUNCT, MIN_WORDS

# Non-ASCII whitespace (what `str.split` splits on) in UTF-8, grouped by a prefix that has to be
# present for any of them to be: a handful of searches per batch in the usual text. (That these
# are all of them is tested: tests/test_quote_filter.py.)
_WIDE_SPACES: dict[bytes, list[bytes]] = {}
for _code in (0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000):
    assert chr(_code).isspace()
    _seq = chr(_code).encode("utf-8")
    _WIDE_SPACES.setdefault(_seq[:2], []).append(_seq)
_ASCII_SPACES = bytes(c for c in range(0x80) if chr(c).isspace())

_BATCH_CHARS = 1 << 20  # texts normalised and hashed at a time: bounded temporary arrays
_Q = 0x9E3779B97F4A7C15  # window hash base


def normal_bytes(texts: Sequence[str]) -> bytes | None:
    """The texts lowered, without punctuation, joined by NUL, as UTF-8 with all whitespace a
    space byte: `normal_words(t)` of each text is its piece split on spaces. None if a text
    holds NUL itself (the caller then takes the slow path)."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):
        return None
    low = joined.lower()
    if not low.isascii():
        for mark in _WIDE_PUNCT:
            if mark in low:
                low = low.replace(mark, "")
    data = low.encode("utf-8", "surrogatepass").translate(None, _ASCII_PUNCT)
    for prefix, seqs in _WIDE_SPACES.items():
        if prefix in data:
            for seq in seqs:
                data = data.replace(seq, b" ")
    return data


_C1, _C2, _C3 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9


def window_hashes(data: bytes, first: int):
    """(hash, comment) of every run of MIN_WORDS words inside one comment of `data` (as from
    `normal_bytes`; comment numbers start at `first`).

    A word's hash is made of its first eight bytes, its last eight bytes and its length (read as
    unaligned 8-byte integers at the word's ends, masked to the word): equal words hash equal,
    and words that differ only in the middle of 17 bytes or more merely collide, which costs an
    exact check, never a missed quote. A run's hash is a polynomial of its words' hashes."""
    import numpy as np

    pad = bytes(8)
    buf = pad + data + pad
    a = np.frombuffer(buf, dtype=np.uint8)
    is_space = _SPACE_TABLE()[a].view(np.int8)
    edge = np.diff(is_space)  # padding is space, so every word starts and ends inside
    starts = np.flatnonzero(edge == -1) + 1
    ends = np.flatnonzero(edge == 1) + 1
    m = len(starts) - (MIN_WORDS - 1)
    if m <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    eights = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    length = ends - starts
    kept = np.minimum(length, 8).astype(np.uint64)
    with np.errstate(over="ignore"):
        head = eights[starts] & _LOW_MASKS()[kept]
        tail = eights[ends - 8] >> ((np.uint64(8) - kept) * np.uint64(8))
        words = head * np.uint64(_C1) + tail * np.uint64(_C2) + length.astype(np.uint64) * np.uint64(_C3)
        runs = words[:m].copy()
        q = np.uint64(1)
        for k in range(1, MIN_WORDS):
            q = q * np.uint64(_Q)
            runs += words[k:k + m] * q
    nuls = np.flatnonzero(a == 0)
    comment = np.searchsorted(nuls[8:len(nuls) - 8], starts) + first  # NULs of `data` before each word
    inside = comment[:m] == comment[MIN_WORDS - 1:]
    return runs[inside], comment[:m][inside]


_TABLES: dict[str, object] = {}


def _SPACE_TABLE():
    table = _TABLES.get("space")
    if table is None:
        import numpy as np

        table = _TABLES["space"] = np.zeros(256, dtype=bool)
        table[list(_ASCII_SPACES) + [0]] = True
    return table


def _LOW_MASKS():
    table = _TABLES.get("masks")
    if table is None:
        import numpy as np

        table = _TABLES["masks"] = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
    return table


def quote_candidates(texts: Sequence[str], parents: Sequence[int],
                     last: Sequence[int]) -> dict[int, set[int]] | None:
    """The replies that share an 8-word hash with an ancestor, each with those ancestors: every
    reply with a quote is among them, with every ancestor it quotes. `parents[k]` is comment
    k's parent (-1 for none), `last[k]` its last descendant (comments in document order, so k's
    subtree is k..last[k]). None when some text holds NUL (the caller checks every reply)."""
    import numpy as np

    # One sort of (hash, owner) packed in 64 bits: the top bits of the hash (fewer bits only mean
    # more collisions), the owner below them, so equal hashes come out with owners ascending.
    bits = np.uint64(max(len(texts) - 1, 1).bit_length())
    # The keys go into one array, sized from the first batch's runs per character (and grown if
    # that was short), and are compared a slice at a time: no second copy of them is ever held.
    total_chars = sum(map(len, texts)) + len(texts)
    key = np.empty(0, dtype=np.uint64)
    filled = done = 0
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (size < _BATCH_CHARS or stop == start):
            size += len(texts[stop]) + 1
            stop += 1
        done += size
        data = normal_bytes(texts[start:stop])
        if data is None:
            return None
        h, c = window_hashes(data, start)
        h >>= bits
        h <<= bits
        h |= c.astype(np.uint64)
        del c
        if filled + len(h) > len(key):
            guess = int(total_chars * (filled + len(h)) / done * 1.1) + 1024
            key = np.resize(key, max(guess, filled + len(h)))
        key[filled:filled + len(h)] = h
        filled += len(h)
        start = stop
    found: dict[int, set[int]] = {}
    key = key[:filled]
    if not filled:
        return found
    key.sort()
    equal = np.empty(filled - 1, dtype=bool)  # key i and key i + 1 share a hash
    for i in range(0, filled - 1, _BATCH_CHARS):
        j = min(i + _BATCH_CHARS, filled - 1)
        differ = key[i + 1:j + 1] ^ key[i:j]
        differ >>= bits
        np.equal(differ, 0, out=equal[i:j])
        del differ
    same = np.flatnonzero(equal)  # positions i where key i and key i + 1 share a hash
    if not len(same):
        return found
    owner_mask = np.uint64((1 << int(bits)) - 1)
    a = (key[same] & owner_mask).astype(np.int64)
    r = (key[same + 1] & owner_mask).astype(np.int64)
    # Pairs next to each other in the sorted order: is the earlier an ancestor of the later?
    last_of = np.frombuffer(last, dtype=np.int64) if isinstance(last, array) else np.asarray(last, dtype=np.int64)
    hit = (a < r) & (r <= last_of[a])
    for ancestor, reply in zip(a[hit].tolist(), r[hit].tolist()):
        found.setdefault(reply, set()).add(ancestor)
    # Runs of three or more equal hashes: any earlier member may be the ancestor, not only the
    # neighbour. For each member, walk its ancestors and look them up among the run's owners.
    # (From `same`, the equal pairs: an array as long as all the keys would cost 8 bytes a key.)
    del equal
    breaks = np.flatnonzero(np.diff(same) != 1)
    first_pair = same[np.concatenate(([0], breaks + 1)).astype(np.intp)]
    last_pair = same[np.concatenate((breaks, [len(same) - 1])).astype(np.intp)]
    for i, j in zip(first_pair.tolist(), last_pair.tolist()):
        if j == i:
            continue  # two equal hashes: the neighbour test above was the whole test
        members = (key[i:j + 2] & owner_mask).tolist()
        owners_set = set(members)
        for member in members:
            p = parents[member]
            while p >= 0:
                if p in owners_set:
                    found.setdefault(member, set()).add(p)
                p = parents[p]
    return found
