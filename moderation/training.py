"""Train the model: choose n-grams and regularisation by cross-validation over whole threads,
set each binary head's threshold where its out-of-fold F1 is best, fit on everything, and
measure on the held-out split.

Rows with a blank label train only the heads whose labels they have. The same frame and seed
give the same model: folds are by thread (GroupKFold, no shuffling), the solvers are
deterministic, and the seed is passed wherever randomness could enter.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .explain import baseline_record
from .features import CONTEXT_NAMES, TEXT_CONFIGS, CommentFeaturizer
from .labels import BINARY_LABELS, STANCES
from .model import FORMAT_VERSION, ModerationModel

C_GRID = (1.0, 4.0, 16.0)
STANCE_WEIGHTS = (None, "balanced")
FOLDS = 5
#: Context features a head may learn from. Incivility and conspiracy are properties of what the
#: comment itself says, so their heads see only features of the comment's own text. Where a
#: comment sits (its depth, whether the page had an article, how much it shares with its parent)
#: differs between the sites and datasets the labels come from, and heads allowed to see it
#: learned those differences: deep replies read as "never conspiratorial" and short ones as
#: civil, which does not carry over to another site's threads. Off-topic (about the article)
#: and stance (about the parent) need the relational features.
COMMENT_ONLY_CONTEXT = ("question_marks", "ends_with_question", "second_person", "has_quotes", "log_length",
                        "caps_ratio", "exclamations", "has_url", "armed_group_support")
HEAD_CONTEXT: dict[str, tuple[str, ...]] = {"incivility": COMMENT_ONLY_CONTEXT, "conspiracy": COMMENT_ONLY_CONTEXT,
                                            "off_topic": CONTEXT_NAMES, "stance": CONTEXT_NAMES}
# How training scales with the number of labeled rows (see `plan` for why): from
SINGLE_SPLIT_ROWS = 20_000  # rows on, one grouped hold-out split sets the thresholds, not five folds;
NEWTON_ROWS = 8_000  # rows on, newton-cg fits the heads, not lbfgs;
PARALLEL_ROWS = 2_000  # rows on, the fits run in worker processes, at most
PROCESSES = 2  # at once (each worker holds its own copy of its rows).
# Below all three (a few threads, as in tests) training is what it always was; labels/ (5.7k
# rows, the shipped model) only gains the worker processes, which change nothing but time.


THRESHOLD_RULES = {False: f"best F1 on out-of-fold predictions ({FOLDS}-fold, grouped by thread)",
                   True: f"best F1 on held-out predictions (one grouped split: the first of {FOLDS} folds by thread, "
                         f"from {SINGLE_SPLIT_ROWS:,} labeled rows on)"}


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Hyper:
    """What cross-validation chooses; fixed values skip the search (used to rebuild)."""

    text_config: str = "word+char"
    C: dict[str, float] = field(default_factory=lambda: {n: 1.0 for n in (*BINARY_LABELS, "stance")})
    stance_class_weight: str | None = None


@dataclass(frozen=True)
class Plan:
    """How a training set of a given size is fitted (`plan`)."""

    single_split: bool = False
    solver: str = "lbfgs"
    parallel: bool = False


def plan(n_labeled: int) -> Plan:
    """The rules by size, each with its constant above.

    Thresholds need out-of-fold predictions, not five folds at any size: from
    `SINGLE_SPLIT_ROWS` labeled rows on, one grouped split (the first of the five grouped folds,
    about a fifth of the rows, whole threads) leaves thousands of held-out predictions per label,
    plenty for a best-F1 threshold and for comparing settings, at a fifth of the fits. Below
    it a fifth would leave too few positives of the rarer labels, so all five folds are used.

    lbfgs's own bookkeeping costs O(history x coefficients) per step whatever the row count
    (half a million n-grams, four times that for the four-class stance head), and at tol=1e-3
    it stops far from the optimum (an objective 45% above newton-cg's for incivility at 30k
    rows). newton-cg reaches the optimum in a handful of Newton steps, 2-11x faster, with the
    same or better held-out quality on the labels/ test split at 10k and 30k rows
    (docs/training-speed.md). lbfgs stays below `NEWTON_ROWS` only so that models trained on
    sets the size of labels/ (the shipped model among them) do not change.

    Worker processes (`_fit_heads`) change nothing but time; below `PARALLEL_ROWS` starting
    them costs more than the fits.
    """
    return Plan(single_split=n_labeled >= SINGLE_SPLIT_ROWS, solver="newton-cg" if n_labeled >= NEWTON_ROWS else "lbfgs",
                parallel=n_labeled >= PARALLEL_ROWS)


def _head(C: float, seed: int, class_weight=None, solver: str = "lbfgs", start=None):
    """A head to fit; `start` (a LinearHead of the same classes) is where the solver begins."""
    from sklearn.linear_model import LogisticRegression

    head = LogisticRegression(C=float(C), solver=solver, max_iter=3000, tol=1e-3, random_state=seed,
                              class_weight=class_weight, warm_start=start is not None)
    if start is not None:
        head.coef_, head.intercept_ = start.coef_.copy(), start.intercept_.copy()
    return head


def _fit_one(name: str, C: float, weight, X, y, X_predict, start, seed: int, solver: str):
    """Fit one head (from `start` if given and of the same classes): the fitted head's
    coefficients, and with `X_predict` its predictions there (stance labels, or probabilities
    of the positive class) first: (predictions or None, LinearHead)."""
    from .heads import LinearHead

    if start is not None and not np.array_equal(start.classes_, np.unique(y)):
        start = None
    head = _head(C, seed, weight, solver, start).fit(X, y)
    pred = None if X_predict is None else (
        head.predict(X_predict) if name == "stance" else head.predict_proba(X_predict)[:, 1])
    return pred, LinearHead.from_estimator(head)


def _fit_heads(jobs: list[tuple], seed: int, how: Plan) -> list:
    """`_fit_one` for each (name, C, class weight, X, y, X_predict, start) job, results in job order.

    With `how.parallel` (from `PARALLEL_ROWS` labeled rows on) the fits run in `PROCESSES` worker
    processes (joblib): the fits are independent and deterministic, and the workers use this
    process's BLAS thread count, so where a fit runs changes nothing but the wall time (tests
    compare the bytes: the shipped model's rebuild, and in-process against workers). Tiny sets
    fit in this process: starting workers would cost more than the fits."""
    import os

    workers = min(PROCESSES, os.cpu_count() or 1, len(jobs))
    if not how.parallel or workers < 2:
        return [_fit_one(*job, seed, how.solver) for job in jobs]
    from joblib import Parallel, delayed, parallel_config
    from threadpoolctl import threadpool_info

    # The costliest fits first (most rows x classes), so that neither worker idles at the end.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][3].nnz * max(len(set(jobs[i][4])) - 1, 1))
    # joblib would give each worker one BLAS thread; the solvers' dot products over long vectors
    # then sum in another order than in this process and the model's last bits change. Workers
    # get this process's thread count, so a model is the same bytes wherever its heads were fit.
    threads = max([p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"] or [1])
    with parallel_config(backend="loky", inner_max_num_threads=threads):
        done = Parallel(n_jobs=workers)(delayed(_fit_one)(*jobs[i], seed, how.solver) for i in order)
    results: list = [None] * len(jobs)
    for i, result in zip(order, done):
        results[i] = result
    return results


def head_view(X, name: str):
    """The feature matrix as head `name` may see it: the context columns it must not learn from
    are zeroed (the context block is the matrix's last columns), so an L2-regularised fit gives
    them a coefficient of exactly 0 and scoring needs no per-head feature selection."""
    allowed = HEAD_CONTEXT.get(name, CONTEXT_NAMES)
    if len(allowed) == len(CONTEXT_NAMES):
        return X
    keep = np.ones(X.shape[1], dtype=X.dtype)
    first = X.shape[1] - len(CONTEXT_NAMES)
    keep[[first + i for i, n in enumerate(CONTEXT_NAMES) if n not in allowed]] = 0
    return X.multiply(keep).tocsr()


def head_views(X, names) -> dict:
    """`head_view` for each head; heads that see the same columns share one matrix."""
    by_columns: dict = {}
    for name in names:
        allowed = HEAD_CONTEXT.get(name, CONTEXT_NAMES)
        if allowed not in by_columns:
            by_columns[allowed] = head_view(X, name)
    return {name: by_columns[HEAD_CONTEXT.get(name, CONTEXT_NAMES)] for name in names}


def _known(frame, name):
    column = frame[name]
    return column.notna().to_numpy() if name == "stance" else ~np.isnan(column.to_numpy(dtype=float))


def _target(frame, name, mask):
    return frame[name][mask].to_numpy() if name == "stance" else frame[name][mask].to_numpy(dtype=int)


def _fits(frame, name) -> bool:
    mask = _known(frame, name)
    return mask.sum() >= 4 and len(set(_target(frame, name, mask))) >= 2


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability cut with the highest F1 on (out-of-fold) predictions; ties -> higher cut."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y, p)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    if len(f1) == 0:
        return 0.5
    best = np.flatnonzero(f1 >= f1.max() - 1e-12)[-1]
    return float(thresholds[best])


def _score(name, y, p) -> float:
    from sklearn.metrics import f1_score, roc_auc_score

    if name == "stance":
        return float(f1_score(y, p, average="macro", labels=list(STANCES), zero_division=0))
    return float(roc_auc_score(y, p)) if len(set(y)) > 1 else float("nan")


def threshold_folds(frame, single_split: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, held-out) row indices, grouped by thread: five folds (fewer if there are fewer
    threads), or with `single_split` only the first of them (see `plan`)."""
    from sklearn.model_selection import GroupKFold

    groups = frame["group"].to_numpy()
    n_splits = min(FOLDS, len(set(groups)))
    if n_splits < 2:
        return []
    folds = GroupKFold(n_splits=n_splits).split(frame, groups=groups)
    return [next(folds)] if single_split else list(folds)


def cross_validate(frame, seed: int = 0, fixed: Hyper | None = None, progress: Callable[[str], None] = _stderr,
                   how: Plan = Plan(), reuse: dict | None = None):
    """Out-of-fold predictions for every (text config, head, C): returns the chosen Hyper,
    the out-of-fold probabilities of the chosen settings, and the table of CV scores. With
    `fixed`, the grid is that one setting (its out-of-fold predictions still set thresholds).
    `how` (`plan`): the solver, worker processes, and whether one held-out split replaces the
    folds (rows outside it then have no prediction: NaN / None). `reuse`, if given, receives
    what the final fit can start from: "features": config -> (fitted featurizer, matrix of
    `frame`) with fixed settings, and with one split "starts": (config, head) -> the split's
    fitted head of the best setting."""
    configs = [fixed.text_config] if fixed else list(TEXT_CONFIGS)
    folds = threshold_folds(frame, how.single_split)
    if not folds:
        return Hyper(), {}, {}
    n_splits = len(folds)
    heads = [n for n in (*BINARY_LABELS, "stance") if _fits(frame, n)]
    if fixed:
        options = {n: [(fixed.C.get(n, 1.0), fixed.stance_class_weight if n == "stance" else None)] for n in heads}
    else:
        options = {n: [(C, None) for C in C_GRID] for n in heads}
        if "stance" in options:
            options["stance"] = [(C, w) for C in C_GRID for w in STANCE_WEIGHTS]
    oof: dict = {}
    scores: dict = {}
    best_per_config: dict = {}
    for config in configs:
        # Vocabulary and idf are fitted once per config on all rows, labels unseen, and each
        # fold slices the one matrix: fitting and featurising five times over was most of
        # training's time. The held-out fold's text shapes the idf a little; no label of it
        # reaches the heads, and its n-grams that no training row has get no weight.
        progress(f"cross-validation: {config} n-grams, featurising {len(frame):,} rows")
        featurizer = CommentFeaturizer(config).fit(frame)
        X = featurizer.transform(frame)
        if reuse is not None and len(configs) == 1:  # the final fit's very featurizer and matrix
            reuse.setdefault("features", {})[config] = (featurizer, X)
        views = head_views(X, heads)
        fitted: dict = {}
        for k, (train_idx, val_idx) in enumerate(folds, start=1):
            progress(f"cross-validation: {config} n-grams, fold {k}/{n_splits}")
            tr = frame.iloc[train_idx]
            jobs, keys = [], []
            held_out: dict = {}  # each distinct view's held-out rows, sliced once (heads share views)
            for name in heads:
                m_tr = _known(tr, name)
                y_tr = _target(tr, name, m_tr)
                if len(set(y_tr)) < 2:
                    continue
                # The head's training rows, one copy shared by all its settings' jobs (which are
                # all held until they run).
                X_fit = views[name][train_idx[m_tr]]
                X_va = held_out.get(id(views[name]))
                if X_va is None:
                    X_va = held_out[id(views[name])] = views[name][val_idx]
                for C, weight in options[name]:
                    jobs.append((name, C, weight, X_fit, y_tr, X_va, None))
                    keys.append((config, name, C, weight))
            for key, (pred, head) in zip(keys, _fit_heads(jobs, seed, how)):
                store = oof.setdefault(key, np.full(len(frame), None, dtype=object) if key[1] == "stance"
                                       else np.full(len(frame), np.nan))
                store[val_idx] = pred
                if how.single_split:
                    fitted[key] = head
        for key, pred in oof.items():
            if key[0] == config:
                scores[key] = _oof_score(frame, key[1], pred)
        best_per_config[config] = {name: _best_option(config, name, options[name], scores) for name in heads}
        if reuse is not None and how.single_split:  # where the final fits start: the best setting's split fit
            for name, best in best_per_config[config].items():
                if (config, name, *best) in fitted:
                    reuse.setdefault("starts", {})[(config, name)] = fitted[(config, name, *best)]
    mean = {config: float(np.nanmean([scores[(config, name, *best_per_config[config][name])] for name in heads]))
            for config in configs}
    chosen = max(configs, key=lambda c: mean[c])
    hyper = Hyper(chosen, {name: best_per_config[chosen][name][0] for name in heads},
                  best_per_config[chosen].get("stance", (1.0, None))[1])
    chosen_oof = {name: oof[(chosen, name, *best_per_config[chosen][name])] for name in heads}
    table = {"mean_score_by_text_config": mean,
             "chosen": {name: {"C": best_per_config[chosen][name][0], "score": scores[(chosen, name, *best_per_config[chosen][name])]}
                        for name in heads}}
    return hyper, chosen_oof, table


def _oof_score(frame, name: str, pred: np.ndarray) -> float:
    mask = _known(frame, name) & _present(pred)
    return _score(name, _target(frame, name, mask), pred[mask])


def _best_option(config: str, name: str, options: list, scores: dict):
    """The (C, class weight) with the best out-of-fold score; ties and NaN as `max` leaves them."""
    return max(options, key=lambda cw: np.nan_to_num(scores.get((config, name, *cw), -1), nan=-1))


def _present(values: np.ndarray) -> np.ndarray:
    """Which out-of-fold slots were filled (a fold may skip a head with one class)."""
    return np.array([v is not None and not (isinstance(v, float) and np.isnan(v)) for v in values])


def frame_sha256(frame) -> str:
    """Hash of the training rows as the model saw them (text, context, labels)."""
    columns = ["text", "parent_text", "article_text", "quotes", "depth", "group", *BINARY_LABELS, "stance"]
    data = frame[columns].astype(str).to_csv(index=False, lineterminator="\n").encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Precision, recall and F1 of `p >= threshold`; ROC-AUC and PR-AUC (average precision)
    of the ranking; None for the AUCs when `y` has one class only."""
    from sklearn.metrics import (
        average_precision_score,
        precision_recall_fscore_support,
        roc_auc_score,
    )

    y = np.asarray(y).astype(int)
    p = np.asarray(p, dtype=float)
    flagged = (p >= threshold).astype(int)
    prec, rec, f1, _ = precision_recall_fscore_support(y, flagged, average="binary", zero_division=0)
    both = len(set(y)) > 1
    return {"n": len(y), "positives": int(y.sum()), "threshold": float(threshold), "precision": float(prec),
            "recall": float(rec), "f1": float(f1),
            "roc_auc": float(roc_auc_score(y, p)) if both else None,
            "pr_auc": float(average_precision_score(y, p)) if both else None}


def evaluate_frame(model: ModerationModel, frame, pred=None) -> dict:
    """Per label: precision, recall, F1 at the model's threshold, ROC-AUC, PR-AUC; stance:
    accuracy, macro-F1 and the confusion matrix (rows = truth, columns = prediction).
    `pred` is `model.predict(frame)` when the caller already has it."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    pred = model.predict(frame) if pred is None else pred
    metrics: dict = {}
    for name in BINARY_LABELS:
        mask = ~np.isnan(frame[name].to_numpy(dtype=float))
        if mask.sum() == 0 or name not in model.heads:
            continue
        y = frame[name].to_numpy(dtype=float)[mask].astype(int)
        metrics[name] = binary_metrics(y, pred[name].to_numpy()[mask], model.thresholds[name])
    mask = frame["stance"].notna().to_numpy()
    if mask.sum() and "stance" in model.heads:
        y = frame["stance"][mask].to_numpy()
        p = pred["stance"].to_numpy()[mask]
        metrics["stance"] = {"n": int(mask.sum()), "accuracy": float(accuracy_score(y, p)),
                             "macro_f1": float(f1_score(y, p, average="macro", labels=list(STANCES), zero_division=0)),
                             "labels": list(STANCES),
                             "confusion": confusion_matrix(y, p, labels=list(STANCES)).tolist()}
    return metrics


def without_context(frame):
    """Copies of the rows that have an article or a parent, with that context taken away.

    Every labeled example comes with its article (ours, Fox News) or without any (COVID
    comments), so "is there an article?" separates the datasets and the heads learn each
    dataset's share of positives through the context features: a table of bare comments then
    scored every comment uncivil and conspiratorial. Training also on context-free copies shows
    the heads what the same comment is without its context. The copies keep incivility and
    conspiracy (a property of the comment itself) and drop off-topic and stance (which are about
    the article and the parent); they stay in their thread's group, so no fold sees a copy of a
    comment it is scored on.
    """
    import pandas as pd

    has_context = ((frame["article_text"].astype(str).str.strip() != "")
                   | (frame["parent_text"].astype(str).str.strip() != "")).to_numpy()
    copies = frame[has_context].copy()
    copies["article_text"] = ""
    copies["parent_text"] = ""
    copies["quotes"] = ""
    copies["off_topic"] = np.nan
    copies["stance"] = None
    return pd.concat([frame, copies], ignore_index=True), len(frame)


def train(frame, *, seed: int = 0, hyper: Hyper | None = None, heldout=None, sources: list[dict] | None = None,
          progress: Callable[[str], None] = _stderr) -> ModerationModel:
    """Fit a model on a training frame or a labels directory. With `hyper=None` the
    hyperparameters are chosen by cross-validation; thresholds always come from out-of-fold
    predictions."""
    import platform

    import scipy
    import sklearn

    from . import __version__

    if not hasattr(frame, "columns"):  # a labels directory: its train split, measured on its test split
        from .frames import label_set_frame

        directory = frame
        frame = label_set_frame(directory, "train")
        heldout = label_set_frame(directory, "test") if heldout is None else heldout
        sources = sources or [{"name": str(directory), "kind": "labels directory (train split)", "rows": len(frame)}]
    original = frame.reset_index(drop=True)
    frame, n_original = without_context(original)
    how = plan(n_original)
    reuse: dict = {}
    chosen, oof, cv_table = cross_validate(frame, seed, fixed=hyper, progress=progress, how=how, reuse=reuse)
    hyper = hyper or chosen
    thresholds = {}
    for name in BINARY_LABELS:
        if name in oof:  # chosen on the real rows only: the copies are a training device
            y, p = original[name].to_numpy(dtype=float), oof[name][:n_original].astype(float)
            mask = ~np.isnan(y) & ~np.isnan(p)
            thresholds[name] = best_f1_threshold(y[mask].astype(int), p[mask]) if mask.sum() else 0.5
    progress(f"fitting final model on {len(frame)} rows ({n_original} labeled, the rest context-free copies; "
             f"{hyper.text_config} n-grams)")
    features = reuse.get("features", {})
    if hyper.text_config in features:  # fitted on these very rows during cross-validation
        featurizer, X = features.pop(hyper.text_config)
    else:
        featurizer = CommentFeaturizer(hyper.text_config).fit(frame)
        X = featurizer.transform(frame)
    names = [name for name in (*BINARY_LABELS, "stance") if _fits(frame, name)]
    views = head_views(X, names)
    jobs = []
    for name in names:
        mask = _known(frame, name)
        weight = hyper.stance_class_weight if name == "stance" else None
        # With one held-out split, the final fit starts where that split's fit ended: the same
        # objective on a fifth more rows, so newton-cg needs two or three steps instead of seven.
        start = reuse.get("starts", {}).get((hyper.text_config, name))
        jobs.append((name, hyper.C.get(name, 1.0), weight, views[name][mask], _target(frame, name, mask), None,
                     start))
    heads = {name: head for name, (_, head) in zip(names, _fit_heads(jobs, seed, how))}
    for name in names:
        if name != "stance":
            thresholds.setdefault(name, 0.5)
    model = ModerationModel(featurizer, heads, thresholds)
    rows_per_label = {name: int(_known(original, name).sum()) for name in (*BINARY_LABELS, "stance")}
    model.card = {
        "format": FORMAT_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "versions": {"moderation": __version__, "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "scipy": scipy.__version__, "python": platform.python_version()},
        "seed": seed,
        "training_data_sha256": frame_sha256(original),
        "training_rows": n_original,
        "context_free_copies": len(frame) - n_original,
        "rows_per_label": rows_per_label,
        "sources": sources or [],
        "hyperparameters": {"text_config": hyper.text_config, "C": hyper.C,
                            "stance_class_weight": hyper.stance_class_weight,
                            "threshold_rule": THRESHOLD_RULES[how.single_split], "solver": how.solver},
        "thresholds": thresholds,
        "cross_validation": cv_table,
        # What explanations measure contributions against (see explain.py); the labeled rows
        # are the matrix's first rows, featurised already.
        "explain_baseline": baseline_record(X[:n_original, -len(CONTEXT_NAMES):].toarray()),
    }
    if heldout is not None and len(heldout):
        progress(f"measuring on {len(heldout)} held-out rows")
        model.card["heldout_metrics"] = evaluate_frame(model, heldout.reset_index(drop=True))
    return model
