"""`moderate train`: fit the model on labeled examples and write it atomically."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .app import app


@app.command()
def train(
    sources: Optional[list[Path]] = typer.Argument(None, help="Labels directories and/or label tables (CSV/JSONL). Default: labels/."),
    output: Path = typer.Option(Path("models/default"), "--output", "-o", help="Model directory to write (replaced atomically)."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same labels and seed give the same model file."),
    maps: list[str] = typer.Option([], "--map", help="Rename or threshold a column: incivility=toxicity>=0.5, off_topic=relevance==Bad."),
    where: list[str] = typer.Option([], "--where", help="Keep only table rows matching: split!=test, is_source==0."),
    search: bool = typer.Option(True, "--search/--no-search", help="Choose n-grams and C by cross-validation, or reuse the output model's."),
    compare: bool = typer.Option(False, "--compare", help="Print held-out metrics of the new model beside the current one at --output, then replace it."),
    restore: bool = typer.Option(False, "--restore", help="Train nothing: put back the model the last run replaced (<output>.previous)."),
) -> None:
    """Train the model on labeled examples; print held-out metrics; write the model atomically.

    A labels directory contributes its train split and is measured on its test split; tables
    train on all their rows (use --where to hold some out). The model replaced is kept as
    <output>.previous; `moderate train --restore` puts it back.
    """
    if restore:
        from ..model import previous_dir, restore_previous

        restore_previous(output)
        print(f"restored {output} from {previous_dir(output)} (run again to undo)", file=sys.stderr)
        return
    from ..frames import sources_frame
    from ..training import Hyper
    from ..training import train as fit

    sources = sources or [Path("labels")]
    frame, described = sources_frame(sources, "train", maps, where)
    heldout_dirs = [src for src in sources if src.is_dir()]
    heldout = sources_frame(heldout_dirs, "test")[0] if heldout_dirs else None
    hyper = None
    if not search:
        hyper = _hyper_from_card(output) or Hyper()
    model = fit(frame, seed=seed, hyper=hyper, heldout=heldout, sources=described)
    comparison = _compare(output, model, heldout) if compare else None
    model.save(output)
    print(f"wrote {output} (sha256 {model.card['model_sha256'][:12]}…)", file=sys.stderr)
    if comparison is not None:
        print(comparison)
        print(f"\nthe current model is kept as {output}.previous; `moderate train --restore --output {output}` puts it back",
              file=sys.stderr)
    else:
        print(_metrics_table(model.card.get("heldout_metrics", {})))


def _compare(output: Path, model, heldout) -> str:
    """Held-out metrics of the current model at `output` and the new one, side by side."""
    from ..errors import ModelError
    from ..model import load_model
    from ..training import evaluate_frame

    new = model.card.get("heldout_metrics", {})
    if heldout is None or not len(heldout):
        return "(no held-out data to compare on: pass a labels directory)\n" + _metrics_table(new)
    try:
        current_model = load_model(output)
    except ModelError as exc:
        return f"(no current model to compare with: {exc})\n" + _metrics_table(new)
    current = evaluate_frame(current_model, heldout.reset_index(drop=True))
    return comparison_table(current, new)


def comparison_table(current: dict, new: dict) -> str:
    """One line per label and metric: current, new, change."""
    lines = [f"{'label':<11} {'metric':<9} {'n':>5} {'current':>8} {'new':>8} {'change':>8}"]
    for name in [n for n in ("incivility", "conspiracy", "off_topic", "stance") if n in current or n in new]:
        c, m = current.get(name, {}), new.get(name, {})
        keys = ("accuracy", "macro_f1") if name == "stance" else ("precision", "recall", "f1", "roc_auc", "pr_auc")
        for key in keys:
            a, b = c.get(key), m.get(key)
            change = f"{b - a:+8.3f}" if a is not None and b is not None else f"{'':>8}"
            fmt = lambda v: f"{v:>8.3f}" if v is not None else f"{'-':>8}"  # noqa: E731
            lines.append(f"{name:<11} {key:<9} {m.get('n', c.get('n', 0)):>5} {fmt(a)} {fmt(b)} {change}")
    return "\n".join(lines)


def _hyper_from_card(directory: Path):
    import json

    from ..training import Hyper

    card = directory / "card.json"
    if not card.is_file():
        return None
    h = json.loads(card.read_text(encoding="utf-8")).get("hyperparameters", {})
    return Hyper(h.get("text_config", "word+char"), h.get("C", {}), h.get("stance_class_weight"))


def _metrics_table(metrics: dict) -> str:
    if not metrics:
        return "(no held-out data: pass a labels directory to measure)"
    lines = [f"{'label':<11} {'n':>5} {'prec':>6} {'recall':>6} {'F1':>6} {'ROC-AUC':>8} {'PR-AUC':>7}"]
    for name, m in metrics.items():
        if name == "stance":
            lines.append(f"{'stance':<11} {m['n']:>5}  accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}")
        else:
            lines.append(f"{name:<11} {m['n']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
                         f"{m['roc_auc'] or float('nan'):>8.3f} {m['pr_auc'] or float('nan'):>7.3f}")
    return "\n".join(lines)

