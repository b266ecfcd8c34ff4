"""Features: what the comment says (TF-IDF), and how it relates to what it answers.

Text is vectorised once per comment and the same matrix feeds every head. N-grams are chosen
by cross-validation among word, character and both (`TEXT_CONFIGS`): word n-grams carry
meaning ("source?", "wake up"), character n-grams survive the typos, leetspeak and ALL CAPS of
real comment sections; `training.py` picks whichever scores best on held-out threads.

Context features give the heads the target, not only the comment (Perspective's OFF_TOPIC
attribute was withdrawn as noise because it never saw the article): similarity to the article
and to the parent, the parent's own similarity to the article (drift propagates down a
sub-thread), depth, questions, second-person address, quoting, length and shouting. A comment
with no article or parent still scores: those features are 0 and a flag says so.
"""

from __future__ import annotations

import re

import numpy as np

TEXT_CONFIGS: dict[str, dict[str, dict]] = {
    "word": {"word": {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2}},
    "char": {"char": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2}},
    "word+char": {"word": {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2},
                  "char": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2}},
}
MAX_FEATURES = {"word": 200_000, "char": 300_000}
CONTEXT_NAMES = (
    "has_article", "sim_article", "has_parent", "sim_parent", "parent_sim_article", "log_depth",
    "question_marks", "ends_with_question", "parent_is_question", "second_person", "quoted_overlap",
    "has_quotes", "log_length", "caps_ratio", "exclamations", "has_url",
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|you're|youre|yourself|u|ur|ya)\b", re.I)
_URL = re.compile(r"https?://|www\.|\.(?:com|net|org|io|example)\b", re.I)
_WORDS = re.compile(r"\w+")
SIMILARITY = "similarity"  # the name of the similarity vectoriser in a saved state


def _tfidf(params: dict, kind: str):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, lowercase=True, dtype=np.float32,
                           max_features=MAX_FEATURES[kind], **params)


def _row_cosine(a, b) -> np.ndarray:
    """Cosine similarity of matching rows of two L2-normalised sparse matrices."""
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


