"""Score threads with a model: one output row per comment, in input order.

This is what `moderate score` prints and what `ModerationModel.score` returns: the comment's
identity, the three label probabilities, the flags over their thresholds, the most probable
stance and the four stance probabilities, then any columns the input carried that we do not
use, unchanged.
"""

from __future__ import annotations

from .frames import thread_rows
from .labels import BINARY_LABELS, STANCES
from .thread import Thread

IDENTITY_COLUMNS = ("thread_id", "id", "parent_id", "author", "text")
SCORE_COLUMNS = (*IDENTITY_COLUMNS, *BINARY_LABELS, "flags", "stance", *(f"stance_{s}" for s in STANCES))


def score_threads(model, threads: list[Thread], explain: bool = False):
    """A DataFrame of SCORE_COLUMNS (plus pass-through columns), one row per comment. With
    `explain`, an `explanation` column after `flags`: for each flag, the features that pushed
    it over the threshold (`explain.explanation_text`); empty for unflagged comments."""
    import pandas as pd

    from .frames import _typed

    rows, identity, extras = [], [], []
    for thread in threads:
        rows.extend(thread_rows(thread))
        for c in thread.comments:
            identity.append({"thread_id": thread.thread_id, "id": c.id, "parent_id": c.parent_id or "",
                             "author": c.author, "text": c.text})
            extras.append({k: v for k, v in c.extra.items() if k not in ("parent_text",)})
    if not rows:
        columns = list(SCORE_COLUMNS)
        return pd.DataFrame(columns=columns[:columns.index("flags") + 1] + ["explanation"] + columns[columns.index("flags") + 1:]
                            if explain else columns)
    frame = pd.DataFrame(rows)
    for name in (*BINARY_LABELS, "stance"):
        frame[name] = None
    frame = _typed(frame)
    scores = model.predict(frame)
    out = pd.concat([pd.DataFrame(identity), scores.reset_index(drop=True)], axis=1)
    out = out[[c for c in SCORE_COLUMNS if c in out.columns]]
    if explain:
        from .explain import explanation_text, explanations

        per_row = explanations(model, frame, [str(f).split(";") for f in out["flags"]])
        out.insert(out.columns.get_loc("flags") + 1, "explanation", [explanation_text(e) for e in per_row])
    passthrough = pd.DataFrame(extras)
    if not passthrough.empty:
        passthrough = passthrough[[c for c in passthrough.columns if c not in out.columns]]
        out = pd.concat([out, passthrough], axis=1)
    return out


def per_thread(threads: list[Thread], table):
    """(thread, its rows of the score table) for each thread: `score_threads` lays the table out
    thread after thread, comments in order."""
    start = 0
    for thread in threads:
        yield thread, table.iloc[start:start + len(thread.comments)]
        start += len(thread.comments)


def as_threads(obj) -> list[Thread]:
    """Accept a Thread, a list of Threads, a path, or a DataFrame of comments (`text` column)."""
    from pathlib import Path

    if isinstance(obj, Thread):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return list(obj)
    if isinstance(obj, (str, Path)):
        from .inputs import read_threads

        return read_threads(obj)
    if hasattr(obj, "to_csv"):
        from .tables import read_table

        return read_table(obj.to_csv(index=False), "<dataframe>")
    raise TypeError(f"cannot score a {type(obj).__name__}; pass a Thread, threads, a path or a DataFrame")
