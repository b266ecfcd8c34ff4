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
SECOND_PERSON = frozenset({"you", "your", "yours", "youre", "yourself", "u", "ur", "ya"})  # "you're" is "you" + "re"
_URL = re.compile(r"https?://|www\.|\.(?:com|net|org|io|example)\b", re.IGNORECASE)
SIMILARITY = "similarity"  # the name of the similarity vectoriser in a saved state


def clean(text: str) -> str:
    """Text as the vectorisers see it: NUL (which numpy strings cannot hold) becomes a space."""
    return text.replace("\x00", " ") if "\x00" in text else text


def _fit_tfidf(texts: list[str], params: dict, max_features: int, stop_words=None):
    """Vocabulary and idf exactly as scikit-learn's TfidfVectorizer fits them, counted once per
    distinct text (`tfidf_fit`), compiled for fast batch transforms."""
    from .tfidf_fit import fit_tfidf

    return fit_tfidf(texts, params, max_features, stop_words)


def _row_cosine(a, b) -> np.ndarray:
    """Cosine similarity of matching rows of two L2-normalised sparse matrices."""
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


class CommentFeaturizer:
    """Fit on a training frame (columns of `frames.CONTEXT_COLUMNS`); transform any frame into
    one sparse matrix shared by all heads. Fitted state is plain arrays and settings
    (`state()` / `from_state()`), so a model file holds no code to unpickle."""

    def __init__(self, text_config: str = "word+char") -> None:
        self.text_config = text_config

    def fit(self, frame) -> CommentFeaturizer:
        texts = [clean(t) for t in frame["text"].tolist()]
        self.text_vectorizers_ = {kind: _fit_tfidf(texts, params, MAX_FEATURES[kind])
                                  for kind, params in TEXT_CONFIGS[self.text_config].items()}
        # Similarity vocabulary: single words of comments and articles, English stop words out.
        corpus = texts + list(dict.fromkeys(clean(t) for t in frame["article_text"] if t))
        self.similarity_ = _fit_tfidf(corpus, {"min_df": 1}, 100_000, stop_words="english")
        return self

    def transform(self, frame):
        """One CSR row per frame row: the text blocks, then the context features."""
        return self.transform_rows(frame["text"].tolist(), frame["parent_text"].tolist(),
                                   frame["article_text"].tolist(), frame["quotes"].tolist(),
                                   frame["depth"].to_numpy(dtype=np.float32))

    def context(self, frame) -> np.ndarray:
        """The context features alone (dense, one row per frame row)."""
        return self.transform(frame)[:, -len(CONTEXT_NAMES):].toarray()

    def transform_rows(self, text: list[str], parent: list[str], article: list[str], quotes: list[str], depth):
        from scipy.sparse import hstack

        return hstack(self.transform_blocks(text, parent, article, quotes, depth), format="csr", dtype=np.float32)

    def transform_blocks(self, text: list[str], parent: list[str], article: list[str], quotes: list[str], depth):
        """The matrix as its column blocks (each text vectoriser's, then the context's):
        scoring multiplies them one by one rather than paying to stack them."""
        from scipy.sparse import csr_matrix

        from .tfidf import TextBatch

        # Every distinct text once (a parent is usually another comment of the batch, an
        # article is under every comment): comments first, then the parents and articles.
        index: dict[str, int] = {}
        for t in (*text, *parent, *article):
            index.setdefault(t, len(index))
        rows = {"text": np.fromiter(map(index.__getitem__, text), np.int64, len(text)),
                "parent": np.fromiter(map(index.__getitem__, parent), np.int64, len(parent)),
                "article": np.fromiter(map(index.__getitem__, article), np.int64, len(article))}
        batch = TextBatch([clean(t) for t in index])
        texts = int(rows["text"].max()) + 1 if len(text) else 0  # comments are the batch's first documents
        blocks = [v.transform(batch, texts)[rows["text"]] for _, v in self._blocks()]
        # Every context feature is in [0, 1] with 0 meaning "absent", unscaled and uncentred:
        # a missing parent or URL contributes nothing, and coefficient x value explains a score.
        blocks.append(csr_matrix(self._context(batch, rows, text, parent, article, quotes, depth)))
        return blocks

    def _context(self, batch, rows, text, parent, article, quotes, depth) -> np.ndarray:
        similarity = self.similarity_.transform(batch)
        c, p, a = similarity[rows["text"]], similarity[rows["parent"]], similarity[rows["article"]]
        has_parent = np.array([bool(t.strip()) for t in parent], dtype=np.float32)
        features = np.zeros((len(text), len(CONTEXT_NAMES)), dtype=np.float32)
        features[:, 0] = [bool(t.strip()) for t in article]
        features[:, 1] = _row_cosine(c, a)
        features[:, 2] = has_parent
        features[:, 3] = _row_cosine(c, p)
        features[:, 4] = _row_cosine(p, a) * has_parent
        features[:, 5] = np.minimum(np.log1p(np.asarray(depth, dtype=np.float32)) / 3, 1)
        features[:, 6] = np.minimum([t.count("?") for t in text], 3) / 3
        features[:, 7] = [t.rstrip().endswith("?") for t in text]
        features[:, 8] = [t.rstrip().endswith("?") for t in parent]
        words, second_person, overlap = _word_counts(batch, rows)
        features[:, 9] = np.minimum(second_person / np.maximum(words, 1) * 5, 1.0)
        features[:, 10] = overlap / np.maximum(words, 1)
        features[:, 11] = [bool(q) for q in quotes]
        features[:, 12] = np.minimum(np.log1p(np.fromiter(map(len, text), np.float64, len(text))) / 8, 1)
        upper, letters = _letter_counts(text)
        features[:, 13] = upper / np.maximum(letters, 1)
        features[:, 14] = np.minimum([t.count("!") for t in text], 3) / 3
        features[:, 15] = [bool(_URL.search(t)) for t in text]
        return features

    def _blocks(self):
        """Text vectorisers in the config's fixed order: the heads' coefficients are laid out
        in it, so it must not depend on how a dict came back from a file."""
        return [(kind, self.text_vectorizers_[kind]) for kind in TEXT_CONFIGS[self.text_config]]

    def feature_names(self) -> list[str]:
        names: list[str] = []
        for kind, v in self._blocks():
            names += [f"{kind}:{n}" for n in v.feature_names()]
        return names + [f"context:{n}" for n in CONTEXT_NAMES]

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """Settings (JSON-able) and arrays: what a model file stores."""
        vectorizers = {**dict(self._blocks()), SIMILARITY: self.similarity_}
        params = {"text_config": self.text_config, "vectorizers": {n: v.params() for n, v in vectorizers.items()}}
        arrays: dict[str, np.ndarray] = {}
        for name, v in vectorizers.items():
            arrays.update(v.arrays(f"features.{name}"))
        return params, arrays

    @classmethod
    def from_state(cls, params: dict, arrays) -> CommentFeaturizer:
        from .tfidf import from_arrays

        self = cls(params["text_config"])
        built = {name: from_arrays(arrays, f"features.{name}", p) for name, p in params["vectorizers"].items()}
        self.similarity_ = built.pop(SIMILARITY)
        self.text_vectorizers_ = built
        return self


