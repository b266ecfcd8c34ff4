"""Fitting vocabularies per distinct text gives scikit-learn's TfidfVectorizer fit, bit for bit:
same terms in the same order, same idf, ties at the `max_features` cut broken the same way."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.tfidf import from_sklearn
from moderation.tfidf_fit import fit_tfidf

from .test_tfidf import AWKWARD, CORPUS

# Repeats matter: the context-free copies give every comment with context a twin, and a
# text given twice must count twice (min_df 2 keeps its n-grams, idf sees two documents).
REPEATED = CORPUS + CORPUS[5:12] + ["the council should fund the ferry"] * 3
SETTINGS = [
    ({"analyzer": "word", "ngram_range": (1, 2), "min_df": 2}, None, None),
    ({"analyzer": "word", "ngram_range": (1, 2), "min_df": 1}, 15, None),
    ({"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2}, None, None),
    ({"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 1}, 40, None),
    ({"min_df": 1}, 100_000, "english"),
    ({"min_df": 1}, 8, "english"),
]


def assert_same_fit(texts, params, max_features, stop_words):
    expected = from_sklearn(TfidfVectorizer(sublinear_tf=True, lowercase=True, dtype=np.float32,
                                            max_features=max_features, stop_words=stop_words, **params).fit(texts))
    got = fit_tfidf(texts, params, max_features, stop_words)
    assert type(got) is type(expected)
    assert got.feature_names() == expected.feature_names()
    want, have = expected.arrays("v"), got.arrays("v")
    assert want.keys() == have.keys()
    for key in want:
        assert have[key].dtype == want[key].dtype and np.array_equal(have[key], want[key]), key


@pytest.mark.parametrize(("params", "max_features", "stop_words"), SETTINGS,
                         ids=lambda p: str(p.get("analyzer", "word")) if isinstance(p, dict) else str(p))
def test_same_vocabulary_and_idf_as_scikit_learn(params, max_features, stop_words):
    assert_same_fit(REPEATED, params, max_features, stop_words)


def test_a_repeated_text_counts_as_often_as_it_is_given():
    once = fit_tfidf(["zebra crossing", "cat dog", "cat"], {"min_df": 2}, None)
    assert once.feature_names() == ["cat"]
    twice = fit_tfidf(["zebra crossing", "zebra crossing", "cat dog", "cat"], {"min_df": 2}, None)
    assert twice.feature_names() == ["cat", "crossing", "zebra"]
    assert twice.idf[1] == pytest.approx(np.log(5 / 3) + 1)  # ln((1 + 4 documents) / (1 + 2)) + 1


def test_nothing_left_and_unsupported_settings_are_refused():
    with pytest.raises(ValueError):
        fit_tfidf(["a b", "c d"], {"min_df": 2}, None)
    with pytest.raises(ValueError):
        fit_tfidf(["ab cd"], {"analyzer": "word", "ngram_range": (1, 3)}, None)
    with pytest.raises(ValueError):
        fit_tfidf(["ab cd"], {"analyzer": "word", "lowercase": False}, None)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab cA.Ü😀\n'_1"), max_size=25), min_size=1, max_size=8),
       st.integers(min_value=1, max_value=12))
def test_random_text_matches_scikit_learn(docs, limit):
    docs = docs + docs[:2] + ["ab ab", "ca ab"]
    for params, _, stop_words in SETTINGS[:4]:
        assert_same_fit(docs, {**params, "min_df": 1}, limit, stop_words)
        assert_same_fit(docs, params, None, stop_words)


def test_awkward_text_alone():
    assert_same_fit(AWKWARD, {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 1}, None, None)
