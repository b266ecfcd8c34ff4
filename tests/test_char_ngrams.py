"""The cached char n-gram transform gives exactly scikit-learn's matrix."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation import char_ngrams
from moderation.features import CommentFeaturizer

AWKWARD = [
    "", "   ", "a", "I", "ok", "WAKE UP!!! sheeple", "Ünïcödé wörds ça été", "tabs\tand\nnewlines  and   runs",
    "aaaaaa aaaaaa aaaaaa", "x" * 300, "emoji 😀😀 here", "ﬁ ligature İstanbul ß", "mixed\u00a0nbsp\u2003em space",
    "numbers 12345 and punct: ?!.,;", "a b c d e f g", "Stop. Stop. STOP.", "you you you you",
]


def _vectorizer(texts):
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=1, sublinear_tf=True, dtype=np.float32).fit(texts)


def test_identical_to_scikit_learn_on_awkward_text():
    corpus = AWKWARD + ["the council should fund the ferry", "you are an idiot, source?"]
    v = _vectorizer(corpus)
    expected = v.transform(AWKWARD)
    cache: dict = {}
    for _ in range(2):  # second pass from the cache
        got = char_ngrams.transform(v, AWKWARD, cache)
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        assert (got != expected).nnz == 0
        assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.indptr, expected.indptr)


def test_featurizer_uses_it_and_matches_scikit_learn(tmp_path):
    import pandas as pd

    texts = AWKWARD * 3 + [f"comment number {i} about the ferry fares" for i in range(40)]
    frame = pd.DataFrame({"text": texts, "parent_text": "", "article_text": "ferry fares", "quotes": "",
                          "depth": 1, "group": "g"})
    featurizer = CommentFeaturizer("word+char").fit(frame)
    char = featurizer.text_vectorizers_["char"]
    assert char_ngrams.supports(char)
    assert (char_ngrams.transform(char, texts, {}) != char.transform(texts)).nnz == 0


def test_other_settings_are_left_to_scikit_learn():
    assert not char_ngrams.supports(TfidfVectorizer(analyzer="word").fit(["ab cd"]))
    assert not char_ngrams.supports(TfidfVectorizer(analyzer="char_wb", lowercase=False).fit(["ab cd"]))
    assert not char_ngrams.supports(TfidfVectorizer(analyzer="char_wb"))  # not fitted
