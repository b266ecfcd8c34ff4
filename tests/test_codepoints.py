"""The code-point tokenizer cuts exactly what `re.findall(r"\\w+")` and `str.split()` cut."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import codepoints
from moderation.codepoints import CodePoints, find, isin
from moderation.tfidf import TextBatch

# word characters, spaces of several kinds, punctuation, case changes that grow (İ) or depend
# on context (Σ), NUL (cleaned to a space), astral characters and a lone surrogate
ALPHABET = "abcxyzAΣσςİıßﬁ_1٣\u0301 \t\n\u00a0\u2003.,'?!-😀\x00\ud800"


def reference(texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    cleaned = [t.replace("\x00", " ").lower() for t in texts]
    return [re.findall(r"\w+", t) for t in cleaned], [t.split() for t in cleaned]


def per_document(uniques: list[str], ids: np.ndarray, doc: np.ndarray, n: int) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in range(n)]
    assert np.all(np.diff(doc) >= 0)  # runs come in document order
    for i, d in zip(ids.tolist(), doc.tolist()):
        out[d].append(uniques[i])
    return out


def check(texts: list[str]) -> None:
    batch = TextBatch(texts)
    tokens, words = reference(texts)
    assert len(set(batch.uniques)) == len(batch.uniques)  # each distinct token numbered once
    assert per_document(batch.uniques, batch.token_ids, batch.token_doc, len(texts)) == tokens
    all_words, word_ids, word_doc = batch.words()
    assert len(set(all_words)) == len(all_words)
    assert per_document(all_words, word_ids, word_doc, len(texts)) == words
    long = [[t for t in doc if len(t) >= 2] for doc in tokens]
    assert per_document(batch.uniques, batch.long_ids, batch.long_doc, len(texts)) == long


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40), max_size=8))
def test_tokens_and_words_are_findall_and_split(texts):
    check(texts)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), max_size=6))
def test_any_unicode_text(texts):
    check(texts)


def test_long_runs_and_a_wide_alphabet_take_the_dict_path():
    # 300 distinct word characters: 9 bits each, so runs of more than 7 characters are
    # numbered by their strings; the same long word twice must get one number
    wide = "".join(chr(0x4E00 + i) for i in range(300))
    texts = [wide, "short " + wide[:7] + " " + wide[:8], wide[100:140] + " x " + wide[100:140]]
    check(texts)


def test_large_batches_number_with_pandas(monkeypatch):
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdeé"))
    texts = [" ".join("".join(rng.choice(letters, rng.integers(1, 14))) for _ in range(rng.integers(0, 12)))
             for _ in range(5000)]
    assert sum(len(t.split()) for t in texts) > codepoints.PANDAS_FROM
    check(texts)
    monkeypatch.setattr(codepoints, "PANDAS_FROM", 10**9)  # and the same with np.unique
    check(texts)


@pytest.mark.parametrize("size", [0, 5, 30_000])
def test_find_and_isin_match_searchsorted_and_np_isin(size):
    rng = np.random.default_rng(size)
    keys = np.unique(rng.integers(0, 50_000, 20_000))
    queries = rng.integers(0, 60_000, size)
    at = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    assert np.array_equal(find(keys, queries), np.where(keys[at] == queries, at, -1))
    assert np.array_equal(find(keys[:0], queries), np.full(size, -1))
    cache: dict = {}  # the hash table kept with the keys, built once
    for _ in range(2):
        assert np.array_equal(find(keys, queries, cache), np.where(keys[at] == queries, at, -1))
        kept = cache.get("index")
        assert (kept is not None) == (size >= codepoints.PANDAS_FROM)
    assert cache.get("index") is kept
    values = rng.integers(0, 60_000, 25_000)  # repeats allowed
    assert np.array_equal(isin(queries, values), np.isin(queries, values))


def test_text_segments_and_sums():
    docs = CodePoints.of(["ab", "", "c😀"])
    assert docs.text == "ab\n\nc😀\n" and docs.starts.tolist() == [0, 3, 4, 7]
    assert docs.per_text_sum(np.ones(len(docs.points), dtype=np.uint8)).tolist() == [3, 1, 3]
    assert docs.text_of(np.array([0, 2, 3, 4, 6])).tolist() == [0, 0, 1, 2, 2]
