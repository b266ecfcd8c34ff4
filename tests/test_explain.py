"""Explanations name what is in the comment and add up the way the linear model does."""

from __future__ import annotations

import re

import numpy as np
import pytest

from moderation import Article, Comment, Thread
from moderation.explain import explanation_text, explanations, readable
from moderation.features import CONTEXT_NAMES
from moderation.frames import _typed, thread_rows
from moderation.model import load_model
from moderation.scoring import score_threads

ARTICLE = Article(title="Council approves new cycle lanes on the harbour road",
                  body="The council voted to build two kilometres of protected cycle lanes next spring.")
TEXTS = {
    "1": "Good news, the harbour road is dangerous for anyone on a bike.",
    "1.1": "You are an idiot and a moron, nobody wants your stupid lanes, you clown.",
    "2": "Wake up people, the council is paid by big bike companies to hide the truth. Do your research!",
    "3": "Anyone know a good pizza place near the station? Best crust in town?",
}


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def thread():
    comments = [Comment(id=i, parent_id=i.rpartition(".")[0] or None, author=f"a{i}", text=t, depth=i.count(".") + 1)
                for i, t in TEXTS.items()]
    return Thread(article=ARTICLE, comments=comments, thread_id="lanes")


def _frame(thread):
    import pandas as pd

    frame = pd.DataFrame(thread_rows(thread))
    for name in ("incivility", "conspiracy", "off_topic", "stance"):
        frame[name] = None
    return _typed(frame)


def _in_comment(name: str, text: str) -> bool:
    m = re.fullmatch(r'(char )?"(.*)"', name)
    if not m:
        return True  # a context feature, not a term
    term, lowered = m.group(2), text.lower()
    if m.group(1):  # character n-grams are taken within words padded by a space
        return term.strip() in lowered
    return all(w in re.findall(r"\w+", lowered) for w in term.split())


def test_explanations_name_terms_actually_in_the_comment(model, thread):
    labels = [["incivility", "conspiracy", "off_topic"]] * len(thread.comments)
    result = explanations(model, _frame(thread), labels, top=20)
    terms = 0
    for comment, per_label in zip(thread.comments, result):
        assert set(per_label) == {"incivility", "conspiracy", "off_topic"}
        for pairs in per_label.values():
            values = [v for _, v in pairs]
            assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
            for name, _ in pairs:
                assert _in_comment(name, comment.text), (name, comment.text)
                terms += name.startswith('"')
    assert terms > 10
    insult = dict(result[1]["incivility"])
    assert any(k in insult for k in ('"idiot"', '"moron"', '"stupid"', '"clown"'))
    # "has an article" is how the comment came, not what it says: never given as a reason
    assert not any(name == readable("context:has_article") for r in result for p in r.values() for name, _ in p)


def test_contributions_are_coefficient_times_value_against_the_baseline(model, thread):
    frame = _frame(thread)
    (per_label,) = explanations(model, frame.iloc[[1]].reset_index(drop=True), [["incivility"]], top=10_000)
    X = model.featurizer.transform(frame.iloc[[1]]).toarray()[0]
    coef = model.heads["incivility"].coef_[0]
    names = model.featurizer.feature_names()
    n_text = len(names) - len(CONTEXT_NAMES)
    base = np.array([model.card["explain_baseline"]["context"][n] for n in CONTEXT_NAMES])
    expected = {readable(names[j]): coef[j] * X[j] for j in np.flatnonzero(X[:n_text]) if coef[j] * X[j] > 0}
    delta = coef[n_text:] * (X[n_text:] - base)
    expected.update({readable(f"context:{CONTEXT_NAMES[j]}", X[n_text + j] >= base[j]): delta[j]
                     for j in np.flatnonzero(delta > 0)})
    expected.pop("has an article", None)  # how the comment came, never shown as a reason
    got = dict(per_label["incivility"])
    assert got.keys() == expected.keys()
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-5)


def test_rows_without_labels_get_nothing_and_text_is_one_line():
    assert explanation_text({"incivility": [('"idiot"', 1.214), ("similarity to parent", 0.2)], "off_topic": []}) \
        == 'incivility: "idiot" +1.21, similarity to parent +0.20'
    assert readable("word:you idiot") == '"you idiot"' and readable("char:idi") == 'char "idi"'
    assert readable("context:sim_article", above=False) == "low similarity to article"


def test_score_threads_explains_flagged_comments_only(model, thread):
    table = score_threads(model, [thread], explain=True)
    assert (table["flags"] != "").sum() >= 2
    assert list(table.columns).index("explanation") == list(table.columns).index("flags") + 1
    for flags, text in zip(table["flags"], table["explanation"]):
        assert bool(flags) == bool(text)
        for label in filter(None, flags.split(";")):
            assert f"{label}: " in text
    assert "explanation" not in score_threads(model, [thread]).columns
