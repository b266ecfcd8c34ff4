"""Comment bodies that arrive as HTML (Coral's rich-text editor, platform exports) as plain text.

The model learned from plain text, so markup must go before scoring: tags out, entities
decoded, block elements and `<br>` as line breaks, and what the commenter quoted
(`<blockquote>`) kept apart from their own words, as the dump parser does with `quotes`.
Standard library only (`html.parser`): it never raises on broken markup, it just reads on.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                     "tr", "table", "section", "article", "header", "footer", "hr"})
_SKIPPED = frozenset({"script", "style", "head", "title", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def looks_like_html(body: str) -> bool:
    """True when the body carries at least one tag (plain text with a `<` does not)."""
    return "<" in body and _TAG.search(body) is not None


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.own: list[str] = []
        self.quotes: list[list[str]] = []
        self._quote_depth = 0
        self._skip_depth = 0

    def _sink(self) -> list[str]:
        return self.quotes[-1] if self._quote_depth else self.own

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag == "blockquote":
            if self._quote_depth == 0:
                self.quotes.append([])
            self._quote_depth += 1
        elif tag in _BLOCKS:
            self._sink().append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self._sink().append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(self._skip_depth - 1, 0)
        elif tag == "blockquote":
            self._quote_depth = max(self._quote_depth - 1, 0)
            self.own.append("\n")
        elif tag in _BLOCKS:
            self._sink().append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._sink().append(data)


def _tidy(parts: list[str]) -> str:
    """Spaces collapsed inside lines, blank lines and edge whitespace dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(body: str) -> tuple[str, list[str]]:
    """(the author's own text, the passages they quoted) of an HTML or plain-text body.

    Plain text passes through with entities decoded (`AT&amp;T` -> `AT&T`: Coral's
    plain-text format strips tags but keeps entities)."""
    if not looks_like_html(body):
        return _tidy([html.unescape(body)]), []
    collector = _TextCollector()
    collector.feed(body)
    collector.close()
    quotes = [q for q in (_tidy(parts) for parts in collector.quotes) if q]
    return _tidy(collector.own), quotes
