"""Find the article in the part of a dump above the comments, leaving site chrome out.

Saved pages carry navigation and promotion around the story: icon rows, section labels,
"Related Articles", newsletter sign-ups, publisher blurbs, back-to-top links. Those lines are
recognised by their shape, not by site, so pages from sites we have never seen still work.
"""

from __future__ import annotations

import re

from .thread import Article

_SENTENCE_END = re.compile(r"[.!?…]['\"’”)]*$")
_SOURCE = re.compile(r"^(?:source|via|originally published (?:in|by|at|on)|reposted from|first published (?:in|by|at|on))\s*:?\s+(?P<name>.+?)\s*$", re.I)
_TAGS = re.compile(r"^(?:tags?|tagged|filed under|topics?|keywords?)\s*:\s*(?P<tags>.+)$", re.I)
# Lines that are page furniture wherever they appear in the article part.
_CHROME_LINE = re.compile(
    r"^(?:back to top(?: button)?|advertisement|advertising|share(?: this(?: article| story)?)?:?|"
    r"tweet|print|email|like this:?|loading\.\.\.|read more|skip to (?:main )?content|"
    r"follow us(?: on .*)?|click here.*|all rights reserved.*|copyright\b.*|©.*|menu|search|"
    r"log ?in|sign ?in|register|subscribe|home|(?:\d+|no|one|two|three) comments?|comments?|"
    r"(?:photo|image|credit|file photo)\s*:.*)$",
    re.I,
)
# Lines after which nothing belongs to the story (related links, sign-up boxes, blurbs).
_TRAILER_START = re.compile(
    r"^(?:related(?: articles| posts| stories| news)?|more (?:from|on|stories)\b.*|you may also like|"
    r"recommended(?: for you)?|read next|trending(?: now)?|most read|popular(?: posts)?|"
    r".*\bnewsletters?\b.*|sign up\b.*|subscribe (?:to|for)\b.*)$",
    re.I,
)
_THOUGHTS_ON = re.compile(
    r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:thoughts?|comments?|responses?|replies)"
    r"(?:\s+(?:on|to)\s+.+)?$",
    re.I,
)


def is_thread_preamble(line: str) -> bool:
    """`12 thoughts on “Title”`, `3 Comments`: the heading of the comment section."""
    return bool(_THOUGHTS_ON.match(line.strip()))


def _is_trailer_start(line: str) -> bool:
    """A short heading-like line (`Related Articles`, `New X newsletter: …`), not a sentence
    of the story that happens to mention a newsletter."""
    return len(line.split()) <= 12 and not _SENTENCE_END.search(line) and bool(_TRAILER_START.match(line))


def _is_icon_row(line: str) -> bool:
    return line.lower().count("icon") >= 3


def _is_section_label(line: str) -> bool:
    """`LibyaPolitics`, `World | Middle East`, `Home > News`: navigation, not a headline."""
    words = line.split()
    if any(sep in line for sep in (" > ", " | ", " / ", " » ", " › ")) and len(words) <= 8:
        return True
    return len(words) <= 2 and not _SENTENCE_END.search(line) and len(line) <= 40


def _split_tags(raw: str) -> list[str]:
    return [t.strip() for t in re.split(r"\s*[,;]\s*|\s+#", raw.strip().lstrip("#")) if t.strip()]


def _is_indented_tag_line(raw_line: str) -> bool:
    """An indented comma-separated list of short items, no sentence: the page's tag line."""
    if not raw_line[:1].isspace():
        return False
    items = [t.strip() for t in raw_line.strip().split(",")]
    return len(items) >= 2 and all(0 < len(t.split()) <= 4 for t in items) and not _SENTENCE_END.search(raw_line.strip())


def parse_article(lines: list[str]) -> Article:
    """The article from the lines above the comment thread (raw lines, indentation kept)."""
    article = Article()
    kept: list[tuple[str, str]] = []  # (stripped, raw)
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if kept and _is_trailer_start(line):
            break
        if _CHROME_LINE.match(line) or _is_icon_row(line) or is_thread_preamble(line):
            continue
        source = _SOURCE.match(line)
        if source and (":" in line or len(line.split()) <= 6):
            article.source = source.group("name")
            continue
        tags = _TAGS.match(line)
        if tags:
            article.tags = _split_tags(tags.group("tags"))
            continue
        kept.append((line, raw))
    # Trailing indented tag line (`  Libya, Russia, peace talks`).
    if kept and not article.tags and _is_indented_tag_line(kept[-1][1]):
        article.tags = _split_tags(kept.pop()[1])
    paragraphs = [line for line, _ in kept]
    # Section labels and breadcrumbs sit above the headline.
    while len(paragraphs) > 1 and _is_section_label(paragraphs[0]):
        paragraphs.pop(0)
    if not paragraphs:
        return article
    article.title = paragraphs.pop(0)
    # Some pages repeat the headline (once in the header, once above the story).
    while paragraphs and paragraphs[0] == article.title:
        paragraphs.pop(0)
    if paragraphs and len(paragraphs[0].split()) <= 30 and not _SENTENCE_END.search(paragraphs[0]) and len(paragraphs) > 1:
        article.subtitle = paragraphs.pop(0)
    article.body = "\n\n".join(paragraphs)
    return article
