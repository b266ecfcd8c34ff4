"""The vectorised context features equal their plain per-comment definitions."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.features import CONTEXT_NAMES, SECOND_PERSON, CommentFeaturizer

ARTICLE = "Harbour ferry fares rise 40% as fuel costs double, the operator says."
ROWS = [
    ("You're wrong and u know it!!!", "Fares must rise, fuel doubled.", ARTICLE, "", 2),
    ("Fares must rise, fuel doubled? Says who", "Fares must rise, fuel doubled.", ARTICLE, "Fares must rise", 3),
    ("WAKE UP 𝐀𝐁 people… see www.truth.example", "", ARTICLE, "", 1),
    ("", "", "", "", 1),
    ("Ça coûte trop cher — 40 % d'un coup ? Non merci.", "", ARTICLE, "", 5),
    ("a b c you ya yours yourself", "c you", "", "", 7),
    ("nul\x00byte text", "text", ARTICLE, "", 1),
]


def reference(text: str, parent: str, article: str, quotes: str, depth: int) -> dict[str, float]:
    """The context features one comment at a time, as their docstrings define them (without
    the similarities, which come from the TF-IDF vectoriser)."""
    words = re.findall(r"\w+", text.lower())
    n = max(len(words), 1)
    parent_words = set(re.findall(r"\w+", parent.lower()))
    letters = sum(map(str.isalpha, text)) or 1
    return {
        "has_article": float(bool(article.strip())), "has_parent": float(bool(parent.strip())),
        "log_depth": min(math.log1p(depth) / 3, 1), "question_marks": min(text.count("?"), 3) / 3,
        "ends_with_question": float(text.rstrip().endswith("?")), "parent_is_question": float(parent.rstrip().endswith("?")),
        "second_person": min(sum(w in SECOND_PERSON for w in words) / n * 5, 1.0),
        "quoted_overlap": sum(w in parent_words for w in words) / n, "has_quotes": float(bool(quotes)),
        "log_length": min(math.log1p(len(text)) / 8, 1), "caps_ratio": sum(map(str.isupper, text)) / letters,
        "exclamations": min(text.count("!"), 3) / 3,
        "has_url": float(bool(re.search(r"https?://|www\.|\.(?:com|net|org|io|example)\b", text, re.I))),
    }


@pytest.fixture(scope="module")
def featurizer():
    frame = pd.DataFrame(ROWS * 2, columns=["text", "parent_text", "article_text", "quotes", "depth"])
    return CommentFeaturizer("word+char").fit(frame)


def test_context_features_match_their_definitions(featurizer):
    frame = pd.DataFrame(ROWS, columns=["text", "parent_text", "article_text", "quotes", "depth"])
    got = featurizer.context(frame)
    for i, row in enumerate(ROWS):
        want = reference(*row)
        for name, value in want.items():
            assert got[i, CONTEXT_NAMES.index(name)] == pytest.approx(value, abs=1e-6), (row[0], name)
    sim = got[:, CONTEXT_NAMES.index("sim_parent")]
    assert sim[1] > 0.5 and sim[2] == 0 and sim[3] == 0  # repeats its parent; no parent; empty
    assert got[1, CONTEXT_NAMES.index("sim_article")] > 0 and got[3, CONTEXT_NAMES.index("sim_article")] == 0


def test_each_row_is_featurised_alone_or_in_any_batch(featurizer):
    frame = pd.DataFrame(ROWS, columns=["text", "parent_text", "article_text", "quotes", "depth"])
    together = featurizer.transform(frame).toarray()
    for i in range(len(ROWS)):
        alone = featurizer.transform(frame.iloc[[i]]).toarray()
        assert np.allclose(alone[0], together[i], atol=1e-6)
    reversed_rows = featurizer.transform(frame.iloc[::-1]).toarray()
    assert np.allclose(reversed_rows[::-1], together, atol=1e-6)


def test_state_round_trip_gives_the_same_matrix(featurizer):
    frame = pd.DataFrame(ROWS, columns=["text", "parent_text", "article_text", "quotes", "depth"])
    settings, arrays = featurizer.state()
    again = CommentFeaturizer.from_state(settings, arrays)
    assert again.feature_names() == featurizer.feature_names()
    assert abs(again.transform(frame) - featurizer.transform(frame)).max() == 0


PIECES = ["you", "YOU", "Ur", "wake", "UP", "?", "!", ".", ":", "://", "www.", ".com", ".Org", ".io", ".iox", "http",
          "https://", "HTTP://x", "WWW.",
          "ſ", "K", "İ", "Σ", " ", "  ", "\t", "\n", "\u2003", "\x00", "😀", "ÉTÉ", "x.example", "e.g."]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(TEXTS, TEXTS, st.sampled_from(["", ARTICLE, " \t"]), st.sampled_from(["", "q"]),
                          st.integers(1, 9)), min_size=1, max_size=6))
def test_context_features_match_their_definitions_on_random_text(featurizer, rows):
    """The batch computations (one class table, '?' and URL candidates found in the joined
    text) against the per-comment definitions, on text made of the awkward pieces."""
    frame = pd.DataFrame(rows, columns=["text", "parent_text", "article_text", "quotes", "depth"])
    got = featurizer.context(frame)
    for i, row in enumerate(rows):
        for name, value in reference(*row).items():
            assert got[i, CONTEXT_NAMES.index(name)] == pytest.approx(value, abs=1e-6), (row, name)


def test_context_of_a_text_longer_than_the_packed_counts_hold(featurizer):
    """Above 2**21 characters the three counts are summed one by one."""
    long = "Ab ?" * (2**19 + 1) + "  "
    rows = [(long, "", ARTICLE, "", 1), ("short?", long, "", "", 2)]
    got = featurizer.context(pd.DataFrame(rows, columns=["text", "parent_text", "article_text", "quotes", "depth"]))
    for i, row in enumerate(rows):
        for name in ("caps_ratio", "question_marks", "ends_with_question", "parent_is_question", "has_parent"):
            assert got[i, CONTEXT_NAMES.index(name)] == pytest.approx(reference(*row)[name], abs=1e-6), name
