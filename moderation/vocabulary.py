"""A vocabulary kept as sorted fixed-width string arrays, looked up many strings at a time.

A Python dict of half a million n-grams costs about 60 MB and a second to build every time a
model loads, and a `moderate score` of one thread uses a few hundred of its entries. Sorted
numpy arrays load straight from the model file (no building, no pickle) and answer a whole
batch with one `searchsorted` in C. Terms are split by length into a few arrays so that one
long term does not widen every entry: numpy's fixed-width strings pay for the widest.

numpy drops trailing NUL characters from its strings, so terms and queries must not hold NUL
(`features.clean` replaces it before any text is vectorised).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

LIMITS = (4, 8, 16, 32, 64, 128, 256, 1024, 1 << 20)  # upper length of each array's terms


class SortedVocabulary:
    """Terms with integer ids; `lookup` maps strings to ids, -1 for strings not in it."""

    def __init__(self, buckets: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.buckets = buckets  # per LIMITS entry: (sorted terms, their ids)
        self.size = int(sum(len(ids) for _, ids in buckets))

    @classmethod
    def from_terms(cls, terms: Sequence[str]) -> SortedVocabulary:
        """Ids are positions in `terms`."""
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        which = np.searchsorted(LIMITS, lengths)
        everything = np.array(terms, dtype=object)
        buckets = []
        for b in range(len(LIMITS)):
            ids = np.flatnonzero(which == b).astype(np.int32)
            width = int(lengths[ids].max()) if len(ids) else 1
            strings = everything[ids].astype(f"<U{width}")
            order = np.argsort(strings, kind="stable")
            buckets.append((strings[order], ids[order]))
        return cls(buckets)

    def __len__(self) -> int:
        return self.size

    def lookup(self, queries: Sequence[str]) -> np.ndarray:
        """Ids of `queries` (int64), -1 where a query is not a term."""
        out = np.full(len(queries), -1, dtype=np.int64)
        if not len(queries) or not self.size:
            return out
        lengths = np.fromiter(map(len, queries), dtype=np.int64, count=len(queries))
        which = np.searchsorted(LIMITS, lengths)
        everything = np.array(queries, dtype=object)
        for b, (terms, ids) in enumerate(self.buckets):
            if not len(ids):
                continue
            chosen = np.flatnonzero((which == b) & (lengths <= terms.itemsize // 4))
            if not len(chosen):
                continue
            wanted = everything[chosen].astype(terms.dtype)
            at = np.minimum(np.searchsorted(terms, wanted), len(terms) - 1)
            hit = terms[at] == wanted
            out[chosen[hit]] = ids[at[hit]]
        return out

    def terms(self) -> list[str]:
        """All terms in id order."""
        out = [""] * self.size
        for strings, ids in self.buckets:
            for term, i in zip(strings.tolist(), ids.tolist()):
                out[i] = term
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays to save, named under `prefix`."""
        saved = {}
        for b, (strings, ids) in enumerate(self.buckets):
            saved[f"{prefix}.terms{b}"] = strings
            saved[f"{prefix}.ids{b}"] = ids
        return saved

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> SortedVocabulary:
        return cls([(arrays[f"{prefix}.terms{b}"], arrays[f"{prefix}.ids{b}"].astype(np.int32))
                    for b in range(len(LIMITS))])
