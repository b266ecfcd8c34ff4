"""`moderate evaluate`: a model's figures on labeled data, beside alt-profanity-check."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import app, emit


class EvaluateFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def evaluate(
    sources: Optional[list[Path]] = typer.Argument(None, help="Labels directories (their test split) and/or label tables (all rows). Default: labels/."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    maps: list[str] = typer.Option([], "--map", help="Rename or threshold a column: incivility=toxicity>=0.5, off_topic=relevance==Bad."),
    where: list[str] = typer.Option([], "--where", help="Keep only table rows matching: split==test, is_source==0."),
    plots: Optional[Path] = typer.Option(None, "--plots", help="Write precision-recall and calibration curves here as PNG (needs the plots extra)."),
    apc_python: Optional[str] = typer.Option(None, "--apc-python", help="A Python with alt-profanity-check installed, to run it beside ours."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Measure alt-profanity-check on incivility too."),
    format: EvaluateFormat = typer.Option(EvaluateFormat.table, "--format", "-f", help="table for people; json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
) -> None:
    """Measure the model on labeled data: precision, recall, F1, ROC-AUC and PR-AUC per label,
    stance accuracy, macro-F1 and confusion matrix; alt-profanity-check beside it on incivility."""
    from ..evaluation import evaluate as measure
    from ..evaluation import write_plots
    from ..frames import sources_frame
    from ..model import default_model_dir, load_model

    sources = sources or [Path("labels")]
    frame, described = sources_frame(sources, "test", maps, where)
    model = load_model(model_dir)
    print(f"evaluating on {len(frame)} rows", file=sys.stderr)
    result = measure(model, frame, apc_python=apc_python, baseline=baseline)
    if plots is not None:
        title = ", ".join(Path(d["name"]).name for d in described)
        for path in write_plots(result, plots, title=title):
            print(f"wrote {path}", file=sys.stderr)
    if format is EvaluateFormat.json:
        import json

        payload = {"model": str(model_dir or default_model_dir()), "sources": described, **result.as_dict()}
        emit(json.dumps(payload, indent=2) + "\n", output)
    else:
        emit(_table(result, described), output)


def _f(x) -> str:
    return "   -" if x is None else f"{x:.3f}"


def _table(result, described) -> str:
    lines = ["data: " + "; ".join(f"{d['name']} ({d['kind']}, {d['rows']} rows"
                                  + (", where " + " ".join(d["where"]) if d.get("where") else "")
                                  + (", map " + " ".join(d["map"]) if d.get("map") else "") + ")" for d in described)]
    binary = [(tool, label, m) for tool, labels in result.metrics.items() for label, m in labels.items() if label != "stance"]
    if binary:
        lines.append(f"{'label':<11} {'tool':<20} {'n':>6} {'pos':>6} {'thresh':>6} {'prec':>6} {'recall':>6} "
                     f"{'F1':>6} {'ROC-AUC':>7} {'PR-AUC':>7}")
        for tool, label, m in sorted(binary, key=lambda t: (list(result.curves).index(t[1]) if t[1] in result.curves else 9, t[0] != "moderation")):
            lines.append(f"{label:<11} {tool:<20} {m['n']:>6} {m['positives']:>6} {m['threshold']:>6.3f} {_f(m['precision']):>6} "
                         f"{_f(m['recall']):>6} {_f(m['f1']):>6} {_f(m['roc_auc']):>7} {_f(m['pr_auc']):>7}")
    stance = result.metrics.get("moderation", {}).get("stance")
    if stance:
        lines.append(f"stance      moderation           {stance['n']:>6}  accuracy {stance['accuracy']:.3f}  macro-F1 {stance['macro_f1']:.3f}")
        lines.append("  confusion matrix (rows = truth, columns = predicted):")
        lines.append(f"  {'':>8} " + " ".join(f"{s:>8}" for s in stance["labels"]))
        for s, row in zip(stance["labels"], stance["confusion"]):
            lines.append(f"  {s:>8} " + " ".join(f"{v:>8}" for v in row))
    if not binary and not stance:
        lines.append("(none of our labels in this data: map one with --map, e.g. --map incivility=toxic)")
    for tool, note in result.notes.items():
        if tool not in result.metrics:
            lines.append(f"{tool}: {note}")
    return "\n".join(lines) + "\n"
