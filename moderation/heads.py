"""A fitted logistic-regression head as plain arrays: what scoring needs, without scikit-learn.

Training fits scikit-learn's LogisticRegression; a model file keeps only its coefficients,
intercepts and classes, and scoring computes the probabilities itself (a sparse product and a
sigmoid or softmax), so `moderate score` never imports scikit-learn: a third of its start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class LinearHead:
    """`coef_` is (1, n_features) for a binary head, (n_classes, n_features) for a
    multinomial one, as scikit-learn lays them out."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray

    @classmethod
    def from_estimator(cls, estimator) -> LinearHead:
        return cls(np.asarray(estimator.coef_, dtype=np.float64), np.asarray(estimator.intercept_, dtype=np.float64),
                   np.asarray(estimator.classes_))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        classes = self.classes_
        if classes.dtype.kind == "O":
            classes = classes.astype(str)
        return {f"{prefix}.coef": self.coef_, f"{prefix}.intercept": self.intercept_, f"{prefix}.classes": classes}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> LinearHead:
        classes = arrays[f"{prefix}.classes"]
        if classes.dtype.kind == "U":
            classes = classes.astype(object)
        return cls(arrays[f"{prefix}.coef"], arrays[f"{prefix}.intercept"], classes)


def probabilities(scores: np.ndarray) -> np.ndarray:
    """Decision values (rows x 1 for a binary head, rows x classes otherwise) -> class
    probabilities as scikit-learn computes them: sigmoid for two classes, softmax for more."""
    if scores.shape[1] == 1:
        positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


class StackedHeads:
    """Every head's coefficients side by side, one column per decision value: one pass over
    the feature matrix (block by block, never stacked) scores all heads at once."""

    def __init__(self, heads: dict[str, LinearHead]) -> None:
        self.slices: dict[str, slice] = {}
        start = 0
        for name, head in heads.items():
            self.slices[name] = slice(start, start + head.coef_.shape[0])
            start += head.coef_.shape[0]
        self.weights = np.ascontiguousarray(np.hstack([h.coef_.T for h in heads.values()])) if heads else np.zeros((0, 0))
        self.intercepts = np.concatenate([h.intercept_ for h in heads.values()]) if heads else np.zeros(0)

    def predict_proba(self, blocks: list) -> dict[str, np.ndarray]:
        """Head name -> its class probabilities, from the feature matrix's column blocks."""
        n = blocks[0].shape[0]
        scores = np.tile(self.intercepts, (n, 1))
        offset = 0
        for block in blocks:
            width = block.shape[1]
            scores += block @ self.weights[offset:offset + width]
            offset += width
        return {name: probabilities(scores[:, part]) for name, part in self.slices.items()}
