"""Fitting TF-IDF vocabularies and idf: scikit-learn's `TfidfVectorizer.fit`, counted per
distinct text.

scikit-learn's fit cuts and counts every document in Python, character n-grams one slice at a
time: at 100k training rows (143k with the context-free copies, which repeat their comment's
text) one word+char fit took about a minute. Here each distinct text is cut once (`TextBatch`,
as at transform time), each distinct word's character n-grams are made once, and the counting
is sparse products. A text given k times still counts k times (its document and term
frequencies are weighted by its multiplicity), so the vocabulary, its order and the idf are
scikit-learn's for the same list of texts, down to the bit: `tests/test_tfidf_fit.py` holds
them equal, and the shipped model rebuilds to the same bytes.

What scikit-learn does, and this repeats: with `max_features`, terms are sorted by name,
those with document frequency >= `min_df` kept, and if too many remain the `max_features`
with the highest total counts (float32, `argsort` of the negated counts, ties as numpy's
default sort leaves them) are kept in name order; idf = ln((1 + n) / (1 + df)) + 1 in float32.
"""

from __future__ import annotations

from collections import Counter
from numbers import Integral
from typing import NamedTuple

import numpy as np

from .tfidf import CharTfidf, TextBatch, WordTfidf, char_wb_grams
from .vocabulary import SortedVocabulary

CHUNK_DOCUMENTS = 20_000  # documents per sparse product when counting character n-grams


class Counted(NamedTuple):
    """Documents as the fit counts them: each distinct text cut once (`batch`), how many times
    it was given (`weights`), and how many documents there were in all."""

    batch: TextBatch
    weights: np.ndarray
    documents: int


def count_texts(texts: list[str]) -> Counted:
    """`texts` counted for `fit_tfidf`: made once, it serves every vectoriser fitted on them."""
    multiplicity = Counter(texts)
    return Counted(TextBatch(list(multiplicity)),
                   np.fromiter(multiplicity.values(), dtype=np.float64, count=len(multiplicity)), len(texts))


def fit_tfidf(texts: list[str] | Counted, params: dict, max_features: int | None, stop_words=None) -> WordTfidf | CharTfidf:
    """The compiled vectoriser `from_sklearn(TfidfVectorizer(sublinear_tf=True, dtype=float32,
    max_features=max_features, stop_words=stop_words, **params).fit(texts))` would give, for
    the settings `features` uses (lower-casing, word 1-2 grams or char_wb n-grams). `texts`
    may be `count_texts(texts)`."""
    analyzer = params.get("analyzer", "word")
    min_n, max_n = params.get("ngram_range", (1, 1))
    min_df = params.get("min_df", 1)
    if not isinstance(min_df, Integral) or set(params) - {"analyzer", "ngram_range", "min_df"}:
        raise ValueError(f"unsupported vectoriser settings: {params}")
    batch, weights, documents = texts if isinstance(texts, Counted) else count_texts(texts)
    if analyzer == "char_wb":
        terms, df, tf = _char_counts(batch, weights, min_n, max_n)
    elif analyzer == "word" and min_n == 1 and max_n <= 2 and not (stop_words and max_n > 1):
        terms, df, tf = _word_counts(batch, weights, max_n, stop_words, int(min_df))
    else:
        raise ValueError(f"unsupported vectoriser settings: {params}")
    chosen, idf = select(terms, df, tf, documents, int(min_df), max_features)
    kept = [terms[i] for i in chosen.tolist()]
    if not kept:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    if analyzer == "char_wb":
        return CharTfidf(SortedVocabulary.from_terms(kept), idf, min_n, max_n, True)
    return WordTfidf.from_terms(kept, idf, True, max_n)


