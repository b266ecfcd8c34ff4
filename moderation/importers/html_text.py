"""HTML fragments from platform exports (Disqus messages, WordPress comments, HN text) as
the plain text the model reads: tags gone, entities unescaped, paragraphs kept.

Standard-library `html.parser` only: the fragments are small and the parser never fetches or
executes anything. Paragraph-level tags and blank lines become paragraph breaks (`\\n\\n`,
the toolkit's paragraph separator), `<br>` a line break, and a link keeps its words and its
address (`words (https://…)`), or just the address when the words are the address itself,
as Disqus and HN shorten long URLs in the visible text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr", "table", "section", "article", "figure", "figcaption", "hr", "dd", "dt"})
_DROP = frozenset({"script", "style", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_PARA = "\x00P"  # placeholders, so source newlines and tags are merged in one place at the end
_BR = "\x00B"
_BR_NEWLINE = re.compile("\x00B[ \t]*\n?")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0
        self._links: list[tuple[str, int]] = []  # (href, index of the first part inside the link)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self._dropping += 1
        elif tag == "br":
            self.parts.append(_BR)
        elif tag in _BLOCKS:
            self.parts.append(_PARA)
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(_BR)
        elif tag in _BLOCKS:
            self.parts.append(_PARA)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append(_PARA)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            words = "".join(self.parts[start:]).strip()
            if href.startswith(("http://", "https://")):
                if not words or _is_address(words, href):
                    self.parts[start:] = [href]
                elif href not in words:
                    self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def _is_address(words: str, href: str) -> bool:
    """`example.com/a-long-pa…` shown for `https://example.com/a-long-path`: the address itself."""
    bare = re.sub(r"^https?://(www\.)?", "", href)
    shown = re.sub(r"^https?://(www\.)?", "", words).rstrip(".…")
    return " " not in words and bool(shown) and bare.startswith(shown)


def html_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, no tags, no entities."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text.replace("\r\n", "\n"))
    text = _BR_NEWLINE.sub("\n", text).replace(_PARA, "\n\n")  # `<br />` then a newline: one break
    text = _AROUND_NEWLINE.sub("\n", text)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def plain_line(fragment: str | None) -> str:
    """A name or title on one line: tags and entities gone, whitespace collapsed."""
    if not fragment:
        return ""
    return " ".join(html_text(fragment).split())


def unescape(text: str | None) -> str:
    """Entities only (Reddit's Markdown arrives with `&amp;`, `&lt;`, `&gt;` escaped)."""
    return html.unescape(text or "").strip()
