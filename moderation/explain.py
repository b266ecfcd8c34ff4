"""Why a comment was flagged: the features that pushed its score over the threshold.

Each binary head is a logistic regression, so its log-odds are exactly
`intercept + sum_j coef_j * x_j`. Measured from zero, that sum is dominated by context
features every comment has (a reply's `is a reply`, its length), which explain nothing about
*this* comment. So contributions are measured against a typical comment instead:

    contribution_j = coef_j * (x_j - baseline_j)

where the baseline is the mean feature vector of the comments the model was trained on
(recorded in the model card as `explain_baseline` for the context features; a word or
character n-gram's mean TF-IDF weight over comments is close to zero, so its baseline is 0).
The contributions then add up to "this comment's log-odds minus a typical comment's", and
the rule for what is shown is:

- word and character n-grams **present in the comment** (TF-IDF weight > 0) with a positive
  contribution: these are always terms the comment actually contains;
- context features whose contribution is positive, i.e. whose value pushes the score up
  *compared to a typical comment* (a reply that shares no words with the article pushes
  off_topic up as "low similarity to article"; being a reply at all does not);
- a comment without a parent (or without an article) has 0 for every feature that needs one
  (similarity to parent, …); those contributions are added to `top-level comment` (or `no
  article`) rather than shown as `low similarity to parent`, which would read as a finding;
- "has an article" is never shown as a reason (it is how the comment came, not what it says);
- largest first, at most `top` per label.

Absent n-grams are never shown (the absence of "thanks" is not a reason a moderator can act on).
A model without a recorded baseline (trained before it was recorded) uses the mean context
features of the comments being explained instead, which makes its explanations depend on the
batch; retrain to record one.
"""

from __future__ import annotations

import numpy as np

from .features import CONTEXT_NAMES

#: Per context feature: its name when its value is above the typical comment's, and below.
CONTEXT_LABELS: dict[str, tuple[str, str]] = {
    "has_article": ("has an article", "no article"),
    "sim_article": ("similarity to article", "low similarity to article"),
    "has_parent": ("is a reply", "top-level comment"),
    "sim_parent": ("similarity to parent", "low similarity to parent"),
    "parent_sim_article": ("parent's similarity to article", "parent strays from article"),
    "log_depth": ("deep in the thread", "near the top of the thread"),
    "question_marks": ("question marks", "no question marks"),
    "ends_with_question": ("ends with a question", "does not end with a question"),
    "parent_is_question": ("answers a question", "parent is not a question"),
    "second_person": ("second-person address (you)", "little second-person address"),
    "quoted_overlap": ("repeats the parent's words", "few of the parent's words"),
    "has_quotes": ("quotes the parent", "no quote"),
    "log_length": ("long comment", "short comment"),
    "caps_ratio": ("capital letters", "few capital letters"),
    "exclamations": ("exclamation marks", "no exclamation marks"),
    "has_url": ("contains a link", "no link"),
    "armed_group_support": ("says someone supplies or moves an armed group", "no armed group supplied"),
}
BASELINE_KEY = "explain_baseline"


def context_baseline(model, frame=None) -> np.ndarray:
    """The typical comment's context features: the card's, else the mean over `frame`."""
    recorded = (getattr(model, "card", None) or {}).get(BASELINE_KEY, {}).get("context")
    if recorded:
        return np.array([float(recorded.get(n, 0.0)) for n in CONTEXT_NAMES], dtype=np.float64)
    if frame is None or len(frame) == 0:
        return np.zeros(len(CONTEXT_NAMES))
    return np.asarray(model.featurizer.context(frame), dtype=np.float64).mean(axis=0)


def baseline_record(context) -> dict:
    """What training stores in the card: mean context features over the training rows
    (`context`: their context feature columns)."""
    means = np.asarray(context, dtype=np.float64).mean(axis=0)
    return {"rule": "mean feature values of the training comments (n-grams: 0)",
            "context": {n: round(float(v), 6) for n, v in zip(CONTEXT_NAMES, means)}}


