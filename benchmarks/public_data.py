"""Should the shipped model also learn from public datasets? Train with and without, measure both.

    python benchmarks/public_data.py [--data ../shared/data] [--configs labels,labels+fox,...]

Only datasets whose licence lets a fitted model ship are candidates (MIT / Apache-2.0):
fox_news_comments (MIT), wiki_context_toxicity (Apache-2.0), davidson_hate_offensive (MIT),
covid_vaccine_conspiracy_comments (MIT). Every configuration uses the shipped model's
hyperparameters (word+char n-grams, C from models/default/card.json) and prints, as measured:

- the held-out split of labels/ (ROC-AUC per binary label, stance macro-F1);
- fox_news_comments incivility ROC-AUC — by 5-fold cross-validation over its threads when the
  configuration trains on fox, so no thread is scored by a model that saw it;
- covid conspiracy ROC-AUC (5-fold CV when trained on it);
- rumoureval2017 test stance macro-F1 and semeval2016 off-topic ROC-AUC (never trained on:
  their licences do not allow shipping a model fitted on them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation.features import CommentFeaturizer  # noqa: E402
from moderation.frames import label_set_frame, table_frame  # noqa: E402
from moderation.labels import BINARY_LABELS  # noqa: E402
from moderation.training import _fits, _head, _known, _target, without_context  # noqa: E402


def public_frames(data: Path, seed: int) -> dict[str, pd.DataFrame]:
    """The shippable datasets as training frames; the large ones sampled (all of wiki's rare
    positives kept) so a fit stays within minutes on two cores."""
    rng = np.random.RandomState(seed)
    wiki = table_frame(data / "wiki_context_toxicity" / "wiki_context_toxicity.csv")
    pos = np.flatnonzero(wiki["incivility"].to_numpy() == 1)
    neg = rng.choice(np.flatnonzero(wiki["incivility"].to_numpy() == 0), 3000, replace=False)
    davidson = table_frame(data / "davidson_hate_offensive" / "davidson_hate_offensive.csv")
    return {
        "fox": table_frame(data / "fox_news_comments" / "fox_news_comments.csv"),
        "wiki": wiki.iloc[np.sort(np.concatenate([pos, neg]))].reset_index(drop=True),
        "davidson": davidson.iloc[np.sort(rng.choice(len(davidson), 3000, replace=False))].reset_index(drop=True),
        "covid": table_frame(data / "covid_vaccine_conspiracy_comments" / "covid_vaccine_conspiracy_comments.csv"),
    }


def fit(frame: pd.DataFrame, hyper: dict, heads: tuple[str, ...] = (*BINARY_LABELS, "stance")):
    """Featurizer and heads fitted as `training.train` fits them (context-free copies included),
    without its threshold search: these figures are rankings (ROC-AUC) and argmax stance."""
    frame = without_context(frame.reset_index(drop=True))[0]
    featurizer = CommentFeaturizer(hyper["text_config"]).fit(frame)
    X = featurizer.transform(frame)
    fitted = {}
    for name in heads:
        if _fits(frame, name):
            mask = _known(frame, name)
            weight = hyper.get("stance_class_weight") if name == "stance" else None
            fitted[name] = _head(name, hyper["C"].get(name, 1.0), 0, weight).fit(X[mask], _target(frame, name, mask))
    return featurizer, fitted


def proba(model, frame, name):
    featurizer, heads = model
    return heads[name].predict_proba(featurizer.transform(frame))[:, 1]


def cv_auc(base: pd.DataFrame, data: pd.DataFrame, name: str, hyper: dict, folds: int = 5) -> float:
    """ROC-AUC of `name` on `data` by grouped K-fold: each fold scored by a model trained on
    `base` plus the other folds of `data`."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    groups = data["group"].to_numpy()
    pred = np.zeros(len(data))
    for train_idx, test_idx in GroupKFold(n_splits=min(folds, len(set(groups)))).split(data, groups=groups):
        model = fit(pd.concat([base, data.iloc[train_idx]], ignore_index=True), hyper, heads=(name,))
        pred[test_idx] = proba(model, data.iloc[test_idx], name)
    return float(roc_auc_score(data[name].astype(int), pred))


def main() -> None:
    from sklearn.metrics import f1_score, roc_auc_score

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--labels", type=Path, default=REPO / "labels")
    parser.add_argument("--card", type=Path, default=REPO / "models" / "default" / "card.json")
    parser.add_argument("--configs", default="labels,labels+fox,labels+fox+wiki+davidson,labels+fox+wiki+davidson+covid")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hyper = json.loads(args.card.read_text(encoding="utf-8"))["hyperparameters"]
    train, test = label_set_frame(args.labels, "train"), label_set_frame(args.labels, "test")
    public = public_frames(args.data, args.seed)
    rumour = table_frame(args.data / "rumoureval2017" / "rumoureval2017_subtaskA.csv", where=["split==test", "is_source==0"])
    cqa = table_frame(args.data / "semeval2016_task3_cqa" / "semeval2016_task3_cqa_subtaskA.csv")
    print("config | rows | labels held-out ROC-AUC inc/con/off | labels stance macro-F1 | fox inc ROC-AUC | "
          "covid con ROC-AUC | rumoureval stance macro-F1 | semeval off ROC-AUC | seconds")
    for config in args.configs.split(","):
        t0 = time.time()
        parts = config.split("+")
        frame = pd.concat([train, *(public[p] for p in parts[1:])], ignore_index=True)
        model = fit(frame, hyper)
        featurizer, heads = model
        X_test = featurizer.transform(test)
        aucs = [roc_auc_score(test[n].astype(int), heads[n].predict_proba(X_test)[:, 1]) for n in BINARY_LABELS]
        stance_f1 = f1_score(test["stance"], heads["stance"].predict(X_test), average="macro")
        rest = pd.concat([train, *(public[p] for p in parts[1:] if p != "fox")], ignore_index=True)
        fox = cv_auc(rest, public["fox"], "incivility", hyper) if "fox" in parts else \
            roc_auc_score(public["fox"]["incivility"].astype(int), proba(model, public["fox"], "incivility"))
        rest = pd.concat([train, *(public[p] for p in parts[1:] if p != "covid")], ignore_index=True)
        covid = cv_auc(rest, public["covid"], "conspiracy", hyper) if "covid" in parts else \
            roc_auc_score(public["covid"]["conspiracy"].astype(int), proba(model, public["covid"], "conspiracy"))
        rumour_f1 = f1_score(rumour["stance"], heads["stance"].predict(featurizer.transform(rumour)), average="macro")
        cqa_auc = roc_auc_score(cqa["off_topic"].astype(int), proba(model, cqa, "off_topic"))
        print(f"{config} | {len(frame)} | {aucs[0]:.3f}/{aucs[1]:.3f}/{aucs[2]:.3f} | {stance_f1:.3f} | {fox:.3f} | "
              f"{covid:.3f} | {rumour_f1:.3f} | {cqa_auc:.3f} | {time.time() - t0:.0f}", flush=True)


if __name__ == "__main__":
    main()
