"""Platform exports as Threads: Disqus XML, WordPress WXR, Reddit thread JSON, Hacker News
(Algolia) item JSON. The format is told from the content, not the file name, so an export
saved as `.txt` still reads right.

XML exports are streamed from the file (never read whole), so `--max-size` does not apply to
them; JSON exports are read whole, as JSON must be, so it does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from ..errors import ParseError
from ..thread import Thread
from .records import ImportOptions

__all__ = ["ImportOptions", "sniff", "STREAMED", "import_chunks", "import_json", "HEAD_BYTES"]

HEAD_BYTES = 64 * 1024  # WordPress puts a long comment before <rss>; its namespaces are on <rss>
STREAMED = ("disqus", "wxr")

_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.:-]*)([^>]*)")
_WP_NAMESPACE = re.compile(r"wordpress\.(?:org|com)/export/\d")
_HN_HEAD = re.compile(r'"type"\s*:\s*"(?:story|poll|job)"')


def sniff(head: str, name: str = "") -> str | None:
    """`disqus`, `wxr`, `reddit`, `hackernews`, `json` (a .json file to look inside) or None
    (not a platform export: a dump or a table) from the first bytes of the input."""
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        rest = text
        while (m := _PROLOG.match(rest)) is not None:
            rest = rest[m.end():]
        root = _ROOT.match(rest)
        if root:
            local = root.group(1).rsplit(":", 1)[-1]
            if local == "disqus":
                return "disqus"
            if local == "rss" and _WP_NAMESPACE.search(root.group(2)):
                return "wxr"
        if name.lower().endswith(".xml"):
            return "xml"
        return None
    if text.startswith("["):
        if '"Listing"' in text and '"t3"' in text:
            return "reddit"
    elif text.startswith("{") and '"children"' in text and _HN_HEAD.search(text):
        return "hackernews"
    if name.lower().endswith(".json") and text.startswith(("[", "{")):
        return "json"
    return None


def import_chunks(kind: str, chunks: Iterable[bytes], name: str, options: ImportOptions) -> Iterator[Thread]:
    """Threads of a streamed XML export, one at a time."""
    if kind == "disqus":
        from .disqus import iter_disqus

        return iter_disqus(chunks, name, options)
    if kind == "wxr":
        from .wxr import iter_wxr

        return iter_wxr(chunks, name, options)
    raise ParseError("XML, but neither a Disqus export (<disqus>) nor a WordPress export "
                     "(<rss> with the wordpress.org/export/ namespace)", path=name,
                     hint="export comments from Disqus or WordPress, or save the page as text")


def import_json(kind: str, text: str, name: str, options: ImportOptions) -> list[Thread] | None:
    """Threads of a Reddit or HN JSON export; None when the JSON is neither and may be a table."""
    from .hackernews import looks_like_hn, read_hackernews
    from .reddit import looks_like_reddit, read_reddit

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\n{" in text.strip() and text.lstrip().startswith("{"):
            return None  # several objects, one a line: a JSONL table saved as .json
        raise ParseError(f"not valid JSON: {exc.msg} (column {exc.colno})", path=name, line=exc.lineno,
                         hint="the file is cut short or damaged; download it again") from None
    if looks_like_reddit(data):
        return read_reddit(data, name, options)
    if looks_like_hn(data):
        return read_hackernews(data, name, options)
    if isinstance(data, dict):
        return None
    raise ParseError("JSON, but neither a Reddit thread (a list: submission Listing, then comments) nor a "
                     "Hacker News item (an object with `type` and `children`)", path=name,
                     hint="save a Reddit comments page's .json, or fetch the story from the HN Algolia items API")
