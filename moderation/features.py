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
from itertools import chain

import numpy as np

from .cues import ARMED_GROUPS, armed_group_support

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
    "has_quotes", "log_length", "caps_ratio", "exclamations", "has_url", "armed_group_support",
)
SECOND_PERSON = frozenset({"you", "your", "yours", "youre", "yourself", "u", "ur", "ya"})  # "you're" is "you" + "re"
_URL = re.compile(r"https?://|www\.|\.(?:com|net|org|io|example)\b", re.IGNORECASE)
SIMILARITY = "similarity"  # the name of the similarity vectoriser in a saved state


def clean(text: str) -> str:
    """Text as the vectorisers see it: NUL (which numpy strings cannot hold) becomes a space."""
    return text.replace("\x00", " ") if "\x00" in text else text


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
        """Vocabularies and idf exactly as scikit-learn's TfidfVectorizer fits them, counted once
        per distinct text (`tfidf_fit`) and compiled for fast batch transforms."""
        from .tfidf_fit import count_texts, fit_tfidf

        texts = [clean(t) for t in frame["text"].tolist()]
        counted = count_texts(texts)  # cut once for the word and the character vocabularies
        self.text_vectorizers_ = {kind: fit_tfidf(counted, params, MAX_FEATURES[kind])
                                  for kind, params in TEXT_CONFIGS[self.text_config].items()}
        # Similarity vocabulary: single words of comments and articles, English stop words out.
        corpus = texts + list(dict.fromkeys(clean(t) for t in frame["article_text"] if t))
        self.similarity_ = fit_tfidf(corpus, {"min_df": 1}, 100_000, stop_words="english")
        return self

    def transform(self, frame):
        """One CSR row per frame row: the text blocks, then the context features."""
        return self.transform_rows(frame["text"].tolist(), frame["parent_text"].tolist(),
                                   frame["article_text"].tolist(), frame["quotes"].tolist(),
                                   frame["depth"].to_numpy(dtype=np.float32))

    def context(self, frame) -> np.ndarray:
        """The context features alone (dense, one row per frame row), without the text blocks."""
        batch, rows = self._batch(frame["text"].tolist(), frame["parent_text"].tolist(),
                                  frame["article_text"].tolist())
        return self._context(batch, rows, frame["quotes"].tolist(), frame["depth"].to_numpy(dtype=np.float32))

    def transform_rows(self, text: list[str], parent: list[str], article: list[str], quotes: list[str], depth):
        from scipy.sparse import hstack

        return hstack(self.transform_blocks(text, parent, article, quotes, depth), format="csr", dtype=np.float32)

    def transform_blocks(self, text: list[str], parent: list[str], article: list[str], quotes: list[str], depth):
        """The matrix as its column blocks (each text vectoriser's, then the context's):
        scoring multiplies them one by one rather than paying to stack them."""
        from scipy.sparse import csr_matrix

        batch, rows = self._batch(text, parent, article)
        texts = int(rows["text"].max()) + 1 if len(text) else 0  # comments are the batch's first documents
        in_order = len(text) == texts  # every comment distinct: its row is its document
        blocks = [v.transform(batch, texts) if in_order else v.transform(batch, texts)[rows["text"]]
                  for _, v in self._blocks()]
        # Every context feature is in [0, 1] with 0 meaning "absent", unscaled and uncentred:
        # a missing parent or URL contributes nothing, and coefficient x value explains a score.
        blocks.append(csr_matrix(self._context(batch, rows, quotes, depth)))
        return blocks

    @staticmethod
    def _batch(text: list[str], parent: list[str], article: list[str]):
        """Every distinct text once, as one `TextBatch` (a parent is usually another comment of
        the batch, an article is under every comment: comments first, then the parents and
        articles), and each row's document for its text, parent and article."""
        from .tfidf import TextBatch

        index = {t: i for i, t in enumerate(dict.fromkeys(chain(text, parent, article)))}
        rows = {"text": np.fromiter(map(index.__getitem__, text), np.int64, len(text)),
                "parent": np.fromiter(map(index.__getitem__, parent), np.int64, len(parent)),
                "article": np.fromiter(map(index.__getitem__, article), np.int64, len(article))}
        return TextBatch(list(index)), rows  # the batch cleans (NUL) as `clean` does

    def _context(self, batch, rows, quotes, depth) -> np.ndarray:
        similarity = self.similarity_.transform(batch)
        t, p, a = rows["text"], rows["parent"], rows["article"]
        c, pa, ar = similarity[t], similarity[p], similarity[a]
        stats = _text_stats(batch)
        has_parent = stats["nonblank"][p].astype(np.float32)
        features = np.zeros((len(t), len(CONTEXT_NAMES)), dtype=np.float32)
        features[:, 0] = stats["nonblank"][a]
        features[:, 1] = _row_cosine(c, ar)
        features[:, 2] = has_parent
        features[:, 3] = _row_cosine(c, pa)
        features[:, 4] = _row_cosine(pa, ar) * has_parent
        features[:, 5] = np.minimum(np.log1p(np.asarray(depth, dtype=np.float32)) / 3, 1)
        features[:, 6] = np.minimum(stats["questions"][t], 3) / 3
        features[:, 7] = stats["ends_with_question"][t]
        features[:, 8] = stats["ends_with_question"][p]
        words, second_person, overlap = _word_counts(batch, rows)
        features[:, 9] = np.minimum(second_person / np.maximum(words, 1) * 5, 1.0)
        features[:, 10] = overlap / np.maximum(words, 1)
        features[:, 11] = np.fromiter(map(bool, quotes), dtype=bool, count=len(quotes))
        features[:, 12] = np.minimum(np.log1p(stats["length"][t].astype(np.float64)) / 8, 1)
        features[:, 13] = stats["upper"][t] / np.maximum(stats["letters"][t], 1)
        features[:, 14] = np.minimum(stats["exclamations"][t], 3) / 3
        features[:, 15] = stats["url"][t]
        # The armed-group cue's sentence test runs only on comments that name an armed group.
        is_comment = np.zeros(batch.n, dtype=bool)
        is_comment[t] = True  # parents and articles are context, not scored
        candidates = _mentions(batch, ARMED_GROUPS) & is_comment
        features[:, 16] = armed_group_support(batch.texts, candidates)[t]
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
        params = {"text_config": self.text_config, "context": list(CONTEXT_NAMES),
                  "vectorizers": {n: v.params() for n, v in vectorizers.items()}}
        arrays: dict[str, np.ndarray] = {}
        for name, v in vectorizers.items():
            arrays.update(v.arrays(f"features.{name}"))
        return params, arrays

    @classmethod
    def from_state(cls, params: dict, arrays) -> CommentFeaturizer:
        from .tfidf import from_arrays

        if params.get("context") != list(CONTEXT_NAMES):  # the heads' last columns must mean what they say
            raise ValueError(f"the model's context features {params.get('context')} are not this version's")
        self = cls(params["text_config"])
        built = {name: from_arrays(arrays, f"features.{name}", p) for name, p in params["vectorizers"].items()}
        self.similarity_ = built.pop(SIMILARITY)
        self.text_vectorizers_ = built
        return self


