"""Tell a reply's own words from the text it repeats of an earlier comment.

Readers quote by copy-paste: a sentence of the parent (or any ancestor) appears verbatim in the
reply, usually followed by the answer to it. A run of at least `MIN_WORDS` words in common with
an ancestor is a quote; shorter overlaps ("I agree with you on that") are ordinary language.
Words are compared without case and punctuation, so `globe.` matches `globe`.

The common case (no quote) is decided by one set-disjointness test at C speed; token offsets are
only computed for replies that do quote. Each comment's words are normalised once (`normal_words`)
and reused whether it is the reply being checked or the ancestor a later reply may quote.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from itertools import accumulate, compress, count, repeat
from operator import not_

MIN_WORDS = 8
_PUNCT = "\"'“”‘’«»()[]{}<>.,;:!?…*_-–—" + string.punctuation
_DROP_PUNCT = str.maketrans("", "", _PUNCT)
_PUNCT_RE = re.compile("[%s]+" % re.escape(_PUNCT))  # faster than str.translate with deletions
_TOKEN = re.compile(r"\S+")
# A token that keeps at least one character once punctuation is dropped: the same tokens, in
# the same order, as `_normal_words` returns.
# (Written as its first such character and the rest of the run: the same matches as
# `[^\sP]*[^\sP][^\s]*`, found faster.)
_WORD_TOKEN = re.compile(r"[^\s%s]\S*" % re.escape(_PUNCT))
_WORD_TOKEN_SPLIT = re.compile("(%s)" % _WORD_TOKEN.pattern)
_SPACES = re.compile(r"[ \t]{2,}")
_ONLY_PUNCT = re.compile(r"^[\s\"'“”‘’«»>:.,…\-–—]*$")

Grams = set[tuple[str, ...]]


_ASCII_PUNCT = "".join(sorted({c for c in _PUNCT if c.isascii()})).encode("ascii")
_WIDE_PUNCT = tuple(sorted({c for c in _PUNCT if not c.isascii()}))


def _normal_words(text: str) -> list[str]:
    """The careful definition: lower case, punctuation dropped, split on whitespace."""
    return _PUNCT_RE.sub("", text.lower()).split()


def normal_words(text: str) -> list[str]:
    """`_normal_words`, three times faster: the few non-ASCII punctuation marks go by
    `str.replace`, the ASCII ones by `bytes.translate` on the UTF-8 form (a multi-byte UTF-8
    sequence never holds an ASCII byte, so deleting ASCII bytes cannot split a character)."""
    low = text.lower()
    if not low.isascii():
        for mark in _WIDE_PUNCT:
            if mark in low:
                low = low.replace(mark, "")
    return low.encode("utf-8", "surrogatepass").translate(None, _ASCII_PUNCT).decode("utf-8", "surrogatepass").split()


def normal_words_many(texts: list[str]) -> list[list[str]]:
    """`normal_words` of each text, batched: the texts are joined with NUL and normalised as
    one string (a few C calls for the whole batch instead of a dozen per text), then cut
    apart again. NUL is neither punctuation nor whitespace nor cased, and to `str.lower`'s
    one context rule (the final sigma) it is a boundary like the end of the string, so each
    piece is what the text alone gives. A text holding NUL itself takes the per-text path."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):
        return _normal_words_each(texts)
    low = joined.lower()
    if not low.isascii():
        for mark in _WIDE_PUNCT:
            if mark in low:
                low = low.replace(mark, "")
    data = low.encode("utf-8", "surrogatepass").translate(None, _ASCII_PUNCT).decode("utf-8", "surrogatepass")
    return list(map(str.split, data.split("\x00"))) if texts else []


def _normal_words_each(texts: list[str]) -> list[list[str]]:
    """`normal_words` of each text, one `map` per step over the texts."""
    lows = list(map(str.lower, texts))
    wide = list(compress(count(), map(not_, map(str.isascii, lows))))
    if wide:
        marked = [lows[k] for k in wide]
        for mark in _WIDE_PUNCT:
            marked = list(map(str.replace, marked, repeat(mark), repeat("")))
        for k, low in zip(wide, marked):
            lows[k] = low
    encoded = map(str.encode, lows, repeat("utf-8"), repeat("surrogatepass"))
    kept = map(bytes.translate, encoded, repeat(None), repeat(_ASCII_PUNCT))
    return list(map(str.split, map(bytes.decode, kept, repeat("utf-8"), repeat("surrogatepass"))))


def _grams(words: list[str], n: int = MIN_WORDS):
    return zip(*(words[k:] for k in range(n)))


_PROBE = MIN_WORDS // 2


def probes(words: list[str]) -> Grams:
    """Every 4-word run of a comment: what a reply's aligned blocks are looked up in."""
    return set(zip(words, words[1:], words[2:], words[3:]))  # _PROBE == 4, spelled out for speed


def blocks(words: list[str]) -> Grams:
    """The reply's 4-word blocks starting at multiples of 4 (`zip` of one iterator four times)."""
    return set(zip(*[iter(words)] * _PROBE))


class Quotable:
    """What a later reply could quote of one comment. A repeated run of 8 words always
    contains a 4-word block starting at a multiple of 4 in the reply, so testing those blocks
    against the ancestor's 4-grams alone cannot miss a quote; the exact 8-gram test runs only
    when that cheap test hits."""

    __slots__ = ("words", "probes", "_full")

    def __init__(self, text: str, words: list[str] | None = None, probe_set: Grams | None = None) -> None:
        """`words` and `probe_set`, when the caller has them already, must be `normal_words(text)`
        and `probes(words)`."""
        self.words = normal_words(text) if words is None else words
        self.probes = probes(self.words) if probe_set is None else probe_set
        self._full: Grams | None = None

    def full(self) -> Grams:
        """Every 8-word run (kept: several replies may quote the same comment)."""
        if self._full is None:
            self._full = set(_grams(self.words, MIN_WORDS))
        return self._full