class CommentFeaturizer:
    """Fit on a training frame (columns of `frames.CONTEXT_COLUMNS`); transform any frame into
    one sparse matrix shared by all heads. Holds only scikit-learn objects and plain data, so
    it is saved as its `state()` and rebuilt with `from_state()`: nothing custom to unpickle."""

    def __init__(self, text_config: str = "word+char") -> None:
        self.text_config = text_config

    def fit(self, frame) -> "CommentFeaturizer":
        texts = frame["text"].tolist()
        self.text_vectorizers_ = {kind: _tfidf(params, kind).fit(texts)
                                  for kind, params in TEXT_CONFIGS[self.text_config].items()}
        # Similarity vocabulary: single words of comments and articles, English stop words out.
        from sklearn.feature_extraction.text import TfidfVectorizer

        corpus = texts + list(dict.fromkeys(t for t in frame["article_text"] if t))
        self.similarity_ = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1,
                                           max_features=100_000, dtype=np.float32).fit(corpus)
        return self

    def _unique_transform(self, texts):
        """Vectorise repeated texts (an article under every comment) once each."""
        import pandas as pd

        codes, uniques = pd.factorize(pd.Series(texts, dtype="object"), sort=False)
        return self.similarity_.transform(list(uniques))[codes]

    def _context(self, frame) -> np.ndarray:
        text = frame["text"].tolist()
        parent = frame["parent_text"].tolist()
        article = frame["article_text"].tolist()
        quotes = frame["quotes"].tolist()
        c = self.similarity_.transform(text)
        p = self._unique_transform(parent)
        a = self._unique_transform(article)
        has_article = np.array([bool(t.strip()) for t in article], dtype=np.float32)
        has_parent = np.array([bool(t.strip()) for t in parent], dtype=np.float32)
        features = np.zeros((len(text), len(CONTEXT_NAMES)), dtype=np.float32)
        features[:, 0] = has_article
        features[:, 1] = _row_cosine(c, a)
        features[:, 2] = has_parent
        features[:, 3] = _row_cosine(c, p)
        features[:, 4] = _row_cosine(p, a) * has_parent
        features[:, 5] = np.minimum(np.log1p(frame["depth"].to_numpy(dtype=np.float32)) / 3, 1)
        for i, (t, pt, q) in enumerate(zip(text, parent, quotes)):
            words = _WORDS.findall(t.lower())
            n = max(len(words), 1)
            letters = sum(map(str.isalpha, t)) or 1  # map: the same count, a third of the time
            features[i, 6] = min(t.count("?"), 3) / 3
            features[i, 7] = t.rstrip().endswith("?")
            features[i, 8] = pt.rstrip().endswith("?")
            features[i, 9] = min(len(_SECOND_PERSON.findall(t)) / n * 5, 1.0)
            if pt and words:
                parent_words = set(_WORDS.findall(pt.lower()))
                features[i, 10] = sum(w in parent_words for w in words) / n
            features[i, 11] = bool(q)
            features[i, 12] = min(np.log1p(len(t)) / 8, 1)
            features[i, 13] = sum(map(str.isupper, t)) / letters
            features[i, 14] = min(t.count("!"), 3) / 3
            features[i, 15] = bool(_URL.search(t))
        return features

    def transform(self, frame):
        from scipy.sparse import csr_matrix, hstack

        from . import char_ngrams

        texts = frame["text"].tolist()
        blocks = [char_ngrams.transform(v, texts, self._word_cache(kind)) if char_ngrams.supports(v) else v.transform(texts)
                  for kind, v in self._blocks()]
        # Every context feature is in [0, 1] with 0 meaning "absent", unscaled and uncentred:
        # a missing parent or URL contributes nothing, and coefficient x value explains a score.
        blocks.append(csr_matrix(self._context(frame)))
        return hstack(blocks, format="csr", dtype=np.float32)

    def _word_cache(self, kind: str) -> dict[str, list[int]]:
        """Per-vectoriser cache of words' n-gram ids (see char_ngrams); never saved."""
        caches = self.__dict__.setdefault("_word_caches", {})
        return caches.setdefault(kind, {})

    def _blocks(self):
        """Text vectorisers in the config's fixed order: the heads' coefficients are laid out
        in it, so it must not depend on how a dict came back from a file."""
        return [(kind, self.text_vectorizers_[kind]) for kind in TEXT_CONFIGS[self.text_config]]

    def feature_names(self) -> list[str]:
        names: list[str] = []
        for kind, v in self._blocks():
            names += [f"{kind}:{n}" for n in v.get_feature_names_out()]
        return names + [f"context:{n}" for n in CONTEXT_NAMES]

    def state(self) -> dict:
        """The fitted parts, made compact and deterministic for saving. Vocabularies are stored
        as one newline-joined string of terms in index order, not as dicts: skops writes a
        dict entry by entry, and half a million entries made loading take seconds (a cold
        `moderate score`, every review, the service's start). Terms never hold a newline
        (tokens and character n-grams are cut at whitespace); one that did would keep its dict.
        Also dropped: `stop_words_` (kept by scikit-learn only for inspection) and
        `_stop_words_id` (an id(), different on every run). The live vectorisers are not
        changed."""
        import copy

        vectorizers = {**self.text_vectorizers_, SIMILARITY: self.similarity_}
        saved, vocabularies = {}, {}
        for name, v in vectorizers.items():
            v = copy.copy(v)
            for attr in ("stop_words_", "_stop_words_id"):
                if hasattr(v, attr):
                    delattr(v, attr)
            terms = sorted(v.vocabulary_, key=v.vocabulary_.__getitem__)
            if any("\n" in t for t in terms):
                v.vocabulary_ = {term: int(index) for term, index in v.vocabulary_.items()}
            else:
                vocabularies[name] = "\n".join(terms)
                del v.vocabulary_
            saved[name] = v
        similarity = saved.pop(SIMILARITY)
        return {"text_config": self.text_config, "text_vectorizers": saved, "similarity": similarity,
                "vocabularies": vocabularies}

    @classmethod
    def from_state(cls, state: dict) -> "CommentFeaturizer":
        """Rebuild from `state()`, or from the older state with dict vocabularies (format 1)."""
        self = cls(state["text_config"])
        self.text_vectorizers_ = dict(state["text_vectorizers"])
        self.similarity_ = state["similarity"]
        for name, terms in state.get("vocabularies", {}).items():
            v = self.similarity_ if name == SIMILARITY else self.text_vectorizers_[name]
            v.vocabulary_ = {term: index for index, term in enumerate(terms.split("\n"))}
        return self
