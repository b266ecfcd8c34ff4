"""Training by size (`training.plan`): from SINGLE_SPLIT_ROWS labeled rows on one grouped hold-out
split sets the thresholds, from NEWTON_ROWS on newton-cg fits the heads, from PARALLEL_ROWS on
the fits run in worker processes, which changes nothing but time (the shipped model's rebuild
test checks that on the lbfgs path too: labels/ is above PARALLEL_ROWS)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from moderation import training
from moderation.model import model_bytes
from moderation.training import (
    Hyper,
    Plan,
    plan,
    threshold_folds,
    train,
    without_context,
)

from .conftest import fast_hyper, first_train_threads

FAST = fast_hyper()


@pytest.fixture(scope="module")
def frame():
    return first_train_threads(10)


def test_the_rules_are_row_counts():
    assert plan(10) == Plan(single_split=False, solver="lbfgs", parallel=False)
    assert plan(5_705) == Plan(single_split=False, solver="lbfgs", parallel=True)  # labels/: same model
    assert plan(training.NEWTON_ROWS) == Plan(single_split=False, solver="newton-cg", parallel=True)
    assert plan(training.SINGLE_SPLIT_ROWS - 1).single_split is False
    assert plan(training.SINGLE_SPLIT_ROWS) == Plan(single_split=True, solver="newton-cg", parallel=True)
    assert training.PARALLEL_ROWS < 5_705 < training.NEWTON_ROWS < training.SINGLE_SPLIT_ROWS


def test_small_sets_keep_five_grouped_folds_and_large_ones_take_the_first(frame):
    doubled, _ = without_context(frame)
    groups = doubled["group"].to_numpy()
    five = threshold_folds(doubled)
    assert len(five) == 5
    assert sorted(np.concatenate([va for _, va in five]).tolist()) == list(range(len(doubled)))
    (train_idx, held_out), = threshold_folds(doubled, single_split=True)
    assert np.array_equal(held_out, five[0][1]) and np.array_equal(train_idx, five[0][0])
    assert not set(groups[held_out]) & set(groups[train_idx])  # whole threads, copies with their originals
    assert 0.1 < len(held_out) / len(doubled) < 0.35


def test_large_path_predicts_every_held_out_row_and_only_those(frame, monkeypatch):
    doubled, n = without_context(frame)
    how = Plan(single_split=True, solver="newton-cg")
    reuse: dict = {}
    _, oof, table = training.cross_validate(doubled, fixed=FAST, progress=lambda m: None, how=how, reuse=reuse)
    assert set(reuse["starts"]) == {("word", name) for name in oof}  # where the final fits start
    assert set(reuse["features"]) == {"word"}
    (_, held_out), = threshold_folds(doubled, single_split=True)
    for name, pred in oof.items():
        known = training._known(doubled, name)
        filled = training._present(pred)
        expected = np.zeros(len(doubled), dtype=bool)
        expected[held_out] = True
        assert np.array_equal(filled, expected), name  # every held-out row has its prediction
        assert filled[known].sum() > 20, name  # ...and enough of them are labeled to set a threshold
    assert set(table["chosen"]) == set(oof)


@pytest.fixture(scope="module")
def large_models(frame, tmp_path_factory):
    """The same tiny frame trained as if it were large: twice, then once with one process."""
    patch = pytest.MonkeyPatch()
    for rule in ("SINGLE_SPLIT_ROWS", "NEWTON_ROWS", "PARALLEL_ROWS"):
        patch.setattr(training, rule, 10)
    try:
        first = train(frame, seed=0, hyper=FAST, progress=lambda m: None)
        second = train(frame, seed=0, hyper=FAST, progress=lambda m: None)
        patch.setattr(training, "PROCESSES", 1)
        in_process = train(frame, seed=0, hyper=FAST, progress=lambda m: None)
    finally:
        patch.undo()
    return first, second, in_process


def test_large_path_card_says_what_it_did(large_models):
    card = large_models[0].card
    assert card["hyperparameters"]["solver"] == "newton-cg"
    assert card["hyperparameters"]["threshold_rule"].startswith("best F1 on held-out predictions (one grouped split")
    assert set(card["thresholds"]) == {"incivility", "conspiracy", "off_topic"}
    assert all(0 < t < 1 for t in card["thresholds"].values())
    assert json.dumps(card["cross_validation"])  # scores of the one split, as the five folds give them


def test_large_path_is_deterministic_wherever_the_fits_run(large_models):
    first, second, in_process = large_models
    assert model_bytes(first) == model_bytes(second)
    assert model_bytes(first) == model_bytes(in_process)  # worker processes change nothing but time
    assert first.thresholds == in_process.thresholds


def test_large_path_search_then_rebuild_gives_the_same_model(frame, monkeypatch):
    """The card's hyperparameters rebuild the model the search trained, starts and all."""
    for rule in ("SINGLE_SPLIT_ROWS", "NEWTON_ROWS"):
        monkeypatch.setattr(training, rule, 10)
    small = frame[frame["group"].isin(sorted(set(frame["group"]))[:6])].reset_index(drop=True)
    searched = train(small, seed=0, progress=lambda m: None)
    h = searched.card["hyperparameters"]
    rebuilt = train(small, seed=0, hyper=Hyper(h["text_config"], h["C"], h["stance_class_weight"]),
                    progress=lambda m: None)
    assert model_bytes(rebuilt) == model_bytes(searched)


def test_small_path_is_unchanged():
    """What the small path always did (the shipped model's rebuild test holds its bytes)."""
    assert training._head(4.0, 0).solver == "lbfgs"
    assert training.THRESHOLD_RULES[False] == "best F1 on out-of-fold predictions (5-fold, grouped by thread)"
