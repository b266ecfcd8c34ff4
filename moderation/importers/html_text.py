"""HTML fragments from platform exports (Disqus messages, WordPress comments, HN text) as
the plain text the model reads: tags gone, entities unescaped, paragraphs kept.

Standard library only (a tag tokenizer and `html.unescape`): nothing is fetched or executed,
and a million-post export converts several times faster than through `html.parser`.
Paragraph-level tags and blank lines become paragraph breaks (`\\n\\n`, the toolkit's
paragraph separator), `<br>` a line break, `<script>`/`<style>` and comments vanish, and a link
keeps its words and its address (`words (https://…)`), or just the address when the words are
the address itself, as Disqus and HN shorten long URLs in the visible text.
"""

from __future__ import annotations

import html
import re

_BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr", "table", "section", "article", "figure", "figcaption", "hr", "dd", "dt"})
_SPACES = re.compile(r"[\t\r\f\v\u00a0][ \t\r\f\v\u00a0]*| [ \t\r\f\v\u00a0]+")  # not lone spaces: fast
_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_PARA = "\x00P"  # placeholders, so source newlines and tags are merged in one place at the end
_BR = "\x00B"
_BR_NEWLINE = re.compile("\x00B[ \t]*\n?")
# A tag as browsers read one: a letter right after `<` (so `a < b` and `<3` stay text),
# attributes whose quoted values may hold `>`.
_TAG = re.compile(r"""<(/?)([A-Za-z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(/?)>""")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_DROPPED = re.compile(r"<!--.*?(?:-->|$)|<(script|style|template)\b.*?(?:</\1\s*>|$)", re.S | re.I)


def _is_address(words: str, href: str) -> bool:
    """`example.com/a-long-pa…` shown for `https://example.com/a-long-path`: the address itself."""
    bare = re.sub(r"^https?://(www\.)?", "", href)
    shown = re.sub(r"^https?://(www\.)?", "", words).rstrip(".…")
    return " " not in words and bool(shown) and bare.startswith(shown)


def _close_link(parts: list[str], href: str, start: int) -> None:
    words = "".join(parts[start:]).strip()
    if href.startswith(("http://", "https://")):
        if not words or _is_address(words, href):
            parts[start:] = [href]
        elif href not in words:
            parts.append(f" ({href})")


def html_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, no tags, no entities.

    A tokenizer over tags, not a full HTML parser: comment fragments are small and flat, and
    this is several times faster than `html.parser` on a million-post export.
    """
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    if "<!--" in fragment or "<s" in fragment.lower() or "<t" in fragment.lower():
        fragment = _DROPPED.sub("", fragment)
    parts: list[str] = []
    links: list[tuple[str, int]] = []
    position = 0
    for match in _TAG.finditer(fragment):
        if match.start() > position:
            parts.append(html.unescape(fragment[position:match.start()]))
        position = match.end()
        closing, tag = match.group(1), match.group(2).lower()
        if tag == "br":
            parts.append(_BR)
        elif tag in _BLOCKS:
            parts.append(_PARA)
        elif tag == "a":
            if not closing and not match.group(4):
                found = _HREF.search(match.group(3))
                href = html.unescape(next((g for g in found.groups() if g is not None), "")) if found else ""
                links.append((href, len(parts)))
            elif closing and links:
                href, start = links.pop()
                _close_link(parts, href, start)
    if position < len(fragment):
        parts.append(html.unescape(fragment[position:]))
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    # each rewrite only when its pattern can occur: this runs once per post of an export
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    text = _SPACES.sub(" ", text)
    if "\x00" in text:
        text = _BR_NEWLINE.sub("\n", text).replace(_PARA, "\n\n")  # `<br />` then a newline: one break
    if "\n" in text:
        text = _AROUND_NEWLINE.sub("\n", text)
        if "\n\n\n" in text:
            text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def plain_line(fragment: str | None) -> str:
    """A name or title on one line: tags and entities gone, whitespace collapsed."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    return " ".join(html_text(fragment).split())


def unescape(text: str | None) -> str:
    """Entities only (Reddit's Markdown arrives with `&amp;`, `&lt;`, `&gt;` escaped)."""
    return html.unescape(text or "").strip()
