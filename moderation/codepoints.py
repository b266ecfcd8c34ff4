"""A batch of texts as one array of code points, cut into runs without a string per run.

Scoring cut 100k comments into 2.2M tokens and 2.2M words with `re.findall` and `str.split`,
then hashed every one of those strings twice to number the distinct ones: a third of its time.
Here the texts are joined by a newline (neither a word character nor kept by `str.split`, so
no run crosses it) and encoded as UTF-32 once; a per-code-point table says which characters a
run is made of (asked of Python once per distinct code point in the batch, so the answer is
exactly `re`'s `\\w` or `str.isspace`), and runs are where that table changes.

Runs are numbered exactly, without hashing: the batch's run characters are ranked 1..A, and a
run of at most `64 // bits(A)` characters is the integer of its ranks side by side (a
different run is a different integer). Longer runs, rare in prose, are numbered by a dict of
their strings. Only one string per distinct run is ever made.
"""

from __future__ import annotations

import numpy as np

PANDAS_FROM = 20_000  # runs from which pandas' hash table numbers keys (no sort); below, np.unique


class CodePoints:
    """`texts` joined as `text` (each followed by a newline) and its code points; `starts[d]`
    is where text d begins, `starts[n]` is the end."""

    def __init__(self, text: str, lengths: np.ndarray) -> None:
        self.n = len(lengths)
        self.text = text
        self.points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.lengths = lengths
        self.starts = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=self.starts[1:])
        self._distinct: list[int] | None = None

    @classmethod
    def of(cls, texts: list[str]) -> CodePoints:
        return cls(joined(texts), np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))

    def distinct(self) -> list[int]:
        """The distinct code points of the batch, ascending."""
        if self._distinct is None:
            self._distinct = np.flatnonzero(np.bincount(self.points)).tolist() if len(self.points) else []
        return self._distinct

    def table(self, predicate, dtype=np.bool_) -> np.ndarray:
        """predicate(character) for every code point up to the batch's largest, asked of Python
        once per distinct code point present (absent ones are 0)."""
        distinct = self.distinct()
        out = np.zeros(distinct[-1] + 1 if distinct else 1, dtype=dtype)
        for point in distinct:
            out[point] = predicate(chr(point))
        return out

    def per_text_sum(self, values: np.ndarray) -> np.ndarray:
        """Per text, the sum of a per-character array (int64). Each text's segment includes its
        newline, so no segment is empty."""
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(values, self.starts[:-1], dtype=np.int64)

    def text_of(self, positions: np.ndarray) -> np.ndarray:
        """The text each (ascending) character position belongs to."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def edges(self, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the maximal runs of characters with `member[point]` true begin and end."""
        inside = np.zeros(len(self.points) + 2, dtype=np.int8)
        np.take(member.view(np.int8), self.points, out=inside[1:-1])
        edges = np.diff(inside)
        return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)

    def number(self, member: np.ndarray, begin: np.ndarray, end: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The distinct runs among the runs [begin, end) of member characters, and each run's
        index among them."""
        alphabet = np.flatnonzero(member)
        bits = max(int(len(alphabet)).bit_length(), 1)
        width = 64 // bits  # characters per integer key
        length = end - begin
        short = np.flatnonzero(length <= width)
        if not len(begin):
            return [], np.zeros(0, dtype=np.int64)
        rank = np.zeros(len(member), dtype=np.uint64)
        rank[alphabet] = np.arange(1, len(alphabet) + 1, dtype=np.uint64)
        # a run's key: its ranks side by side, the first character in the lowest bits. Runs go
        # longest first, so the runs that have a character j are a prefix: one pass per place
        # j over just those runs (a long run's key is cut at `width` and not used)
        order = np.argsort((width - np.minimum(length, width)).astype(np.uint8), kind="stable")  # a radix sort
        starts = begin[order]
        having = len(begin) - np.cumsum(np.bincount(np.minimum(length, width), minlength=width + 1))
        sorted_keys = np.zeros(len(begin), dtype=np.uint64)
        for j in range(width):
            count = int(having[j])  # runs with more than j characters
            if not count:
                break
            part = rank[self.points[starts[:count] + j]]
            part <<= np.uint64(bits * j)
            sorted_keys[:count] |= part
        keys = np.empty(len(begin), dtype=np.uint64)
        keys[order] = sorted_keys
        keys = keys[short]
        codes, count = factorize(keys)
        first = np.empty(count, dtype=np.int64)
        first[codes] = short  # any occurrence: all runs with one key are the same string
        uniques = [self.text[b:e] for b, e in zip(begin[first].tolist(), end[first].tolist())]
        ids = np.empty(len(begin), dtype=np.int64)
        ids[short] = codes
        long = np.flatnonzero(length > width)
        if len(long):
            strings = [self.text[b:e] for b, e in zip(begin[long].tolist(), end[long].tolist())]
            index = {s: i for i, s in enumerate(dict.fromkeys(strings), start=len(uniques))}
            uniques += list(index)
            ids[long] = np.fromiter(map(index.__getitem__, strings), dtype=np.int64, count=len(strings))
        return uniques, ids


def joined(texts: list[str]) -> str:
    """Every text followed by a newline."""
    return "\n".join(texts) + "\n" if texts else ""


def find(keys: np.ndarray, queries: np.ndarray, cache: dict | None = None) -> np.ndarray:
    """Each query's index in `keys` (distinct, ascending), -1 where it is not one: a binary
    search for a few queries, pandas' hash table (linear, no sort) for many. `cache`: a dict
    the caller keeps with its `keys`, where the hash table is kept once built."""
    if not len(keys):
        return np.full(len(queries), -1, dtype=np.int64)
    if len(queries) >= PANDAS_FROM:
        index = None if cache is None else cache.get("index")
        if index is None:
            index = hash_index(keys)
            if cache is not None:
                cache["index"] = index
        return index.get_indexer(queries).astype(np.int64, copy=False)
    at = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return np.where(keys[at] == queries, at, -1)


def hash_index(keys: np.ndarray):
    """pandas' hash table of distinct keys, built now (not on first use by several threads)."""
    import pandas as pd

    index = pd.Index(keys)
    index.get_indexer(keys[:1])
    return index


def isin(queries: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each query is among `values` (repeats allowed), as `find` chooses its method."""
    if len(queries) >= PANDAS_FROM and len(values):
        import pandas as pd

        return pd.Series(queries, copy=False).isin(values).to_numpy()
    return np.isin(queries, values)


def factorize(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Each key's index among the distinct keys, and how many there are."""
    if len(keys) >= PANDAS_FROM:
        import pandas as pd

        codes, distinct = pd.factorize(keys)
        return codes.astype(np.int64, copy=False), len(distinct)
    distinct, codes = np.unique(keys, return_inverse=True)
    return codes.astype(np.int64, copy=False).ravel(), len(distinct)
