"""TF-IDF of a whole batch of texts in a few passes of C, not a Python loop per comment.

scikit-learn's vectorisers cut, look up and count every comment's tokens in Python, which made
them nine tenths of scoring's time and made the model slower than a one-label profanity filter.
Here a batch is joined, lower-cased and cut into tokens and words as arrays of code points
(`codepoints.CodePoints`: no string per token), and every distinct token is looked up once
(`vocabulary.SortedVocabulary`); the rest is integer arrays: bigrams are pairs of adjacent
token ids, character n-grams are the concatenation of each word's cached n-gram ids (with
`char_wb` they never cross a word boundary), and counts, sublinear tf, idf and the L2 norm are
array arithmetic. The vectorisers' settings are the ones `features.TEXT_CONFIGS` uses, as
scikit-learn defines them (token pattern `\\b\\w\\w+\\b`, lower-casing, smooth idf), and a test
holds the result equal to scikit-learn's on awkward text.

Vocabularies and idf are fitted by `tfidf_fit` exactly as scikit-learn fits them (tests hold
the two equal; `from_sklearn` compiles a fitted scikit-learn vectoriser); what is saved is
plain arrays, so a model loads without scikit-learn, and without unpickling anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .codepoints import CodePoints, find, joined
from .vocabulary import SortedVocabulary

_TOKENS = re.compile(r"\w+")  # \b\w\w+\b is exactly these runs of two or more
MAX_CACHED_WORDS = 400_000  # character n-gram cache; cleared, not grown, beyond this
SMALL_BATCH = 50_000  # (row, column) pairs below which repeats are summed by sorting


def _is_word(ch: str) -> bool:
    return _TOKENS.fullmatch(ch) is not None


def _is_not_space(ch: str) -> bool:
    return not ch.isspace()


class TextBatch:
    """Texts lower-cased and cut once, shared by every vectoriser and context feature.

    The texts are joined with newlines and lower-cased in one call: a newline is neither
    cased nor case-ignorable, so no text's lower-casing (Greek final sigma) sees another
    text. NUL becomes a space first, as `features.clean` does."""

    def __init__(self, texts: list[str]) -> None:
        self.n = len(texts)
        self.texts = texts
        self._lengths = np.fromiter(map(len, texts), dtype=np.int64, count=self.n)
        self._joined = joined(texts)
        lowered = self._joined.replace("\x00", " ").lower()
        if len(lowered) == len(self._joined):  # lower() never shortens a character: none grew
            self.points = CodePoints(lowered, self._lengths)
        else:
            self.points = CodePoints.of([t.replace("\x00", " ").lower() for t in texts])
        self._original = None
        self._words = None
        word_char = self.points.table(_is_word)
        self._begin, self._end = self.points.edges(word_char)
        self.uniques, self.token_ids = self.points.number(word_char, self._begin, self._end)
        self.token_doc = self.points.text_of(self._begin)
        self.unique_lengths = np.fromiter(map(len, self.uniques), dtype=np.int32, count=len(self.uniques))
        # \w\w+ tokens, what the word vectorisers count: single characters are not tokens
        long = self.unique_lengths[self.token_ids] >= 2
        self.long_ids, self.long_doc = self.token_ids[long], self.token_doc[long]
        self._lookups: dict[int, np.ndarray] = {}

    def original(self):
        """The texts as given (case kept, NUL kept) as code points: the context features'."""
        if self._original is None:
            self._original = CodePoints(self._joined, self._lengths)
        return self._original

    def lookup(self, vocabulary: SortedVocabulary) -> np.ndarray:
        """Each distinct token's id in `vocabulary` (-1 if absent), looked up once per batch."""
        key = id(vocabulary)
        if key not in self._lookups:
            self._lookups[key] = vocabulary.lookup(self.uniques)
        return self._lookups[key]

    def words(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Whitespace-separated words (what char_wb cuts into n-grams): the distinct words,
        each word's index among them, and its document."""
        if self._words is None:
            not_space = self.points.table(_is_not_space)
            begin, end = self.points.edges(not_space)
            # a word that is one token (no punctuation in it) is numbered as that token; the
            # rest (a token never holds a non-word character, so they are other strings) apart
            token_at = np.full(len(self.points.points), -1, dtype=np.int64 if len(self._begin) >= 2**31 else np.int32)
            token_at[self._begin] = np.arange(len(self._begin))
            at = token_at[begin]  # the token that begins where the word begins, if one does
            pure = (at >= 0) & (self._end[np.maximum(at, 0)] == end) if len(self._begin) else np.zeros(len(begin), bool)
            ids = np.empty(len(begin), dtype=np.int64)
            doc = np.empty(len(begin), dtype=np.int64)
            ids[pure], doc[pure] = self.token_ids[at[pure]], self.token_doc[at[pure]]
            other = np.flatnonzero(~pure)
            others, ids[other] = self.points.number(not_space, begin[other], end[other])
            ids[other] += len(self.uniques)
            doc[other] = self.points.text_of(begin[other])
            self._words = (self.uniques + others, ids, doc)
        return self._words


def char_wb_grams(word: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's `_char_wb_ngrams` for one word: n-grams of " word " (a word shorter
    than n counts once, whole)."""
    w = f" {word} "
    size = len(w)
    out = []
    for n in range(min_n, max_n + 1):
        if size <= n:
            out.append(w)
            break
        out.extend([w[i:i + n] for i in range(size - n + 1)])
    return out


def pairs_matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int):
    """A 1 at every (row, col) pair, `rows` ascending, repeats left in (a product sums them)."""
    from scipy.sparse import csr_matrix

    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(n_rows, n_cols))


def counts_matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int):
    """Counts of (row, col) pairs, `rows` ascending, as CSR without repeats. Multiplying by the
    identity sums the repeats with scipy's accumulator in one pass: sorting every row
    (`sum_duplicates`) took twice as long. The indices come out unsorted; nothing here needs
    them sorted."""
    pairs = pairs_matrix(rows, cols, n_rows, n_cols)
    if len(cols) < SMALL_BATCH:  # a few comments (the service): sorting is cheaper than the identity
        pairs.sum_duplicates()
        return pairs
    return pairs @ _identity(n_cols)


@lru_cache(maxsize=4)
def _identity(size: int):
    from scipy.sparse import identity

    return identity(size, dtype=np.float32, format="csr")


def weighted(X, idf: np.ndarray, sublinear: bool):
    """Counts -> (1 + log tf if sublinear) x idf -> rows scaled to unit length: scikit-learn's
    TfidfVectorizer arithmetic, on a float32 CSR matrix of counts (changed in place)."""
    n_rows = X.shape[0]
    if sublinear:
        np.log(X.data, out=X.data)
        X.data += 1
    X.data *= idf[X.indices]
    per_row = np.diff(X.indptr)
    if not len(X.data):
        return X
    filled = per_row > 0
    norms = np.ones(n_rows, dtype=np.float32)
    norms[filled] = np.sqrt(np.add.reduceat(np.square(X.data), X.indptr[:-1][filled]))
    X.data /= np.repeat(norms, per_row)
    return X


@dataclass
class WordTfidf:
    """analyzer="word": single tokens and, if fitted so, pairs of adjacent tokens."""

    tokens: SortedVocabulary  # every token that is a feature or half of one
    unigram: np.ndarray  # token id -> feature index, -1 if only in bigrams
    bigram_keys: np.ndarray  # sorted first_id * len(tokens) + second_id
    bigram_feature: np.ndarray  # feature index of each key
    idf: np.ndarray
    sublinear: bool
    max_n: int
    _bigram_cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # `find`'s

    @property
    def n_features(self) -> int:
        return len(self.idf)

    def transform(self, batch: TextBatch, documents: int | None = None):
        """Rows for the batch's first `documents` texts (default all; the rest are context)."""
        n = batch.n if documents is None else documents
        cut = np.searchsorted(batch.long_doc, n)  # tokens come in document order
        doc = batch.long_doc[:cut]
        t = batch.lookup(self.tokens)[batch.long_ids[:cut]]
        uni = np.where(t >= 0, self.unigram[np.maximum(t, 0)], -1)
        rows, cols = [doc[uni >= 0]], [uni[uni >= 0]]
        if self.max_n >= 2 and len(t) > 1 and len(self.bigram_keys):
            a, b = t[:-1], t[1:]
            pair = (doc[:-1] == doc[1:]) & (a >= 0) & (b >= 0)
            keys = a[pair] * len(self.tokens) + b[pair]
            at = find(self.bigram_keys, keys, self._bigram_cache)
            hit = at >= 0
            rows.append(doc[:-1][pair][hit])
            cols.append(self.bigram_feature[at[hit]])
        rows_all, cols_all = np.concatenate(rows), np.concatenate(cols)
        order = np.argsort(rows_all, kind="stable")  # two sorted runs: a linear merge
        return weighted(counts_matrix(rows_all[order], cols_all[order], n, self.n_features), self.idf,
                        self.sublinear)

    def feature_names(self) -> list[str]:
        names = [""] * self.n_features
        tokens = self.tokens.terms()
        for token_id, feature in enumerate(self.unigram.tolist()):
            if feature >= 0:
                names[feature] = tokens[token_id]
        size = len(tokens)
        for key, feature in zip(self.bigram_keys.tolist(), self.bigram_feature.tolist()):
            names[feature] = f"{tokens[key // size]} {tokens[key % size]}"
        return names

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {**self.tokens.arrays(f"{prefix}.tokens"), f"{prefix}.unigram": self.unigram,
                f"{prefix}.bigram_keys": self.bigram_keys, f"{prefix}.bigram_feature": self.bigram_feature,
                f"{prefix}.idf": self.idf}

    def params(self) -> dict:
        return {"analyzer": "word", "max_n": self.max_n, "sublinear": self.sublinear}

    @classmethod
    def from_arrays(cls, arrays, prefix: str, params: dict) -> WordTfidf:
        return cls(SortedVocabulary.from_arrays(arrays, f"{prefix}.tokens"), arrays[f"{prefix}.unigram"],
                   arrays[f"{prefix}.bigram_keys"], arrays[f"{prefix}.bigram_feature"], arrays[f"{prefix}.idf"],
                   bool(params["sublinear"]), int(params["max_n"]))

    @classmethod
    def from_terms(cls, terms: list[str], idf, sublinear: bool, max_n: int) -> WordTfidf:
        """From a fitted vocabulary (terms in feature order; bigrams are "first second")."""
        parts = [term.split(" ") for term in terms]
        tokens = sorted({token for p in parts for token in p})
        index = {token: i for i, token in enumerate(tokens)}
        unigram = np.full(len(tokens), -1, dtype=np.int32)
        keys, features = [], []
        for feature, p in enumerate(parts):
            if len(p) == 1:
                unigram[index[p[0]]] = feature
            else:
                keys.append(index[p[0]] * len(tokens) + index[p[1]])
                features.append(feature)
        keys_arr = np.array(keys, dtype=np.int64)
        order = np.argsort(keys_arr, kind="stable")
        return cls(SortedVocabulary.from_terms(tokens), unigram, keys_arr[order],
                   np.array(features, dtype=np.int32)[order], np.asarray(idf, dtype=np.float32), sublinear, max_n)


@dataclass
class CharTfidf:
    """analyzer="char_wb": character n-grams of each word padded with a space either side."""

    grams: SortedVocabulary
    idf: np.ndarray
    min_n: int
    max_n: int
    sublinear: bool

    def __post_init__(self) -> None:
        import threading

        self._lock = threading.Lock()  # the cache is shared by threads scoring parts of a batch
        self._reset_cache()

    def _reset_cache(self) -> None:
        self._slot: dict[str, int] = {}  # word -> its slot in the arrays below
        self._start = np.zeros(0, dtype=np.int64)
        self._length = np.zeros(0, dtype=np.int64)
        self._pool = np.zeros(0, dtype=np.int32)  # every cached word's n-gram features, back to back

    @property
    def n_features(self) -> int:
        return len(self.idf)

    def _cache(self, words: list[str]) -> None:
        grams = [char_wb_grams(w, self.min_n, self.max_n) for w in words]
        counts = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        ids = self.grams.lookup([g for gs in grams for g in gs])
        known = ids >= 0
        kept = np.add.reduceat(known.astype(np.int64), np.r_[0, np.cumsum(counts)[:-1]]) if len(words) else counts
        start = len(self._pool) + np.r_[0, np.cumsum(kept)[:-1]]
        for w in words:
            self._slot[w] = len(self._slot)
        self._pool = np.concatenate([self._pool, ids[known].astype(np.int32)])
        self._start = np.concatenate([self._start, start.astype(np.int64)])
        self._length = np.concatenate([self._length, kept.astype(np.int64)])

    def transform(self, batch: TextBatch, documents: int | None = None):
        """Rows for the batch's first `documents` texts (default all; the rest are context)."""
        all_words, ids, doc = batch.words()
        n = batch.n if documents is None else documents
        cut = np.searchsorted(doc, n)  # words come in document order
        ids, doc = ids[:cut], doc[:cut]
        seen = np.zeros(len(all_words), dtype=bool)
        seen[ids] = True
        used = np.flatnonzero(seen)
        uniques = [all_words[i] for i in used.tolist()]
        local = np.zeros(len(all_words), dtype=np.int64)
        local[used] = np.arange(len(used))
        ids = local[ids]
        with self._lock:
            missing = [w for w in uniques if w not in self._slot]
            if len(self._slot) + len(missing) > MAX_CACHED_WORDS:  # start afresh, keeping this batch's words
                self._reset_cache()
                missing = [w for w in uniques if w not in self._slot]
            if missing:
                self._cache(missing)
            slots = np.fromiter(map(self._slot.__getitem__, uniques), dtype=np.int64, count=len(uniques))
            cached_start, cached_length, pool = self._start, self._length, self._pool
        # counts = (documents x distinct words) @ (distinct words x n-grams): scipy's product
        # merges the n-grams words share without sorting anything
        from scipy.sparse import csr_matrix

        length = cached_length[slots]
        total = int(length.sum())
        offsets = np.repeat(cached_start[slots] - (np.cumsum(length) - length), length) + np.arange(total)
        grams = csr_matrix((np.ones(total, dtype=np.float32), pool[offsets], np.r_[0, np.cumsum(length)]),
                           shape=(len(uniques), self.n_features))
        words = pairs_matrix(doc, ids, n, len(uniques))
        return weighted(words @ grams, self.idf, self.sublinear)

    def feature_names(self) -> list[str]:
        return self.grams.terms()

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {**self.grams.arrays(f"{prefix}.grams"), f"{prefix}.idf": self.idf}

    def params(self) -> dict:
        return {"analyzer": "char_wb", "min_n": self.min_n, "max_n": self.max_n, "sublinear": self.sublinear}

    @classmethod
    def from_arrays(cls, arrays, prefix: str, params: dict) -> CharTfidf:
        return cls(SortedVocabulary.from_arrays(arrays, f"{prefix}.grams"), arrays[f"{prefix}.idf"],
                   int(params["min_n"]), int(params["max_n"]), bool(params["sublinear"]))


def from_sklearn(vectorizer) -> WordTfidf | CharTfidf:
    """The compiled form of a fitted TfidfVectorizer with the settings `features` uses."""
    v = vectorizer
    if (not v.lowercase or v.preprocessor is not None or v.tokenizer is not None or v.strip_accents is not None
            or v.binary or v.norm != "l2" or not v.use_idf or not v.smooth_idf or v.input != "content"):
        raise ValueError("only lower-cased, L2-normalised, smooth-idf TF-IDF is compiled")
    terms = sorted(v.vocabulary_, key=v.vocabulary_.__getitem__)
    min_n, max_n = v.ngram_range
    if v.analyzer == "char_wb":
        return CharTfidf(SortedVocabulary.from_terms(terms), np.asarray(v.idf_, dtype=np.float32), min_n, max_n,
                         bool(v.sublinear_tf))
    if v.analyzer != "word" or v.token_pattern != r"(?u)\b\w\w+\b" or min_n != 1 or max_n > 2 or (v.stop_words and max_n > 1):
        raise ValueError(f"unsupported vectoriser settings: {v.analyzer} {v.ngram_range} {v.token_pattern}")
    return WordTfidf.from_terms(terms, v.idf_, bool(v.sublinear_tf), max_n)


def from_arrays(arrays, prefix: str, params: dict) -> WordTfidf | CharTfidf:
    kind = CharTfidf if params["analyzer"] == "char_wb" else WordTfidf
    return kind.from_arrays(arrays, prefix, params)
