"""Safe, streaming XML for the platform exports: defusedxml's SAX reader fed in chunks.

Safe: entity declarations and external references are refused (no billion-laughs, no file
or network reads), which is what `defusedxml` guarantees. Streaming: no element tree is ever
built; a handler sees one start/end/text event at a time and keeps only the fields of the
post it is inside, so memory does not grow with the file. The caller gets a generator, so an
importer can hand back each thread as soon as it is complete (WordPress items) or after the
last byte (Disqus, whose posts are not grouped by thread).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import feature_namespaces

from ..errors import InputError, ParseError

CHUNK = 1 << 20

_FAMILIES = (
    ("disqus.com/disqus-internals", "dsq:"),
    ("wordpress.org/export/1.", "wp:"),
    ("wordpress.com/export/1.", "wp:"),
    ("purl.org/rss/1.0/modules/content", "content:"),
    ("purl.org/dc/elements", "dc:"),
)


def file_chunks(path: Path) -> Iterator[bytes]:
    """The file's bytes, a megabyte at a time."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


class Handler:
    """Base for the export readers: element names as `prefix:local` by namespace family
    (`wp:comment_id` whichever `export/1.x` the file uses), the current line, and the text
    of the element being closed when `capturing` is on.

    Its methods are installed straight on the defused expat parser (see `_parser`), skipping
    the SAX layer's per-element objects: a third of the import time otherwise."""

    ROOT = ""  # the export's root element, checked as soon as it opens
    ROOT_HINT = ""  # what to pass instead, when it is something else

    def __init__(self, name: str) -> None:
        self.name = name
        self.root_seen = False
        self.depth = 0
        self.capturing = False
        self.expat: Any = None
        self._text: list[str] = []
        self._names: dict[str, str] = {}
        self.done: list[Any] = []

    def key(self, raw: str) -> str:
        """`http://wordpress.org/export/1.2/ comment_id wp` (expat's form) → `wp:comment_id`."""
        found = self._names.get(raw)
        if found is None:
            parts = raw.split(" ")
            uri, local = (parts[0], parts[1]) if len(parts) > 1 else ("", parts[0])
            prefix = next((p for family, p in _FAMILIES if family in uri), "") if uri else ""
            if prefix == "wp:" and uri.rstrip("/").endswith("excerpt"):
                prefix = "excerpt:"
            found = self._names[raw] = prefix + local
        return found

    def line(self) -> int | None:
        return self.expat.CurrentLineNumber if self.expat is not None else None

    def on_start(self, raw: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self._text:
            self._text = []
        name = self._names.get(raw) or self.key(raw)
        if self.depth == 1:
            if name != self.ROOT:
                raise ParseError(f"root element is <{name}>, not <{self.ROOT}>", path=self.name, line=self.line(),
                                 hint=self.ROOT_HINT)
            self.root_seen = True
        self.start(name, attrs)

    def require_root(self) -> None:
        """After the whole input: an empty or root-less document is an error, not no threads."""
        if not self.root_seen:
            raise ParseError(f"no <{self.ROOT}> element", path=self.name, hint=self.ROOT_HINT)

    def on_end(self, raw: str) -> None:
        text = ""
        if self._text:
            text = "".join(self._text) if self.capturing else ""
            self._text = []
        self.end(self._names.get(raw) or self.key(raw), text)
        self.depth -= 1

    def on_text(self, content: str) -> None:
        if self.capturing:
            self._text.append(content)

    def start(self, name: str, attrs: dict[str, str]) -> None:  # pragma: no cover - overridden
        pass

    def end(self, name: str, text: str) -> None:  # pragma: no cover - overridden
        pass


def attribute(attrs: dict[str, str], local: str) -> str | None:
    """An attribute by local name whatever its namespace (`dsq:id`, which expat names
    `http://disqus.com/disqus-internals id dsq`)."""
    for name, value in attrs.items():
        parts = name.split(" ")
        if (parts[1] if len(parts) > 1 else parts[0]) == local:
            return value
    return None


def _parser(handler: Handler):
    """defusedxml's expat reader (entities and external references refused), namespaces on,
    with the handler's methods as expat's callbacks."""
    from defusedxml.expatreader import DefusedExpatParser

    class Parser(DefusedExpatParser):
        def reset(self) -> None:
            super().reset()  # a fresh expat parser with defusedxml's refusing handlers set
            expat = self._parser
            expat.StartElementHandler = handler.on_start
            expat.EndElementHandler = handler.on_end
            expat.CharacterDataHandler = handler.on_text
            # One text event per run of text instead of one per line: fewer Python calls.
            expat.buffer_text = True
            expat.buffer_size = 1 << 16
            handler.expat = expat

    parser = Parser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    return parser


def stream(chunks: Iterable[bytes], handler: Handler, name: str) -> Iterator[Any]:
    """Feed the chunks to a safe parser, yielding what the handler finishes as it finishes it."""
    from defusedxml import DefusedXmlException

    parser = _parser(handler)
    hint = "the export is cut short or damaged: export it again, or check the line named"
    try:
        for chunk in chunks:
            parser.feed(chunk)
            if handler.done:
                done, handler.done = handler.done, []
                yield from done
        parser.close()
    except SAXParseException as exc:
        raise ParseError(f"not well-formed XML: {exc.getMessage()} (column {exc.getColumnNumber() + 1})",
                         path=name, line=exc.getLineNumber(), hint=hint) from None
    except DefusedXmlException as exc:
        expat = getattr(parser, "_parser", None)
        line = getattr(expat, "CurrentLineNumber", None)
        raise ParseError(f"refused: the XML declares entities or external references ({type(exc).__name__})",
                         path=name, line=line, hint="platform exports never need them; remove the DOCTYPE") from None
    if handler.done:
        done, handler.done = handler.done, []
        yield from done
