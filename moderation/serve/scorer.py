"""Score one comment at a time for a live service, through the model's own arithmetic.

`ModerationModel.predict_rows` works on plain lists (no pandas, no scikit-learn), so one
comment costs about a millisecond; the service calls it with a batch of one. There is no second
copy of the featurizer to drift out of step with the batch path.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..labels import BINARY_LABELS, STANCES


@dataclass(frozen=True)
class Scores:
    """One comment's probabilities, flags over the model's thresholds, and stance."""

    labels: dict[str, float]
    stance: str
    stance_probs: dict[str, float]
    flags: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {**self.labels, "flags": ";".join(self.flags), "stance": self.stance,
                **{f"stance_{s}": p for s, p in self.stance_probs.items()}}


class FastScorer:
    """Scores single comments with a loaded `ModerationModel`."""

    def __init__(self, model) -> None:
        self.model = model
        self.thresholds = dict(model.thresholds)

    def score(self, text: str, *, parent: str = "", article: str = "", quotes: str = "", depth: int = 1) -> Scores:
        """Probabilities for one comment (`quotes`: the quoted passages joined by blank lines)."""
        row = self.model.predict_rows([text], [parent], [article], [quotes], [depth])
        labels = {name: float(row[name][0]) for name in BINARY_LABELS}
        stance_probs = {s: float(row[f"stance_{s}"][0]) if f"stance_{s}" in row else 0.0 for s in STANCES}
        stance = str(row["stance"][0]) if "stance" in row else STANCES[0]
        flags = tuple(f for f in str(row["flags"][0]).split(";") if f)
        return Scores(labels, stance, stance_probs, flags)
