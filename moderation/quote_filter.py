"""Which replies may quote an ancestor, and where: one vectorised pass over every comment of a dump.

A quote is a run of `MIN_WORDS` (8) normalised words that a reply shares with one of its
ancestors (`quotes.split_quotes`). Asking that of each reply from Python costs a word list and a
set of 8-grams per comment. Here every comment's words are hashed at once with numpy: each word
from its bytes, each run of 8 words by a polynomial of its word hashes. Equal word runs always
get equal hashes, so a reply that shares no 8-word hash with an ancestor shares no 8 words with
it and has no quote; for the few that do (hash collisions included) the filter names the reply,
the ancestor and where the run starts in each, and `parse._build_tree` checks those words exactly.

The words hashed are a coarser form of `quotes.normal_words`, made from the UTF-8 bytes with a
few C-level passes and no `str.lower`: every normal word with each non-ASCII character turned
into one marker byte (`fold_word`). Equal normal words give equal folded words (the fold is a
function of the normal word), so nothing is missed; different words may fold alike, which
costs an exact check, never a quote.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from .quotes import _ASCII_PUNCT, _WIDE_PUNCT, MIN_WORDS

# Non-ASCII whitespace (what `str.split` splits on). (That these are all of them is tested:
# tests/test_quote_filter.py.)
_WIDE_SPACE_CODES = (0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)

# The fold: ASCII letters lowered, ASCII punctuation and UTF-8 continuation bytes deleted, every
# UTF-8 lead byte made the marker. So each non-ASCII character becomes one marker byte, and a
# character and its lower case fold alike whenever the lower case is one non-ASCII character.
# Only two characters lower otherwise (tested over all of Unicode): the Kelvin sign (to "k") and
# the dotted capital I (to "i" and a combining dot), which `normal_bytes` respells first.
# Also every ASCII whitespace byte is made a space and the other control bytes (word bytes)
# are moved above the marker (NUL, which parts texts, stays): a byte is a space or NUL exactly
# when it is <= 0x20.
_MARK = 0xC0
_FOLD = bytes(0x20 if chr(c).isspace() else c + 0xC0 if 0 < c < 0x20 else c for c in bytes(range(0x80)).lower()) \
    + bytes(range(0x80, 0xC0)) + bytes([_MARK]) * 0x40
_FOLD_DELETE = _ASCII_PUNCT + bytes(range(0x80, 0xC0))
_KELVIN, _DOTTED_I = 0x212A, 0x130
# What happens to a non-ASCII character's lead byte before the fold: deleted (punctuation; its
# continuation bytes go anyway), a space, "k" (Kelvin) or "i" (dotted I, its continuation byte
# becoming the marker: "i" and the combining dot).
_DELETE, _SPACE, _K, _I = 1, 2, 3, 4
_LEAD_BYTE = bytes([0, 0x80, 0x20, ord("k"), ord("i")])

_BATCH_CHARS = 1 << 20  # texts normalised and hashed at a time: bounded temporary arrays
_Q = 0x9E3779B97F4A7C15  # window hash base
_STEP = 256  # texts whose lengths are summed at a time when cutting batches
_WIDE_GROUP = 32  # runs of one hash paired all with all; more walk the tree
_GROUP_CHARS = 2 * _BATCH_CHARS  # characters of whole top-level subtrees whose runs are sorted together


def fold_word(word: str) -> bytes:
    """A normal word (lower case, no punctuation) as the filter hashes it: UTF-8 with each
    non-ASCII character one marker byte."""
    return word.encode("utf-8", "surrogatepass").translate(_FOLD, _FOLD_DELETE)


def normal_bytes(texts: Sequence[str]) -> bytes | None:
    """The texts joined by NUL, folded: whitespace is space bytes, and the pieces between them
    are `fold_word` of `normal_words(t)`, text by text. None if a text holds NUL itself (the
    caller then takes the slow path).

    One `encode`, one numpy look at the non-ASCII characters (only wide punctuation, wide
    spaces, the Kelvin sign and the dotted I need anything before the fold) and one
    `translate`: about a third of lowering the str."""
    buf = bytearray("\x00".join(texts), "utf-8", "surrogatepass")
    if buf.count(0) != max(len(texts) - 1, 0):
        return None
    if not buf.isascii():
        _respell_wide(buf)
    return buf.translate(_FOLD, _FOLD_DELETE)


def _respell_wide(buf: bytearray) -> None:
    """In place: the wide punctuation marks' bytes all made continuation bytes (deleted by the
    fold), each wide space a space byte followed by continuation bytes, the Kelvin sign "k"
    and the dotted capital I "i" and a lead byte (the marker)."""
    import numpy as np

    a = np.frombuffer(buf, dtype=np.uint8)
    lead = np.flatnonzero(a >= 0xC2)
    lead = lead[a[lead] < 0xF0]  # four-byte characters (astral) need nothing
    if not len(lead):
        return
    b0 = a[lead].astype(np.int32)
    b1 = (a[lead + 1] & 0x3F).astype(np.int32)
    three = b0 >= 0xE0
    code = (b0 & 0x1F) << 6 | b1
    code[three] = (b0[three] & 0x0F) << 12 | b1[three] << 6 | (a[lead[three] + 2] & 0x3F)
    act = _ACTIONS()[code]
    chosen = np.flatnonzero(act)
    if not len(chosen):
        return
    at, act, three = lead[chosen], act[chosen], three[chosen]
    a[at + 1] = 0x80
    a[at[three] + 2] = 0x80
    a[at] = np.frombuffer(_LEAD_BYTE, dtype=np.uint8)[act]
    a[at[act == _I] + 1] = _MARK


_TABLES: dict[str, object] = {}


def _ACTIONS():
    """What `_respell_wide` does with each character below U+10000 (0: nothing)."""
    table = _TABLES.get("actions")
    if table is None:
        import numpy as np

        table = _TABLES["actions"] = np.zeros(0x10000, dtype=np.uint8)
        table[[ord(c) for c in _WIDE_PUNCT]] = _DELETE
        table[[c for c in _WIDE_SPACE_CODES]] = _SPACE
        table[_KELVIN], table[_DOTTED_I] = _K, _I
    return table


_C1, _C2, _C3 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9


def window_hashes(data: bytes):
    """(hashes, windows, firsts, words) of `data` (as from `normal_bytes`): the hash of every run
    of MIN_WORDS words inside one text, the number of the run's first word (words numbered
    from 0 over all of `data`), each text's first word number, and how many words there are.

    A word's hash is made of its first eight bytes, its last eight bytes and its length (read as
    unaligned 8-byte integers at the word's ends, masked to the word): equal words hash equal,
    and words that differ only in the middle of 17 bytes or more merely collide, which costs an
    exact check, never a missed quote. A run's hash is a polynomial of its words' hashes."""
    import numpy as np

    pad = bytes(8)
    buf = pad + data + pad
    a = np.frombuffer(buf, dtype=np.uint8)
    # Padding is space, so word starts and ends alternate: start, end, start, ...
    space = a <= 0x20
    edges = np.flatnonzero(space[1:] != space[:-1])
    del space
    edges += 1
    starts, ends = edges[0::2], edges[1::2]
    nuls = np.flatnonzero(a == 0)[8:-8]
    firsts = np.concatenate(([0], np.searchsorted(starts, nuls)))
    words = len(starts)
    m = words - (MIN_WORDS - 1)
    if m <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), firsts, words
    eights = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    length = ends - starts
    kept = np.minimum(length, 8)
    with np.errstate(over="ignore"):
        head = eights[starts] & _LOW_MASKS().take(kept)
        tail = eights[ends - 8] >> ((8 - kept).astype(np.uint64) * np.uint64(8))
        del kept
        hashed = head * np.uint64(_C1)
        hashed += tail * np.uint64(_C2)
        hashed += length.astype(np.uint64) * np.uint64(_C3)
        del head, tail, length, starts, ends
        # sum of hashed[i + k] * Q**k for k < 8, by doubling: pairs, fours, eights.
        q = np.uint64(_Q)
        for span in (1, 2, 4):
            hashed = hashed[:-span] + hashed[span:] * q
            q = q * q
    # A run lies inside one text when no text starts within its last seven words.
    text_of_word = np.cumsum(np.bincount(firsts[1:], minlength=words + 1)[:words])
    inside = np.flatnonzero(text_of_word[:m] == text_of_word[MIN_WORDS - 1:])
    return hashed[inside], inside, firsts, words


def _LOW_MASKS():
    table = _TABLES.get("masks")
    if table is None:
        import numpy as np

        table = _TABLES["masks"] = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
    return table


def quote_windows(texts: Sequence[str], parents: Sequence[int], last: Sequence[int]):
    """Where replies may repeat an ancestor: (replies, at, ancestors, there), int64 arrays, one
    row per 8-word run of a reply whose hash equals that of a run of an ancestor: run `at` (its
    first word's number among the reply's normal words) of `replies[k]` may be run `there` of
    `ancestors[k]`. Rows are sorted by reply, ancestor, `there - at`, `at`, so one copied
    passage is consecutive rows. Every 8-word run a reply shares with an ancestor is a row.
    `parents[k]` is comment k's parent (-1 for none), `last[k]` its last descendant (comments
    in document order, so k's subtree is k..last[k]). None when some text holds NUL (the caller
    checks every reply).

    A reply and its ancestors are in one top-level comment's subtree, so the thread is taken a
    group of whole subtrees at a time (about `_GROUP_CHARS` characters each): the sorted keys,
    8 bytes for each run of 8 words, are then a group's and not the whole dump's (70 MB for a
    100 MB dump). Each group's rows come after the previous group's, in the same order."""
    import numpy as np

    n = len(texts)
    parent, last_of = _int64(parents), _int64(last)
    tops = np.flatnonzero(parent < 0)
    chars = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n) + 1, out=chars[1:])
    cuts = np.unique(tops[np.minimum(np.searchsorted(chars[tops], np.arange(0, int(chars[-1]), _GROUP_CHARS)),
                                     len(tops) - 1)]) if len(tops) else np.zeros(1, dtype=np.int64)
    bounds = [*cuts[cuts > 0].tolist(), n]
    if len(bounds) == 1:
        return _windows_in_group(texts, parents, last)
    rows = []
    lo = 0
    for hi in bounds:
        own = parent[lo:hi]
        found = _windows_in_group(texts[lo:hi], array("q", np.where(own < 0, -1, own - lo).tobytes()),
                                  last_of[lo:hi] - lo)
        if found is None:
            return None
        rows.append((found[0] + lo, found[1], found[2] + lo, found[3]))
        lo = hi
    replies, at, ancestors, there = (np.concatenate(column) for column in zip(*rows))
    return replies, at, ancestors, there


def _windows_in_group(texts: Sequence[str], parents: Sequence[int], last: Sequence[int]):
    """`quote_windows` of texts that are whole subtrees (indices from 0 within them)."""
    import numpy as np

    n = len(texts)
    # Batches of about _BATCH_CHARS characters (NULs included), cut every _STEP texts at most.
    stops = []
    total = size = 0
    for i in range(0, n, _STEP):
        size += sum(map(len, texts[i:i + _STEP])) + len(texts[i:i + _STEP])
        if size >= _BATCH_CHARS:
            stops.append(min(i + _STEP, n))
            total += size
            size = 0
    total += size
    if not stops or stops[-1] != n:
        stops.append(n)
    # One sort of (hash, word number) packed in 64 bits: the top bits of the hash (fewer bits
    # only mean more collisions), the run's first word below them (there are fewer words than
    # characters), so equal hashes come out in document order.
    bits = np.uint64(max(total, 2).bit_length())
    # The keys go into one array, sized from the first batch's runs per character (and grown if
    # that was short), and are compared a slice at a time: no second copy of them is ever held.
    key = np.empty(0, dtype=np.uint64)
    firsts = []
    filled = done_chars = word_base = 0
    start = 0
    for stop in stops:
        if stop <= start:
            continue
        data = normal_bytes(texts[start:stop])
        if data is None:
            return None
        done_chars += len(data) + 1
        h, w, f, words = window_hashes(data)
        del data
        f += word_base
        firsts.append(f)
        h >>= bits
        h <<= bits
        w += word_base
        h |= w.astype(np.uint64)
        del w
        if filled + len(h) > len(key):
            guess = int(total * (filled + len(h)) / done_chars * 1.1) + 1024
            key = np.resize(key, max(guess, filled + len(h)))
        key[filled:filled + len(h)] = h
        filled += len(h)
        word_base += words
        start = stop
    none = np.zeros(0, dtype=np.int64)
    found = (none, none, none, none)
    key = key[:filled]
    if filled < 2:
        return found
    first_word = np.concatenate(firsts) if firsts else none
    del firsts
    key.sort()
    equal = np.empty(filled - 1, dtype=bool)  # key i and key i + 1 share a hash
    for i in range(0, filled - 1, _BATCH_CHARS):
        j = min(i + _BATCH_CHARS, filled - 1)
        differ = key[i + 1:j + 1] ^ key[i:j]
        differ >>= bits
        np.equal(differ, 0, out=equal[i:j])
        del differ
    same = np.flatnonzero(equal)  # positions i where key i and key i + 1 share a hash
    del equal
    if not len(same):
        return found
    word_mask = np.uint64((1 << int(bits)) - 1)
    last_of = _int64(last)

    def owner(word):
        return np.searchsorted(first_word, word, side="right") - 1

    # Every two runs of one hash, the earlier and the later: is the earlier's text an ancestor
    # of the later's? A hash held by k runs gives k (k - 1) / 2 pairs; beyond _WIDE_GROUP runs
    # (a phrase many comments use) each holder walks its ancestors instead.
    starts_group = np.ones(len(same), dtype=bool)
    starts_group[1:] = np.diff(same) != 1
    group_first = same[starts_group]
    group_size = np.diff(np.append(np.flatnonzero(starts_group), len(same))) + 1
    wide = group_size > _WIDE_GROUP
    small_first, small_size = group_first[~wide], group_size[~wide]
    # All positions of the small groups' runs, each with how many runs of its hash follow it.
    member = np.repeat(small_first, small_size) + _ranks(small_size)
    later = small_size.repeat(small_size) - _ranks(small_size) - 1
    early = np.repeat(member, later)
    late = early + 1 + _ranks(later)
    del member, later
    w_early = (key[early] & word_mask).astype(np.int64)
    w_late = (key[late] & word_mask).astype(np.int64)
    del early, late
    a, r = owner(w_early), owner(w_late)
    hit = (a < r) & (r <= last_of[a])
    a, r, w_early, w_late = a[hit], r[hit], w_early[hit], w_late[hit]
    rows = [(r, w_late - first_word[r], a, w_early - first_word[a])]
    extra: list[tuple[int, int, int, int]] = []
    for i, size in zip(group_first[wide].tolist(), group_size[wide].tolist()):
        members = (key[i:i + size] & word_mask).astype(np.int64)
        texts_of = owner(members).tolist()
        members = (members - first_word[texts_of]).tolist()
        by_text: dict[int, list[int]] = {}
        for t, at in zip(texts_of, members):
            by_text.setdefault(t, []).append(at)
        for t, at in zip(texts_of, members):
            p = parents[t]
            while p >= 0:
                for there in by_text.get(p, ()):
                    extra.append((t, at, p, there))
                p = parents[p]
    if extra:
        rows.append(tuple(np.array(column, dtype=np.int64) for column in zip(*extra)))
    replies, at, ancestors, there = (np.concatenate(column) for column in zip(*rows))
    order = np.lexsort((at, there - at, ancestors, replies))
    return replies[order], at[order], ancestors[order], there[order]


def _int64(values: Sequence[int]):
    """`values` (an `array("q")`, a list or an array) as an int64 numpy array, not copied if it
    is an `array("q")`."""
    import numpy as np

    return np.frombuffer(values, dtype=np.int64) if hasattr(values, "typecode") else np.asarray(values, dtype=np.int64)


def _ranks(sizes):
    """0, 1, ..., size - 1 for each size, concatenated."""
    import numpy as np

    sizes = np.asarray(sizes, dtype=np.int64)
    if not len(sizes):
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(sizes)
    return np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - sizes, sizes)
