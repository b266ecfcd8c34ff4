"""Run `moderate evaluate` on the held-out labels and every public dataset with one of our labels;
write docs/evaluation.md (each command with its output and plots) and print the README rows.

    python benchmarks/evaluate_all.py --apc-python PYTHON [--model DIR]

Run from anywhere; commands run from the repository root with ../shared beside it, one at a
time. Datasets the model learned from (its card's sources) are marked: their rows are scored
in-sample, so the cross-validated figures of benchmarks/targets.py and public_data.py are the
ones to quote for them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = [  # (name, data arguments, with alt-profanity-check, plots)
    ("labels", ["labels"], True, True),
    ("fox_news_comments", ["../shared/data/fox_news_comments/fox_news_comments.csv"], True, True),
    ("wiki_context_toxicity", ["../shared/data/wiki_context_toxicity/wiki_context_toxicity.csv"], True, True),
    ("davidson_hate_offensive", ["../shared/data/davidson_hate_offensive/davidson_hate_offensive.csv"], True, True),
    ("covid_vaccine_conspiracy_comments",
     ["../shared/data/covid_vaccine_conspiracy_comments/covid_vaccine_conspiracy_comments.csv"], False, True),
    ("semeval2016_task3_cqa", ["../shared/data/semeval2016_task3_cqa/semeval2016_task3_cqa_subtaskA.csv"], False, True),
    ("rumoureval2017 (test)", ["../shared/data/rumoureval2017/rumoureval2017_subtaskA.csv", "--where", "split==test"], False, False),
    ("rumoureval2017 (test, replies only)", ["../shared/data/rumoureval2017/rumoureval2017_subtaskA.csv", "--where",
                                            "split==test", "--where", "is_source==0"], False, False),
]


def moderate(args: list[str]) -> str:
    result = subprocess.run([sys.executable, "-m", "moderation", "evaluate", *args], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"moderate evaluate {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apc-python", required=True)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    card = json.loads((Path(args.model or REPO / "models" / "default") / "card.json").read_text(encoding="utf-8"))
    trained_on = {Path(s["name"]).name for s in card["sources"] if s["kind"] == "label table"}
    model = ["--model", args.model] if args.model else []
    doc = ["# Evaluation on real data", "",
           "`moderate evaluate` with the shipped model (`models/default`, trained on "
           + ", ".join(f"`{s['name']}`" for s in card["sources"]) + ") on the held-out split of `labels/` and on every "
           "dataset in `../shared/data/` with one of our labels, from the repository root, one at a time, on this "
           "2-core machine; made by `python benchmarks/evaluate_all.py --apc-python PYTHON`. alt-profanity-check "
           "ran from another environment (`--apc-python`: it pins an older scikit-learn than ours). Figures as "
           "printed; thresholds are the model's (alt-profanity-check: its own 0.5). PR-AUC is average precision; "
           "compare it with the share of positives (`pos / n`), which is what chance gets. The plots are "
           "precision–recall and calibration (10 quantile bins) curves.", ""]
    binary_rows, stance_rows = [], []
    for name, data, apc, plots in RUNS:
        slug = name.split(" ")[0]
        extra = (["--apc-python", args.apc_python] if apc else ["--no-baseline"]) + \
                (["--plots", f"docs/plots/{slug}"] if plots else [])  # noqa: E501
        table = moderate([*data, *model, *extra])
        baseline = ["--apc-python", args.apc_python] if apc else ["--no-baseline"]
        metrics = json.loads(moderate([*data, *model, *baseline, "--format", "json"]))["metrics"]
        figures = metrics["moderation"]
        apc_metrics = metrics.get("alt-profanity-check", {}).get("incivility")
        in_sample = any(Path(d).name in trained_on for d in data)
        title = name + (" — in the training data (scores are in-sample)" if in_sample else "")
        doc += [f"## {title}", "", "```console", f"$ moderate evaluate {shlex.join([*data, *model, *extra])}",
                table.rstrip(), "```", ""]
        if plots:
            doc += [f"![{slug} {label}](plots/{slug}/{label}.png)" for label in sorted(figures) if label != "stance"] + [""]
        shown = f"`{shlex.join(data)}`" + (" (trained on: in-sample)" if in_sample else "")
        for label, m in figures.items():
            if label == "stance":
                stance_rows.append(f"| {shown} | {m['n']} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} |")
                continue
            other = "" if not (apc and label == "incivility" and apc_metrics) else \
                f"{apc_metrics['f1']:.3f} / {apc_metrics['roc_auc']:.3f} / {apc_metrics['pr_auc']:.3f}"
            binary_rows.append(f"| {shown} | {label} | {m['n']} | {m['positives']} | {m['f1']:.3f} | {m['roc_auc']:.3f} | "
                               f"{m['pr_auc']:.3f} | {other} |")
        print(f"done: {name}", file=sys.stderr, flush=True)
    (REPO / "docs" / "evaluation.md").write_text("\n".join(doc), encoding="utf-8")
    print("| data | label | n | pos | ours F1 | ours ROC-AUC | ours PR-AUC | alt-profanity-check F1 / ROC-AUC / PR-AUC |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(binary_rows))
    print()
    print("| data | stance n | accuracy | macro-F1 |")
    print("|---|---|---|---|")
    print("\n".join(stance_rows))


if __name__ == "__main__":
    main()