def select(terms: list[str], df: np.ndarray, tf: np.ndarray, n_documents: int, min_df: int,
           max_features: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Indices into `terms` of the vocabulary in feature (name) order, and its idf, as
    CountVectorizer._limit_features and TfidfTransformer.fit compute them."""
    candidates = np.flatnonzero(df >= min_df)
    order = sorted(candidates.tolist(), key=terms.__getitem__)
    kept = np.array(order, dtype=np.int64)
    if max_features is not None and len(kept) > max_features:
        tfs = tf[kept].astype(np.float32)  # scikit-learn sums a float32 count matrix
        best = (-tfs).argsort()[:max_features]
        kept = kept[np.sort(best)]
    chosen_df = df[kept].astype(np.float32)
    chosen_df += 1.0
    idf = np.full_like(chosen_df, fill_value=n_documents + 1, dtype=np.float32)
    idf /= chosen_df
    np.log(idf, out=idf)
    idf += 1.0
    return kept, idf


def _frequencies(counts, weights: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Per column of a CSR count matrix: the weighted number of rows holding it, and its
    weighted count (row i weighs `weights[i]`)."""
    row_weight = np.repeat(weights, np.diff(counts.indptr))
    return (np.bincount(counts.indices, weights=row_weight, minlength=n_keys),
            np.bincount(counts.indices, weights=counts.data * row_weight, minlength=n_keys))


def _word_counts(batch: TextBatch, weights: np.ndarray, max_n: int, stop_words, min_df: int):
    """Tokens of two or more word characters and, with max_n 2, adjacent pairs of them."""
    ids, doc = batch.long_ids, batch.long_doc
    uniques = batch.uniques
    if stop_words:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        stop = ENGLISH_STOP_WORDS if stop_words == "english" else frozenset(stop_words)
        keep = ~np.array([u in stop for u in uniques], dtype=bool)[ids] if len(ids) else np.zeros(0, dtype=bool)
        ids, doc = ids[keep], doc[keep]
    size = len(uniques)
    keys = [ids]
    if max_n >= 2 and len(ids) > 1:
        pair = doc[:-1] == doc[1:]
        keys.append(size + ids[:-1][pair] * size + ids[1:][pair])
        doc = np.concatenate([doc, doc[:-1][pair]])
    distinct, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    from scipy.sparse import coo_matrix

    counts = coo_matrix((np.ones(len(inverse), dtype=np.float64), (doc, inverse)),
                        shape=(len(weights), len(distinct))).tocsr()
    df, tf = (f.round().astype(np.int64) for f in _frequencies(counts, weights, len(distinct)))
    terms = [""] * len(distinct)  # named only where min_df could keep them: naming is the slow part
    for i in np.flatnonzero(df >= min_df).tolist():
        key = int(distinct[i])
        terms[i] = uniques[key] if key < size else f"{uniques[(key - size) // size]} {uniques[(key - size) % size]}"
    return terms, df, tf


def _char_counts(batch: TextBatch, weights: np.ndarray, min_n: int, max_n: int):
    """Character n-grams of each whitespace-separated word: (documents x words) @ (words x
    n-grams), in chunks of documents so the product stays small."""
    import pandas as pd
    from scipy.sparse import csr_matrix

    words, word_ids, word_doc = batch.words()
    grams = [char_wb_grams(word, min_n, max_n) for word in words]
    per_word = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
    gram_ids, names = pd.factorize(np.array([g for gs in grams for g in gs], dtype=object))  # hashing in C
    n_grams = len(names)
    word_grams = csr_matrix((np.ones(len(gram_ids), dtype=np.float64), gram_ids, np.r_[0, np.cumsum(per_word)]),
                            shape=(len(words), n_grams))
    word_grams.sum_duplicates()
    df = np.zeros(n_grams, dtype=np.float64)
    tf = np.zeros(n_grams, dtype=np.float64)
    n_docs = len(weights)
    bounds = np.searchsorted(word_doc, np.arange(0, n_docs + CHUNK_DOCUMENTS, CHUNK_DOCUMENTS))
    for c, start in enumerate(range(0, n_docs, CHUNK_DOCUMENTS)):
        stop = min(start + CHUNK_DOCUMENTS, n_docs)
        lo, hi = bounds[c], bounds[c + 1]
        docs_words = csr_matrix((np.ones(hi - lo, dtype=np.float64), (word_doc[lo:hi] - start, word_ids[lo:hi])),
                                shape=(stop - start, len(words)))
        chunk_df, chunk_tf = _frequencies((docs_words @ word_grams).tocsr(), weights[start:stop], n_grams)
        df += chunk_df
        tf += chunk_tf
    return names.tolist(), df.round().astype(np.int64), tf.round().astype(np.int64)
