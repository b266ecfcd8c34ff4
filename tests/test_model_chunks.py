"""Scoring in chunks and on two threads gives exactly the scores of one pass."""

from __future__ import annotations

import random

import numpy as np
import pytest

from moderation import model as model_module
from moderation.labels import BINARY_LABELS, STANCES
from moderation.model import load_model

WORDS = ("council vote budget you idiot source? please agree wrong! fake staged cover-up bus ferry www.x.com "
         "SCHOOL tax why never always people think really data report secret plan Ça été").split()


@pytest.fixture(scope="module")
def shipped():
    return load_model()


def rows(n: int, seed: int = 1):
    rng = random.Random(seed)
    text = [" ".join(rng.choices(WORDS, k=rng.randint(0, 25))) for _ in range(n)]
    text[3] = text[5]  # a repeated comment
    parent = [text[i - 1] if i % 3 else "" for i in range(n)]
    article = [("Article one about the budget." if i < n // 2 else "Article two: the ferry.") for i in range(n)]
    quotes = ["q" if i % 7 == 0 else "" for i in range(n)]
    return text, parent, article, quotes, np.array([1 + i % 4 for i in range(n)], dtype=np.float32)


def test_chunks_and_threads_give_the_scores_of_one_pass(shipped, monkeypatch):
    args = rows(230)
    monkeypatch.setattr(model_module, "CHUNK_ROWS", 10**9)
    whole = shipped.predict_rows(*args, workers=1)
    monkeypatch.setattr(model_module, "CHUNK_ROWS", 17)  # 14 chunks, the last one short
    for workers in (1, 2):
        chunked = shipped.predict_rows(*args, workers=workers)
        assert list(chunked) == list(whole)
        for name, values in whole.items():
            if name in ("flags", "stance"):
                assert chunked[name] == values
            else:
                assert np.array_equal(chunked[name], values), name
    monkeypatch.setattr(model_module, "PARALLEL_FROM", 50)  # the default picks two threads here
    assert shipped.predict_rows(*args)["flags"] == whole["flags"]


def test_flags_and_stance_are_the_plain_definitions(shipped):
    out = shipped.predict_rows(*rows(60, seed=2))
    for i in range(60):
        flags = ";".join(name for name in BINARY_LABELS if out[name][i] >= shipped.thresholds.get(name, 0.5))
        assert out["flags"][i] == flags
        assert out["stance"][i] == STANCES[int(np.argmax([out[f"stance_{s}"][i] for s in STANCES]))]
    assert any(out["flags"]) and len(set(out["stance"])) >= 1


def test_empty_batch(shipped):
    out = shipped.predict_rows([], [], [], [], np.zeros(0, dtype=np.float32))
    assert out["flags"] == [] and len(out["incivility"]) == 0
