"""Build the review sheet: the comments a moderator should look at, with the model's view and
empty columns for their decisions.

`build_review(threads, scores, model, …)` takes threads and their score table (as
`score_threads` returns it), so any source of scored comments (dumps, tables, a live service's
log) can feed it. Rows are every flagged comment plus, on request, the comments the model is
least sure about, which teach it most once labeled.

Order (most likely problems first): flagged comments by their highest probability among the
chosen labels, highest first; then the uncertain ones, most uncertain first; ties keep input
order. Uncertainty of a binary label is 1 at its threshold and falls to 0 at probability 0 or
1, linearly on each side; of the stance, 1 - top probability, scaled so a uniform guess is 1.
A comment's uncertainty is the largest over the chosen labels.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .labels import ALL_LABELS, BINARY_LABELS, STANCES
from .thread import Thread

#: The reviewer fills these in; an empty cell means "not reviewed", never "no".
DECISION_COLUMNS = (*ALL_LABELS, "reviewer", "note")
SCORE_NAMES = tuple(f"p_{name}" for name in BINARY_LABELS)
REVIEW_COLUMNS = ("review_id", "source", "thread_id", "id", "parent_id", "author", "depth", "article_title",
                  "parent_text", "text", "quotes", *SCORE_NAMES, "flags", "model_stance", "p_stance", "reason",
                  "explanation", *DECISION_COLUMNS)
PARENT_SHOWN = 200


def thread_key(source: str, thread_id: str) -> str:
    """Where a comment comes from, independent of the folder the file sits in:
    `<file name>#<thread id>`. Reviewed labels use it as their thread key (and split by it)."""
    return f"{Path(source).name if source not in ('', '-') else 'stdin'}#{thread_id}"


def review_id(key: str, comment_id: str, text: str) -> str:
    """A stable id for one comment: the same comment gives the same id in every run."""
    digest = hashlib.sha256(f"{key}\x1f{comment_id}\x1f{text}".encode("utf-8")).hexdigest()
    return "r" + digest[:16]


def shorten(text: str, limit: int = PARENT_SHOWN) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


@dataclass
class Sources:
    """Threads read from inputs, with the source each came from (for re-reading later)."""

    threads: list[Thread]
    sources: list[str]


def read_sources(files: Sequence[str], max_bytes: int | None = None, warn: Callable[[str], None] | None = None,
                 *, include_unapproved: bool = False, include_pingbacks: bool = False) -> Sources:
    """Every thread of every input, each with a thread id (a dump's file stem when it has none);
    WordPress comments left out by default come in with the two `include_` switches."""
    from .decision_log import is_decision_log, read_decisions
    from .inputs import iter_named

    threads, sources = [], []
    for f in files:
        # A `moderate serve` log (review --from-log made the sheet) re-reads as its decisions.
        if f != "-" and is_decision_log(f):
            found = [(f, t) for t in read_decisions(f)]
        else:
            found = iter_named([f], max_bytes=max_bytes, include_unapproved=include_unapproved,
                               include_pingbacks=include_pingbacks)
        for source, thread in found:
            thread.thread_id = thread.thread_id or Path(source).stem
            if warn:
                for w in thread.warnings:
                    warn(w)
            threads.append(thread)
            sources.append(source)
    return Sources(threads, sources)


class _ReusedFeatures:
    """Featurizer stand-in for one review run: scoring featurizes every comment once, and the
    explanations of the selected rows take those rows instead of featurizing them again (a
    quarter of the scoring time on a typical sheet). A row is reused only when the frame's
    index points at the same position and its text is the same; anything else is featurized."""

    whole_batch = True  # `predict_rows` hands it the batch in one piece, not in chunks or threads

    def __init__(self, inner) -> None:
        self.inner = inner
        self.blocks = None
        self.X = None
        self.texts: list[str] = []

    def transform_blocks(self, text, parent, article, quotes, depth):
        blocks = self.inner.transform_blocks(text, parent, article, quotes, depth)
        if self.blocks is None:
            self.blocks, self.texts = blocks, list(text)
        return blocks

    def transform(self, frame):
        if self.blocks is not None and len(frame):
            positions = frame.index.to_numpy()
            if positions.min() >= 0 and positions.max() < len(self.texts) and \
                    [self.texts[i] for i in positions] == frame["text"].tolist():
                if self.X is None:
                    from scipy.sparse import hstack

                    self.X = hstack(self.blocks, format="csr")
                return self.X[positions]
        return self.inner.transform(frame)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def reusing_features(model):
    """The model, featurizing each comment once across `score_threads` then `build_review`
    (same scores, same explanations). Use a fresh one per review run."""
    import dataclasses

    return dataclasses.replace(model, featurizer=_ReusedFeatures(model.featurizer))


def _uncertainty(scores, thresholds: dict[str, float], labels: Sequence[str]):
    """(per-row uncertainty in [0, 1], the label it comes from)."""
    import numpy as np

    n = len(scores)
    best = np.zeros(n)
    which = np.full(n, "", dtype=object)
    for name in labels:
        if name in BINARY_LABELS:
            p = scores[name].to_numpy(dtype=float)
            t = float(thresholds.get(name, 0.5))
            u = np.where(p < t, p / max(t, 1e-9), (1 - p) / max(1 - t, 1e-9))
        elif name == "stance" and "stance_support" in scores:
            top = scores[[f"stance_{s}" for s in STANCES]].to_numpy(dtype=float).max(axis=1)
            u = (1 - top) / (1 - 1 / len(STANCES))
        else:
            continue
        u = np.nan_to_num(np.clip(u, 0, 1), nan=0.0)
        better = u > best
        best = np.where(better, u, best)
        which[better] = name
    return best, which


def select_rows(scores, thresholds: dict[str, float], labels: Sequence[str] = ALL_LABELS,
                min_score: float | None = None, uncertain: int = 0, limit: int | None = None):
    """Positions (into `scores`) of the rows to review, in review order, with the reason for
    each and the labels its explanation should cover."""
    import numpy as np

    n = len(scores)
    binary = [name for name in labels if name in BINARY_LABELS]
    over = {name: scores[name].to_numpy(dtype=float) >= (min_score if min_score is not None else thresholds.get(name, 0.5))
            for name in binary}
    flagged = np.zeros(n, dtype=bool)
    top = np.zeros(n)
    for name in binary:
        flagged |= over[name]
        top = np.maximum(top, np.where(over[name], np.nan_to_num(scores[name].to_numpy(dtype=float)), 0))
    flagged_pos = np.flatnonzero(flagged)
    flagged_pos = flagged_pos[np.argsort(-top[flagged_pos], kind="stable")]
    prob = {name: scores[name].to_numpy(dtype=float) for name in BINARY_LABELS if name in scores}
    order, reasons, explain_labels = [], [], []
    for i in flagged_pos:
        names = [name for name in binary if over[name][i]]
        order.append(int(i))
        reasons.append("flagged: " + ", ".join(f"{name} {prob[name][i]:.2f}" for name in names))
        explain_labels.append(names)
    if uncertain > 0:
        cuts = {name: min_score for name in BINARY_LABELS} if min_score is not None else thresholds
        u, which = _uncertainty(scores, cuts, labels)
        u[flagged] = -1
        candidates = np.flatnonzero(u >= 0)
        candidates = candidates[np.argsort(-u[candidates], kind="stable")][:uncertain]
        for i in candidates:
            name = which[i]
            order.append(int(i))
            if name == "stance":
                guess = scores["stance"].iat[i] if "stance" in scores else ""
                top_p = scores[f"stance_{guess}"].iat[i] if f"stance_{guess}" in scores else float("nan")
                reasons.append(f"uncertain: stance {guess} {top_p:.2f}")
                explain_labels.append([])
            elif name:
                t = float(thresholds.get(name, 0.5)) if min_score is None else min_score
                reasons.append(f"uncertain: {name} {prob[name][i]:.2f} (threshold {t:.2f})")
                explain_labels.append([name])
            else:
                reasons.append("uncertain")
                explain_labels.append([])
    if limit is not None:
        order, reasons, explain_labels = order[:limit], reasons[:limit], explain_labels[:limit]
    return order, reasons, explain_labels


def build_review(threads: Sequence[Thread], scores, model, *, sources: Sequence[str] | None = None,
                 labels: Sequence[str] = ALL_LABELS, min_score: float | None = None, uncertain: int = 0,
                 limit: int | None = None, explain: bool = True, top: int = 5) -> list[dict[str, object]]:
    """The review sheet's rows (dicts keyed by REVIEW_COLUMNS), in review order. `scores` is
    `score_threads(model, threads)`: one row per comment, threads in order."""
    import pandas as pd

    from .frames import _typed, thread_rows

    sources = list(sources) if sources is not None else [t.source or "" for t in threads]
    where: list[tuple[int, int]] = [(ti, ci) for ti, t in enumerate(threads) for ci in range(len(t.comments))]
    if len(where) != len(scores):
        raise ValueError(f"scores have {len(scores)} rows for {len(where)} comments")
    thresholds = dict(getattr(model, "thresholds", {}) or {})
    order, reasons, explain_labels = select_rows(scores.reset_index(drop=True), thresholds, labels, min_score,
                                                 uncertain, limit)
    texts = [""] * len(order)
    if explain and order and any(explain_labels):
        from .explain import explanation_text, explanations

        context_rows = []
        cache: dict[int, list[dict]] = {}
        for pos in order:
            ti, ci = where[pos]
            if ti not in cache:
                cache[ti] = thread_rows(threads[ti])
            context_rows.append(cache[ti][ci])
        frame = pd.DataFrame(context_rows, index=order)  # index = position among all comments
        for name in ALL_LABELS:
            frame[name] = None
        per_row = explanations(model, _typed(frame), explain_labels, top=top)
        texts = [explanation_text(e) for e in per_row]
    stance_cols = [f"stance_{s}" for s in STANCES]
    has_stance = "stance" in scores and all(c in scores for c in stance_cols)
    rows = []
    records = scores.iloc[order].to_dict("records") if order else []
    key_of: dict[int, str] = {}
    for k, pos in enumerate(order):
        ti, ci = where[pos]
        thread, comment = threads[ti], threads[ti].comments[ci]
        parent = thread.parent(comment)
        parent_text = comment.extra.get("parent_text", "") if parent is None else "\n\n".join([*parent.quotes, parent.text])
        if ti not in key_of:
            key_of[ti] = thread_key(sources[ti], thread.thread_id)
        key = key_of[ti]
        s = records[k]
        row: dict[str, object] = {
            "review_id": review_id(key, comment.id, comment.text),
            "source": sources[ti], "thread_id": thread.thread_id, "id": comment.id,
            "parent_id": comment.parent_id or "", "author": comment.author, "depth": comment.depth,
            "article_title": thread.article.title or comment.extra.get("article_title", ""),
            "parent_text": shorten(parent_text), "text": comment.text, "quotes": "\n\n".join(comment.quotes),
            "flags": s.get("flags", ""), "reason": reasons[k], "explanation": texts[k],
        }
        for name in BINARY_LABELS:
            value = s.get(name)
            row[f"p_{name}"] = "" if value is None or pd.isna(value) else f"{float(value):.3f}"
        if has_stance and isinstance(s["stance"], str):
            row["model_stance"] = s["stance"]
            guess = s["stance"]
            row["p_stance"] = f"{float(s['stance_' + guess]):.3f}"
        rows.append(row)
    return rows


def review_csv(rows: list[dict[str, object]]) -> str:
    """The sheet as spreadsheet-safe CSV (see `moderation.spreadsheet`)."""
    from .spreadsheet import write_csv

    return write_csv(REVIEW_COLUMNS, rows)
