"""Model files: deterministic bytes, checked loading, clear errors for bad files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from moderation import ModelError
from moderation.model import load_model
from moderation.training import Hyper, best_f1_threshold, train

from .conftest import REPO, fast_hyper, first_train_threads

FAST = fast_hyper()


@pytest.fixture(scope="module")
def small_frame():
    return first_train_threads(8)


@pytest.fixture(scope="module")
def small_model(small_frame, tmp_path_factory):
    model = train(small_frame, seed=0, hyper=FAST, progress=lambda m: None)
    directory = tmp_path_factory.mktemp("model") / "m"
    model.save(directory)
    return directory


def test_same_labels_same_seed_same_bytes(small_frame, small_model, tmp_path):
    again = train(small_frame, seed=0, hyper=FAST, progress=lambda m: None)
    again.save(tmp_path / "m2")
    assert (tmp_path / "m2" / "model.npz").read_bytes() == (small_model / "model.npz").read_bytes()


def test_load_and_score_rows_without_context(small_model):
    model = load_model(small_model)
    from moderation import Article, Comment, Thread

    bare = Thread(comments=[Comment("1", None, "x", "You absolute clown, nobody asked you.")])
    scores = model.score(bare)
    assert list(scores.columns[:5]) == ["thread_id", "id", "parent_id", "author", "text"]
    assert 0 <= scores.loc[0, "incivility"] <= 1
    assert abs(scores.loc[0, [f"stance_{s}" for s in ("support", "deny", "query", "comment")]].sum() - 1) < 1e-6
    with_article = Thread(article=Article(title="Bus fares rise", body="Fares rise by 40%."), comments=bare.comments)
    assert model.score(with_article).shape[0] == 1


def test_card_records_provenance(small_model):
    card = json.loads((small_model / "card.json").read_text())
    assert set(card["versions"]) >= {"moderation", "scikit-learn", "numpy"}
    assert card["rows_per_label"]["stance"] > 0 and len(card["training_data_sha256"]) == 64
    assert set(card["thresholds"]) == {"incivility", "conspiracy", "off_topic"}


def test_corrupt_or_foreign_files_are_clear_errors(small_model, tmp_path):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(small_model, bad)
    data = bytearray((bad / "model.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "model.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its card") as err:
        load_model(bad)
    assert "moderate train" in str(err.value)
    card = json.loads((small_model / "card.json").read_text())
    shutil.copy(small_model / "model.npz", bad / "model.npz")
    card["format"] = 99
    (bad / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="format 99"):
        load_model(bad)
    with pytest.raises(ModelError, match="no model here"):
        load_model(tmp_path / "nowhere")


def test_failed_save_leaves_old_model(small_model, monkeypatch, tmp_path):
    import shutil

    target = tmp_path / "keep"
    shutil.copytree(small_model, target)
    before = (target / "model.npz").read_bytes()
    model = load_model(target)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("moderation.model.model_bytes", boom)
    with pytest.raises(OSError):
        model.save(target)
    assert (target / "model.npz").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".keep")]


def test_blank_labels_train_only_their_heads(small_frame):
    frame = small_frame.copy()
    frame["conspiracy"] = np.nan
    model = train(frame, seed=0, hyper=FAST, progress=lambda m: None)
    assert "conspiracy" not in model.heads and "incivility" in model.heads
    assert np.isnan(model.predict(frame.head(3))["conspiracy"]).all()


def test_best_f1_threshold():
    y = np.array([0, 0, 1, 1, 1])
    p = np.array([0.1, 0.6, 0.55, 0.8, 0.9])
    assert best_f1_threshold(y, p) == pytest.approx(0.55)


def test_explanations_name_terms_in_the_comment(small_model):
    import pandas as pd

    from moderation.frames import _typed

    model = load_model(small_model)
    text = "You absolute clown, nobody asked you, idiot."
    frame = _typed(pd.DataFrame([{"text": text, "parent_text": "", "article_text": "", "quotes": "", "depth": 1,
                                  "group": "g", "incivility": None, "conspiracy": None, "off_topic": None, "stance": None}]))
    (explained,) = model.explain(frame, top=8)
    terms = [name for name, weight in explained["incivility"]]
    assert terms and all(weight > 0 for _, weight in explained["incivility"])
    for name in terms:
        kind, term = name.split(":", 1)
        if kind == "word":
            assert term in text.lower()
        elif kind == "char":
            assert term.strip() in f" {text.lower()} "


def test_loaded_model_predicts_exactly_as_trained(small_frame, tmp_path):
    both = Hyper("word+char", FAST.C, "balanced")  # two text blocks: their order must survive the file
    model = train(small_frame, seed=0, hyper=both, progress=lambda m: None)
    model.save(tmp_path / "m")
    before = model.predict(small_frame).drop(columns=["flags", "stance"]).to_numpy(dtype=float)
    after = load_model(tmp_path / "m").predict(small_frame).drop(columns=["flags", "stance"]).to_numpy(dtype=float)
    assert np.allclose(before, after, atol=1e-6)


def test_context_free_copies_keep_comment_labels_and_drop_context_labels(small_frame):
    from moderation.training import without_context

    frame, n = without_context(small_frame)
    copies = frame.iloc[n:]
    assert n == len(small_frame) and len(copies) == len(small_frame)  # every labeled comment has its article
    assert (copies["article_text"] == "").all() and (copies["parent_text"] == "").all()
    assert copies["off_topic"].isna().all() and copies["stance"].isna().all()
    assert list(copies["incivility"]) == list(small_frame["incivility"])
    assert list(copies["group"]) == list(small_frame["group"])  # same fold as the original


def test_shipped_model_scores_bare_comments_sensibly():
    """Comments without article or parent (a bare table) are scored on their own words, not
    on which dataset lacked context: plain civil remarks stay unflagged, a bare insult and a
    bare conspiracy claim are flagged."""
    from moderation import Comment, Thread

    model = load_model()
    texts = ["The council should publish the budget before the vote.",
             "Great match last night and the keeper was superb.",
             "You are a pathetic idiot and everyone here knows it.",
             "Wake up, the vaccine is a government plot to track every one of us."]
    scores = model.score(Thread(comments=[Comment(str(i), None, "x", t) for i, t in enumerate(texts)]))
    flags = [set(filter(None, f.split(";"))) for f in scores["flags"]]
    assert flags[0] == set() and flags[1] <= {"off_topic"}
    assert "incivility" in flags[2] and "conspiracy" in flags[3]


def test_model_file_is_plain_arrays_that_load_without_pickle_or_scikit_learn(small_model):
    """The file is a zip of .npy arrays (no object arrays, so nothing to unpickle) and a JSON
    settings entry; a fresh interpreter loads and scores with it without importing
    scikit-learn (a third of a cold start)."""
    import subprocess
    import sys
    import zipfile

    with zipfile.ZipFile(small_model / "model.npz") as archive:
        names = archive.namelist()
        assert names[0] == "settings.json" and all(n.endswith(".npy") for n in names[1:])
        for name in names[1:]:
            header = archive.read(name)[:200]
            assert b"'descr': '|O'" not in header and b"<O" not in header
    code = ("import sys; from moderation.model import load_model; from moderation import Comment, Thread; "
            f"m = load_model({str(small_model)!r}); m.score(Thread(comments=[Comment('1', None, 'x', 'hello you')])); "
            "print('sklearn' in sys.modules, 'skops' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert out.split() == ["False", "False"]


def test_an_older_model_file_is_a_clear_error(small_model, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(small_model, old)
    (old / "model.npz").rename(old / "model.skops")
    with pytest.raises(ModelError, match="earlier version of moderation") as err:
        load_model(old)
    assert "moderate train" in str(err.value)


def test_comment_heads_learn_nothing_from_where_a_comment_sits(small_model):
    """Incivility and conspiracy see only features of the comment's own text: the same words
    score the same at depth 1 and depth 7, with or without an article and a parent."""
    from moderation import Article, Comment, Thread
    from moderation.features import CONTEXT_NAMES
    from moderation.training import HEAD_CONTEXT

    model = load_model(small_model)
    start = -len(CONTEXT_NAMES)
    for name in ("incivility", "conspiracy"):
        coef = dict(zip(CONTEXT_NAMES, model.heads[name].coef_[0, start:]))
        assert {n for n, c in coef.items() if c != 0} <= set(HEAD_CONTEXT[name])
        assert coef["log_depth"] == 0 and coef["has_article"] == 0 and coef["sim_parent"] == 0
    assert model.heads["off_topic"].coef_[0, start + CONTEXT_NAMES.index("sim_article")] != 0
    words = "They secretly fund the rebels, you fool, and everyone knows it."
    chain = [Comment("1", None, "a", "The ferry timetable changes next week.")]
    for depth in range(2, 8):
        chain.append(Comment(".".join(["1"] * depth), chain[-1].id, "a", "I disagree with that reading of it.", depth=depth))
    deep = Comment(".".join(["1"] * 8), chain[-1].id, "b", words, depth=8)
    nested = Thread(article=Article(title="Ferry timetable", body="The ferry timetable changes next week."),
                    comments=[*chain, deep])
    bare = Thread(comments=[Comment("1", None, "b", words)])
    deep_scores, bare_scores = model.score(nested).iloc[-1], model.score(bare).iloc[0]
    for name in ("incivility", "conspiracy"):
        assert deep_scores[name] == pytest.approx(bare_scores[name], abs=1e-6)
