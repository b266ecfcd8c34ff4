"""Tell a reply's own words from the text it repeats of an earlier comment.

Readers quote by copy-paste: a sentence of the parent (or any ancestor) appears verbatim in the
reply, usually followed by the answer to it. A run of at least `MIN_WORDS` words in common with
an ancestor is a quote; shorter overlaps ("I agree with you on that") are ordinary language.
Words are compared without case and surrounding punctuation, so `globe.` matches `globe`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

MIN_WORDS = 8
_TOKEN = re.compile(r"\S+")
_PUNCT = "\"'“”‘’«»()[]{}<>.,;:!?…*_-–—"
_SPACES = re.compile(r"[ \t]{2,}")
_ONLY_PUNCT = re.compile(r"^[\s\"'“”‘’«»>:.,…\-–—]*$")


def _words(text: str) -> list[str]:
    return [t.strip(_PUNCT).lower() for t in text.split()]


def ngram_keys(text: str, n: int = MIN_WORDS) -> Iterable[int]:
    """Hashes of every run of `n` consecutive words: what a later reply could quote."""
    words = _words(text)
    return (hash(tuple(words[i:i + n])) for i in range(len(words) - n + 1))


def split_quotes(text: str, quoted: Container[int], n: int = MIN_WORDS) -> tuple[str, list[str]]:
    """(own words, quotes) of `text`, given the n-gram keys of its ancestors."""
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) < n:
        return text, []
    words = [t.group().strip(_PUNCT).lower() for t in tokens]
    spans: list[list[int]] = []  # [first token, last token]
    for i in range(len(words) - n + 1):
        if hash(tuple(words[i:i + n])) in quoted:
            if spans and i <= spans[-1][1] + 1:
                spans[-1][1] = i + n - 1
            else:
                spans.append([i, i + n - 1])
    if not spans:
        return text, []
    quotes: list[str] = []
    pieces: list[str] = []
    cursor = 0
    for first, last in spans:
        start, end = tokens[first].start(), tokens[last].end()
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
