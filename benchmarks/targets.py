"""The model's figures on real public data, beside alt-profanity-check, in one run.

    python benchmarks/targets.py [--model DIR] [--apc-python PYTHON] [--data ../shared/data]

Prints, as measured:
- incivility ROC-AUC on fox_news_comments: our model (as trained, not on fox) vs
  alt-profanity-check (run in the interpreter given by --apc-python, where it is installed;
  it is not a dependency of this project);
- stance macro-F1 and accuracy on rumoureval2017 split=test, our pipeline trained on the
  other splits (the shipped model cannot train on it: tweet text is research-use only);
- off-topic ROC-AUC on semeval2016_task3_cqa by 5-fold cross-validation over threads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation.baselines import apc_scores as _apc  # noqa: E402
from moderation.features import CommentFeaturizer  # noqa: E402
from moderation.frames import table_frame  # noqa: E402
from moderation.model import load_model  # noqa: E402
from moderation.training import _head  # noqa: E402

def apc_scores(python: str | None, texts: list[str]) -> np.ndarray | None:
    result = _apc(texts, python)
    if result.scores is None:
        print(f"alt-profanity-check {result.note}", file=sys.stderr)
        return None
    return np.array(result.scores)


def fit_head(train, label, C=1.0, weight=None):
    featurizer = CommentFeaturizer("word+char").fit(train)
    mask = train[label].notna().to_numpy()
    y = train[label][mask].to_numpy()
    head = _head(label, C, 0, weight).fit(featurizer.transform(train)[mask], y if label == "stance" else y.astype(int))
    return featurizer, head


def main() -> None:
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--apc-python", default=None, help="python with alt-profanity-check installed")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    rows = []

    fox = table_frame(args.data / "fox_news_comments" / "fox_news_comments.csv")
    model = load_model(args.model)
    ours = roc_auc_score(fox["incivility"], model.predict(fox)["incivility"])
    apc = apc_scores(args.apc_python, fox["text"].tolist())
    rows.append(("fox_news_comments", "incivility ROC-AUC", ours,
                 None if apc is None else roc_auc_score(fox["incivility"], apc), "> alt-profanity-check"))

    t = time.time()
    rumour = args.data / "rumoureval2017" / "rumoureval2017_subtaskA.csv"
    train = table_frame(rumour, where=["split!=test"])
    test = table_frame(rumour, where=["split==test"])
    featurizer, head = fit_head(train, "stance", C=1.0, weight="balanced")
    pred = head.predict(featurizer.transform(test))
    rows.append(("rumoureval2017 test", "stance macro-F1", f1_score(test["stance"], pred, average="macro"), None, ">= 0.45"))
    rows.append(("rumoureval2017 test", "stance accuracy", accuracy_score(test["stance"], pred), None, "(best 0.784)"))
    print(f"rumoureval: {time.time() - t:.0f}s", file=sys.stderr)

    t = time.time()
    cqa = table_frame(args.data / "semeval2016_task3_cqa" / "semeval2016_task3_cqa_subtaskA.csv")
    oof = np.zeros(len(cqa))
    for tr, va in GroupKFold(n_splits=5).split(cqa, groups=cqa["group"]):
        featurizer, head = fit_head(cqa.iloc[tr], "off_topic")
        oof[va] = head.predict_proba(featurizer.transform(cqa.iloc[va]))[:, 1]
    rows.append(("semeval2016_task3_cqa 5-fold", "off-topic ROC-AUC", roc_auc_score(cqa["off_topic"], oof), None, ">= 0.80"))
    print(f"semeval: {time.time() - t:.0f}s", file=sys.stderr)

    print(f"{'dataset':<30} {'metric':<20} {'ours':>6} {'alt-profanity-check':>20}  target")
    for data, metric, value, other, target in rows:
        print(f"{data:<30} {metric:<20} {value:>6.3f} {'' if other is None else f'{other:.3f}':>20}  {target}")


if __name__ == "__main__":
    main()
