"""The armed-group-support cue: which sentences it marks, and that the batch path agrees."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.cues import (
    ARMED_GROUPS,
    armed_group_support,
    names_supported_armed_group,
)

MARKED = [
    "The ministry flies the militants in on cargo planes and everyone pretends not to see it.",
    "Who do you think bankrolled the Taliban for twenty years? Our own aid agencies.",
    "Of course they will win. Their generals supply the rebels with fuel every single week.",
    "The parliament approved arms for the rebels in 2014, it's in the committee report.",  # documented: the head weighs it
]
UNMARKED = [
    "The rebels took the town on Tuesday and the army withdrew to the river.",  # a group, no support verb
    "The ministry will supply the hospitals with fuel through the winter.",  # support verb, no armed group
    "Rebels. We saw them on the news.  Then the government ran a new advert.",  # in different sentences
    "I trained as a nurse in Leeds and paid my own fees.",
    "",
]


def test_marks_sentences_naming_an_armed_group_and_a_support_verb():
    assert [names_supported_armed_group(t) for t in MARKED] == [True] * len(MARKED)
    assert [names_supported_armed_group(t) for t in UNMARKED] == [False] * len(UNMARKED)


def test_case_and_plural_do_not_matter():
    assert names_supported_armed_group("THEY ARM THE JIHADISTS!!!")
    assert names_supported_armed_group("someone keeps shipping weapons to the cartel")
    assert {"isis", "militia", "militias"} <= ARMED_GROUPS


words = st.sampled_from(["the", "rebels", "supply", "they", "militia", "fuel", "armed", "Taliban", "bus", "paid", "."])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(words, max_size=12).map(" ".join), max_size=8))
def test_candidate_filter_changes_nothing(texts):
    """A batch passes which texts contain an armed-group word; that must only save time."""
    candidates = np.array([not ARMED_GROUPS.isdisjoint(t.lower().replace(".", " ").split()) for t in texts], dtype=bool)
    assert list(armed_group_support(texts, candidates)) == list(armed_group_support(texts))


def test_the_featuriser_computes_it_per_comment():
    import pandas as pd

    from moderation.features import CONTEXT_NAMES, CommentFeaturizer

    texts = MARKED + UNMARKED[:-1] + ["Fine weather for the regatta."] * 3
    frame = pd.DataFrame({"text": texts, "parent_text": "", "article_text": "The regatta", "quotes": "",
                          "depth": 1, "group": "g"})
    featurizer = CommentFeaturizer("word").fit(frame)
    column = featurizer.context(frame)[:, CONTEXT_NAMES.index("armed_group_support")]
    assert list(column) == [1.0] * len(MARKED) + [0.0] * (len(texts) - len(MARKED))