def _is_one_of(batch, words: frozenset[str]) -> np.ndarray:
    """Per token of the batch: is it one of `words` (lower-case)? Asked once per distinct token."""
    return np.array([u in words for u in batch.uniques], dtype=bool)[batch.token_ids]


def _mentions(batch, words: frozenset[str]) -> np.ndarray:
    """Per document of the batch: does it contain one of `words` (lower-case tokens)?"""
    found = np.zeros(batch.n, dtype=bool)
    found[batch.token_doc[_is_one_of(batch, words)]] = True
    return found


def _word_counts(batch, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: its words (runs of letters and digits), how many address the reader ("you",
    "ur", ...), and how many of them occur in its parent (quoting, answering point by point)."""
    from .codepoints import isin

    ids, doc = batch.token_ids, batch.token_doc
    per_doc = np.bincount(doc, minlength=batch.n)
    second_per_doc = (np.bincount(doc, weights=_is_one_of(batch, SECOND_PERSON), minlength=batch.n) if len(ids)
                      else np.zeros(batch.n))
    text_doc, parent_doc = rows["text"], rows["parent"]
    # Every word of every row, with the row's parent: is (parent, word) one of the batch's pairs?
    start = np.r_[0, np.cumsum(per_doc)[:-1]]
    length = per_doc[text_doc]
    total = int(length.sum())
    position = np.repeat(start[text_doc] - (np.cumsum(length) - length), length) + np.arange(total)
    size = max(len(batch.uniques), 1)
    present = doc * size + ids  # repeats do no harm to a membership test
    wanted = np.repeat(parent_doc, length) * size + ids[position]
    found = isin(wanted, present)
    overlap = np.bincount(np.repeat(np.arange(len(text_doc)), length), weights=found, minlength=len(text_doc))
    return per_doc[text_doc].astype(np.float64), second_per_doc[text_doc], overlap


def _text_stats(batch) -> dict[str, np.ndarray]:
    """Per document of the batch, from its text as given (case and NUL kept): whether it is
    more than whitespace (`bool(t.strip())`), its length, `?` and `!` counts, whether it ends
    with `?` before trailing whitespace, its upper-case letters and letters (`str.isupper` /
    `str.isalpha` per character), and whether `_URL` finds anything in it. Python is asked once
    per distinct code point; the URL pattern runs only on the few texts that can hold one."""
    docs = batch.original()
    points, n = docs.points, docs.n
    # one class per character: bit 1 upper, 2 letter, 4 whitespace, 8 "?", 16 "!", 32 ".", 64 ":"
    special = {"?": 8, "!": 16, ".": 32, ":": 64}
    classes = docs.table(lambda ch: ch.isupper() | ch.isalpha() << 1 | ch.isspace() << 2 | special.get(ch, 0),
                         np.uint8)[points]
    out = {"length": docs.lengths}
    if not n or docs.lengths.max() < 2**21 - 1:  # three counts in one sum: 21 bits each
        packed = np.zeros(128, dtype=np.int64)
        for c in range(128):
            packed[c] = (c & 1) | (c >> 1 & 1) << 21 | (c >> 2 & 1) << 42
        sums = docs.per_text_sum(packed[classes])
        upper, letters, spaces = sums & (2**21 - 1), sums >> 21 & (2**21 - 1), sums >> 42
    else:
        upper, letters, spaces = (docs.per_text_sum(classes >> bit & 1) for bit in range(3))
    out["nonblank"] = spaces < docs.lengths + 1  # each text's segment holds its newline
    out["upper"], out["letters"] = upper, letters
    at = np.flatnonzero(classes >= 8)
    kind = classes[at]
    for name, bit in (("questions", 8), ("exclamations", 16)):
        out[name] = np.bincount(docs.text_of(at[kind == bit]), minlength=n)
    # the last "?" of a text ends it if only whitespace follows it, up to the text's newline
    question = at[kind == 8]
    doc = docs.text_of(question)
    last = question[np.r_[doc[1:] != doc[:-1], True]] if len(question) else question
    after = docs.starts[1:][docs.text_of(last)] - 1 - last - 1
    spans = np.repeat(last + 1 - np.r_[0, np.cumsum(after)[:-1]], after) + np.arange(int(after.sum()))
    blank = np.bincount(np.repeat(np.arange(len(last)), after), weights=(classes[spans] & 4) == 0,
                        minlength=len(last)) == 0
    out["ends_with_question"] = np.zeros(n, dtype=bool)
    out["ends_with_question"][docs.text_of(last[blank])] = True
    dot = at[kind == 32]
    # a match holds "://" or a "." after a "w" (www.) or before c, n, o, i or e (.com ...)
    w_like = docs.table(lambda ch: re.fullmatch("w", ch, re.IGNORECASE) is not None)
    first_like = docs.table(lambda ch: re.fullmatch("c|n|o|i|e", ch, re.IGNORECASE) is not None)
    near = dot[w_like[points[dot - 1]] | first_like[points[np.minimum(dot + 1, len(points) - 1)]]]
    candidates = np.unique(docs.text_of(np.r_[at[kind == 64], near])).tolist()
    out["url"] = np.zeros(n, dtype=bool)
    texts = batch.texts
    out["url"][candidates] = [bool(_URL.search(texts[d])) for d in candidates]
    return out
