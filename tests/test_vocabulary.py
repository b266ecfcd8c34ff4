"""Sorted-array vocabularies find exactly their terms, however long or unusual."""

from __future__ import annotations

import numpy as np

from moderation.vocabulary import SortedVocabulary

TERMS = ["b", "a", "ab", "long" * 20, "ünï", "😀x", "a b", "zz" * 300, "abc"]


def test_lookup_finds_every_term_and_nothing_else():
    vocab = SortedVocabulary.from_terms(TERMS)
    assert len(vocab) == len(TERMS) and vocab.terms() == TERMS
    assert vocab.lookup(TERMS).tolist() == list(range(len(TERMS)))
    misses = ["", "c", "ab ", "abcd", "long" * 19, "zz" * 301, "x" * 5000, "A"]
    assert (vocab.lookup(misses) == -1).all()
    assert vocab.lookup([]).shape == (0,)


def test_arrays_round_trip():
    vocab = SortedVocabulary.from_terms(TERMS)
    again = SortedVocabulary.from_arrays(vocab.arrays("v"), "v")
    assert again.terms() == TERMS
    assert all(a.dtype.kind in "Ui" for a in vocab.arrays("v").values())  # nothing needs a pickle
    assert np.array_equal(again.lookup(TERMS + ["nope"]), vocab.lookup(TERMS + ["nope"]))


def test_empty_vocabulary():
    vocab = SortedVocabulary.from_terms([])
    assert len(vocab) == 0 and (vocab.lookup(["a"]) == -1).all()