def _word_counts(batch, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: its words (runs of letters and digits), how many address the reader ("you",
    "ur", ...), and how many of them occur in its parent (quoting, answering point by point)."""
    ids, doc = batch.token_ids, batch.token_doc
    per_doc = np.bincount(doc, minlength=batch.n)
    is_second = np.array([u in SECOND_PERSON for u in batch.uniques], dtype=bool)
    second_per_doc = np.bincount(doc, weights=is_second[ids], minlength=batch.n) if len(ids) else np.zeros(batch.n)
    text_doc, parent_doc = rows["text"], rows["parent"]
    # Every word of every row, with the row's parent: is (parent, word) one of the batch's pairs?
    start = np.r_[0, np.cumsum(per_doc)[:-1]]
    length = per_doc[text_doc]
    total = int(length.sum())
    position = np.repeat(start[text_doc] - (np.cumsum(length) - length), length) + np.arange(total)
    size = max(len(batch.uniques), 1)
    present = np.sort(doc * size + ids)  # repeats do no harm to a membership search
    wanted = np.repeat(parent_doc, length) * size + ids[position]
    at = np.minimum(np.searchsorted(present, wanted), max(len(present) - 1, 0))
    found = present[at] == wanted if len(present) else np.zeros(total, dtype=bool)
    overlap = np.bincount(np.repeat(np.arange(len(text_doc)), length), weights=found, minlength=len(text_doc))
    return per_doc[text_doc].astype(np.float64), second_per_doc[text_doc], overlap


def _letter_counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text: upper-case letters and letters (str.isupper / str.isalpha per character).
    Python is asked once per distinct code point in the batch, not once per character."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = np.zeros(int(points.max()) + 1 if len(points) else 1, dtype=np.uint8)  # bit 1 upper, bit 2 letter
    for point in np.flatnonzero(np.bincount(points)).tolist():
        ch = chr(point)
        flags[point] = ch.isupper() | ch.isalpha() << 1
    per_char = flags[points]
    row = np.repeat(np.arange(len(texts)), lengths)
    upper = np.bincount(row, weights=per_char & 1, minlength=len(texts))
    letters = np.bincount(row, weights=per_char >> 1, minlength=len(texts))
    return upper, letters
