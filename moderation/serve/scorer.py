"""Score one comment in about a millisecond, for a live service.

`ModerationModel.predict` is built for batches: it goes through pandas and scikit-learn's
input validation, about 13 ms of fixed cost per call, which caps one core at ~75 comments/s.
A moderation phase scores one comment per request, so this scorer computes the same numbers
directly from the fitted parts: the TF-IDF rows from each vectoriser's own analyzer,
vocabulary and idf, the context features as `features.CommentFeaturizer._context` computes
them, and each head's probabilities from its coefficients. The article's similarity vector is
computed once per article and cached.

Because this duplicates the featurizer's arithmetic, `FastScorer.verify` compares it with
`model.predict` on a set of varied comments; the service runs it at start-up and falls back
to the batch path (slower, never wrong) if the two disagree, e.g. after a change to
`features.py`.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from ..features import _SECOND_PERSON, _URL, _WORDS, CONTEXT_NAMES
from ..labels import BINARY_LABELS, STANCES

ARTICLE_CACHE = 512  # distinct articles whose similarity vectors stay in memory
TOLERANCE = 1e-4  # float32 vs float64 arithmetic differ by ~1e-7; anything near this is a bug


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


class _Tfidf:
    """One fitted TfidfVectorizer applied to a single document, without scikit-learn's
    per-call validation: analyzer -> counts -> (1 + log tf) x idf -> L2 norm."""

    def __init__(self, vectorizer) -> None:
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.size = len(self.vocabulary)
        if vectorizer.norm != "l2" or vectorizer.binary or not vectorizer.use_idf:
            raise ValueError("the fast scorer handles L2-normalised TF-IDF only")

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of the document's TF-IDF row (indices in no set order)."""
        get = self.vocabulary.get
        idx, tf = [], []
        for token, n in Counter(self.analyze(text)).items():  # counting in C, lookups per distinct n-gram
            j = get(token)
            if j is not None:
                idx.append(j)
                tf.append(n)
        if not idx:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        columns = np.array(idx, dtype=np.int64)
        counts = np.array(tf, dtype=np.float64)
        if self.sublinear:
            counts = np.log(counts) + 1.0
        values = counts * self.idf[columns]
        norm = math.sqrt(float(values @ values))
        return columns, (values / norm if norm > 0 else values)

    def row_map(self, text: str) -> dict[int, float]:
        """The row as {column: value}, for dot products between short rows."""
        columns, values = self.row(text)
        return dict(zip(columns.tolist(), values.tolist()))


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    """Dot product of two sparse rows given as {column: value}."""
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(v * get(j, 0.0) for j, v in a.items())


