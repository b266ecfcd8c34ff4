"""Inter-annotator agreement on the labeled set: a blind sample for a second labeler, and
Cohen's kappa per label between their labels and ours.

The sample carries what a labeler needs to apply the guidelines (the comment, its parent,
the article's headline and opening) and nothing of the first labels.
"""

from __future__ import annotations

import csv
import io
import random

from .errors import LabelError
from .labels import ALL_LABELS, LabelSet, parse_binary, parse_stance

SAMPLE_COLUMNS = ("thread", "comment_id", "article_title", "article_opening", "target", "parent_text", "text")


def blind_sample(label_set: LabelSet, share: float = 0.10, seed: int = 0) -> list[dict[str, str]]:
    """A random `share` of the labeled comments, in random order, without their labels."""
    rng = random.Random(seed)
    # Reviewed rows (reviewed.csv) have no thread file to show the article from; the study is of labels.csv.
    examples = sorted((e for e in label_set.examples if e.thread in label_set.threads), key=lambda e: (e.thread, e.comment_id))
    chosen = rng.sample(examples, max(1, round(len(examples) * share)))
    rows = []
    for e in chosen:
        thread = label_set.threads[e.thread]
        paragraphs = thread.article.body.split("\n\n")
        rows.append({
            "thread": e.thread,
            "comment_id": e.comment_id,
            "article_title": thread.article.title,
            "article_opening": "\n\n".join(paragraphs[:2]),
            "target": "parent comment" if e.parent_text else "article's main claim (top-level comment)",
            "parent_text": e.parent_text,
            "text": e.text,
        })
    return rows


def read_second_labels(text: str, source: str) -> dict[tuple[str, str], dict[str, object]]:
    """The second labeler's table: thread, comment_id and any of the label columns."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not {"thread", "comment_id"} <= set(reader.fieldnames):
        raise LabelError("needs columns thread and comment_id", path=source, line=1)
    out: dict[tuple[str, str], dict[str, object]] = {}
    for row in reader:
        labels: dict[str, object] = {}
        for name in ALL_LABELS:
            if name in row:
                try:
                    labels[name] = (parse_stance if name == "stance" else parse_binary)(row[name] or "")
                except ValueError as exc:
                    raise LabelError(f"{name} = {row[name]!r}: {exc}", path=source, line=reader.line_num) from None
        out[(row["thread"].strip(), row["comment_id"].strip())] = labels
    return out


def kappa_table(label_set: LabelSet, second: dict[tuple[str, str], dict[str, object]]) -> list[dict[str, object]]:
    """Per label: comments both labeled, raw agreement and Cohen's kappa."""
    from sklearn.metrics import cohen_kappa_score

    first = {(e.thread, e.comment_id): e.labels for e in label_set.examples}
    missing = [k for k in second if k not in first]
    if missing:
        raise LabelError(f"{len(missing)} row(s) name comments that are not in the labeled set, e.g. {missing[0]}")
    rows = []
    for name in ALL_LABELS:
        pairs = [(first[k][name], v[name]) for k, v in second.items()
                 if v.get(name) is not None and first[k][name] is not None]
        if not pairs:
            continue
        a, b = [str(x) for x, _ in pairs], [str(y) for _, y in pairs]
        agree = sum(x == y for x, y in zip(a, b)) / len(pairs)
        kappa = cohen_kappa_score(a, b) if len(set(a) | set(b)) > 1 else 1.0
        rows.append({"label": name, "n": len(pairs), "agreement": agree, "kappa": float(kappa)})
    return rows
