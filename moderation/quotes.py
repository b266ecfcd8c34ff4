"""Tell a reply's own words from the text it repeats of an earlier comment.

Readers quote by copy-paste: a sentence of the parent (or any ancestor) appears verbatim in the
reply, usually followed by the answer to it. A run of at least `MIN_WORDS` words in common with
an ancestor is a quote; shorter overlaps ("I agree with you on that") are ordinary language.
Words are compared without case and punctuation, so `globe.` matches `globe`.

The common case (no quote) is decided by one set-disjointness test at C speed; token offsets are
only computed for replies that do quote.
"""

from __future__ import annotations

import re
import string

MIN_WORDS = 8
_PUNCT = "\"'“”‘’«»()[]{}<>.,;:!?…*_-–—" + string.punctuation
_DROP_PUNCT = str.maketrans("", "", _PUNCT)
_PUNCT_RE = re.compile("[%s]+" % re.escape(_PUNCT))  # faster than str.translate with deletions
_TOKEN = re.compile(r"\S+")
# A token that keeps at least one character once punctuation is dropped: the same tokens, in
# the same order, as `_normal_words` returns.
_WORD_TOKEN = re.compile(r"[^\s%s]*[^\s%s][^\s]*" % (re.escape(_PUNCT), re.escape(_PUNCT)))
_SPACES = re.compile(r"[ \t]{2,}")
_ONLY_PUNCT = re.compile(r"^[\s\"'“”‘’«»>:.,…\-–—]*$")

Grams = set[tuple[str, ...]]


def _normal_words(text: str) -> list[str]:
    return _PUNCT_RE.sub("", text.lower()).split()


def _grams(words: list[str], n: int = MIN_WORDS):
    return zip(*(words[k:] for k in range(n)))


_PROBE = MIN_WORDS // 2


class Quotable:
    """What a later reply could quote of one comment. A repeated run of 8 words always
    contains a 4-word block starting at a multiple of 4 in the reply, so testing those blocks
    against the ancestor's 4-grams alone cannot miss a quote; the exact 8-gram test runs only
    when that cheap test hits."""

    __slots__ = ("words", "probes")

    def __init__(self, text: str) -> None:
        self.words = _normal_words(text)
        w = self.words
        self.probes = set(zip(w, w[1:], w[2:], w[3:]))  # _PROBE == 4, spelled out for speed

    def full(self) -> Grams:
        return set(_grams(self.words, MIN_WORDS))


def split_quotes(text: str, ancestors: list[Quotable]) -> tuple[str, list[str]]:
    """(own words, quotes) of `text`, given what each of its ancestors offers to quote."""
    n = MIN_WORDS
    words = _normal_words(text)
    if len(words) < n:
        return text, []
    blocks = set(zip(words[0::4], words[1::4], words[2::4], words[3::4]))  # aligned _PROBE-word blocks
    if all(a.probes.isdisjoint(blocks) for a in ancestors):
        return text, []
    quoted: Grams = set().union(*(a.full() for a in ancestors))
    if quoted.isdisjoint(_grams(words, n)):
        return text, []
    spans_of = [m.span() for m in _WORD_TOKEN.finditer(text)]
    if len(spans_of) != len(words):  # defensive: tokenisations disagree, do it token by token
        kept = [(m.span(), w) for m in _TOKEN.finditer(text) if (w := m.group().lower().translate(_DROP_PUNCT))]
        spans_of, words = [sp for sp, _ in kept], [w for _, w in kept]
    spans: list[list[int]] = []  # [first token, last token]
    for i, gram in enumerate(_grams(words, n)):
        if gram in quoted:
            if spans and i <= spans[-1][1] + 1:
                spans[-1][1] = i + n - 1
            else:
                spans.append([i, i + n - 1])
    quotes: list[str] = []
    pieces: list[str] = []
    cursor = 0
    for first, last in spans:
        start, end = spans_of[first][0], spans_of[last][1]
        quotes.append(text[start:end])
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return _tidy("".join(pieces)), quotes


def _tidy(text: str) -> str:
    """Collapse what removing a quote leaves behind: double spaces, empty paragraphs, stray
    quote marks or `>` on their own."""
    paragraphs = []
    for para in text.split("\n\n"):
        lines = [_SPACES.sub(" ", line).strip() for line in para.split("\n")]
        lines = [line for line in lines if line and not _ONLY_PUNCT.match(line)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)