def _hits(words: list[str], quoted: Grams) -> list[int]:
    """Positions of the reply's 8-word runs that an ancestor has, listed in C."""
    return list(compress(count(), map(quoted.__contains__, _grams(words, MIN_WORDS))))


def split_quotes(text: str, ancestors: list[Quotable], words: list[str] | None = None,
                 reply_blocks: Grams | None = None) -> tuple[str, list[str]]:
    """(own words, quotes) of `text`, given what each of its ancestors offers to quote;
    `words` and `reply_blocks`, when the caller has them already, must be `normal_words(text)`
    and `blocks(words)`."""
    n = MIN_WORDS
    if words is None:
        words = normal_words(text)
    if len(words) < n:
        return text, []
    if reply_blocks is None:
        reply_blocks = blocks(words)
    # Only an ancestor with one of the reply's aligned blocks can share 8 words with it.
    hit = [a for a in ancestors if not a.probes.isdisjoint(reply_blocks)]
    if not hit:
        return text, []
    quoted: Grams = set().union(*(a.full() for a in hit))
    return cut_quotes(text, words, quoted, lambda: ancestors)


def cut_quotes(text: str, words: list[str], quoted: Grams,
               everyone: Callable[[], list[Quotable]]) -> tuple[str, list[str]]:
    """`split_quotes` once the 8-word runs the reply may repeat are known: `quoted` must hold
    every 8-word run (of `normal_words`) that the reply shares with an ancestor, and
    `everyone()` give all its ancestors (for the rare text whose tokens and words disagree)."""
    n = MIN_WORDS
    hits = _hits(words, quoted)
    if not hits:
        return text, []
    # Where each word token starts and ends: `split` on the capturing pattern gives separator,
    # token, separator, ... in C, and their running lengths are the offsets.
    bounds = list(accumulate(map(len, _WORD_TOKEN_SPLIT.split(text))))
    token_starts, token_ends = bounds[0::2], bounds[1::2]
    if len(token_ends) != len(words):  # defensive: tokenisations disagree, do it token by token
        kept = [(m.span(), w) for m in _TOKEN.finditer(text) if (w := m.group().lower().translate(_DROP_PUNCT))]
        token_starts, token_ends = [sp[0] for sp, _ in kept], [sp[1] for sp, _ in kept]
        words = [w for _, w in kept]
        quoted = set().union(*(a.full() for a in everyone()))
        hits = _hits(words, quoted)
    spans: list[list[int]] = []  # [first token, last token]
    if hits and hits[-1] - hits[0] == len(hits) - 1:  # one unbroken run: the usual quote
        spans.append([hits[0], hits[-1] + n - 1])
    else:
        for i in hits:
            if spans and i <= spans[-1][1] + 1:
                spans[-1][1] = i + n - 1
            else:
                spans.append([i, i + n - 1])
    quotes: list[str] = []
    pieces: list[str] = []
    cursor = 0
    for first, last in spans:
        start, end = token_starts[first], token_ends[last]
        quotes.append(text[start:end])
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return _tidy("".join(pieces)), quotes


def _tidy(text: str) -> str:
    """Collapse what removing a quote leaves behind: double spaces, empty paragraphs, stray
    quote marks or `>` on their own."""
    paragraphs = []
    for para in _SPACES.sub(" ", text).split("\n\n"):  # the pattern never spans lines
        lines = [line.strip() for line in para.split("\n")]
        lines = [line for line in lines if line and not _ONLY_PUNCT.match(line)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _tidy_quick(text: str) -> str:
    """`_tidy`, with fewer steps for the usual text: paragraphs of one line each, no tab and no
    double space (then `_SPACES` changes nothing and each paragraph is its one stripped line)."""
    if "\t" in text or "  " in text or "\n\n\n" in text:
        return _tidy(text)
    paragraphs = text.split("\n\n")
    if text.count("\n") != 2 * (len(paragraphs) - 1):  # a line break inside a paragraph
        return _tidy(text)
    return "\n\n".join([p for p in map(str.strip, paragraphs) if p and not _ONLY_PUNCT.match(p)])


def cut_spans(text: str, spans: list[list[int]]) -> tuple[str, list[str]] | None:
    """(own words, quotes) of `text` given its quoted spans, [first word, last word] each, in
    order, apart (merged as `cut_quotes` merges its hits): what `cut_quotes` returns once it has
    its spans. Only the tokens up to the last span's end are found (`split` with `maxsplit`).
    None if the text has fewer word tokens than that (never, as its words are its tokens: the
    caller then takes `split_quotes`)."""
    end_token = spans[-1][1]
    # separator, token, separator, token, ..., the rest after token `end_token`
    parts = _WORD_TOKEN_SPLIT.split(text, end_token + 1)
    if len(parts) < 2 * end_token + 3:
        return None
    quotes: list[str] = []
    pieces: list[str] = []
    cursor = 0
    for first, last in spans:
        # Token k starts after parts[:2k + 1] and ends after parts[:2k + 2]; the last one ends
        # where the rest begins.
        start = len(parts[0]) if first == 0 else sum(map(len, parts[:2 * first + 1]))
        end = len(text) - len(parts[-1]) if last == end_token else sum(map(len, parts[:2 * last + 2]))
        quotes.append(text[start:end])
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return _tidy_quick("".join(pieces)), quotes