"""Measure a model on labeled data, beside alt-profanity-check, with curves to look at.

`evaluate(model, frame)` returns the figures `moderate evaluate` prints: per binary label
precision, recall and F1 at the model's threshold, ROC-AUC and PR-AUC (average precision);
for stance accuracy, macro-F1 and the confusion matrix (from `training.evaluate_frame`, the
same code that fills the model card). When alt-profanity-check is available (imported here or
run by `apc_python`, see `baselines.py`) and the data has incivility labels, the same
incivility figures for it, at its own 0.5 threshold. `write_plots` draws precision-recall and
calibration curves per label (matplotlib, the optional `plots` extra).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .labels import BINARY_LABELS

APC_THRESHOLD = 0.5  # alt-profanity-check's predict() cut


@dataclass
class Evaluation:
    """Figures per tool (`moderation` first), notes on baselines, and the scores behind them."""

    rows: int
    metrics: dict[str, dict[str, dict]] = field(default_factory=dict)  # tool -> label -> figures
    notes: dict[str, str] = field(default_factory=dict)  # tool -> why it is missing / how it ran
    curves: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = field(default_factory=dict)  # label -> tool -> (y, p)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "metrics": self.metrics, "notes": self.notes}


def evaluate(model, frame, apc_python: str | None = None, baseline: bool = True) -> Evaluation:
    """Score `frame` (a training-style frame: `frames.sources_frame`) and measure every label
    it has; alt-profanity-check on incivility beside it unless `baseline` is False."""
    from .training import binary_metrics, evaluate_frame

    frame = frame.reset_index(drop=True)
    pred = model.predict(frame)
    result = Evaluation(rows=len(frame))
    result.metrics["moderation"] = evaluate_frame(model, frame, pred)
    for name in BINARY_LABELS:
        if name in result.metrics["moderation"]:
            mask = frame[name].notna().to_numpy()
            result.curves[name] = {"moderation": (frame[name].to_numpy()[mask].astype(int), pred[name].to_numpy()[mask])}
    if baseline and "incivility" in result.curves:
        from .baselines import APC_NAME, apc_scores

        mask = frame["incivility"].notna().to_numpy()
        apc = apc_scores(frame["text"][mask].tolist(), apc_python)
        result.notes[APC_NAME] = apc.note
        if apc.scores is not None:
            y = frame["incivility"].to_numpy()[mask].astype(int)
            p = np.asarray(apc.scores, dtype=float)
            result.metrics[APC_NAME] = {"incivility": binary_metrics(y, p, APC_THRESHOLD)}
            result.curves["incivility"][APC_NAME] = (y, p)
    return result


def write_plots(result: Evaluation, directory: str | Path, title: str = "") -> list[Path]:
    """One PNG per binary label in `directory`: the precision-recall curve and the
    calibration curve (10 quantile bins) of each tool. Returns the files written."""
    try:
        import matplotlib
    except ImportError:
        from .errors import ModerationError

        raise ModerationError("--plots needs matplotlib", hint="pip install 'moderation[plots]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve

    from .files import atomic_open

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for label, tools in result.curves.items():
        fig, (pr, cal) = plt.subplots(1, 2, figsize=(10, 4.2))
        for tool, (y, p) in tools.items():
            if len(set(y)) < 2:
                continue
            m = result.metrics[tool][label]
            precision, recall, _ = precision_recall_curve(y, p)
            pr.plot(recall, precision, label=f"{tool} (PR-AUC {m['pr_auc']:.3f})", drawstyle="steps-post")
            frac, mean = calibration_curve(y, p, n_bins=10, strategy="quantile")
            cal.plot(mean, frac, marker="o", label=tool)
        base = float(np.mean(next(iter(tools.values()))[0]))
        pr.axhline(base, color="grey", linestyle=":", label=f"chance ({base:.2f})")
        pr.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02), title=f"{label}: precision-recall")
        cal.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
        cal.set(xlabel="predicted probability", ylabel="observed share positive", xlim=(0, 1), ylim=(0, 1),
                title=f"{label}: calibration")
        for ax in (pr, cal):
            ax.legend(loc="lower left" if ax is pr else "upper left", fontsize=8)
            ax.grid(alpha=0.3)
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        path = out / f"{label}.png"
        with atomic_open(path, "wb") as fh:
            fig.savefig(fh, format="png", dpi=90, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written
