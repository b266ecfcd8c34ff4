"""The articles a live service knows, so off-topic scores have a target.

Coral sends a story's id and URL, never its text. `moderate serve --articles DIR` reads, once
at start-up (no disk reads while answering):

- tables (`.csv`, `.jsonl`) with a `url` column: one article per row, its text from `title` and
  `text` (or `body`), or from `file`, a thread dump (path relative to the table); an optional
  `story_id` column matches Coral's story id as well;
- thread dumps (`.txt`): matched by file name against the last segment of the story URL
  (`https://news.example/2024/harbour-ferry-fares` -> `harbour-ferry-fares.txt`).

URLs match without scheme, `www.`, query string, fragment or trailing slash, so the
`?utm_source=` a CMS adds does not hide the article.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError
from ..thread import Article


def normalize_url(url: str) -> str:
    """`https://WWW.News.example/a/b/?x=1#c` -> `news.example/a/b`."""
    url = url.strip()
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"{host}{port}{parts.path.rstrip('/')}"


def url_slug(url: str) -> str:
    """The last path segment without extension: what a dump's file name is matched against."""
    path = urlsplit(url.strip() if "//" in url else "//" + url.strip()).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    for suffix in (".html", ".htm", ".php", ".aspx"):
        if last.lower().endswith(suffix):
            last = last[: -len(suffix)]
    return last.lower()


@dataclass
class ArticleRegistry:
    """Article text by normalised URL, by Coral story id, and by dump file name."""

    by_url: dict[str, Article] = field(default_factory=dict)
    by_story_id: dict[str, Article] = field(default_factory=dict)
    by_slug: dict[str, Article] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len({id(a) for a in (*self.by_url.values(), *self.by_story_id.values(), *self.by_slug.values())})

    def lookup(self, story_url: str = "", story_id: str = "") -> Article | None:
        """The story's article, or None when the registry does not know it."""
        if story_id and story_id in self.by_story_id:
            return self.by_story_id[story_id]
        if story_url:
            found = self.by_url.get(normalize_url(story_url))
            if found is not None:
                return found
            slug = url_slug(story_url)
            if slug:
                return self.by_slug.get(slug)
        return None


def _dump_article(path: Path) -> Article:
    from ..inputs import parse_thread

    return parse_thread(path).article


def load_articles(directory: str | Path | None) -> ArticleRegistry:
    """Read every table and dump under `directory` (recursively); an empty registry for None."""
    registry = ArticleRegistry()
    if directory is None:
        return registry
    root = Path(directory)
    if not root.is_dir():
        raise InputError("not a directory", path=root, hint="pass the folder holding the article dumps or tables")
    from ..reading import read_text
    from ..tables import TABLE_SUFFIXES, iter_rows

    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix == ".txt":
            registry.by_slug[path.stem.lower()] = _dump_article(path)
        elif suffix in TABLE_SUFFIXES:
            rows = list(iter_rows(read_text(path), str(path)))
            if rows and "url" not in rows[0][1]:
                registry.warnings.append(f"{path}: no 'url' column; not an article table, skipped")
                continue
            for line, row in rows:
                if not row.get("url", "").strip():
                    raise InputError("row has no url", path=path, line=line)
                if row.get("file", "").strip():
                    article = _dump_article(path.parent / row["file"].strip())
                else:
                    article = Article(title=row.get("title", "").strip(),
                                      body=(row.get("text") or row.get("body") or "").strip())
                if not article.text:
                    raise InputError("row gives no article text (title, text/body or file)", path=path, line=line)
                registry.by_url[normalize_url(row["url"])] = article
                if row.get("story_id", "").strip():
                    registry.by_story_id[row["story_id"].strip()] = article
    return registry


def warn_all(registry: ArticleRegistry) -> None:
    for w in registry.warnings:
        print(f"warning: {w}", file=sys.stderr)