def readable(feature: str, above: bool = True) -> str:
    """`word:you idiot` -> `"you idiot"`, `char:idi` -> `char "idi"`, `context:sim_article`
    -> `similarity to article` (or its `low …` form when the value is below typical)."""
    kind, _, name = feature.partition(":")
    if kind == "word":
        return f'"{name}"'
    if kind == "char":
        return f'char "{name}"'
    if kind == "context" and name in CONTEXT_LABELS:
        return CONTEXT_LABELS[name][0 if above else 1]
    return feature


def explanations(model, frame, labels_per_row: list[list[str]], top: int = 5) -> list[dict[str, list[tuple[str, float]]]]:
    """Per row of `frame` (a `frames.thread_rows` frame), for each label asked for in
    `labels_per_row[i]` that the model has a binary head for: up to `top` (readable feature,
    contribution to the log-odds) pairs that pushed the score up, largest first (see the
    module docstring for the rule). Rows with no labels asked for get `{}`."""
    if len(labels_per_row) != len(frame):
        raise ValueError(f"labels_per_row has {len(labels_per_row)} rows, frame has {len(frame)}")
    wanted = [i for i, labels in enumerate(labels_per_row) if any(labels)]
    result: list[dict[str, list[tuple[str, float]]]] = [{} for _ in labels_per_row]
    if not wanted:
        return result
    sub = frame.iloc[wanted]
    X = model.featurizer.transform(sub).tocsr()
    names = model.featurizer.feature_names()
    n_text = len(names) - len(CONTEXT_NAMES)
    base = context_baseline(model, frame)
    for k, i in enumerate(wanted):
        start, end = X.indptr[k], X.indptr[k + 1]
        idx, val = X.indices[start:end], X.data[start:end].astype(np.float64)
        text_mask = idx < n_text
        t_idx, t_val = idx[text_mask], val[text_mask]
        context = np.zeros(len(CONTEXT_NAMES))
        c_idx = idx[~text_mask] - n_text
        context[c_idx] = val[~text_mask]
        for label in dict.fromkeys(l for l in labels_per_row[i] if l):
            head = model.heads.get(label)
            if head is None or label == "stance":
                continue
            coef = head.coef_[0]
            contrib = coef[t_idx] * t_val
            keep = np.flatnonzero(contrib > 0)
            if len(keep) > top:  # only the `top` largest can be shown: name just those (and ties)
                keep = keep[contrib[keep] >= np.partition(contrib[keep], -top)[-top]]
            pairs = [(readable(names[t_idx[j]]), float(contrib[j])) for j in keep]
            delta = _fold(coef[n_text:] * (context - base), context)
            pairs += [(readable(f"context:{CONTEXT_NAMES[j]}", context[j] >= base[j]), float(delta[j]))
                      for j in np.flatnonzero(delta > 0) if not (j == _HAS_ARTICLE and context[j] >= base[j])]
            pairs.sort(key=lambda p: (-p[1], p[0]))
            result[i][label] = pairs[:top]
    return result


_INDEX = {n: i for i, n in enumerate(CONTEXT_NAMES)}
#: "Has an article" is how the comment was given, not something it does: every comment on a
#: moderator's site has one (the model also trains on context-free copies, so the feature is
#: not constant). It still counts in the score; it is never shown as a reason.
_HAS_ARTICLE = _INDEX["has_article"]
#: Features that are 0 only because there is no parent (or no article): without one, their
#: contribution belongs to "top-level comment" (or "no article"), not to "low similarity".
_NEEDS = {"has_parent": ("sim_parent", "parent_sim_article", "parent_is_question", "quoted_overlap"),
          "has_article": ("sim_article", "parent_sim_article")}


def _fold(delta: np.ndarray, context: np.ndarray) -> np.ndarray:
    delta = delta.copy()
    for owner, dependents in _NEEDS.items():
        if context[_INDEX[owner]] == 0:
            for name in dependents:
                delta[_INDEX[owner]] += delta[_INDEX[name]]
                delta[_INDEX[name]] = 0.0
    return delta


def explanation_text(per_label: dict[str, list[tuple[str, float]]]) -> str:
    """One line: `incivility: "idiot" +1.21, "you" +0.40; conspiracy: …` (log-odds)."""
    parts = []
    for label, pairs in per_label.items():
        if pairs:
            parts.append(f"{label}: " + ", ".join(f"{name} {value:+.2f}" for name, value in pairs))
    return "; ".join(parts)
