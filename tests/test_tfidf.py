"""The batch TF-IDF gives scikit-learn's TfidfVectorizer matrix, on awkward text too."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.tfidf import TextBatch, from_sklearn

AWKWARD = [
    "", "   ", "a", "I", "ok", "WAKE UP!!! sheeple", "Ünïcödé wörds ça été", "tabs\tand\nnewlines  and   runs",
    "aaaaaa aaaaaa aaaaaa", "x" * 300, "emoji 😀😀 here", "ﬁ ligature İstanbul ß", "mixed\u00a0nbsp\u2003em space",
    "numbers 12345 and punct: ?!.,;", "a b c d e f g", "Stop. Stop. STOP.", "you you you you",
    "I a big dog a big dog", "ΟΔΟΣ ΣΑΣ", "qq QQ Qq q q", "under_score snake_case_name", "you're youre u ur",
]
CORPUS = AWKWARD + ["the council should fund the ferry", "you are an idiot, source?", "a big dog barks", "big dog"]
SETTINGS = [
    {"analyzer": "word", "ngram_range": (1, 2), "min_df": 1},
    {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2},
    {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 1},
    {"analyzer": "word", "stop_words": "english", "min_df": 1},
]


def _pair(params, corpus=CORPUS):
    v = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **params).fit(corpus)
    return v, from_sklearn(v)


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: f"{p['analyzer']}-{p.get('min_df')}-{p.get('stop_words')}")
def test_same_matrix_and_names_as_scikit_learn(params):
    v, compiled = _pair(params)
    assert compiled.feature_names() == list(v.get_feature_names_out())
    for docs in (AWKWARD, CORPUS, AWKWARD[5:6], AWKWARD):  # the last pass runs from the n-gram cache
        expected = v.transform(docs).toarray()
        got = compiled.transform(TextBatch(docs)).toarray()
        assert got.dtype == np.float32 and got.shape == expected.shape
        assert np.abs(got - expected).max() < 1e-6


def test_empty_batch_and_no_ngram_across_documents():
    v, compiled = _pair(SETTINGS[0])
    assert compiled.transform(TextBatch([])).shape == (0, len(v.vocabulary_))
    got = compiled.transform(TextBatch(["big", "dog"])).toarray()
    assert got[0, v.vocabulary_["big dog"]] == 0  # no bigram across two documents


def test_unsupported_settings_are_refused():
    with pytest.raises(ValueError):
        from_sklearn(TfidfVectorizer(analyzer="word", lowercase=False).fit(["ab cd"]))
    with pytest.raises(ValueError):
        from_sklearn(TfidfVectorizer(analyzer="word", ngram_range=(1, 3)).fit(["ab cd ef"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab cA.Ü😀\n'_1"), max_size=25), min_size=1, max_size=6))
def test_random_text_matches_scikit_learn(docs):
    for params in SETTINGS[:3]:
        v = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **{**params, "min_df": 1})
        try:
            v.fit(docs + ["ab ab", "ca ab"])
        except ValueError:  # empty vocabulary
            continue
        got = from_sklearn(v).transform(TextBatch(docs)).toarray()
        assert np.abs(got - v.transform(docs).toarray()).max() < 1e-6


@pytest.mark.parametrize("params", SETTINGS[:3], ids=lambda p: p["analyzer"])
def test_first_documents_only_are_the_first_rows(params):
    """Scoring passes the comments first and their parents and articles after them (for the
    similarity features only): the text blocks cover just the comments."""
    _, compiled = _pair(params)
    whole = compiled.transform(TextBatch(CORPUS)).toarray()
    for k in (0, 1, 7, len(CORPUS)):
        got = compiled.transform(TextBatch(CORPUS), k).toarray()
        assert got.shape == (k, whole.shape[1]) and np.abs(got - whole[:k]).max(initial=0) < 1e-6
