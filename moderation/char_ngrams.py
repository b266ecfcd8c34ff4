"""Character n-gram TF-IDF for scoring, a word at a time with a cache: the same matrix as
scikit-learn's `TfidfVectorizer(analyzer="char_wb").transform`, several times faster.

Character n-grams were most of scoring's time: scikit-learn cuts every word of every comment
into its 2- to 5-grams and looks each up in the vocabulary, in Python. With `char_wb`, the
n-grams never cross a word boundary, so a comment's n-grams are just its words' n-grams, and
comment sections repeat the same few thousand words. Here each distinct word is cut and looked
up once; a comment is the concatenation of its words' vocabulary ids. The counts matrix is
built exactly as scikit-learn builds it (same dtype, sorted indices), then handed to the
vectorizer's own fitted TF-IDF step, so results are identical, not approximately equal (a test
holds this against scikit-learn on awkward text).
"""

from __future__ import annotations

import numpy as np

MAX_CACHED_WORDS = 300_000  # about 100 MB at worst; cleared, not grown, beyond that


def supports(vectorizer) -> bool:
    """Only the settings this module reproduces exactly; anything else uses scikit-learn."""
    return (getattr(vectorizer, "analyzer", None) == "char_wb" and vectorizer.lowercase
            and vectorizer.preprocessor is None and vectorizer.strip_accents is None
            and not vectorizer.binary and vectorizer.input == "content" and hasattr(vectorizer, "_tfidf"))


def _word_ids(word: str, vocabulary: dict[str, int], min_n: int, max_n: int) -> list[int]:
    """Vocabulary ids of one word's n-grams, repeats kept: scikit-learn's `_char_wb_ngrams`
    for a single word."""
    w = " " + word + " "
    w_len = len(w)
    ids = []
    for n in range(min_n, max_n + 1):
        offset = 0
        gram = vocabulary.get(w[offset:offset + n])
        if gram is not None:
            ids.append(gram)
        while offset + n < w_len:
            offset += 1
            gram = vocabulary.get(w[offset:offset + n])
            if gram is not None:
                ids.append(gram)
        if offset == 0:  # a word shorter than n is counted once, as scikit-learn does
            break
    return ids


def transform(vectorizer, texts: list[str], cache: dict[str, list[int]]):
    """`vectorizer.transform(texts)` for a fitted char_wb TfidfVectorizer; `cache` maps words
    to their ids and is kept by the caller between calls (bounded here)."""
    from scipy.sparse import csr_matrix

    if len(cache) > MAX_CACHED_WORDS:
        cache.clear()
    vocabulary = vectorizer.vocabulary_
    min_n, max_n = vectorizer.ngram_range
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        for word in text.lower().split():
            ids = cache.get(word)
            if ids is None:
                ids = cache[word] = _word_ids(word, vocabulary, min_n, max_n)
            indices += ids
        indptr.append(len(indices))
    index_dtype = np.int32 if len(indices) < np.iinfo(np.int32).max else np.int64
    counts = csr_matrix((np.ones(len(indices), dtype=vectorizer.dtype), np.asarray(indices, dtype=index_dtype),
                         np.asarray(indptr, dtype=index_dtype)), shape=(len(texts), len(vocabulary)))
    counts.sum_duplicates()  # sorted indices, repeats summed: scikit-learn's count matrix
    return vectorizer._tfidf.transform(counts, copy=False)