class FastScorer:
    """Scores single comments with a loaded `ModerationModel`'s fitted parts."""

    def __init__(self, model) -> None:
        self.model = model
        featurizer = model.featurizer
        self.blocks = [_Tfidf(v) for _, v in featurizer._blocks()]
        self.similarity = _Tfidf(featurizer.similarity_)
        self.offsets = []
        offset = 0
        for block in self.blocks:
            self.offsets.append(offset)
            offset += block.size
        self.context_offset = offset
        self.width = offset + len(CONTEXT_NAMES)
        # All heads' coefficients side by side, features as rows: one gather of a comment's
        # few non-zero rows and one product give every head's decision value.
        self.columns: list[tuple[str, str]] = []  # (head, class) per column of `weights`
        weights, intercepts = [], []
        for name in (*BINARY_LABELS, "stance"):
            head = model.heads.get(name)
            if head is None:
                continue
            coef = np.asarray(head.coef_, dtype=np.float64)
            if coef.shape[1] != self.width:
                raise ValueError(f"head {name} has {coef.shape[1]} coefficients, features are {self.width}")
            if name == "stance":
                if coef.shape[0] != len(head.classes_):
                    raise ValueError("the stance head is not multinomial")
                self.columns += [("stance", str(c)) for c in head.classes_]
            else:
                self.columns.append((name, ""))
            weights.append(coef.T)
            intercepts.append(np.asarray(head.intercept_, dtype=np.float64))
        self.weights = np.ascontiguousarray(np.hstack(weights))
        self.intercepts = np.concatenate(intercepts)
        self.stance_columns = [i for i, (h, _) in enumerate(self.columns) if h == "stance"]
        self.thresholds = dict(model.thresholds)
        self._articles: OrderedDict[str, dict[int, float]] = OrderedDict()

    # --- features --------------------------------------------------------------------
    def _article_vector(self, article: str) -> dict[int, float]:
        cached = self._articles.get(article)
        if cached is None:
            cached = self.similarity.row_map(article)
            self._articles[article] = cached
            if len(self._articles) > ARTICLE_CACHE:
                self._articles.popitem(last=False)
        else:
            self._articles.move_to_end(article)
        return cached

    def _context(self, text: str, parent: str, article: str, quotes: str, depth: int) -> np.ndarray:
        """The same 16 numbers as `CommentFeaturizer._context` for one row."""
        f = np.zeros(len(CONTEXT_NAMES), dtype=np.float32)
        c = self.similarity.row_map(text)
        p = self.similarity.row_map(parent) if parent else {}
        a = self._article_vector(article) if article else {}
        has_article = float(bool(article.strip()))
        has_parent = float(bool(parent.strip()))
        f[0] = has_article
        f[1] = _dot(c, a)
        f[2] = has_parent
        f[3] = _dot(c, p)
        f[4] = _dot(p, a) * has_parent
        f[5] = min(np.log1p(np.float32(depth)) / 3, 1)
        words = _WORDS.findall(text.lower())
        n = max(len(words), 1)
        letters = sum(map(str.isalpha, text)) or 1
        f[6] = min(text.count("?"), 3) / 3
        f[7] = text.rstrip().endswith("?")
        f[8] = parent.rstrip().endswith("?")
        f[9] = min(len(_SECOND_PERSON.findall(text)) / n * 5, 1.0)
        if parent and words:
            parent_words = set(_WORDS.findall(parent.lower()))
            f[10] = sum(w in parent_words for w in words) / n
        f[11] = bool(quotes)
        f[12] = min(np.log1p(len(text)) / 8, 1)
        f[13] = sum(map(str.isupper, text)) / letters
        f[14] = min(text.count("!"), 3) / 3
        f[15] = bool(_URL.search(text))
        return f

    def _features(self, text: str, parent: str, article: str, quotes: str, depth: int):
        indices, values = [], []
        for block, offset in zip(self.blocks, self.offsets):
            idx, val = block.row(text)
            indices.append(idx + offset)
            values.append(val.astype(np.float32).astype(np.float64))
        context = self._context(text, parent, article, quotes, depth)
        nz = np.flatnonzero(context)
        indices.append(nz + self.context_offset)
        values.append(context[nz].astype(np.float64))
        return np.concatenate(indices), np.concatenate(values)

    # --- scoring ---------------------------------------------------------------------
    def score(self, text: str, *, parent: str = "", article: str = "", quotes: str = "", depth: int = 1) -> Scores:
        """Probabilities for one comment (`quotes`: the quoted passages joined by blank lines)."""
        idx, val = self._features(text, parent, article, quotes, depth)
        z = val @ self.weights[idx] + self.intercepts
        labels = {name: float("nan") for name in BINARY_LABELS}
        stance_probs = {s: 0.0 for s in STANCES}
        for i, (head, _) in enumerate(self.columns):
            if head != "stance":
                labels[head] = float(1.0 / (1.0 + math.exp(-z[i]))) if z[i] >= 0 else float(math.exp(z[i]) / (1.0 + math.exp(z[i])))
        stance = STANCES[0]
        if self.stance_columns:
            zs = z[self.stance_columns]
            e = np.exp(zs - zs.max())
            for i, p in zip(self.stance_columns, e / e.sum()):
                if self.columns[i][1] in stance_probs:
                    stance_probs[self.columns[i][1]] = float(p)
            stance = STANCES[int(np.argmax([stance_probs[s] for s in STANCES]))]
        flags = tuple(n for n in BINARY_LABELS if labels[n] >= self.thresholds.get(n, 0.5))
        return Scores(labels, stance, stance_probs, flags)

    def verify(self, samples: list[dict] | None = None) -> float:
        """Largest probability difference from `model.predict` over varied comments (raises
        ValueError past TOLERANCE): the check that this copy of the featurizer's arithmetic
        still holds. Flags and stance follow from the probabilities."""
        import pandas as pd

        from ..frames import _typed

        rows = samples or _VERIFY_SAMPLES
        frame = pd.DataFrame([{**r, "group": "verify"} for r in rows])
        for name in (*BINARY_LABELS, "stance"):
            frame[name] = None
        expected = self.model.predict(_typed(frame))
        worst = 0.0
        for i, r in enumerate(rows):
            got = self.score(r["text"], parent=r["parent_text"], article=r["article_text"],
                             quotes=r["quotes"], depth=r["depth"]).as_dict()
            for col in (*BINARY_LABELS, *(f"stance_{s}" for s in STANCES)):
                worst = max(worst, abs(float(expected[col].iloc[i]) - float(got[col])))
        if worst > TOLERANCE:
            raise ValueError(f"fast scorer differs from model.predict by {worst:.2g}")
        return worst


_ARTICLE = ("Harbour ferry fares to rise 40% next spring\n\nThe operator says fuel and crew costs "
            "have doubled; the transport board will vote on a commuter pass in March.")
_VERIFY_SAMPLES = [
    {"text": "You are an idiot and so is everyone who agrees with you!!!", "parent_text": "", "article_text": _ARTICLE, "quotes": "", "depth": 1},
    {"text": "Wake up. The board WANTS the sailings empty so they can sell the terminal land.", "parent_text": "Fuel really has doubled though?", "article_text": _ARTICLE, "quotes": "", "depth": 2},
    {"text": "Does anyone remember the fish market? Great chowder. www.cheap-hops.example", "parent_text": "", "article_text": "", "quotes": "", "depth": 1},
    {"text": "Fine, but the riders here are nurses and school kids.", "parent_text": "Somebody has to pay for the fuel, either riders or taxpayers.", "article_text": _ARTICLE, "quotes": "Somebody has to pay for the fuel", "depth": 3},
    {"text": "", "parent_text": "", "article_text": "", "quotes": "", "depth": 1},
    {"text": "Ça coûte trop cher — 40 % d'un coup ? Non merci.", "parent_text": "", "article_text": _ARTICLE, "quotes": "", "depth": 5},
]
